// server_discovery_test.cpp — GET /.well-known/core from a served tree over the
// simulated network (RFC 6690 §4): the document with Content-Format 40, §4.1
// filtering (href, rt, prefix '*'), 4.05 / 4.06 / 4.00, silence towards a
// multicast query that selects nothing (RFC 7252 §8.2.2), and a document too
// large for one message sent in Block2 blocks.
#include "server_harness.hpp"

#include "coap/content_format.hpp"

#include <gtest/gtest.h>

#include <string>

namespace coap {
namespace {

using test::Extra;
using test::ServerFixture;

Extra query(std::string_view text) {
    return [text](MessageWriter& w) { w.option(OptionNumber::uri_query, text); };
}

void ok(RequestContext& ctx) {
    (void)ctx.respond(codes::content);
}

class Discovery : public ::testing::Test {
  protected:
    Discovery() {
        s.tree.add("/sensors/temp").rt("temperature-c").if_("sensor").obs().get(ok);
        s.tree.add("/sensors/light").rt("light-lux").if_("sensor").get(ok);
        s.tree.add("/config").ct(50).title("Settings").get(ok);
    }
    ServerFixture s;
};

TEST_F(Discovery, ListsTheResourcesAsLinkFormat) {
    const auto response = s.await(s.get("/.well-known/core"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->code(), codes::content);
    EXPECT_EQ(response->view().content_format(), content_formats::link_format);
    EXPECT_EQ(response->payload(), R"(</sensors/temp>;rt="temperature-c";if="sensor";obs,)"
                                   R"(</sensors/light>;rt="light-lux";if="sensor",)"
                                   R"(</config>;ct=50;title="Settings")");
    EXPECT_FALSE(response->view().block2());
}

TEST_F(Discovery, FiltersByHrefAttributeAndPrefix) {
    const auto by_href = s.await(s.get("/.well-known/core", query("href=/config")));
    ASSERT_TRUE(by_href);
    EXPECT_EQ(by_href->payload(), R"(</config>;ct=50;title="Settings")");

    const auto by_rt = s.await(s.get("/.well-known/core", query("rt=light-lux")));
    ASSERT_TRUE(by_rt);
    EXPECT_EQ(by_rt->payload(), R"(</sensors/light>;rt="light-lux";if="sensor")");

    const auto by_prefix = s.await(s.get("/.well-known/core", query("href=/sensors/*")));
    ASSERT_TRUE(by_prefix);
    EXPECT_EQ(by_prefix->payload(), R"(</sensors/temp>;rt="temperature-c";if="sensor";obs,)"
                                    R"(</sensors/light>;rt="light-lux";if="sensor")");

    const auto rt_prefix = s.await(s.get("/.well-known/core", query("rt=temp*")));
    ASSERT_TRUE(rt_prefix);
    EXPECT_EQ(rt_prefix->payload(), R"(</sensors/temp>;rt="temperature-c";if="sensor";obs)");
}

TEST_F(Discovery, AnEmptySelectionIsAnEmptyDocumentForUnicast) {
    const auto response = s.await(s.get("/.well-known/core", query("rt=nothing")));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->code(), codes::content);
    EXPECT_EQ(response->payload(), "");
    EXPECT_EQ(response->view().content_format(), content_formats::link_format);
}

TEST_F(Discovery, ErrorsForOtherMethodsFormatsAndQueries) {
    const auto post = s.await(s.send(codes::post, "/.well-known/core"));
    ASSERT_TRUE(post);
    EXPECT_EQ(post->code(), codes::method_not_allowed);
    const auto json = s.await(s.get("/.well-known/core", [](MessageWriter& w) {
        w.option_uint(OptionNumber::accept, content_formats::json);
    }));
    ASSERT_TRUE(json);
    EXPECT_EQ(json->code(), codes::not_acceptable);
    const auto link = s.await(s.get("/.well-known/core", [](MessageWriter& w) {
        w.option_uint(OptionNumber::accept, content_formats::link_format);
    }));
    ASSERT_TRUE(link);
    EXPECT_EQ(link->code(), codes::content);
    const auto bad = s.await(s.get("/.well-known/core", query("rt")));
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->code(), codes::bad_request);
}

TEST_F(Discovery, MulticastQueryThatSelectsSomethingIsAnswered) {
    s.join_group();
    const RequestId id = s.multicast_get("/.well-known/core", query("rt=light-lux"));
    const auto response = s.await(id);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->payload(), R"(</sensors/light>;rt="light-lux";if="sensor")");
}

TEST_F(Discovery, MulticastQueryThatSelectsNothingIsNotAnswered) {
    s.join_group();
    bool saw_request = false;
    s.tree.add("/seen").get(ok);  // only to prove the server is listening
    const RequestId id = s.multicast_get("/.well-known/core", query("rt=nothing"));
    s.run_for(seconds(30));
    EXPECT_FALSE(s.response_to(id));
    EXPECT_TRUE(s.server_sent().empty());
    EXPECT_EQ(s.driver.endpoint().stats().exchanges_in_use, 0u);
    // The same server does answer a multicast query it can serve.
    const RequestId other = s.multicast_get("/seen");
    saw_request = s.await(other).has_value();
    EXPECT_TRUE(saw_request);
}

TEST(DiscoveryLarge, ADocumentLargerThanABlockGoesInBlocks) {
    ServerFixture s;
    for (int i = 0; i < 60; ++i)
        s.tree.add("/sensors/s" + std::to_string(i)).rt("temperature-c").if_("sensor").get(ok);
    const std::string expected = s.tree.links();
    ASSERT_GT(expected.size(), 2048u);

    std::string received;
    std::uint32_t num = 0;
    for (int guard = 0; guard < 20; ++guard) {
        const auto response = s.await(s.get("/.well-known/core", [num](MessageWriter& w) {
            w.option_uint(OptionNumber::block2, BlockValue::make(num, false, 6).value().to_uint());
        }));
        ASSERT_TRUE(response);
        ASSERT_EQ(response->code(), codes::content);
        const auto block2 = response->view().block2();
        ASSERT_TRUE(block2);
        EXPECT_EQ(block2->num(), num);
        received += response->payload();
        if (!block2->more()) break;
        ++num;
    }
    EXPECT_EQ(received, expected);
    EXPECT_EQ(num, static_cast<std::uint32_t>((expected.size() - 1) / 1024));
}

}  // namespace
}  // namespace coap
