// client_commands_test.cpp — the client subcommands (get, put, post, delete,
// fetch, patch, ipatch, observe, discover, ping) run with run_client() against
// `cobalt serve`'s Server, or a stand-in peer, on the simulated network:
// outputs, status lines, exit codes and what goes on the wire, in virtual time.
#include "cli_world.hpp"
#include "client_session.hpp"
#include "content_format_names.hpp"
#include "exit_codes.hpp"
#include "pretty_print.hpp"
#include "serve_resources.hpp"

#include <coap/block_body.hpp>
#include <coap/message.hpp>
#include <coap/request_context.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace {

using cli_test::CliWorld;
using cli_test::read_file;
using cli_test::write_file;
namespace exit_code = cobalt_cli::exit_code;

TEST(ClientCommands, GetAFileWithItsContentFormatAndEtag) {
    CliWorld world;
    write_file(world.dir.path() / "hello.txt", "hello, world");
    const auto result = world.run({"get", "-v", CliWorld::base() + "/hello.txt"});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    EXPECT_EQ(result.out, "hello, world");
    EXPECT_NE(result.err.find("2.05 Content"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("Content-Format: 0"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("ETag"), std::string::npos) << result.err;
}

TEST(ClientCommands, AMatchingEtagIsAnswered203Valid) {
    CliWorld world;
    write_file(world.dir.path() / "a.json", R"({"a":1})");
    const auto etag = coap::etag_of(
        gsl::span<const std::byte>(reinterpret_cast<const std::byte*>(R"({"a":1})"), 7));
    std::string hex;
    for (const std::byte b : etag.bytes()) {
        static constexpr char digits[] = "0123456789abcdef";
        hex += digits[std::to_integer<unsigned>(b) >> 4];
        hex += digits[std::to_integer<unsigned>(b) & 0xf];
    }
    const auto valid = world.run({"get", "--etag", hex, CliWorld::base() + "/a.json"});
    EXPECT_EQ(valid.exit_code, exit_code::ok) << valid.err;
    EXPECT_NE(valid.err.find("2.03 Valid"), std::string::npos) << valid.err;
    const auto stale =
        world.run({"get", "--etag", "0102", "--pretty", CliWorld::base() + "/a.json"});
    EXPECT_EQ(stale.exit_code, exit_code::ok);
    EXPECT_EQ(stale.out, "{\n  \"a\": 1\n}\n");
}

TEST(ClientCommands, MissingFileExitsWith4xxCode) {
    CliWorld world;
    const auto result = world.run({"get", CliWorld::base() + "/nothing-here"});
    EXPECT_EQ(result.exit_code, exit_code::client_error);
    EXPECT_NE(result.err.find("4.04 Not Found"), std::string::npos) << result.err;
    EXPECT_TRUE(result.out.empty());
}

TEST(ClientCommands, PutCreatesThenChangesAndDeleteRemoves) {
    CliWorld world;
    const std::string uri = CliWorld::base() + "/notes/today.txt";
    const auto created = world.run({"put", "--payload", "first", uri});
    EXPECT_EQ(created.exit_code, exit_code::ok) << created.err;
    EXPECT_NE(created.err.find("2.01 Created"), std::string::npos) << created.err;
    EXPECT_EQ(read_file(world.dir.path() / "notes" / "today.txt"), "first");

    const auto changed = world.run({"put", "--payload", "second", uri});
    EXPECT_EQ(changed.exit_code, exit_code::ok) << changed.err;
    EXPECT_NE(changed.err.find("2.04 Changed"), std::string::npos) << changed.err;
    EXPECT_EQ(world.run({"get", uri}).out, "second");

    const auto deleted = world.run({"delete", uri});
    EXPECT_EQ(deleted.exit_code, exit_code::ok) << deleted.err;
    EXPECT_NE(deleted.err.find("2.02 Deleted"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(world.dir.path() / "notes" / "today.txt"));
    EXPECT_EQ(world.run({"delete", uri}).exit_code, exit_code::client_error);
}

TEST(ClientCommands, IfNoneMatchAndIfMatchArePreconditions) {
    CliWorld world;
    const std::string uri = CliWorld::base() + "/p.txt";
    // If-None-Match: only when it does not exist (§5.10.8.2).
    EXPECT_EQ(world.run({"put", "--if-none-match", "--payload", "v1", uri}).exit_code,
              exit_code::ok);
    const auto refused = world.run({"put", "--if-none-match", "--payload", "v2", uri});
    EXPECT_EQ(refused.exit_code, exit_code::client_error);
    EXPECT_NE(refused.err.find("4.12 Precondition Failed"), std::string::npos) << refused.err;
    EXPECT_EQ(read_file(world.dir.path() / "p.txt"), "v1");
    // If-Match with a stale ETag fails; an empty If-Match means "exists" (§5.10.8.1).
    EXPECT_EQ(world.run({"put", "--if-match", "0badbeef", "--payload", "v3", uri}).exit_code,
              exit_code::client_error);
    EXPECT_EQ(world.run({"put", "--if-match", "", "--payload", "v4", uri}).exit_code,
              exit_code::ok);
    EXPECT_EQ(read_file(world.dir.path() / "p.txt"), "v4");
    EXPECT_EQ(world.run({"put", "--if-match", "", "--payload", "x", CliWorld::base() + "/new.txt"})
                  .exit_code,
              exit_code::client_error);
}

TEST(ClientCommands, PayloadFromAFile) {
    CliWorld world;
    cli_test::TempDir local;
    const std::string content = "{\"from\":\"a file\"}\n";
    write_file(local.path() / "body.json", content);
    const auto result = world.run({"put", "--content-format", "json", "--payload",
                                   "@" + (local.path() / "body.json").string(),
                                   CliWorld::base() + "/uploaded.json"});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    EXPECT_EQ(read_file(world.dir.path() / "uploaded.json"), content);
    const auto missing =
        world.run({"put", "--payload", "@/nonexistent/cobalt/file", CliWorld::base() + "/x"});
    EXPECT_EQ(missing.exit_code, exit_code::local_io);
}

TEST(ClientCommands, BlockWiseGetOfLargeIsByteIdentical) {
    CliWorld world;
    const auto before = world.net.trace().size();
    const auto result = world.run({"get", "--block-size", "64", CliWorld::base() + "/large"});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    EXPECT_EQ(result.out, cobalt_cli::large_body(4096));
    // 4096 / 64 = 64 blocks: a request and a response each.
    EXPECT_GE(world.net.trace().size() - before, 128u);
}

TEST(ClientCommands, BlockWiseGetOfALargeBinaryFile) {
    CliWorld world;
    std::string content;
    for (int i = 0; i < 5000; ++i)
        content += static_cast<char>((i * 37) & 0xff);
    write_file(world.dir.path() / "blob.bin", content);
    const auto small = world.run({"get", "--block-size", "256", CliWorld::base() + "/blob.bin"});
    EXPECT_EQ(small.exit_code, exit_code::ok) << small.err;
    EXPECT_EQ(small.out, content);
    const auto plain = world.run({"get", CliWorld::base() + "/blob.bin"});
    EXPECT_EQ(plain.out, content);
}

TEST(ClientCommands, EchoAnswersThePayload) {
    CliWorld world;
    const auto result = world.run({"post", "--content-format", "text/plain;charset=utf-8",
                                   "--payload", "ping?", CliWorld::base() + "/echo"});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    EXPECT_EQ(result.out, "ping?");
    EXPECT_NE(result.err.find("2.05 Content"), std::string::npos);
}

TEST(ClientCommands, SeparateResponseAfterTheDelay) {
    CliWorld world;
    const auto start = world.net.now();
    const auto result = world.run({"get", "-v", CliWorld::base() + "/separate"});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    EXPECT_EQ(result.out, "separate response after 2000 ms");
    EXPECT_GE((world.net.now() - start).ms, 2000);
    // The empty ACK, then the response as a CON of its own.
    EXPECT_NE(result.err.find("ACK 0.00 Empty"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("CON 2.05 Content"), std::string::npos) << result.err;
}

TEST(ClientCommands, DiscoverPrettyPrintsTheLinks) {
    CliWorld world;
    const auto result = world.run({"discover", CliWorld::base()});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    EXPECT_NE(result.out.find("</large>\n    rt=\"block\"\n    ct=0\n    sz=4096\n"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("</time>"), std::string::npos);
    EXPECT_NE(result.out.find("</echo>"), std::string::npos);
    EXPECT_NE(result.out.find("</separate>"), std::string::npos);
    const auto filtered = world.run({"discover", CliWorld::base() + "?rt=echo"});
    EXPECT_EQ(filtered.exit_code, exit_code::ok);
    EXPECT_NE(filtered.out.find("</echo>"), std::string::npos);
    EXPECT_EQ(filtered.out.find("</large>"), std::string::npos) << filtered.out;
}

TEST(ClientCommands, PingAnswersWithTheRoundTrip) {
    CliWorld world;
    const auto result = world.run({"ping", "coap://server.example"});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    EXPECT_EQ(result.out, "pong from [::1]:5683 in 10 ms\n");
}

TEST(ClientCommands, TimeoutWithAPartitionedPeer) {
    CliWorld world;
    world.net.partition(world.client_node, world.server_node);
    const auto start = world.net.now();
    const auto bounded = world.run({"get", "--timeout", "3", CliWorld::base() + "/time"});
    EXPECT_EQ(bounded.exit_code, exit_code::timeout);
    EXPECT_NE(bounded.err.find("timeout"), std::string::npos) << bounded.err;
    EXPECT_EQ((world.net.now() - start).ms, 3000);
    // Without --timeout the CON gives up after MAX_TRANSMIT_WAIT-ish (virtual time).
    const auto unbounded = world.run({"get", CliWorld::base() + "/time"});
    EXPECT_EQ(unbounded.exit_code, exit_code::timeout) << unbounded.err;
    EXPECT_EQ(world.run({"ping", "--timeout", "1", CliWorld::base()}).exit_code,
              exit_code::timeout);
}

TEST(ClientCommands, BadUriAndUnknownHost) {
    CliWorld world;
    EXPECT_EQ(world.run({"get", "coap://h st/"}).exit_code, exit_code::bad_uri);
    EXPECT_EQ(world.run({"get", "not a uri"}).exit_code, exit_code::bad_uri);
    EXPECT_EQ(world.run({"get", "http://example.org/"}).exit_code, exit_code::bad_uri);
    const auto unknown = world.run({"get", "coap://nowhere.invalid/x"});
    EXPECT_EQ(unknown.exit_code, exit_code::unreachable);
    EXPECT_NE(unknown.err.find("nowhere.invalid"), std::string::npos);
    EXPECT_EQ(world.run({"get", "--block-size", "100", CliWorld::base()}).exit_code,
              exit_code::usage);
    EXPECT_EQ(world.run({"get", "--accept", "no/such-type", CliWorld::base()}).exit_code,
              exit_code::usage);
}

TEST(ClientCommands, VerbosePrintsEveryMessageRendered) {
    CliWorld world;
    const auto result = world.run(
        {"get", "-v", "--accept", "text/plain;charset=utf-8", CliWorld::base() + "/time"});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    EXPECT_NE(result.err.find("-- sent to [::1]:5683"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("CON 0.01 GET"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("Uri-Path: \"time\""), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("Accept: 0"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("-- received from [::1]:5683"), std::string::npos);
    EXPECT_NE(result.err.find("ACK 2.05 Content"), std::string::npos);
    // Without -v, only the status line.
    EXPECT_EQ(world.run({"get", CliWorld::base() + "/time"}).err, "2.05 Content\n");
}

TEST(ClientCommands, NonconfirmableRequest) {
    CliWorld world;
    const auto result = world.run({"get", "--non", "-v", CliWorld::base() + "/time"});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    EXPECT_NE(result.err.find("NON 0.01 GET"), std::string::npos);
    EXPECT_NE(result.err.find("NON 2.05 Content"), std::string::npos);
}

TEST(ClientCommands, ObserveStopsAfterCountOrWhenTheServerEnds) {
    CliWorld world;
    // /time is observable: the registration's answer, then one notification a
    // second; --count 3 stops after three values.
    const auto started = world.net.now();
    const auto result = world.run({"observe", "--count", "3", CliWorld::base() + "/time"});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 3) << result.out;
    EXPECT_GE((world.net.now() - started).ms, 2000);
    EXPECT_NE(result.err.find("2.05 Content"), std::string::npos);
    // A resource that is not observable answers without Observe (RFC 7641 §3.2):
    // each answer is a value, and the registration goes again when its Max-Age
    // (60 s by default, plus 5 s) passes; --count 3 stops after the third.
    const auto polled_from = world.net.now();
    const auto once =
        world.run({"observe", "--count", "3", CliWorld::base() + "/.well-known/core"});
    EXPECT_EQ(once.exit_code, exit_code::ok) << once.err;
    std::size_t listings = 0;
    for (auto at = once.out.find("</time>"); at != std::string::npos;
         at = once.out.find("</time>", at + 1))
        ++listings;
    EXPECT_EQ(listings, 3u) << once.out;
    EXPECT_GE((world.net.now() - polled_from).ms, 2 * 65'000);
    const auto missing = world.run({"observe", CliWorld::base() + "/nothing"});
    EXPECT_EQ(missing.exit_code, exit_code::client_error);
}

TEST(ClientCommands, ObservingAFileSeesChangesMadeOnDiskAndItsDeletion) {
    CliWorld world;
    const auto file = world.dir.path() / "watched.txt";
    write_file(file, "one");
    // Behind the server's back (not through CoAP): the file is rewritten 1.5 s
    // after the registration and deleted at 3.5 s; serve checks once a second.
    const auto start = world.net.now();
    world.server_driver.schedule(start + coap::milliseconds(1500),
                                 [&] { write_file(file, "two, longer"); });
    world.server_driver.schedule(start + coap::milliseconds(3500),
                                 [&] { std::filesystem::remove(file); });
    const auto result = world.run(
        {"observe", "--count", "5", "--duration", "20", CliWorld::base() + "/watched.txt"});
    EXPECT_EQ(result.out, "one\ntwo, longer\n") << result.err;
    EXPECT_NE(result.err.find("4.04"), std::string::npos) << result.err;
    EXPECT_EQ(result.exit_code, exit_code::client_error);
    EXPECT_LT((world.net.now() - start).ms, 6000);
}

TEST(ClientCommands, ObserveEndsAfterDurationOrInterrupt) {
    CliWorld world;
    // A server that acknowledges the registration and sends notifications every
    // second (a stand-in until server-side observe lands).
    const auto node = world.net.add_port(
        coap::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 5683));
    coap::Driver observed(world.net.port(node), coap::EndpointConfig{.seed = 77});
    std::vector<std::uint32_t> observe_values;
    observed.set_request_handler([&observe_values](coap::RequestContext& ctx) {
        observe_values.push_back(ctx.message().observe().value_or(99));
        (void)ctx.respond(coap::codes::content, [](coap::MessageWriter& w) {
            w.option_uint(coap::OptionNumber::observe, 1);
            w.payload("first");
        });
    });
    const auto start = world.net.now();
    const auto result = world.run({"observe", "--duration", "2.5", "coap://[::2]/obs"});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    EXPECT_EQ(result.out, "first\n");
    // Leaving deregisters (RFC 7641 §3.6: GET with Observe 1) and waits for its
    // answer, one round trip of the simulated link.
    EXPECT_EQ((world.net.now() - start).ms, 2510);
    EXPECT_EQ(observe_values, (std::vector<std::uint32_t>{0, 1}));
    EXPECT_NE(result.err.find("observation ended"), std::string::npos);

    volatile std::sig_atomic_t interrupted = 1;
    std::vector<std::string> storage{"observe", "coap://[::2]/obs"};
    cobalt_cli::Args args(storage.begin(), storage.end());
    std::ostringstream out;
    std::ostringstream err;
    const int code = cobalt_cli::run_client(world.net.port(world.client_node), args, out, err,
                                            {.seed = 99, .interrupted = &interrupted});
    EXPECT_EQ(code, exit_code::ok) << err.str();
    observed.set_request_handler({});
}

TEST(ClientCommands, ProxyUriAndProxySchemeForms) {
    CliWorld world;
    const auto node = world.net.add_port(
        coap::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}, 5683));
    coap::Driver proxy(world.net.port(node), coap::EndpointConfig{.seed = 78});
    std::vector<std::string> seen;
    proxy.set_request_handler([&seen](coap::RequestContext& ctx) {
        std::string text;
        for (const auto& option : ctx.message().options()) {
            text += std::to_string(coap::to_underlying(option.number)) + "=" +
                    std::string(option.as_string()) + ";";
        }
        seen.push_back(text);
        (void)ctx.respond(coap::codes::content, "via proxy");
    });
    const auto proxied =
        world.run({"get", "--proxy", "coap://[::3]", "http://example.org/a/b?c=d"});
    EXPECT_EQ(proxied.exit_code, exit_code::ok) << proxied.err;
    EXPECT_EQ(proxied.out, "via proxy");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0], "35=http://example.org/a/b?c=d;");
    const auto scheme = world.run(
        {"get", "--proxy", "coap://[::3]", "--proxy-scheme", "coap://example.org:7000/x"});
    EXPECT_EQ(scheme.exit_code, exit_code::ok) << scheme.err;
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[1], "3=example.org;7=\x1b\x58;11=x;39=coap;");
    proxy.set_request_handler({});
}

TEST(ClientCommands, ProgressBarOnlyWhenAsked) {
    CliWorld world;
    std::vector<std::string> storage{"get", "--block-size", "512", CliWorld::base() + "/large"};
    cobalt_cli::Args args(storage.begin(), storage.end());
    std::ostringstream out;
    std::ostringstream err;
    const int code = cobalt_cli::run_client(world.net.port(world.client_node), args, out, err,
                                            {.seed = 31, .progress = true});
    EXPECT_EQ(code, exit_code::ok) << err.str();
    EXPECT_NE(err.str().find("\r[###############               ] 2048/4096 bytes received"),
              std::string::npos)
        << err.str();
    EXPECT_NE(err.str().find("4096/4096 bytes received\n2.05 Content\n"), std::string::npos)
        << err.str();
    // Not for a response of one block, and never without progress (not a tty).
    EXPECT_EQ(world.run({"get", CliWorld::base() + "/time"}).err, "2.05 Content\n");
    EXPECT_EQ(world.run({"get", "--block-size", "512", CliWorld::base() + "/large"}).err,
              "2.05 Content\n");
}

TEST(ClientCommands, BlockWiseUploadWithBlock1AndALargeEcho) {
    CliWorld world;
    // A stand-in for the server side of Block1 (another issue): acknowledges each
    // block with 2.31 Continue and keeps the body.
    const auto node = world.net.add_port(
        coap::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4}, 5683));
    coap::Driver uploads(world.net.port(node), coap::EndpointConfig{.seed = 79});
    std::string body;
    int requests = 0;
    uploads.set_request_handler([&](coap::RequestContext& ctx) {
        ++requests;
        const auto payload = ctx.message().payload();
        body.append(reinterpret_cast<const char*>(payload.data()), payload.size());
        const auto block = ctx.message().block1();
        if (block && block->more()) {
            (void)ctx.respond(coap::codes::continue_, [block](coap::MessageWriter& w) {
                w.option_uint(coap::OptionNumber::block1, block->to_uint());
            });
            return;
        }
        (void)ctx.respond(coap::codes::changed);
    });
    cli_test::TempDir local;
    std::string content;
    for (int i = 0; i < 1000; ++i)
        content += static_cast<char>('a' + i % 26);
    write_file(local.path() / "upload.txt", content);
    const auto result =
        world.run({"put", "--block-size", "128", "--payload",
                   "@" + (local.path() / "upload.txt").string(), "coap://[::4]/upload"});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    EXPECT_EQ(body, content);
    EXPECT_EQ(requests, 8);  // ceil(1000 / 128)
    uploads.set_request_handler({});

    // serve assembles the blocks (ResourceTree's Block1 assembly) and stores
    // the whole file only once the last block arrived.
    const auto stored =
        world.run({"put", "--block-size", "128", "--payload",
                   "@" + (local.path() / "upload.txt").string(), CliWorld::base() + "/upload.txt"});
    EXPECT_EQ(stored.exit_code, exit_code::ok) << stored.err;
    EXPECT_NE(stored.err.find("2.01"), std::string::npos) << stored.err;
    EXPECT_EQ(read_file(world.dir.path() / "upload.txt"), content);
    // And a large echo comes back whole: Block1 up, Block2 down on one POST.
    const auto echoed =
        world.run({"post", "--block-size", "64", "--payload",
                   "@" + (local.path() / "upload.txt").string(), CliWorld::base() + "/echo"});
    EXPECT_EQ(echoed.exit_code, exit_code::ok) << echoed.err;
    EXPECT_EQ(echoed.out, content);
}

