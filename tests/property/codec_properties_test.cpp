// codec_properties_test.cpp — rapidcheck properties of the codec:
//   write then parse gives the same message (options in any order come back sorted);
//   parsing arbitrary bytes never crashes, and what parses re-encodes to bytes that
//   parse to the same message; a too-small buffer fails cleanly without overrun.
#include "coap/message.hpp"
#include "coap/message_writer.hpp"
#include "coap/render.hpp"

#include "owned_message.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <vector>

namespace coap::test {
namespace {

// A vector of `element`s whose length is drawn from [min, max].
template <class T>
rc::Gen<std::vector<T>> gen_vector(std::size_t min, std::size_t max, rc::Gen<T> element) {
    return rc::gen::mapcat(rc::gen::inRange<std::size_t>(min, max + 1), [element](std::size_t n) {
        return rc::gen::container<std::vector<T>>(n, element);
    });
}

rc::Gen<std::vector<std::byte>> gen_bytes(std::size_t n) {
    return rc::gen::map(
        rc::gen::container<std::vector<std::uint8_t>>(n, rc::gen::arbitrary<std::uint8_t>()),
        [](const std::vector<std::uint8_t>& raw) {
            std::vector<std::byte> out(raw.size());
            std::transform(raw.begin(), raw.end(), out.begin(),
                           [](std::uint8_t b) { return std::byte{b}; });
            return out;
        });
}

rc::Gen<std::vector<std::byte>> gen_bytes_upto(std::size_t max) {
    return rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, max + 1),
                           [](std::size_t n) { return gen_bytes(n); });
}

rc::Gen<std::uint16_t> gen_option_number() {
    return rc::gen::oneOf(
        rc::gen::element<std::uint16_t>(1, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 17, 20, 23, 27, 28, 35,
                                        39, 60, 252, 258, 292),
        rc::gen::inRange<std::uint16_t>(0, 300), rc::gen::inRange<std::uint16_t>(0, 65535),
        rc::gen::element<std::uint16_t>(12, 13, 268, 269, 270, 65535));
}

rc::Gen<OwnedOption> gen_option() {
    return rc::gen::build<OwnedOption>(
        rc::gen::set(&OwnedOption::number, gen_option_number()),
        rc::gen::set(
            &OwnedOption::value,
            rc::gen::weightedOneOf<std::vector<std::byte>>(
                {{8, gen_bytes_upto(14)}, {2, gen_bytes_upto(300)}, {1, gen_bytes_upto(1100)}})));
}

rc::Gen<std::uint8_t> gen_non_empty_code() {
    return rc::gen::map(rc::gen::pair(rc::gen::element<std::uint8_t>(0, 2, 4, 5),
                                      rc::gen::inRange<std::uint8_t>(0, 32)),
                        [](std::pair<std::uint8_t, std::uint8_t> p) {
                            const std::uint8_t detail =
                                (p.first == 0 && p.second == 0) ? 1 : p.second;
                            return Code::make(p.first, detail).raw();
                        });
}

rc::Gen<OwnedMessage> gen_message() {
    return rc::gen::mapcat(gen_non_empty_code(), [](std::uint8_t code) {
        const bool request = Code(code).is_request();
        auto types = request
                         ? rc::gen::element(MessageType::confirmable, MessageType::non_confirmable)
                         : rc::gen::element(MessageType::confirmable, MessageType::non_confirmable,
                                            MessageType::acknowledgement);
        return rc::gen::build<OwnedMessage>(
            rc::gen::set(&OwnedMessage::type, types),
            rc::gen::set(&OwnedMessage::code, rc::gen::just(code)),
            rc::gen::set(&OwnedMessage::message_id, rc::gen::arbitrary<std::uint16_t>()),
            rc::gen::set(&OwnedMessage::token, gen_bytes_upto(8)),
            rc::gen::set(&OwnedMessage::options, gen_vector<OwnedOption>(0, 12, gen_option())),
            rc::gen::set(&OwnedMessage::payload, gen_bytes_upto(1200)));
    });
}

RC_GTEST_PROP(CodecProperties, WriteThenParseGivesTheSameMessage, ()) {
    const OwnedMessage m = *gen_message();
    const auto bytes = encode(m);  // options written in the generated (random) order
    RC_ASSERT(bytes.has_value());
    const auto view = MessageView::parse(*bytes);
    RC_ASSERT(view.ok());
    OwnedMessage expected = m;
    expected.options = wire_order(m.options);
    RC_ASSERT(from_view(*view) == expected);
}

RC_GTEST_PROP(CodecProperties, EncodingDoesNotDependOnOptionOrder, ()) {
    const OwnedMessage m = *gen_message();
    OwnedMessage sorted = m;
    sorted.options = wire_order(m.options);
    RC_ASSERT(encode(m) == encode(sorted));
}

RC_GTEST_PROP(CodecProperties, ArbitraryBytesNeverCrashAndReencodeFaithfully, ()) {
    const auto datagram = *rc::gen::weightedOneOf<std::vector<std::byte>>(
        {{1, gen_bytes_upto(64)}, {1, rc::gen::map(gen_message(), [](const OwnedMessage& m) {
                                       auto b = encode(m).value();
                                       return b;
                                   })}});
    // Mutate a few bytes of well-formed messages to land near the edges.
    auto bytes = datagram;
    const auto flips = *gen_vector<std::pair<std::size_t, std::uint8_t>>(
        0, 2, rc::gen::pair(rc::gen::arbitrary<std::size_t>(), rc::gen::arbitrary<std::uint8_t>()));
    for (auto [at, value] : flips) {
        if (!bytes.empty()) bytes[at % bytes.size()] = std::byte{value};
    }
    for (bool extended : {false, true}) {
        const auto view =
            MessageView::parse(bytes, ParseOptions{.extended_token_length = extended});
        if (!view.ok()) {
            RC_ASSERT(view.error().offset <= bytes.size());
            continue;
        }
        (void)to_string(*view);
        (void)check_options(*view);
        const OwnedMessage first = from_view(*view);
        const auto again = encode(first, 70000, extended);
        RC_ASSERT(again.has_value());
        const auto reparsed =
            MessageView::parse(*again, ParseOptions{.extended_token_length = extended});
        RC_ASSERT(reparsed.ok());
        RC_ASSERT(from_view(*reparsed) == first);
    }
}

RC_GTEST_PROP(CodecProperties, SmallBuffersFailCleanlyWithoutOverrun, ()) {
    const OwnedMessage m = *gen_message();
    const auto full = encode(m);
    RC_ASSERT(full.has_value());
    const std::size_t capacity = *rc::gen::inRange<std::size_t>(0, full->size());
    std::vector<std::byte> storage(capacity + 32, std::byte{0xa5});
    MessageWriter writer(gsl::span<std::byte>(storage.data(), capacity), m.type, Code(m.code),
                         m.message_id, m.token);
    for (const OwnedOption& o : m.options)
        writer.option(OptionNumber{o.number}, o.value);
    writer.payload(m.payload);
    const auto size = writer.finish();
    RC_ASSERT(!size.ok());
    RC_ASSERT(size.error() == WriteError::buffer_too_small);
    RC_ASSERT(std::all_of(storage.begin() + static_cast<std::ptrdiff_t>(capacity), storage.end(),
                          [](std::byte b) { return b == std::byte{0xa5}; }));
}

}  // namespace
}  // namespace coap::test
