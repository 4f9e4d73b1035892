// async_coap_me_tests.cpp — not a doc example but its companion: the tests in
// async-coap's datagram/local_endpoint.rs that state how the crate talks to
// coap.me, written with cobalt's async API against the coap.me look-alike on a
// simulated network (async_sim_world.hpp):
//   ping_coap_me           ping()                                      → Ok
//   get_coap_me_test       GET test, Accept 50, inspect asserts 2.05   → Ok(())
//   get_..._blabaersyltetoy  coap://coap.me/bl%C3%A5b%C3%A6rsyltet%C3%B8y
//                          with emit_msg_code()                        → Ok(2.05)
//   get_coap_me_separate   GET separate: empty ACK, then a CON 2.05    → Ok(())
//   get_coap_me_large      Accept 0, block2(None), collected, inspect  → 1700 bytes
//   get_coap_me_path_sub1  Accept 50 + add_option(Uri-Path ×2)          → 2.05 JSON
//   client_..._path_sub2   base coap://coap.me/path/, send_to("sub2")  → 2.05
//   host_lookup_failure    an unknown host                             → host not found
// The separate response is answered by a handler that defers
// (RequestContext::defer) and a PendingResponse completed two seconds later.
// Checks every outcome above.
#include "async_sim_world.hpp"

#include "coap/pending_response.hpp"

#include <cstdio>
#include <stdexcept>
#include <vector>

using namespace coap;

namespace {

RemoteEndpoint remote(Driver& local_endpoint, std::string_view uri) {
    auto r = local_endpoint.remote_endpoint(uri);
    if (!r) throw std::runtime_error("Remote endpoint lookup failed");
    return *r;
}

std::string outcome(bool ok, const std::string& text) {
    return (ok ? "Ok(" : "Err(") + text + ")";
}

Task<int> unit_tests(Driver& local_endpoint, example::Checks& check) {
    // ping_coap_me
    auto ping = co_await remote(local_endpoint, "coap://coap.me").ping();
    std::printf("ping_coap_me: %s\n",
                outcome(ping.ok(), ping ? "()" : to_string(ping.error())).c_str());
    check(ping.ok(), "ping coap.me");

    // get_coap_me_test
    int inspected = 0;
    auto test = co_await remote(local_endpoint, "coap://coap.me/")
                    .send_to("test", Request::get()
                                         .accept(content_formats::json)
                                         .inspect([&](const InboundContext& context) {
                                             ++inspected;
                                             check(context.code() == codes::content,
                                                   "test: inspect sees 2.05");
                                         }));
    std::printf("get_coap_me_test: %s\n",
                outcome(test.ok(), test ? "()" : to_string(test.error())).c_str());
    check(test.ok() && inspected == 1, "GET test with Accept 50 is Ok(Done)");

    // get_coap_me_blabaersyltetoy
    auto code = co_await remote(local_endpoint, "coap://coap.me/bl%C3%A5b%C3%A6rsyltet%C3%B8y")
                    .send(Request::get().emit_msg_code());
    std::printf(
        "get_coap_me_blabaersyltetoy: %s\n",
        outcome(code.ok(), code ? example::code_text(*code) : to_string(code.error())).c_str());
    check(code.ok() && *code == codes::content, "a percent-encoded path gives Ok(2.05)");

    // get_coap_me_large
    int blocks = 0;
    auto large =
        co_await remote(local_endpoint, "coap://coap.me/large")
            .send(Request::get()
                      .accept(content_formats::text_plain)
                      .block2(std::nullopt)
                      .emit_successful_collected_response()
                      .inspect([&](const InboundContext& context) {
                          ++blocks;
                          check(context.code().is_success(), "large: every block is a success");
                      }));
    std::printf("get_coap_me_large: %s\n",
                outcome(large.ok(), large ? std::to_string(large->payload().size()) + " bytes in " +
                                                std::to_string(blocks) + " blocks"
                                          : to_string(large.error()))
                    .c_str());
    check(large.ok() && large->payload_text().size() == 1700, "coap.me/large is 1700 bytes");

    // get_coap_me_path_sub1
    auto sub1 = co_await remote(local_endpoint, "coap://coap.me")
                    .send(Request::get()
                              .accept(content_formats::json)
                              .add_option(OptionNumber::uri_path, "path")
                              .add_option(OptionNumber::uri_path, "sub1")
                              .emit_successful_response());
    std::printf(
        "get_coap_me_path_sub1: %s\n",
        outcome(sub1.ok(), sub1 ? example::display(*sub1) : to_string(sub1.error())).c_str());
    check(sub1.ok() && sub1->view().content_format() == content_formats::json,
          "path/sub1 answers JSON");

    // client_get_coap_me_path_sub2
    auto sub2 = co_await remote(local_endpoint, "coap://coap.me/path/")
                    .send_to("sub2", Request::get().emit_msg_code());
    std::printf(
        "client_get_coap_me_path_sub2: %s\n",
        outcome(sub2.ok(), sub2 ? example::code_text(*sub2) : to_string(sub2.error())).c_str());
    check(sub2.ok() && *sub2 == codes::content, "send_to(\"sub2\") from /path/ reaches /path/sub2");

    // host_lookup_failure
    auto unknown = local_endpoint.remote_endpoint("coap://nowhere.example/");
    std::printf("host_lookup_failure: %s\n",
                unknown ? "Ok" : ("Err(" + to_string(unknown.error()) + ")").c_str());
    check(!unknown && unknown.error().kind == ErrorKind::host_not_found,
          "an unknown host is host not found");
    co_return 0;
}

Task<Result<Done, Error>> get_separate(Driver& local_endpoint, std::vector<MessageType>& types) {
    co_return co_await remote(local_endpoint, "coap://coap.me/separate")
        .send(Request::get().inspect([&types](const InboundContext& context) {
            types.push_back(context.message().type());
            std::printf("separate: inspect: Got %s\n", example::display(context.message()).c_str());
        }));
}

}  // namespace

int main() {
    example::Checks check;
    example::CoapMeWorld world;
    Driver& local_endpoint = world.local_endpoint;

    (void)run_until(local_endpoint, unit_tests(local_endpoint, check));

    // get_coap_me_separate: coap.me answers /separate later.
    std::vector<PendingResponse> later;
    world.coap_me.tree.add("/separate").get([&later](RequestContext& ctx) {
        later.push_back(ctx.defer());
    });
    std::vector<MessageType> types;
    auto separate = get_separate(local_endpoint, types);
    separate.start();
    world.net.run_until([&] { return !later.empty(); }, world.net.now() + seconds(10));
    world.net.run_for(seconds(2));  // the Endpoint sends the empty ACK meanwhile
    check(later.size() == 1 && !separate.done(), "the request waits for the separate response");
    if (!later.empty())
        (void)later[0].respond(codes::content, "That took a long time",
                               content_formats::text_plain);
    const auto result = run_until(local_endpoint, separate);
    std::printf("get_coap_me_separate: %s\n",
                outcome(result.ok(), result ? "()" : to_string(result.error())).c_str());
    check(result.ok(), "the separate response finishes the request");
    check(types.size() == 1 && types[0] == MessageType::confirmable,
          "inspect sees only the CON response, not the empty ACK");
    return check.exit_code();
}
