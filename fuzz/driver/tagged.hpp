// fuzz/driver/tagged.hpp — the harness's own descriptor pieces: Tagged, the
// outermost wrapper of every send, which writes a fresh tag option (and maybe a
// No-Response option) into each request and reports each response to the
// harness; and Script, a use_handler handler whose verdicts the input chose.
// Owns no state beyond the record number and the script position.
#pragma once

#include "harness.hpp"

#include "coap/combinators.hpp"
#include "coap/request.hpp"

#include <cstdint>
#include <utility>

namespace driver_fuzz {

template <class Inner>
class Tagged : public coap::Wrapper<Inner> {
  public:
    Tagged(Inner inner, Harness& harness, std::size_t record, std::uint8_t no_response)
        : coap::Wrapper<Inner>(std::move(inner)),
          harness_(&harness),
          record_(record),
          no_response_(no_response) {}

    void write_options(coap::MessageWriter& writer) const {
        this->inner_.write_options(writer);
        const auto tag = tag_bytes(harness_->next_tag(record_));
        writer.option(coap::OptionNumber{tag_option}, tag);
        if (no_response_ != 0) writer.option_uint(coap::OptionNumber::no_response, no_response_);
    }
    coap::HandlerResult<typename Inner::value_type> handle(const coap::InboundResult& response) {
        if (response) harness_->on_response(record_, *response);
        return this->inner_.handle(response);
    }

  private:
    Harness* harness_;
    std::size_t record_;
    std::uint8_t no_response_;
};

/// A use_handler handler: up to five steps of 3 bits each, one per call; then
/// (or on a step of 0) the plain judgement, done(code number) on success.
class Script {
  public:
    /// `multicast`: the descriptor goes to a group (send_next restarts it).
    Script(std::uint16_t steps, bool multicast) noexcept : steps_(steps), multicast_(multicast) {}

    coap::HandlerResult<int> operator()(const coap::InboundResult& response) {
        unsigned step = 0;
        if (calls_ < 5) step = (unsigned{steps_} >> (3u * calls_++)) & 7u;
        // A restart in a new exchange (see ended_send_waits_for_its_event).
        const bool restart = !response || multicast_;
        if (!ended_send_waits_for_its_event && restart && (step == 2 || step == 3)) step = 0;
        switch (step) {
            case 1:
                return coap::done(static_cast<int>(100 + calls_));
            case 2:
            case 3:
                return coap::send_next;
            case 4:
                return coap::keep_waiting;
            case 5:
                return coap::Err{coap::Error::of(coap::ErrorKind::parse_error)};
            case 6:
                return coap::Err{coap::Error::of(coap::ErrorKind::forbidden)};
            default:
                break;
        }
        if (!response) return coap::Err{response.error()};
        if (!response->code().is_success())
            return coap::Err{coap::Error::from_code(response->code())};
        return coap::done(int{response->code().raw()});
    }

  private:
    std::uint16_t steps_;
    bool multicast_;
    unsigned calls_ = 0;
};

}  // namespace driver_fuzz
