// combinators_test.cpp — every send descriptor combinator over the simulated
// network: what each puts on the wire, what each emits, how they compose (in
// either order), SendNext and keep_waiting through use_handler, block2
// reassembly with inspect, block1 uploads, and per-request transmission.
#include "async_fixture.hpp"
#include "coap/content_format.hpp"
#include "coap/request.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace coap {
namespace {

using test::AsyncPair;
using test::body_of;
using test::send;

template <class D>
Result<typename D::value_type, Error> run_send(AsyncPair& pair, D descriptor,
                                               std::string_view uri = "coap://10.0.0.2/r") {
    auto task = send(pair.remote(uri), std::move(descriptor));
    if (!pair.run(task)) throw std::runtime_error("the send never finished");
    return task.result();
}

TEST(Combinators, AcceptContentFormatAndAddOptionReachTheServer) {
    AsyncPair pair;
    const std::byte opaque[] = {std::byte{1}, std::byte{2}};
    ASSERT_TRUE(run_send(pair, Request::post()
                                   .accept(content_formats::json)
                                   .content_format(content_formats::cbor)
                                   .add_option(OptionNumber::if_none_match, std::string_view{})
                                   .add_option(OptionNumber::size1, 77u)
                                   .add_option(OptionNumber::if_match, opaque)
                                   .add_option(OptionNumber::uri_query, "k=v"))
                    .ok());  // 2.05 is a POST success
    const MessageView& m = pair.seen.at(0).message.view();
    EXPECT_EQ(m.accept(), std::optional<std::uint16_t>(content_formats::json));
    EXPECT_EQ(m.content_format(), std::optional<std::uint16_t>(content_formats::cbor));
    EXPECT_TRUE(m.if_none_match());
    EXPECT_EQ(m.size1(), std::optional<std::uint32_t>(77));
    ASSERT_TRUE(m.find(OptionNumber::if_match));
    EXPECT_EQ(m.find(OptionNumber::if_match)->value.size(), 2u);
    EXPECT_EQ(m.string_option(OptionNumber::uri_query), std::optional<std::string_view>("k=v"));
    EXPECT_EQ(test::path_of(m), "/r");  // the remote's own options are still there
}

TEST(Combinators, PayloadAndPayloadWriter) {
    AsyncPair pair;
    std::string echoed;
    pair.on_request = [&](RequestContext& ctx) {
        const auto p = ctx.message().payload();
        echoed.assign(reinterpret_cast<const char*>(p.data()), p.size());
        (void)ctx.respond(codes::changed);
    };
    ASSERT_TRUE(run_send(pair, Request::put().payload("hello")).ok());
    EXPECT_EQ(echoed, "hello");
    int writes = 0;
    ASSERT_TRUE(run_send(pair, Request::put().payload_writer([&](MessageWriter& w) {
                    ++writes;
                    w.payload("generated");
                })).ok());
    EXPECT_EQ(echoed, "generated");
    EXPECT_EQ(writes, 1);
}

TEST(Combinators, NonconfirmableSendsNon) {
    AsyncPair pair;
    ASSERT_TRUE(run_send(pair, Request::get().nonconfirmable()).ok());
    const auto wire = pair.wire(pair.client_node, pair.server_node);
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_EQ(wire[0].message->type(), MessageType::non_confirmable);
    const auto back = pair.wire(pair.server_node, pair.client_node);
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].message->type(), MessageType::non_confirmable);  // §5.2.3
}

TEST(Combinators, EmittersChooseTheValue) {
    AsyncPair pair;
    pair.on_request = [](RequestContext& ctx) {
        if (test::path_of(ctx.message()) == "/missing")
            (void)ctx.respond(codes::not_found, "nope");
        else
            (void)ctx.respond(codes::content, "body", content_formats::text_plain);
    };
    const auto any = run_send(pair, Request::get().emit_any_response(), "coap://10.0.0.2/missing");
    ASSERT_TRUE(any.ok());
    EXPECT_EQ(any->code(), codes::not_found);
    EXPECT_EQ(any->payload_text(), "nope");

    const auto code = run_send(pair, Request::get().emit_msg_code(), "coap://10.0.0.2/missing");
    ASSERT_TRUE(code.ok());
    EXPECT_EQ(*code, codes::not_found);

    const auto ok = run_send(pair, Request::get().emit_successful_response());
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->payload_text(), "body");
    EXPECT_EQ(ok->view().content_format(),
              std::optional<std::uint16_t>(content_formats::text_plain));

    const auto failed =
        run_send(pair, Request::get().emit_successful_response(), "coap://10.0.0.2/missing");
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().kind, ErrorKind::resource_not_found);
}

