// serve_test.cpp — `cobalt serve`'s Server on the simulated network: the
// directory is never left (.., encoded slashes, symlinks), the root and
// directories, the demo resources, serve's flags, a changed file notifying its
// own observers only, and `cobalt observe` of a file larger than one block
// printed whole (RFC 7959 §3.4).
#include "cli_world.hpp"
#include "exit_codes.hpp"
#include "serve_resources.hpp"

#include <coap/remote_endpoint.hpp>
#include <coap/request.hpp>
#include <coap/task.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using cli_test::CliWorld;
using cli_test::write_file;
namespace exit_code = cobalt_cli::exit_code;
namespace fs = std::filesystem;

/// Sends `method` with Uri-Path segments taken verbatim from `path` (a client
/// like cobalt's removes dot segments first; a hostile one need not).
coap::Code raw_request(CliWorld& world, coap::Code method, std::string_view path,
                       std::string_view payload = "") {
    static std::uint64_t seed = 4242;
    coap::Driver client(world.net.port(world.client_node), coap::EndpointConfig{.seed = ++seed});
    auto remote = client.remote_endpoint(CliWorld::base()).value();
    auto result = coap::run_until(client, remote.send(coap::Request::method(method)
                                                          .payload(payload)
                                                          .uri_host_path("", path)
                                                          .emit_msg_code()));
    return result ? *result : coap::Code{};
}

TEST(Serve, PathTraversalIsRejected) {
    CliWorld world;
    cli_test::TempDir outside;
    write_file(outside.path() / "secret.txt", "do not serve");
    write_file(world.dir.path() / "inside.txt", "fine");
    fs::create_directory(world.dir.path() / "sub");
    const std::string escape = "../" + outside.path().filename().string() + "/secret.txt";
    EXPECT_EQ(raw_request(world, coap::codes::get, "sub/../inside.txt"), coap::codes::forbidden);
    EXPECT_EQ(raw_request(world, coap::codes::get, "sub/../" + escape), coap::codes::forbidden);
    EXPECT_EQ(raw_request(world, coap::codes::get, "./inside.txt"), coap::codes::forbidden);
    EXPECT_EQ(raw_request(world, coap::codes::put, "../evil.txt", "x"), coap::codes::forbidden);
    EXPECT_FALSE(fs::exists(world.dir.path().parent_path() / "evil.txt"));
    EXPECT_EQ(raw_request(world, coap::codes::delete_, "sub/../" + escape), coap::codes::forbidden);
    EXPECT_TRUE(fs::exists(outside.path() / "secret.txt"));
    EXPECT_EQ(raw_request(world, coap::codes::get, "inside.txt"), coap::codes::content);

    // Through the CLI: an encoded '/' inside one Uri-Path segment is refused; dot
    // segments never leave the client (RFC 3986 removes them), so /%2E%2E/ stays inside.
    const auto slash = world.run({"get", CliWorld::base() + "/sub%2F..%2Finside.txt"});
    EXPECT_EQ(slash.exit_code, exit_code::client_error);
    EXPECT_NE(slash.err.find("4.03 Forbidden"), std::string::npos) << slash.err;
    const auto dots = world.run({"get", CliWorld::base() + "/sub/%2E%2E/%2E%2E/" +
                                            outside.path().filename().string() + "/secret.txt"});
    EXPECT_NE(dots.exit_code, exit_code::ok);
    EXPECT_TRUE(dots.out.empty());
}

TEST(Serve, SymlinksOutsideAreRejectedInsideAreServed) {
    CliWorld world;
    cli_test::TempDir outside;
    write_file(outside.path() / "secret.txt", "do not serve");
    write_file(world.dir.path() / "real.txt", "real");
    fs::create_symlink(outside.path() / "secret.txt", world.dir.path() / "link.txt");
    fs::create_directory_symlink(outside.path(), world.dir.path() / "out");
    fs::create_symlink(world.dir.path() / "real.txt", world.dir.path() / "alias.txt");
    EXPECT_EQ(world.run({"get", CliWorld::base() + "/link.txt"}).exit_code,
              exit_code::client_error);
    EXPECT_EQ(world.run({"get", CliWorld::base() + "/out/secret.txt"}).exit_code,
              exit_code::client_error);
    EXPECT_EQ(world.run({"put", "--payload", "x", CliWorld::base() + "/out/new.txt"}).exit_code,
              exit_code::client_error);
    EXPECT_FALSE(fs::exists(outside.path() / "new.txt"));
    const auto alias = world.run({"get", CliWorld::base() + "/alias.txt"});
    EXPECT_EQ(alias.exit_code, exit_code::ok) << alias.err;
    EXPECT_EQ(alias.out, "real");
}