TEST(ClientCommands, AFailedBlockWiseDownloadPrintsNoBodyAndFails) {
    CliWorld world;
    // A misbehaving server: /wrong answers every request with block 0 (M set),
    // whatever block was asked for; /changing changes its representation (a new
    // ETag) with every request, more often than the client restarts.
    const auto node = world.net.add_port(
        coap::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5}, 5683));
    coap::Driver faulty(world.net.port(node), coap::EndpointConfig{.seed = 80});
    std::string body;
    for (int i = 0; i < 1000; ++i)
        body += static_cast<char>('a' + i % 26);
    int served = 0;
    faulty.set_request_handler([&](coap::RequestContext& ctx) {
        ++served;
        if (ctx.path_string() == "/wrong") {
            (void)ctx.respond(coap::codes::content, [&](coap::MessageWriter& w) {
                w.option(coap::OptionNumber::etag, std::string_view("E1"));
                w.option_uint(coap::OptionNumber::block2,
                              coap::BlockValue::make(0, true, 2).value().to_uint());
                w.payload(std::string_view(body).substr(0, 64));
            });
            return;
        }
        (void)ctx.respond_body(coap::codes::content, body + std::to_string(served),
                               coap::BodyOptions{.max_block_size = 64});
    });
    const auto wrong = world.run({"get", "coap://[::5]/wrong"});
    EXPECT_EQ(wrong.exit_code, exit_code::failure) << wrong.err;
    EXPECT_TRUE(wrong.out.empty())
        << "a partial body was printed: " << wrong.out.size() << " bytes";
    EXPECT_NE(wrong.err.find("parse error"), std::string::npos) << wrong.err;
    EXPECT_EQ(wrong.err.find("2.05"), std::string::npos) << wrong.err;

    const auto changing = world.run({"get", "--block-size", "64", "coap://[::5]/changing"});
    EXPECT_EQ(changing.exit_code, exit_code::failure) << changing.err;
    EXPECT_TRUE(changing.out.empty())
        << "a mixed body was printed: " << changing.out.size() << " bytes";
    EXPECT_NE(changing.err.find("representation changed"), std::string::npos) << changing.err;
    faulty.set_request_handler({});
}