TEST(Combinators, IncludeSocketAddrPairsTheValueWithTheResponder) {
    AsyncPair pair;
    const auto result = run_send(pair, Request::get().emit_msg_code().include_socket_addr());
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->first, codes::content);
    EXPECT_EQ(result->second, AsyncPair::server_address());
}

TEST(Combinators, InspectSeesEveryResponseInEitherOrder) {
    AsyncPair pair;
    std::vector<Code> before;
    std::vector<Code> after;
    const auto a =
        run_send(pair, Request::get()
                           .inspect([&](const InboundContext& c) { before.push_back(c.code()); })
                           .emit_msg_code());
    const auto b = run_send(pair, Request::get().emit_msg_code().inspect(
                                      [&](const InboundContext& c) { after.push_back(c.code()); }));
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(before, std::vector<Code>{codes::content});
    EXPECT_EQ(after, std::vector<Code>{codes::content});
}

TEST(Combinators, UseHandlerCanSendNextWithTheSameToken) {
    AsyncPair pair;
    int calls = 0;
    const auto result = run_send(
        pair, Request::get().use_handler([&](const InboundResult& r) -> HandlerResult<int> {
            if (!r) return Err{r.error()};
            if (++calls < 3) return send_next;
            return done(calls);
        }));
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(*result, 3);
    const auto wire = pair.wire(pair.client_node, pair.server_node);
    ASSERT_EQ(wire.size(), 3u);
    EXPECT_TRUE(std::equal(wire[0].message->token().begin(), wire[0].message->token().end(),
                           wire[2].message->token().begin(), wire[2].message->token().end()));
    EXPECT_NE(wire[0].message->message_id(), wire[1].message->message_id());
    EXPECT_NE(wire[1].message->message_id(), wire[2].message->message_id());
}

TEST(Combinators, UseHandlerKeepWaitingEndsWithTimeoutWhenNothingMoreComes) {
    AsyncPair pair;
    int responses = 0;
    const auto result = run_send(
        pair, Request::get().use_handler([&](const InboundResult& r) -> HandlerResult<Done> {
            if (!r) return Err{r.error()};
            ++responses;
            return keep_waiting;
        }));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::response_timeout);
    EXPECT_EQ(responses, 1);
    EXPECT_EQ(pair.client.endpoint().stats().exchanges_in_use, 0u);
}

TEST(Combinators, UseHandlerCanTurnATimeoutIntoAValue) {
    AsyncPair pair;
    pair.net.partition(pair.client_node, pair.server_node);
    const auto result =
        run_send(pair, Request::get().use_handler([](const InboundResult& r) -> HandlerResult<int> {
            if (!r && r.error().kind == ErrorKind::response_timeout) return done(-1);
            return done(1);
        }));
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(*result, -1);
}

TEST(Combinators, UseHandlerCanRetryAfterAFailureInANewExchange) {
    AsyncPair pair;
    pair.net.partition(pair.client_node, pair.server_node);
    int failures = 0;
    auto task = send(pair.remote(),
                     Request::get().use_handler([&](const InboundResult& r) -> HandlerResult<int> {
                         if (r) return done(failures);
                         ++failures;
                         return send_next;  // start over
                     }));
    task.start();
    pair.net.run_until([&] { return failures == 1; }, pair.net.now() + seconds(600));
    pair.net.heal_all();
    ASSERT_TRUE(pair.run(task));
    const auto result = task.result();
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(*result, 1);
}

