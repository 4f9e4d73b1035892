// codec_only.cpp — size-report program "codec alone": a bare-metal loop that
// parses each frame from the fake radio with MessageView and answers a CON GET
// with a piggybacked 2.05 written by MessageWriter. No Endpoint is linked.
#include "../examples/embedded/fake_radio.hpp"
#include "coap/message.hpp"
#include "coap/message_writer.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace {

example::FakeAir air;
example::FakeRadio radio(air, 1);
std::array<std::byte, example::radio_mtu> buffer{};

}  // namespace

int main() {
    for (;;) {
        const example::Frame* frame = radio.receive();
        if (frame == nullptr) continue;
        const auto request = coap::MessageView::parse(frame->payload());
        if (request && request->type() == coap::MessageType::confirmable &&
            request->code() == coap::codes::get) {
            coap::MessageWriter writer(buffer, coap::MessageType::acknowledgement,
                                       coap::codes::content, request->message_id(),
                                       request->token());
            writer.option_uint(coap::OptionNumber::content_format, 0);
            bool temp = false;
            for (const auto segment : request->uri_path())
                temp = segment.as_string() == "temp";
            writer.payload(temp ? "215" : "?");
            if (const auto length = writer.finish())
                radio.transmit(frame->from, {buffer.data(), *length});
        }
        radio.release();
    }
}
