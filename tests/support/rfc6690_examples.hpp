// tests/support/rfc6690_examples.hpp — RFC 6690 §5 example documents shared by the
// link-format parser and writer tests.
#pragma once

#include <string_view>

namespace coap::test {

/// RFC 6690 §5: a resource list whose last two links use "anchor" to relate resources.
inline constexpr std::string_view rfc6690_anchor_example =
    R"(</sensors>;ct=40;title="Sensor Index",)"
    R"(</sensors/temp>;rt="temperature-c";if="sensor",)"
    R"(</sensors/light>;rt="light-lux";if="sensor",)"
    R"(<http://www.example.com/sensors/t123>;anchor="/sensors/temp";rel="describedby",)"
    R"(</t>;anchor="/sensors/temp";rel="alternate")";

}  // namespace coap::test
