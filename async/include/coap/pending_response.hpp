// coap/pending_response.hpp — PendingResponse: the right to answer one received
// request later (RequestContext::defer). Movable, not copyable; answers at most
// once; answers 5.00 when destroyed unanswered (a multicast request is released
// instead, since §8.2 forbids error responses to it). Holds no view of the
// request's message, only its AnswerRules; must not outlive its Driver.
#pragma once

#include "coap/address.hpp"
#include "coap/answer.hpp"
#include "coap/code.hpp"
#include "coap/endpoint.hpp"

#include <gsl/span>

#include <cstdint>
#include <optional>
#include <string_view>

namespace coap {

class Driver;
class RequestContext;

class PendingResponse {
  public:
    /// Answers nothing and can never answer (responding gives stale_handle).
    PendingResponse() noexcept = default;
    PendingResponse(PendingResponse&& other) noexcept;
    /// Settles the response this one held (as the destructor does), then takes `other`'s.
    PendingResponse& operator=(PendingResponse&& other) noexcept;
    PendingResponse(const PendingResponse&) = delete;
    PendingResponse& operator=(const PendingResponse&) = delete;
    /// Unanswered: answers 5.00 Internal Server Error (multicast: releases).
    ~PendingResponse();

    /// Still waiting for an answer.
    bool pending() const noexcept { return driver_ != nullptr; }
    explicit operator bool() const noexcept { return pending(); }
    const Address& peer() const noexcept { return peer_; }
    bool multicast() const noexcept { return rules_.multicast; }
    const AnswerRules& rules() const noexcept { return rules_; }

    /// For a CON request: send the separate response as CON (the default) or NON.
    void set_separate_confirmable(bool confirmable) noexcept { confirmable_ = confirmable; }

    /// Answers now (a separate response once the Endpoint sent its empty ACK).
    /// Fails with already_answered after an answer, stale_handle when this never
    /// held a request or the Endpoint gave the request up (its response deadline
    /// passed), or the Endpoint's refusal; after a refusal other than those it
    /// stays pending, so that the destructor can still answer 5.00.
    Result<Done, LocalError> respond(Code code, MessageBuilder build);
    Result<Done, LocalError> respond(Code code);
    Result<Done, LocalError> respond(Code code, std::string_view payload,
                                     std::optional<std::uint16_t> content_format = std::nullopt);
    /// Answers with `body`, or the Block2 block of it the request asked for.
    Result<Done, LocalError> respond_body(Code code, gsl::span<const std::byte> body,
                                          const BodyOptions& options = {});
    Result<Done, LocalError> respond_body(Code code, std::string_view body,
                                          const BodyOptions& options = {});
    /// Answers nothing (a CON request still gets its empty ACK) and lets go.
    Result<Done, LocalError> ignore();

  private:
    friend class RequestContext;
    PendingResponse(Driver& driver, const AnswerRules& rules, const Address& peer) noexcept
        : driver_(&driver), rules_(rules), peer_(peer) {}

    /// Runs `send` unless already settled; settles on success or a final refusal.
    template <class Send>
    Result<Done, LocalError> settle(Send&& send);
    /// The destructor's answer.
    void abandon() noexcept;

    Driver* driver_ = nullptr;
    AnswerRules rules_{};
    Address peer_{};
    bool confirmable_ = true;
    bool answered_ = false;
};

}  // namespace coap
