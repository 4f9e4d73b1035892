// device.cpp — the Device's main-loop pass, its resources (server) and its
// readings, observation and block-wise fetch (client). See device.hpp.
#include "device.hpp"

#include "coap/block.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace example {
namespace {

using coap::OptionNumber;

coap::Address link_address(std::uint8_t address) noexcept {
    const std::byte bytes[1] = {std::byte{address}};
    return coap::Address::opaque(bytes);
}

std::uint8_t link_of(const coap::Address& address) noexcept {
    const auto bytes = address.bytes();
    return bytes.empty() ? 0 : static_cast<std::uint8_t>(bytes[0]);
}

/// Decimal text of `value` in `out` (at least 12 bytes); returns its length.
[[maybe_unused]] std::size_t format_int(std::int32_t value, char* out) noexcept {
    char digits[12];
    std::size_t n = 0;
    auto magnitude =
        static_cast<std::uint32_t>(value < 0 ? -static_cast<std::int64_t>(value) : value);
    do {
        digits[n++] = static_cast<char>('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    std::size_t length = 0;
    if (value < 0) out[length++] = '-';
    while (n > 0)
        out[length++] = digits[--n];
    return length;
}

[[maybe_unused]] std::int32_t parse_int(gsl::span<const std::byte> text) noexcept {
    std::int32_t value = 0;
    bool negative = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<char>(text[i]);
        if (i == 0 && c == '-')
            negative = true;
        else if (c >= '0' && c <= '9')
            value = value * 10 + (c - '0');
    }
    return negative ? -value : value;
}

/// The request's Uri-Path segments joined with '/', in `out`.
[[maybe_unused]] std::string_view path_of(const coap::MessageView& request,
                                          std::array<char, 32>& out) noexcept {
    std::size_t length = 0;
    for (const auto option : request.options(OptionNumber::uri_path)) {
        const std::string_view segment = option.as_string();
        if (length != 0 && length < out.size()) out[length++] = '/';
        const std::size_t n = std::min(segment.size(), out.size() - length);
        std::memcpy(out.data() + length, segment.data(), n);
        length += n;
    }
    return {out.data(), length};
}

#if EXAMPLE_BLOCKWISE
/// The body of /log: readable text, the same on every node.
std::byte log_byte(std::size_t offset) noexcept {
    return std::byte{static_cast<std::uint8_t>('a' + offset % 26)};
}
#endif

constexpr std::uint8_t block_szx = 2;  // 64-byte blocks fit 128-byte messages

}  // namespace

coap::EndpointConfig small_config(std::uint64_t seed) noexcept {
    coap::EndpointConfig config;
    config.seed = seed;
    auto& c = config.capacities;
    c.exchanges = 4;  // three client requests at most, and one being answered
    c.dedup_entries = 6;
    c.stored_reply_bytes = 128;
    c.peers = 1;  // the gateway (or, in the loopback demo, this node itself)
    c.queued_datagrams = 2;
    c.events = 1;  // the main loop drains events after every frame and timer
    c.notifications = EXAMPLE_OBSERVE ? 1 : 0;
    c.recent_notifications = EXAMPLE_OBSERVE ? 1 : 0;
    c.verified_addresses = 1;  // the gateway, once it has answered an Echo challenge
    c.max_message_size = radio_mtu;
    config.max_request_payload = 64;
    // A one-hop radio link, not the Internet (RFC 7252 §4.8.2 lets a deployment
    // adjust these): MAX_LATENCY 1 s instead of 100 s makes EXCHANGE_LIFETIME
    // 13.5 s and NON_LIFETIME 11.5 s, so that six dedup entries cover what a
    // node receives meanwhile. Answered GETs give theirs back at once (§4.5
    // allows it for safe methods).
    config.transmission.ack_timeout = coap::seconds(1);
    config.transmission.max_retransmit = 3;
    config.transmission.max_latency = coap::seconds(1);
    config.transmission.processing_delay = coap::seconds(1);
    config.remember_safe_requests = false;
    return config;
}

Device::Device(FakeRadio& radio, gsl::span<std::byte> memory, std::uint8_t peer,
               std::uint64_t seed) noexcept
    : radio_(radio), endpoint_(small_config(seed), memory), peer_(link_address(peer)) {}

std::uint32_t Device::step(std::uint32_t now_ms) noexcept {
    // The tick counter wraps after 49.7 days; the engine's time must not.
    if (now_ms < last_ms_) wraps_ += std::int64_t{1} << 32;
    last_ms_ = now_ms;
    const coap::Instant now{wraps_ + now_ms};
    // 1. input: every frame the radio interrupt queued, then expired timers.
    while (const Frame* frame = radio_.receive()) {
        endpoint_.handle_datagram(now, link_address(frame->from), frame->payload());
        radio_.release();
        drain(now);
    }
    if (const auto due = endpoint_.next_timeout(); due && *due <= now) {
        endpoint_.handle_timeout(now);
        drain(now);
    }
    // 2. the application's own timers.
    if (static_cast<std::int32_t>(now_ms - next_client_tick_) >= 0) {
        client_tick(now);
        next_client_tick_ = now_ms + 2000;
        drain(now);
    }
    if (static_cast<std::int32_t>(now_ms - next_server_tick_) >= 0) {
        server_tick(now);
        next_server_tick_ = now_ms + 3000;
        drain(now);
    }
    std::uint32_t wake = next_client_tick_;
    if (static_cast<std::int32_t>(next_server_tick_ - wake) < 0) wake = next_server_tick_;
    if (const auto due = endpoint_.next_timeout()) {
        const auto at = static_cast<std::uint32_t>(due->ms);
        if (static_cast<std::int32_t>(at - wake) < 0) wake = at;
    }
    return wake;
}

void Device::drain(coap::Instant now) noexcept {
    // The call order of coap/endpoint.hpp: datagrams, (timer: read in step), events.
    for (;;) {
        while (const auto transmit = endpoint_.poll_transmit(buffer_))
            radio_.transmit(link_of(transmit->peer), {buffer_.data(), transmit->length});
        const auto event = endpoint_.poll_event();
        if (!event) return;
        switch (event->kind) {
            case coap::EventKind::request_received:
                on_request(now, *event);
                break;
            case coap::EventKind::response_received:
                on_response(now, *event);
                break;
            case coap::EventKind::exchange_failed:
                on_failure(*event);
                break;
            case coap::EventKind::notification_failed:
                observed_ = false;
                break;
            default:
                break;
        }
    }
}

void Device::on_request(coap::Instant now, const coap::Event& event) noexcept {
#if EXAMPLE_SERVER
    const coap::MessageView& request = event.message;
    std::array<char, 32> path_buffer{};
    const std::string_view path = path_of(request, path_buffer);
    const coap::Code method = request.code();
    char text[12];

    if (path == "temp" && method == coap::codes::get) {
        bool register_observer = false;
#if EXAMPLE_OBSERVE
        if (const auto observe = request.observe()) {
            if (*observe == 0 && request.token().size() <= observer_token_.size()) {
                observed_ = true;
                observer_ = event.peer;
                observer_token_length_ = static_cast<std::uint8_t>(request.token().size());
                std::memcpy(observer_token_.data(), request.token().data(), observer_token_length_);
                register_observer = true;
            } else if (*observe == 1 && event.peer == observer_) {
                observed_ = false;
            }
        }
#endif
        const std::size_t length = format_int(temperature_, text);
        (void)endpoint_.respond(now, event.responder, {.code = coap::codes::content},
                                [&](coap::MessageWriter& w) {
                                    if (register_observer)
                                        w.option_uint(OptionNumber::observe, observe_sequence_);
                                    w.option_uint(OptionNumber::content_format, 0);
                                    w.payload(std::string_view{text, length});
                                });
        return;
    }
    if (path == "led" && (method == coap::codes::get || method == coap::codes::put)) {
        if (method == coap::codes::put) led_ = parse_int(request.payload()) != 0;
        const bool get = method == coap::codes::get;
        (void)endpoint_.respond(now, event.responder,
                                {.code = get ? coap::codes::content : coap::codes::changed},
                                [&](coap::MessageWriter& w) {
                                    if (get) w.payload(led_ ? "1" : "0");
                                });
        return;
    }
#if EXAMPLE_BLOCKWISE
    if (path == "log" && method == coap::codes::get) {
        std::uint32_t num = 0;
        std::uint8_t szx = block_szx;
        if (const auto option = request.uint_option(OptionNumber::block2)) {
            if (const auto asked = coap::BlockValue::from_uint(*option)) {
                szx = std::min(asked->szx(), block_szx);  // late negotiation (RFC 7959 §2.4)
                num = asked->num();
            }
        }
        const std::size_t size = std::size_t{1} << (szx + 4);
        const std::size_t offset = std::size_t{num} * size;
        if (offset >= log_size) {
            (void)endpoint_.respond(now, event.responder, {.code = coap::codes::bad_option});
            return;
        }
        const std::size_t length = std::min(size, log_size - offset);
        const bool more = offset + length < log_size;
        const auto block = coap::BlockValue::make(num, more, szx);
        (void)endpoint_.respond(now, event.responder, {.code = coap::codes::content},
                                [&](coap::MessageWriter& w) {
                                    w.option_uint(OptionNumber::content_format, 0);
                                    if (block)
                                        w.option_uint(OptionNumber::block2, block->to_uint());
                                    if (num == 0) w.option_uint(OptionNumber::size2, log_size);
                                    const auto space = w.payload_space();
                                    const std::size_t n = std::min(length, space.size());
                                    for (std::size_t i = 0; i < n; ++i)
                                        space[i] = log_byte(offset + i);
                                    w.commit_payload(n);
                                });
        return;
    }
#endif
    if (path == ".well-known/core" && method == coap::codes::get) {
        (void)endpoint_.respond(
            now, event.responder, {.code = coap::codes::content}, [](coap::MessageWriter& w) {
                w.option_uint(OptionNumber::content_format, 40);
                w.payload(EXAMPLE_OBSERVE ? "</temp>;obs,</led>" : "</temp>,</led>");
            });
        return;
    }
    (void)endpoint_.respond(now, event.responder, {.code = coap::codes::not_found});
#else
    (void)now;
    (void)endpoint_.release(event.responder);  // a client-only node serves nothing
#endif
}

void Device::on_response(coap::Instant now, const coap::Event& event) noexcept {
    (void)now;
#if EXAMPLE_CLIENT
    const coap::MessageView& response = event.message;
    if (response.code() != coap::codes::content) {  // e.g. 5.03: the peer is busy
        if (event.request == observation_) observing_ = false;
        if (event.request == log_request_) log_length_ = 0;
        if (endpoint_.is_live(event.request)) (void)endpoint_.close(now, event.request);
        ++failures_;
        return;
    }
    if (event.request == reading_) {
        peer_temperature_ = parse_int(response.payload());
        ++readings_;
        return;
    }
#if EXAMPLE_OBSERVE
    if (event.request == observation_) {
        if (!response.observe()) {  // the server would not register us
            observing_ = false;
            (void)endpoint_.close(now, observation_);
            return;
        }
        peer_temperature_ = parse_int(response.payload());
        ++notifications_;
        (void)endpoint_.listen(now, observation_, coap::seconds(120));
        return;
    }
#endif
#if EXAMPLE_BLOCKWISE
    if (event.request == log_request_) {
        const auto option = response.uint_option(OptionNumber::block2);
        const auto block = option ? coap::BlockValue::from_uint(*option)
                                  : coap::BlockValue::make(0, false, block_szx);
        const auto payload = response.payload();
        if (!block || block->offset() + payload.size() > log_.size() ||
            block->offset() != log_length_) {
            (void)endpoint_.close(now, log_request_);
            log_length_ = 0;
            return;
        }
        std::memcpy(log_.data() + log_length_, payload.data(), payload.size());
        log_length_ += payload.size();
        if (block->more()) {
            request_log_block(now, block->num() + 1);
        } else {
            log_complete_ = true;
            (void)endpoint_.close(now, log_request_);
        }
        return;
    }
#endif
#else
    (void)event;
#endif
}

void Device::on_failure(const coap::Event& event) noexcept {
    ++failures_;
    if (event.request == observation_) observing_ = false;
    if (event.request == log_request_) log_length_ = 0;
}

void Device::client_tick(coap::Instant now) noexcept {
#if EXAMPLE_CLIENT
    if (!endpoint_.is_live(reading_)) {
        const auto id = endpoint_.send_request(
            now, peer_, {.method = coap::codes::get},
            [](coap::MessageWriter& w) { w.option(OptionNumber::uri_path, "temp"); });
        if (id) reading_ = *id;
    }
#if EXAMPLE_OBSERVE
    if (!observing_) {
        const auto id = endpoint_.send_request(
            now, peer_, {.method = coap::codes::get, .hold = true}, [](coap::MessageWriter& w) {
                w.option_uint(OptionNumber::observe, 0);
                w.option(OptionNumber::uri_path, "temp");
            });
        if (id) {
            observation_ = *id;
            observing_ = true;
        }
    }
#endif
#if EXAMPLE_BLOCKWISE
    if (!log_complete_ && !endpoint_.is_live(log_request_)) request_log_block(now, 0);
#endif
#else
    (void)now;
#endif
}

void Device::request_log_block(coap::Instant now, std::uint32_t num) noexcept {
#if EXAMPLE_CLIENT && EXAMPLE_BLOCKWISE
    const auto block = coap::BlockValue::make(num, false, block_szx);
    if (!block) return;
    const std::uint32_t value = block->to_uint();
    const coap::RequestOptions options{.method = coap::codes::get, .hold = true};
    auto build = [value](coap::MessageWriter& w) {
        w.option(OptionNumber::uri_path, "log");
        w.option_uint(OptionNumber::block2, value);
    };
    if (num == 0) {
        log_length_ = 0;
        if (const auto id = endpoint_.send_request(now, peer_, options, build)) log_request_ = *id;
    } else if (!endpoint_.send_next(now, log_request_, options, build)) {
        (void)endpoint_.close(now, log_request_);
        log_length_ = 0;
    }
#else
    (void)now;
    (void)num;
#endif
}

void Device::server_tick(coap::Instant now) noexcept {
#if EXAMPLE_SERVER && EXAMPLE_OBSERVE
    if (!observed_) return;
    ++observe_sequence_;
    char text[12];
    const std::size_t length = format_int(temperature_, text);
    // NON notifications, with a CON one every 30 s (the tenth) to learn that the observer
    // is still there (RFC 7641 §4.5).
    coap::NotifyOptions options{.confirmable = observe_sequence_ % 10 == 0};
    if (endpoint_.notification_in_flight(last_notification_)) options.replaces = last_notification_;
    const auto id =
        endpoint_.notify(now, observer_, {observer_token_.data(), observer_token_length_}, options,
                         [&](coap::MessageWriter& w) {
                             w.option_uint(OptionNumber::observe, observe_sequence_ & 0xffffffu);
                             w.option_uint(OptionNumber::content_format, 0);
                             w.payload(std::string_view{text, length});
                         });
    if (id) last_notification_ = *id;
#else
    (void)now;
#endif
}

}  // namespace example
