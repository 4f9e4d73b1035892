// fuzz/driver/shapes.cpp — the descriptor shapes a launch may pick: the base
// requests (GET, POST, PUT, DELETE, FETCH, any method, observe, ping) under the
// combinators (payload, payload_writer, block1, block2, nonconfirmable,
// multicast, options, uri_host_path, transmission, inspect, use_handler,
// include_socket_addr, emit_*), each with the spec's runtime values, and the
// launch of a record. Owns the only instantiations of tasks.hpp.
#include "harness.hpp"
#include "tasks.hpp"

#include "fuzz_support.hpp"

#include <array>
#include <optional>
#include <string>

namespace driver_fuzz {
namespace {

std::optional<coap::BlockValue> block(std::uint8_t szx, std::uint8_t num) {
    if (szx >= 7) return std::nullopt;
    auto value = coap::BlockValue::make(num, false, szx);
    if (!value) return std::nullopt;
    return *value;
}

coap::Code method(std::uint8_t variant) {
    static constexpr std::array<coap::Code, 10> methods{
        coap::codes::get,     coap::codes::post,  coap::codes::put,    coap::codes::delete_,
        coap::codes::fetch,   coap::codes::patch, coap::codes::ipatch, coap::Code::make(0, 31),
        coap::codes::content, coap::codes::empty};
    return methods[variant % methods.size()];
}

coap::TransmissionParameters transmission(std::uint8_t variant) {
    coap::TransmissionParameters p;
    static constexpr std::array<std::int64_t, 4> ack{100, 500, 1000, 2000};
    p.ack_timeout = coap::milliseconds(ack[variant % 4]);
    p.max_retransmit = static_cast<std::uint8_t>((variant / 4) % 3);
    p.nstart = static_cast<std::uint8_t>(1 + (variant / 12) % 2);
    if (variant >= 240) p.ack_random_factor_permille = 900;  // invalid: refused
    return p;
}

}  // namespace

gsl::span<const std::byte> Harness::payload(const LaunchSpec& spec) {
    std::vector<std::byte>& bytes = payloads_.emplace_back(spec.payload_length);
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = std::byte{static_cast<std::uint8_t>(spec.payload_seed + i * 13)};
    return bytes;
}

void Harness::launch(const LaunchSpec& spec) {
    if (records_.size() >= max_records) return;
    const std::size_t index = records_.size();
    Record& r = records_.emplace_back();
    r.spec = spec;
    r.index = index;
    r.driver = spec.from % world_.size();
    auto remote = world_.driver(r.driver).remote_endpoint(target_uri(spec, world_.size()));
    if (remote) {
        r.peer = remote->address();
        r.unicast = !r.peer.is_multicast();
    }
    DRIVER_TRACE("launch #%zu: driver %zu shape %u form %u -> %s\n", index, r.driver,
                 unsigned{spec.shape}, static_cast<unsigned>(spec.form),
                 target_uri(spec, world_.size()).c_str());
    launch_shape(index);
}

void Harness::launch_shape(std::size_t index) {
    const LaunchSpec spec = records_[index].spec;
    Harness& h = *this;
    using coap::Request;
    const auto b1 = block(spec.block1_szx, 0);
    const auto b2 = block(spec.block2_szx, spec.block2_num);
    const bool group = !records_[index].unicast;
    switch (spec.shape) {
        case shape_get:
            return start(h, index, Request::get());
        case shape_post_payload:
            return start(h, index, Request::post().payload(payload(spec)));
        case shape_put_block1:
            return start(h, index, Request::put().payload(payload(spec)).block1(b1));
        case shape_block2_collect: {
            static constexpr std::array<std::size_t, 4> limits{16u << 20, 100, 0, 2000};
            return start(h, index,
                         Request::get().block2(b2).emit_successful_collected_response(
                             limits[spec.variant % 4]));
        }
        case shape_block2_any:
            return start(h, index, Request::get().block2(b2).emit_any_response());
        case shape_non_code:
            return start(h, index, Request::get().nonconfirmable().emit_msg_code());
        case shape_multicast_code_addr:
            return start(h, index,
                         Request::get().multicast().emit_msg_code().include_socket_addr());
        case shape_multicast_done:
            return start(h, index, Request::get().multicast());
        case shape_method_success_addr:
            return start(h, index,
                         Request::method(method(spec.variant))
                             .emit_successful_response()
                             .include_socket_addr());
        case shape_script:
            return start(h, index, Request::get().use_handler(Script(spec.script, group)));
        case shape_block1_script:
            return start(h, index,
                         Request::post()
                             .payload(payload(spec))
                             .use_handler(Script(spec.script, group))
                             .block1(b1));
        case shape_block2_script:
            return start(h, index,
                         Request::get().use_handler(Script(spec.script, group)).block2(b2));
        case shape_inspect_success:
            return start(h, index,
                         Request::get()
                             .inspect([harness = this](const coap::InboundContext&) {
                                 harness->count_inspect();
                             })
                             .emit_successful_response());
        case shape_observe:
            return start(h, index, Request::observe());
        case shape_ping:
            return start(h, index, Request::ping());
        case shape_options: {
            static constexpr std::array<std::uint16_t, 4> numbers{65004, 2049, 15, 35};
            const auto number = coap::OptionNumber{numbers[spec.variant % 4]};
            return start(h, index,
                         Request::delete_()
                             .accept(spec.variant)
                             .content_format(static_cast<std::uint16_t>(spec.variant * 3))
                             .add_option(number, std::string_view("c=4"))
                             .add_option(coap::OptionNumber{65006}, std::uint32_t{spec.qb}));
        }
        case shape_multicast_script:
            return start(h, index,
                         Request::get().multicast().use_handler(Script(spec.script, true)));
        case shape_fetch_transmission:
            return start(h, index,
                         Request::fetch()
                             .payload(payload(spec))
                             .transmission(transmission(spec.variant))
                             .emit_any_response());
        case shape_uri_host_path: {
            static constexpr std::array<const char*, 4> hosts{"", "srv.example", "10.0.0.2", "x"};
            return start(h, index,
                         Request::get()
                             .uri_host_path(hosts[spec.variant % 4], resource_path(spec))
                             .emit_msg_code());
        }
        case shape_non_no_response:
            return start(
                h, index,
                Request::post()
                    .payload(payload(spec))
                    .nonconfirmable()
                    .add_option(coap::OptionNumber::no_response, std::uint32_t{spec.variant} & 0x1a)
                    .emit_msg_code());
        case shape_payload_writer: {
            const std::size_t length = spec.payload_length;
            const std::uint8_t seed = spec.payload_seed;
            return start(h, index,
                         Request::put()
                             .payload_writer([length, seed](coap::MessageWriter& writer) {
                                 std::string text(length, static_cast<char>('a' + seed % 26));
                                 writer.payload(std::string_view(text));
                             })
                             .emit_msg_code());
        }
        case shape_count:
            break;
    }
    FUZZ_REQUIRE(false);
}

}  // namespace driver_fuzz