TEST(Serve, PathUnderRules) {
    cli_test::TempDir dir;
    const fs::path root = fs::canonical(dir.path());
    const std::string_view good[] = {"a", "b.txt"};
    EXPECT_EQ(cobalt_cli::path_under(root, good), root / "a" / "b.txt");
    const std::string_view bads[] = {"..", ".", "", "a/b", "a\\b", std::string_view("a\0b", 3)};
    for (const std::string_view bad : bads) {
        const std::string_view path[] = {"x", bad};
        EXPECT_FALSE(cobalt_cli::path_under(root, path)) << bad;
    }
    EXPECT_FALSE(cobalt_cli::path_under(root, {}));
}

TEST(Serve, TheRootAndDirectoriesAreNotFiles) {
    CliWorld world;
    fs::create_directory(world.dir.path() / "d");
    EXPECT_EQ(world.run({"get", CliWorld::base() + "/"}).exit_code, exit_code::client_error);
    EXPECT_EQ(world.run({"get", CliWorld::base() + "/d"}).exit_code, exit_code::client_error);
    const auto put = world.run({"put", "--payload", "x", CliWorld::base() + "/d"});
    EXPECT_NE(put.err.find("4.05"), std::string::npos) << put.err;
    EXPECT_EQ(world.run({"post", "--payload", "x", CliWorld::base() + "/file"}).exit_code,
              exit_code::client_error);
}

TEST(Serve, ContentFormatFollowsTheExtension) {
    CliWorld world;
    write_file(world.dir.path() / "v.json", "[1,2]");
    write_file(world.dir.path() / "v.cbor", "\x82\x01\x02");
    write_file(world.dir.path() / "v", "?");
    const auto json = world.run({"get", "-v", CliWorld::base() + "/v.json"});
    EXPECT_NE(json.err.find("Content-Format: 50"), std::string::npos) << json.err;
    const auto cbor = world.run({"get", "-v", CliWorld::base() + "/v.cbor"});
    EXPECT_NE(cbor.err.find("Content-Format: 60"), std::string::npos) << cbor.err;
    const auto plain = world.run({"get", "-v", CliWorld::base() + "/v"});
    EXPECT_NE(plain.err.find("Content-Format: 42"), std::string::npos) << plain.err;
}

TEST(Serve, TimeAnswersTheCurrentTime) {
    CliWorld world;
    const auto result = world.run({"get", CliWorld::base() + "/time"});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    ASSERT_EQ(result.out.size(), 20u) << result.out;
    EXPECT_EQ(result.out[4], '-');
    EXPECT_EQ(result.out.back(), 'Z');
}

TEST(Serve, PutToEchoAndWrongMethods) {
    CliWorld world;
    const auto put = world.run({"put", "--payload", "again", CliWorld::base() + "/echo"});
    EXPECT_EQ(put.exit_code, exit_code::ok) << put.err;
    EXPECT_EQ(put.out, "again");
    const auto get = world.run({"get", CliWorld::base() + "/echo"});
    EXPECT_EQ(get.exit_code, exit_code::client_error);
    EXPECT_NE(get.err.find("4.05"), std::string::npos);
}

/// `lines` numbered lines starting with `word`: a body in which a block of
/// another version or out of place shows.
std::string numbered_lines(std::string_view word, int lines) {
    std::string body;
    for (int i = 0; i < lines; ++i)
        body.append(word).append(" ").append(std::to_string(1000 + i)).append("\n");
    return body;
}

/// The messages a -v trace shows as sent, one string each.
std::vector<std::string> sent_messages(const std::string& trace) {
    std::vector<std::string> messages;
    std::size_t at = trace.find("-- sent");
    while (at != std::string::npos) {
        const std::size_t end = trace.find("-- ", at + 3);
        messages.push_back(trace.substr(at, end == std::string::npos ? end : end - at));
        at = trace.find("-- sent", at + 3);
    }
    return messages;
}

/// PUT of `body` (in Block1 blocks) to `remote`: true on success.
coap::Task<bool> upload(coap::RemoteEndpoint remote, const std::string& body) {
    const auto result = co_await remote.send(coap::Request::put().payload(body).block1());
    co_return result.ok();
}