TEST(Combinators, Block2CollectsEveryBlockAndInspectSeesEachOne) {
    AsyncPair pair;
    const std::string body = body_of(5000);
    pair.on_request = [&](RequestContext& ctx) {
        (void)ctx.respond_body(codes::content, body,
                               BodyOptions{.content_format = content_formats::text_plain});
    };
    std::vector<std::uint32_t> blocks;
    const auto result = run_send(pair, Request::get()
                                           .block2(BlockValue::with_size(0, false, 256).value())
                                           .emit_successful_collected_response()
                                           .inspect([&](const InboundContext& c) {
                                               if (auto b = c.message().block2())
                                                   blocks.push_back(b->num());
                                           }));
    ASSERT_TRUE(result.ok()) << to_string(result.error());
    EXPECT_EQ(result->payload_text(), body);
    EXPECT_FALSE(result->view().block2().has_value());
    EXPECT_EQ(result->view().content_format(),
              std::optional<std::uint16_t>(content_formats::text_plain));
    std::vector<std::uint32_t> expected(20);
    std::iota(expected.begin(), expected.end(), 0u);
    EXPECT_EQ(blocks, expected);  // 5000 / 256 → 20 blocks
    // Early negotiation: every request asked for 256-byte blocks.
    for (const auto& request : pair.seen)
        EXPECT_EQ(request.message->block2()->size(), 256u);
    // One exchange: every block request carries the same token.
    const auto wire = pair.wire(pair.client_node, pair.server_node);
    ASSERT_EQ(wire.size(), 20u);
    for (const auto& w : wire)
        EXPECT_TRUE(std::equal(w.message->token().begin(), w.message->token().end(),
                               wire[0].message->token().begin(), wire[0].message->token().end()));
}

TEST(Combinators, Block2FollowsTheServersSmallerBlockSize) {
    AsyncPair pair;
    const std::string body = body_of(3000);
    pair.on_request = [&](RequestContext& ctx) {
        (void)ctx.respond_body(codes::content, body, BodyOptions{.max_block_size = 512});
    };
    const auto result =
        run_send(pair, Request::get().block2(std::nullopt).emit_successful_collected_response());
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->payload_text(), body);
    EXPECT_FALSE(pair.seen.at(0).message->block2().has_value());  // late negotiation
    EXPECT_EQ(pair.seen.at(1).message->block2()->size(), 512u);
    EXPECT_EQ(pair.seen.size(), 6u);
}

TEST(Combinators, Block2RestartsWhenTheRepresentationChanges) {
    AsyncPair pair;
    std::string body = body_of(2000);
    int served = 0;
    pair.on_request = [&](RequestContext& ctx) {
        if (++served == 3) body = body_of(1990) + "CHANGED!!!";  // new ETag mid-transfer
        (void)ctx.respond_body(codes::content, body, BodyOptions{.max_block_size = 256});
    };
    const auto result =
        run_send(pair, Request::get().block2(std::nullopt).emit_successful_collected_response());
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->payload_text(), body);
}

TEST(Combinators, CollectedResponseIsBoundedInSize) {
    AsyncPair pair;
    const std::string body = body_of(4000);
    pair.on_request = [&](RequestContext& ctx) {
        (void)ctx.respond_body(codes::content, body, BodyOptions{.max_block_size = 1024});
    };
    const auto result = run_send(
        pair, Request::get().block2(std::nullopt).emit_successful_collected_response(2048));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::out_of_space);
}

