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
    (void)ok;
    (void)group;
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
#endif
}