/// One request as the client put it on the wire.
struct WireRequest {
    coap::MessageType type = coap::MessageType::confirmable;
    coap::Code method;
    std::string payload;
    std::optional<std::uint16_t> accept;
    std::optional<std::uint16_t> content_format;
};

/// The requests the client sent to node `to`, in order, parsed from the packet trace.
std::vector<WireRequest> requests_on_the_wire(const CliWorld& world, coap::sim::NodeId to) {
    std::vector<WireRequest> seen;
    for (const auto& record : world.net.trace().select(
             {.kind = coap::sim::TraceKind::sent, .from = world.client_node, .to = to})) {
        const auto message = coap::MessageView::parse(record.bytes);
        if (!message || !message->code().is_request()) continue;
        const auto payload = message->payload();
        seen.push_back({message->type(), message->code(),
                        std::string(reinterpret_cast<const char*>(payload.data()), payload.size()),
                        message->accept(), message->content_format()});
    }
    return seen;
}

/// A stand-in server on [::6]: answers every request with what it saw
/// ("<method code> <payload>"; 2.05 to GET and FETCH, 2.04 to the others), or
/// with `answer` and `diagnostic` when an answer is set.
struct StandIn {
    explicit StandIn(CliWorld& world)
        : node(world.net.add_port(
              coap::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6}, 5683))),
          driver(world.net.port(node), coap::EndpointConfig{.seed = 81}) {
        driver.set_request_handler([this](coap::RequestContext& ctx) {
            ++handled;
            if (answer) {
                (void)ctx.respond(*answer, diagnostic);
                return;
            }
            const auto payload = ctx.message().payload();
            const auto digits = coap::dotted(ctx.message().code());
            std::string text(digits.begin(), digits.end());
            text += " ";
            text.append(reinterpret_cast<const char*>(payload.data()), payload.size());
            const coap::Code method = ctx.message().code();
            const bool reads = method == coap::codes::get || method == coap::codes::fetch;
            (void)ctx.respond(reads ? coap::codes::content : coap::codes::changed, text);
        });
    }
    ~StandIn() { driver.set_request_handler({}); }
    StandIn(const StandIn&) = delete;
    StandIn& operator=(const StandIn&) = delete;

    static std::string uri(std::string_view path) { return "coap://[::6]" + std::string(path); }

    coap::sim::NodeId node;
    coap::Driver driver;
    std::optional<coap::Code> answer;
    std::string diagnostic;
    int handled = 0;
};