TEST(Serve, ObservingALargeFilePrintsEachNotificationWhole) {
    CliWorld world;
    // Bodies of several 1024-byte blocks: each notification is its first block
    // (Observe, Block2 M=1) and cobalt observe fetches the rest.
    const std::string first = numbered_lines("first", 400);    // 4,400 bytes
    const std::string second = numbered_lines("second", 300);  // 3,600 bytes
    write_file(world.dir.path() / "big.txt", first);
    // 1.5 s after the registration another client PUTs a new large version:
    // the file's observers are notified at once.
    const auto node = world.net.add_port(
        coap::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 40001));
    coap::Driver writer(world.net.port(node), coap::EndpointConfig{.seed = 91});
    const auto writer_remote = writer.remote_endpoint(CliWorld::base() + "/big.txt").value();
    std::optional<coap::Task<bool>> put;
    world.server_driver.schedule(world.net.now() + coap::milliseconds(1500), [&] {
        put.emplace(upload(writer_remote, second));
        put->start();
    });
    const auto result = world.run({"observe", "-v", "--accept", "0", "--count", "2", "--duration",
                                   "20", CliWorld::base() + "/big.txt?v=1"});
    EXPECT_EQ(result.exit_code, exit_code::ok) << result.err;
    EXPECT_EQ(result.out, first + "\n" + second + "\n");
    ASSERT_TRUE(put && put->done());
    EXPECT_TRUE(put->result());
    // Both values came from notifications (Observe), reassembled.
    std::size_t notes = 0;
    for (auto at = result.err.find("2.05 Content (observe"); at != std::string::npos;
         at = result.err.find("2.05 Content (observe", at + 1))
        ++notes;
    EXPECT_EQ(notes, 2u) << result.err;
    EXPECT_EQ(result.err.find("skipped"), std::string::npos) << result.err;
    // On the wire (-v): the rest of each came from GETs with Block2 NUM=1.. that
    // repeat the registration's Uri-Query and Accept, without Observe.
    std::size_t block_gets = 0;
    for (const std::string& message : sent_messages(result.err)) {
        if (message.find(" GET ") == std::string::npos) continue;
        if (message.find("Block2: ") == std::string::npos) {
            EXPECT_NE(message.find("Observe: "), std::string::npos) << message;
            continue;
        }
        ++block_gets;
        EXPECT_EQ(message.find("Observe: "), std::string::npos) << message;
        EXPECT_NE(message.find("Uri-Path: \"big.txt\""), std::string::npos) << message;
        EXPECT_NE(message.find("Uri-Query: \"v=1\""), std::string::npos) << message;
        EXPECT_NE(message.find("Accept: 0"), std::string::npos) << message;
    }
    EXPECT_EQ(block_gets, 4u + 3u) << result.err;
}

/// Observes `remote` and keeps every value's payload in `out`.
coap::Task<void> observe_into(coap::RemoteEndpoint remote, std::vector<std::string>* out) {
    auto stream = remote.send_as_stream(coap::Request::observe());
    while (auto item = co_await stream.next())
        if (item->ok()) out->emplace_back((*item)->payload_text());
}

TEST(Serve, AChangedFileNotifiesItsOwnObserversOnly) {
    CliWorld world;
    write_file(world.dir.path() / "a.txt", "a1");
    write_file(world.dir.path() / "b.txt", "b1");
    const auto node = world.net.add_port(
        coap::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 40002));
    coap::Driver client(world.net.port(node), coap::EndpointConfig{.seed = 93});
    std::vector<std::string> a;
    std::vector<std::string> b;
    auto watch_a = observe_into(client.remote_endpoint(CliWorld::base() + "/a.txt").value(), &a);
    auto watch_b = observe_into(client.remote_endpoint(CliWorld::base() + "/b.txt").value(), &b);
    watch_a.start();
    watch_b.start();
    client.run_until([&] { return a.size() == 1 && b.size() == 1; },
                     world.net.now() + coap::seconds(5));
    ASSERT_EQ(a, (std::vector<std::string>{"a1"}));
    ASSERT_EQ(b, (std::vector<std::string>{"b1"}));
    // Through the server (PUT), then behind its back (on disk): a.txt only.
    const std::string a2 = "a2";  // upload() keeps a reference: it must outlive the task
    auto put = upload(client.remote_endpoint(CliWorld::base() + "/a.txt").value(), a2);
    put.start();
    client.run_until([&] { return put.done(); }, world.net.now() + coap::seconds(5));
    world.server_driver.schedule(world.net.now() + coap::milliseconds(100),
                                 [&] { write_file(world.dir.path() / "a.txt", "a3, longer"); });
    client.run_until([] { return false; }, world.net.now() + coap::seconds(4));
    EXPECT_EQ(a, (std::vector<std::string>{"a1", "a2", "a3, longer"}));
    EXPECT_EQ(b, (std::vector<std::string>{"b1"})) << "b.txt did not change";
}

