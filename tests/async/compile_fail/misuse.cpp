// misuse.cpp — descriptor misuse that must not compile. Each case is selected
// with -DCASE=n by check_misuse.py, which expects the compiler to refuse it with
// the message given there; CASE 0 is a valid control that must compile.
#include "coap/remote_endpoint.hpp"
#include "coap/request.hpp"

void misuse(coap::RemoteEndpoint& remote) {
    using coap::Request;
#if CASE == 0
    auto ok = remote.send(Request::get().block2().emit_successful_collected_response());
    auto group = remote.send_as_stream(Request::get().multicast().include_socket_addr());
    // A collector without block2 adds one; with multicast it cannot, and does not.
    auto whole = remote.send(Request::get().emit_successful_collected_response());
    auto members =
        remote.send_as_stream(Request::get().multicast().emit_successful_collected_response());
    (void)ok;
    (void)group;
    (void)whole;
    (void)members;
#elif CASE == 1
    auto d = Request::get().multicast().block2();
    (void)d;
#elif CASE == 2
    auto d = Request::get().block2().multicast();
    (void)d;
#elif CASE == 3
    auto d = Request::put().block1();
    (void)d;
#elif CASE == 4
    struct NotADescriptor {};
    auto a = remote.send(NotADescriptor{});
    (void)a;
#elif CASE == 5
    // block2 would hand the collector only the last block (an empty body).
    auto d = Request::get().emit_successful_collected_response().block2();
    (void)d;
#elif CASE == 6
    auto d = Request::get()
                 .emit_successful_collected_response()
                 .inspect([](const auto&) {})
                 .block2(coap::BlockValue::make(0, false, 4).value());
    (void)d;
#elif CASE == 7
    auto d = Request::get().emit_successful_collected_response().for_each_block(
        [](const coap::BodyChunk&) {});
    (void)d;
#elif CASE == 8
    auto d = Request::get().emit_successful_collected_response().multicast();
    (void)d;
#endif
}