TEST(ClientCommands, FetchPatchAndIpatchSendTheirMethodAndPayload) {
    CliWorld world;
    StandIn server(world);
    const auto fetched = world.run({"fetch", "-v", "--content-format", "json", "--payload",
                                    R"({"q":1})", StandIn::uri("/query")});
    EXPECT_EQ(fetched.exit_code, exit_code::ok) << fetched.err;
    EXPECT_EQ(fetched.out, R"(0.05 {"q":1})");
    EXPECT_NE(fetched.err.find("CON 0.05 FETCH"), std::string::npos) << fetched.err;
    EXPECT_NE(fetched.err.find("2.05 Content\n"), std::string::npos) << fetched.err;

    const auto patched =
        world.run({"patch", "--content-format", "60", "--payload", "p", StandIn::uri("/doc")});
    EXPECT_EQ(patched.exit_code, exit_code::ok) << patched.err;
    EXPECT_EQ(patched.out, "0.06 p");
    EXPECT_EQ(patched.err, "2.04 Changed\n");

    const auto ipatched = world.run({"ipatch", "--non", "--payload", "ip", StandIn::uri("/doc")});
    EXPECT_EQ(ipatched.exit_code, exit_code::ok) << ipatched.err;
    EXPECT_EQ(ipatched.out, "0.07 ip");
    EXPECT_EQ(ipatched.err, "2.04 Changed\n");

    const auto wire = requests_on_the_wire(world, server.node);
    ASSERT_EQ(wire.size(), 3u);
    EXPECT_EQ(wire[0].method, coap::codes::fetch);
    EXPECT_EQ(wire[0].type, coap::MessageType::confirmable);
    EXPECT_EQ(wire[0].payload, R"({"q":1})");
    EXPECT_EQ(wire[0].content_format, std::optional<std::uint16_t>(50));
    EXPECT_EQ(wire[1].method, coap::codes::patch);
    EXPECT_EQ(wire[1].payload, "p");
    EXPECT_EQ(wire[1].content_format, std::optional<std::uint16_t>(60));
    EXPECT_EQ(wire[2].method, coap::codes::ipatch);
    EXPECT_EQ(wire[2].type, coap::MessageType::non_confirmable);
    EXPECT_EQ(wire[2].payload, "ip");
    EXPECT_FALSE(wire[2].content_format);
    EXPECT_EQ(server.handled, 3);
}

