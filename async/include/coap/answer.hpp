// coap/answer.hpp — the rules every answer to a received request obeys, shared
// by RequestContext (answering at once) and PendingResponse (answering later):
// No-Response (RFC 7967) suppression, answering nothing (a CON still gets its
// empty ACK), and bodies sent in Block2 blocks, held whole or produced on demand. AnswerRules
// copies what these rules need out of the request, so they outlive the request's message.
#pragma once

#include "coap/block.hpp"
#include "coap/block_body.hpp"
#include "coap/block_producer.hpp"
#include "coap/code.hpp"
#include "coap/endpoint.hpp"

#include <gsl/span>

#include <cstdint>
#include <optional>
#include <vector>

namespace coap {

class Driver;

/// The No-Response option's bits (RFC 7967 §2.1): not interested in …
namespace no_response_bits {
inline constexpr std::uint8_t success = 0x02;       ///< … 2.xx responses
inline constexpr std::uint8_t client_error = 0x08;  ///< … 4.xx responses
inline constexpr std::uint8_t server_error = 0x10;  ///< … 5.xx responses
inline constexpr std::uint8_t all = success | client_error | server_error;
}  // namespace no_response_bits

/// True when a request whose No-Response value is `value` does not want a
/// response with `code` (RFC 7967 §2.1; 0 wants every response).
constexpr bool no_response_suppresses(std::uint8_t value, Code code) noexcept {
    switch (code.code_class()) {
        case 2:
            return (value & no_response_bits::success) != 0;
        case 4:
            return (value & no_response_bits::client_error) != 0;
        case 5:
            return (value & no_response_bits::server_error) != 0;
        default:
            return false;
    }
}

/// Where an answer goes instead of the Driver when a handler runs to render a
/// notification (RFC 7641 §4.2): the response, written without a token.
struct ResponseCapture {
    bool answered = false;
    Code code{};
    std::vector<std::byte> message;  ///< header (empty token), options and payload
};

/// What decides how one received request may be answered.
struct AnswerRules {
    ResponderId responder{};
    bool confirmable = true;
    bool multicast = false;
    /// The request's No-Response value (0 without the option).
    std::uint8_t no_response = 0;
    /// The request's Block2 option: the block of the body it asks for.
    std::optional<BlockValue> block2{};
    /// The request carried Size2 (RFC 7959 §4: asks for the body's size).
    bool size2_requested = false;
    /// The Block1 option every answer echoes: set when the request completed a
    /// body sent in Block1 blocks (RFC 7959 §2.3: the final response carries
    /// the last block's NUM with M=0).
    std::optional<BlockValue> block1{};
    /// RFC 7641 §4.2: a 2.xx answer carries Observe with this value (the request
    /// registered an observer).
    std::optional<std::uint32_t> observe{};
    /// Answers are captured here, not sent (a notification being rendered).
    ResponseCapture* capture = nullptr;

    /// Copied from a request_received event.
    static AnswerRules of(const Event& event) noexcept;

    bool suppresses(Code code) const noexcept { return no_response_suppresses(no_response, code); }
};

/// Answers through `driver`: sends the response, or, when No-Response
/// suppresses its class, answers nothing (see answer_nothing).
Result<Done, LocalError> answer(Driver& driver, const AnswerRules& rules,
                                const ResponseOptions& options, MessageBuilder build);

/// Answers nothing and forgets the request. A unicast CON request that was not
/// acknowledged yet gets its empty ACK first (RFC 7967 §2.1), so that the client
/// stops retransmitting.
Result<Done, LocalError> answer_nothing(Driver& driver, const AnswerRules& rules);

/// Answers with `body`, or the block of it the request asked for (block_body.hpp).
/// A block past the end of the body is answered 4.02 Bad Option.
Result<Done, LocalError> answer_body(Driver& driver, const AnswerRules& rules,
                                     const ResponseOptions& options,
                                     gsl::span<const std::byte> body,
                                     const BodyOptions& body_options);

/// Answers with the block of a representation produced on demand that the
/// request asked for (block_producer.hpp): 4.02 Bad Option for a block past its
/// end, 5.00 when the producer fails.
Result<Done, LocalError> answer_produced(Driver& driver, const AnswerRules& rules,
                                         const ResponseOptions& options,
                                         const BlockProducer& producer,
                                         const BodyOptions& body_options);

}  // namespace coap
