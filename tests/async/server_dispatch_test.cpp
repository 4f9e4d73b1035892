// server_dispatch_test.cpp — a ResourceTree served by a Driver over the
// simulated network: routing (exact, wildcard, rest, precedence) as a client
// sees it, method dispatch, 4.04, 4.05, the request context's facts, and the
// 5.00 a request gets when its handler neither answers nor defers.
#include "server_harness.hpp"

#include "coap/content_format.hpp"

#include <gtest/gtest.h>

#include <string>

namespace coap {
namespace {

using test::ServerFixture;

// Answers with the pattern that routed the request, so the client sees it.
void echo_route(RequestContext& ctx) {
    std::string text = ctx.route().pattern->text();
    for (std::size_t i = 0; ctx.wildcard(i); ++i)
        text += " [" + std::string(*ctx.wildcard(i)) + "]";
    if (!ctx.rest().empty()) text += " rest=" + ctx.rest_path();
    (void)ctx.respond(codes::content, text, content_formats::text_plain);
}

class Dispatch : public ::testing::Test {
  protected:
    Dispatch() {
        for (const char* route : {"/", "/sensors/temp", "/sensors/{name}", "/files/*",
                                  "/files/public/*", "/things/*/state"})
            s.tree.add(route).get(echo_route);
    }
    std::string routed(std::string_view path) {
        const auto response = s.await(s.get(path));
        if (!response) return "(no response)";
        if (response->code() != codes::content)
            return std::string(dotted(response->code()).data(), 4);
        return response->payload();
    }
    ServerFixture s;
};

TEST_F(Dispatch, RoutesToTheMostSpecificResource) {
    EXPECT_EQ(routed("/"), "/");
    EXPECT_EQ(routed("/sensors/temp"), "/sensors/temp");
    EXPECT_EQ(routed("/sensors/light"), "/sensors/{name} [light]");
    EXPECT_EQ(routed("/files"), "/files/*");
    EXPECT_EQ(routed("/files/a/b.txt"), "/files/* rest=a/b.txt");
    EXPECT_EQ(routed("/files/public/x"), "/files/public/* rest=x");
    EXPECT_EQ(routed("/things/lamp/state"), "/things/*/state [lamp]");
}

TEST_F(Dispatch, UnknownPathsGet404) {
    EXPECT_EQ(routed("/nothing"), "4.04");
    EXPECT_EQ(routed("/sensors"), "4.04");
    EXPECT_EQ(routed("/sensors/a/b"), "4.04");
    EXPECT_EQ(routed("/things/lamp"), "4.04");
}

TEST_F(Dispatch, MissingMethodGets405AndAnyServesTheRest) {
    s.tree.add("/sensors/temp").put([](RequestContext& ctx) {
        (void)ctx.respond(codes::changed, "put");
    });
    s.tree.add("/any").any([](RequestContext& ctx) {
        (void)ctx.respond(codes::content, std::string(code_name(ctx.method())));
    });
    const auto post = s.await(s.send(codes::post, "/sensors/temp"));
    ASSERT_TRUE(post);
    EXPECT_EQ(post->code(), codes::method_not_allowed);
    const auto put = s.await(s.send(codes::put, "/sensors/temp"));
    ASSERT_TRUE(put);
    EXPECT_EQ(put->code(), codes::changed);
    EXPECT_EQ(put->payload(), "put");
    const auto del = s.await(s.send(codes::delete_, "/any"));
    ASSERT_TRUE(del);
    EXPECT_EQ(del->code(), codes::content);
    EXPECT_EQ(del->payload(), "DELETE");
    // A resource that was added with no handler at all allows no method.
    s.tree.add("/bare");
    const auto bare = s.await(s.get("/bare"));
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->code(), codes::method_not_allowed);
}

TEST_F(Dispatch, TheContextCarriesTheRequestsFacts) {
    bool ran = false;
    s.tree.add("/facts").post([&](RequestContext& ctx) {
        ran = true;
        EXPECT_EQ(ctx.peer(), ServerFixture::client_address());
        EXPECT_FALSE(ctx.multicast());
        EXPECT_TRUE(ctx.confirmable());
        EXPECT_EQ(ctx.method(), codes::post);
        EXPECT_EQ(ctx.path_string(), "/facts");
        ASSERT_EQ(ctx.path().size(), 1u);
        EXPECT_EQ(ctx.query("a"), "1");
        EXPECT_EQ(ctx.query("flag"), "");
        EXPECT_EQ(ctx.query("b"), "x=y");
        EXPECT_FALSE(ctx.has_query("missing"));
        EXPECT_EQ(ctx.queries().size(), 3u);
        EXPECT_EQ(ctx.message().content_format(), content_formats::json);
        EXPECT_EQ(test::text_of(ctx.message().payload()), "{}");
        EXPECT_EQ(ctx.now(), s.net.now());
        EXPECT_FALSE(ctx.answered());
        EXPECT_TRUE(ctx.respond(codes::changed).ok());
        EXPECT_TRUE(ctx.answered());
        // Answering twice is refused.
        EXPECT_EQ(ctx.respond(codes::content).error(), LocalError::already_answered);
    });
    const auto id = s.send(codes::post, "/facts", [](MessageWriter& w) {
        w.option(OptionNumber::uri_query, "a=1");
        w.option(OptionNumber::uri_query, "flag");
        w.option(OptionNumber::uri_query, "b=x=y");
        w.option_uint(OptionNumber::content_format, content_formats::json);
        w.payload("{}");
    });
    const auto response = s.await(id);
    EXPECT_TRUE(ran);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->code(), codes::changed);
    // Answered inside the handler: piggybacked on the ACK, one datagram.
    EXPECT_EQ(response->type(), MessageType::acknowledgement);
    EXPECT_EQ(s.server_sent().size(), 1u);
}

TEST_F(Dispatch, AHandlerThatNeitherAnswersNorDefersCosts500) {
    s.tree.add("/forgetful").get([](RequestContext&) {});
    const auto response = s.await(s.get("/forgetful"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->code(), codes::internal_server_error);
    EXPECT_EQ(response->type(), MessageType::acknowledgement);
}

TEST_F(Dispatch, ANonRequestGetsANonResponse) {
    const auto response = s.await(s.get("/sensors/temp", {}, false));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->type(), MessageType::non_confirmable);
    EXPECT_EQ(response->payload(), "/sensors/temp");
}

TEST_F(Dispatch, IgnoreAcknowledgesACon) {
    s.tree.add("/quiet").get([](RequestContext& ctx) { EXPECT_TRUE(ctx.ignore().ok()); });
    const auto id = s.get("/quiet");
    s.run_for(seconds(1));
    const auto sent = s.server_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_TRUE(sent[0].is(MessageType::acknowledgement, codes::empty));
    EXPECT_EQ(sent[0].at.ms, 10);  // at once, not after empty_ack_delay
    EXPECT_FALSE(s.response_to(id));
}

}  // namespace
}  // namespace coap