TEST(ClientCommands, PatchAnswered205IsNotASuccessAndExitsWithCode1) {
    // RFC 8132 §3: PATCH and iPATCH succeed with 2.04 (or 2.01); 2.05 is not one
    // of their answers, and a FETCH answered 2.04 is not either.
    CliWorld world;
    StandIn server(world);
    server.answer = coap::codes::content;
    server.diagnostic = "not a patch answer";
    const auto patched = world.run({"patch", "--payload", "x", StandIn::uri("/doc")});
    EXPECT_EQ(patched.exit_code, exit_code::failure) << patched.err;
    EXPECT_TRUE(patched.out.empty()) << patched.out;
    EXPECT_NE(patched.err.find("2.05 Content"), std::string::npos) << patched.err;
    server.answer = coap::codes::changed;
    const auto fetched = world.run({"fetch", "--payload", "x", StandIn::uri("/doc")});
    EXPECT_EQ(fetched.exit_code, exit_code::failure) << fetched.err;
    EXPECT_TRUE(fetched.out.empty()) << fetched.out;
    EXPECT_NE(fetched.err.find("2.04 Changed"), std::string::npos) << fetched.err;
}

TEST(ClientCommands, A5xxAnswerExitsWithCode7AndShowsTheDiagnosticOnStderr) {
    CliWorld world;
    StandIn server(world);
    server.answer = coap::codes::internal_server_error;
    server.diagnostic = "disk on fire";
    const auto got = world.run({"get", StandIn::uri("/broken")});
    EXPECT_EQ(got.exit_code, exit_code::server_error) << got.err;
    EXPECT_TRUE(got.out.empty()) << got.out;
    EXPECT_EQ(got.err, "5.00 Internal Server Error\ndisk on fire\n");
    server.answer = coap::codes::service_unavailable;
    server.diagnostic.clear();
    const auto put = world.run({"put", "--payload", "v", StandIn::uri("/busy")});
    EXPECT_EQ(put.exit_code, exit_code::server_error) << put.err;
    EXPECT_EQ(put.err, "5.03 Service Unavailable\n");
    const auto ipatch = world.run({"ipatch", "--payload", "v", StandIn::uri("/busy")});
    EXPECT_EQ(ipatch.exit_code, exit_code::server_error) << ipatch.err;
}

