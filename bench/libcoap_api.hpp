// bench/libcoap_api.hpp — the single place that includes libcoap's C headers
// (with their warnings silenced), declares the two libcoap-internal PDU
// functions the write benchmark needs, and starts libcoap quietly. Include it
// from the libcoap_*.cpp files only.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wcast-align"
#include <coap3/coap.h>
#pragma GCC diagnostic pop

#include <cstddef>

extern "C" {
// libcoap 4.3 keeps these in coap_pdu_internal.h, which is not installed; the
// static archive exports them. coap_pdu_clear() empties a PDU so that it can be
// refilled without reallocating; coap_pdu_encode_header() writes the 4-byte UDP
// header in front of the token and returns its size (libcoap does this when sending).
void coap_pdu_clear(coap_pdu_t* pdu, std::size_t size);
std::size_t coap_pdu_encode_header(coap_pdu_t* pdu, coap_proto_t proto);
}

namespace bench {

/// coap_startup() once, and libcoap's log level lowered so that it prints nothing.
inline void start_libcoap() {
    static const bool started = [] {
        coap_startup();
        coap_set_log_level(LOG_EMERG);
        coap_dtls_set_log_level(LOG_EMERG);
        return true;
    }();
    (void)started;
}

}  // namespace bench