TEST(Serve, DemoOnlyWithoutADirectory) {
    coap::sim::Network net(3);
    const auto server_node = net.add_port(CliWorld::server_address());
    const auto client_node = net.add_port(CliWorld::client_address());
    coap::Driver driver(net.port(server_node), cobalt_cli::server_config(4));
    auto server = cobalt_cli::build_server(driver, {});
    std::vector<std::string> storage{"get", "coap://[::1]/anything"};
    cobalt_cli::Args args(storage.begin(), storage.end());
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(cobalt_cli::run_client(net.port(client_node), args, out, err),
              exit_code::client_error);
    EXPECT_THROW(cobalt_cli::build_server(driver, {.directory = "/nonexistent/cobalt"}),
                 std::runtime_error);
}

TEST(Serve, Options) {
    std::ostringstream out;
    std::ostringstream err;
    int code = -1;
    std::vector<std::string> storage{"files", "--bind", "[::1]", "--port", "5684"};
    auto parsed = cobalt_cli::parse_serve_options(cobalt_cli::Args(storage.begin(), storage.end()),
                                                  out, err, code);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->directory, "files");
    EXPECT_EQ(parsed->bind, "::1");
    EXPECT_EQ(parsed->port, 5684);
    parsed = cobalt_cli::parse_serve_options({}, out, err, code);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->bind, "::");
    EXPECT_EQ(parsed->port, 5683);
    EXPECT_FALSE(parsed->amplification_factor);
    storage = {"--amplification-factor", "0"};
    parsed = cobalt_cli::parse_serve_options(cobalt_cli::Args(storage.begin(), storage.end()), out,
                                             err, code);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->amplification_factor, 0u);
    storage = {"--amplification-factor", "-1"};
    EXPECT_FALSE(cobalt_cli::parse_serve_options(cobalt_cli::Args(storage.begin(), storage.end()),
                                                 out, err, code));
    EXPECT_EQ(code, exit_code::usage);
    storage = {"--port", "70000"};
    EXPECT_FALSE(cobalt_cli::parse_serve_options(cobalt_cli::Args(storage.begin(), storage.end()),
                                                 out, err, code));
    EXPECT_EQ(code, exit_code::usage);
    storage = {"--help"};
    EXPECT_FALSE(cobalt_cli::parse_serve_options(cobalt_cli::Args(storage.begin(), storage.end()),
                                                 out, err, code));
    EXPECT_EQ(code, exit_code::ok);
    EXPECT_NE(out.str().find("usage: cobalt serve"), std::string::npos);
}

TEST(Serve, RunServerStopsWhenInterruptedOrIdle) {
    coap::sim::Network net(3);
    const auto node = net.add_port(CliWorld::server_address());
    cli_test::TempDir dir;
    std::ostringstream err;
    volatile std::sig_atomic_t interrupted = 1;
    EXPECT_EQ(
        cobalt_cli::run_server(net.port(node), {.directory = dir.path()}, err, 1, &interrupted),
        exit_code::ok);
    EXPECT_NE(err.str().find("serving " + fs::canonical(dir.path()).string() +
                             " and the demo resources on [::1]:5683"),
              std::string::npos)
        << err.str();
    EXPECT_NE(err.str().find("stopped"), std::string::npos);
    // On a simulated network with nothing to do, the loop ends by itself.
    interrupted = 0;
    EXPECT_EQ(cobalt_cli::run_server(net.port(node), {}, err, 2, &interrupted), exit_code::ok);
    EXPECT_EQ(cobalt_cli::run_server(net.port(node), {.directory = "/nonexistent/cobalt"}, err, 3,
                                     &interrupted),
              exit_code::local_io);
}

}  // namespace