TEST(ClientCommands, AnUnexpectedSuccessCodeExitsWithCode1) {
    CliWorld world;
    StandIn server(world);
    // GET succeeds only with 2.05 or 2.03 (RFC 7252 §5.8.1).
    server.answer = coap::codes::created;
    const auto got = world.run({"get", StandIn::uri("/odd")});
    EXPECT_EQ(got.exit_code, exit_code::failure) << got.err;
    EXPECT_TRUE(got.out.empty()) << got.out;
    EXPECT_NE(got.err.find("2.01 Created"), std::string::npos) << got.err;
    // DELETE succeeds only with 2.02.
    server.answer = coap::codes::content;
    EXPECT_EQ(world.run({"delete", StandIn::uri("/odd")}).exit_code, exit_code::failure);
}

/// A peer that rejects every confirmable message with an RST (§4.2) and counts them.
class Rejecter final : public coap::sim::Node {
  public:
    void handle_datagram(coap::Instant, const coap::Address& peer,
                         gsl::span<const std::byte> datagram, const coap::ArrivalInfo&) override {
        const auto message = coap::MessageView::parse(datagram);
        if (!message || message->type() != coap::MessageType::confirmable) return;
        ++rejected;
        const std::uint16_t id = message->message_id();
        outbox.push_back({peer,
                          {std::byte{0x70}, std::byte{0x00}, static_cast<std::byte>(id >> 8),
                           static_cast<std::byte>(id & 0xff)}});
    }
    void handle_timeout(coap::Instant) override {}
    std::optional<coap::Transmit> poll_transmit(gsl::span<std::byte> buffer) override {
        if (outbox.empty()) return std::nullopt;
        const auto [to, bytes] = outbox.front();
        outbox.erase(outbox.begin());
        std::copy(bytes.begin(), bytes.end(), buffer.begin());
        return coap::Transmit{to, bytes.size()};
    }
    std::optional<coap::Instant> next_timeout() const override { return std::nullopt; }
    bool wants_poll() const override { return !outbox.empty(); }