TEST(Combinators, Block1UploadsInBlocksAndFollowsASmallerSize) {
    AsyncPair pair;
    const std::string body = body_of(2500);
    std::string assembled;
    pair.on_request = [&](RequestContext& ctx) {
        const auto block = ctx.message().block1();
        const auto p = ctx.message().payload();
        if (!block) {
            assembled.assign(reinterpret_cast<const char*>(p.data()), p.size());
            (void)ctx.respond(codes::changed);
            return;
        }
        if (block->offset() == assembled.size())
            assembled.append(reinterpret_cast<const char*>(p.data()), p.size());
        // This server prefers 256-byte blocks (RFC 7959 §2.5): it says so in its
        // 2.31 for the block it received.
        const BlockValue acknowledged = BlockValue::make(block->num(), block->more(), 4).value();
        const Code code = block->more() ? codes::continue_ : codes::changed;
        (void)ctx.respond(code, [&](MessageWriter& w) {
            w.option_uint(OptionNumber::block1,
                          block->more() ? acknowledged.to_uint() : block->to_uint());
        });
    };
    const auto result = run_send(
        pair, Request::put().payload(body).block1(BlockValue::with_size(0, true, 1024).value()));
    ASSERT_TRUE(result.ok()) << to_string(result.error());
    EXPECT_EQ(assembled, body);
    EXPECT_EQ(pair.seen.at(0).message->size1(), std::optional<std::uint32_t>(2500));
    EXPECT_EQ(pair.seen.at(0).message->block1()->size(), 1024u);
    // RFC 7959 Figure 5: after 1024 bytes the next block is NUM 4 of 256 bytes.
    EXPECT_EQ(pair.seen.at(1).message->block1()->size(), 256u);
    EXPECT_EQ(pair.seen.at(1).message->block1()->num(), 4u);
    EXPECT_EQ(pair.seen.size(), 1u + (2500u - 1024u + 255u) / 256u);
}

TEST(Combinators, Block1WithASmallPayloadSendsNoBlockOption) {
    AsyncPair pair;
    pair.on_request = [](RequestContext& ctx) { (void)ctx.respond(codes::changed); };
    ASSERT_TRUE(run_send(pair, Request::put().payload("small").block1()).ok());
    EXPECT_FALSE(pair.seen.at(0).message->block1().has_value());
}

TEST(Combinators, UriHostPathReplacesTheRemotesUri) {
    AsyncPair pair;
    ASSERT_TRUE(run_send(pair, Request::get().uri_host_path("virtual.example", "/a/b/c")).ok());
    const MessageView& m = pair.seen.at(0).message.view();
    EXPECT_EQ(m.uri_host(), std::optional<std::string_view>("virtual.example"));
    EXPECT_EQ(test::path_of(m), "/a/b/c");
}

TEST(Combinators, TransmissionOverridesTimeoutsForOneRequest) {
    AsyncPair pair;
    pair.net.partition(pair.client_node, pair.server_node);
    TransmissionParameters quick;
    quick.ack_timeout = seconds(1);
    quick.max_retransmit = 1;
    const Instant start = pair.net.now();
    const auto result = run_send(pair, Request::get().transmission(quick));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::response_timeout);
    // 1 retransmission: timeouts t and 2t with t in [1, 1.5] s.
    EXPECT_LE(pair.net.now() - start, milliseconds(4500));
    EXPECT_EQ(pair.wire(pair.client_node, pair.server_node).size(), 2u);  // one retransmission
    EXPECT_EQ(pair.net.stats().dropped_partition, 2u);
}

TEST(Combinators, ComposeInAnyOrderAtCompileTime) {
    // Types are resolved statically: no erasure until the Driver.
    auto a = Request::get().nonconfirmable().accept(0).emit_msg_code().include_socket_addr();
    auto b = Request::get().accept(0).include_socket_addr().nonconfirmable();
    static_assert(std::is_same_v<decltype(a)::value_type, std::pair<Code, Address>>);
    static_assert(std::is_same_v<decltype(b)::value_type, std::pair<Done, Address>>);
    static_assert(SendDescriptor<decltype(a)>);
    static_assert(!decltype(a)::is_multicast);
    static_assert(decltype(Request::get().multicast())::is_multicast);
    static_assert(decltype(Request::get().block2())::has_block2);
    static_assert(decltype(Request::get().uri_host_path("h", "p"))::sets_uri);
    AsyncPair pair;
    const auto ra = run_send(pair, std::move(a));
    const auto rb = run_send(pair, std::move(b));
    ASSERT_TRUE(ra.ok());
    ASSERT_TRUE(rb.ok());
    EXPECT_EQ(ra->first, codes::content);
    EXPECT_EQ(rb->second, AsyncPair::server_address());
}

}  // namespace
}  // namespace coap
