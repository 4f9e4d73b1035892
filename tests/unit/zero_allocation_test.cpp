// zero_allocation_test.cpp — proves that parsing, option access, writing and
// rendering allocate nothing: global operator new is counted in this binary.
#include "coap/message.hpp"
#include "coap/message_writer.hpp"
#include "coap/render.hpp"

#include "hex.hpp"

#include "allocation_counter.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace coap {
namespace {

TEST(ZeroAllocation, CounterSeesAllocations) {
    const auto bytes = test::from_hex("40 01 7d 34");
    const auto view = MessageView::parse(bytes);
    ASSERT_TRUE(view.ok());
    const long before = test::allocations_so_far();
    const std::string text = to_string(*view);          // the hosted convenience does allocate
    EXPECT_GE(test::allocations_so_far() - before, 1);  // so the counter itself works
    EXPECT_FALSE(text.empty());
}

TEST(ZeroAllocation, ParseAccessWriteAndRenderAllocateNothing) {
    const auto request =
        test::concat(test::from_hex("44 01 7d 34 01 02 03 04 b7"), test::bytes_of("sensors"));
    const auto response =
        test::concat(test::from_hex("64 45 12 34 01 02 03 04 44 a1 b2 c3 d4 81 32 21 1e ff"),
                     std::vector<std::byte>(64, std::byte{'x'}));
    std::array<std::byte, 256> out{};
    std::array<char, 512> text{};
    const auto token = test::from_hex("01020304");
    const auto etag = test::from_hex("a1b2c3d4");
    const long before = test::allocations_so_far();
    std::size_t checksum = 0;
    for (int i = 0; i < 1000; ++i) {
        for (const auto* datagram : {&request, &response}) {
            const auto view = MessageView::parse(*datagram);
            ASSERT_TRUE(view.ok());
            for (const OptionView& o : view->options())
                checksum += o.value.size();
            checksum += view->content_format().value_or(0) + view->max_age_or_default();
            checksum += view->uri_path().size() + (check_options(*view) ? 1u : 0u);
            checksum += render(*view, text);
        }
        MessageWriter w(out, MessageType::acknowledgement, codes::content, 0x1234, token);
        w.option_uint(OptionNumber::max_age, 30).option(OptionNumber::etag, etag);
        w.option_uint(OptionNumber::content_format, 50).payload("hello");
        checksum += w.finish().value();
    }
    EXPECT_EQ(test::allocations_so_far() - before, 0);
    EXPECT_GT(checksum, 0u);
    const auto response_view = MessageView::parse(response);
    ASSERT_TRUE(response_view.ok());
    EXPECT_EQ(response_view->max_age(), 30u);  // the sample really carries Max-Age
    EXPECT_EQ(response_view->content_format(), 50);
}

}  // namespace
}  // namespace coap