    int rejected = 0;

  private:
    std::vector<std::pair<coap::Address, std::vector<std::byte>>> outbox;
};

TEST(ClientCommands, AResetFromThePeerExitsWithCode1) {
    CliWorld world;
    auto node = std::make_unique<Rejecter>();
    Rejecter& rejecter = *node;
    world.net.add_node(coap::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7}, 5683),
                       std::move(node));
    const auto start = world.net.now();
    const auto got = world.run({"get", "coap://[::7]/anything"});
    EXPECT_EQ(got.exit_code, exit_code::failure) << got.err;
    EXPECT_TRUE(got.out.empty()) << got.out;
    EXPECT_NE(got.err.find("coap://[::7]/anything"), std::string::npos) << got.err;
    EXPECT_NE(got.err.find("reset"), std::string::npos) << got.err;
    EXPECT_EQ(rejecter.rejected, 1) << "the RST ends the exchange: no retransmission";
    EXPECT_EQ((world.net.now() - start).ms, 10) << "one round trip, not a timeout";
    const auto put = world.run({"put", "--payload", "x", "coap://[::7]/anything"});
    EXPECT_EQ(put.exit_code, exit_code::failure) << put.err;
    EXPECT_EQ(rejecter.rejected, 2);
}

TEST(ClientCommands, AcceptGivenByNumberGoesOnTheWire) {
    CliWorld world;
    StandIn server(world);
    const auto cbor = world.run({"fetch", "-v", "--accept", "60", StandIn::uri("/a")});
    EXPECT_EQ(cbor.exit_code, exit_code::ok) << cbor.err;
    EXPECT_NE(cbor.err.find("Accept: 60"), std::string::npos) << cbor.err;
    // A number with no registered name, above 255: two bytes on the wire.
    EXPECT_EQ(world.run({"get", "--accept", "65000", StandIn::uri("/b")}).exit_code, exit_code::ok);
    const auto wire = requests_on_the_wire(world, server.node);
    ASSERT_EQ(wire.size(), 2u);
    EXPECT_EQ(wire[0].accept, std::optional<std::uint16_t>(60));
    EXPECT_EQ(wire[1].accept, std::optional<std::uint16_t>(65000));
    EXPECT_EQ(world.run({"get", "--accept", "65536", StandIn::uri("/c")}).exit_code,
              exit_code::usage);
    EXPECT_EQ(requests_on_the_wire(world, server.node).size(), 2u) << "nothing sent";
    // And end to end against serve, by number.
    const auto time = world.run({"get", "--accept", "0", CliWorld::base() + "/time"});
    EXPECT_EQ(time.exit_code, exit_code::ok) << time.err;
    const auto to_serve = requests_on_the_wire(world, world.server_node);
    ASSERT_EQ(to_serve.size(), 1u);
    EXPECT_EQ(to_serve[0].accept, std::optional<std::uint16_t>(0));
}

TEST(CliHelpers, ContentFormatNames) {
    EXPECT_EQ(cobalt_cli::parse_content_format("json"), 50);
    EXPECT_EQ(cobalt_cli::parse_content_format("application/link-format"), 40);
    EXPECT_EQ(cobalt_cli::parse_content_format("60"), 60);
    EXPECT_EQ(cobalt_cli::parse_content_format("65000"), 65000);
    EXPECT_FALSE(cobalt_cli::parse_content_format("70000"));
    EXPECT_FALSE(cobalt_cli::parse_content_format("bogus"));
    EXPECT_EQ(cobalt_cli::describe_content_format(50), "50 (application/json)");
    EXPECT_EQ(cobalt_cli::content_format_for_file("a/b.JSON"), 50);
    EXPECT_EQ(cobalt_cli::content_format_for_file("notes.txt"), 0);
    EXPECT_EQ(cobalt_cli::content_format_for_file("Makefile"), 42);
}

TEST(CliHelpers, PrettyJsonAndLinks) {
    EXPECT_EQ(cobalt_cli::pretty_json(R"({"a":[1,{"b":"x,y"}],"c":{}})"),
              "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x,y\"\n    }\n  ],\n  \"c\": {}\n}\n");
    EXPECT_EQ(cobalt_cli::pretty_json("{\"unterminated"), "{\"unterminated");
    EXPECT_EQ(cobalt_cli::pretty_json("]"), "]");
    bool ok = false;
    EXPECT_EQ(cobalt_cli::pretty_links(R"(</a>;rt="x y";obs,</b>;ct=40)", &ok),
              "</a>\n    rt=\"x y\"\n    obs\n</b>\n    ct=40\n");
    EXPECT_TRUE(ok);
    EXPECT_EQ(cobalt_cli::pretty_links("not links", &ok), "not links");
    EXPECT_FALSE(ok);
}

TEST(CliHelpers, DiscoveryUri) {
    EXPECT_EQ(cobalt_cli::discovery_uri("coap://h"), "coap://h/.well-known/core");
    EXPECT_EQ(cobalt_cli::discovery_uri("coap://h:1234/?rt=x"),
              "coap://h:1234/.well-known/core?rt=x");
    EXPECT_EQ(cobalt_cli::discovery_uri("coap://h/other"), "coap://h/other");
}

}  // namespace
