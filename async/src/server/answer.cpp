// answer.cpp — answering a received request through the Driver: No-Response
// suppression, answering nothing, and bodies sent in Block2 blocks (held
// whole or produced on demand).
#include "coap/answer.hpp"

#include "coap/driver.hpp"

namespace coap {

AnswerRules AnswerRules::of(const Event& event) noexcept {
    AnswerRules rules;
    rules.responder = event.responder;
    rules.confirmable = event.message.type() == MessageType::confirmable;
    rules.multicast = event.multicast;
    rules.no_response = event.message.no_response().value_or(0);
    rules.block2 = event.message.block2();
    rules.size2_requested = event.message.has_option(OptionNumber::size2);
    return rules;
}

Result<Done, LocalError> answer(Driver& driver, const AnswerRules& rules,
                                const ResponseOptions& options, MessageBuilder build) {
    if (rules.capture != nullptr) {
        ResponseCapture& capture = *rules.capture;
        capture.message.assign(driver.endpoint().config().capacities.max_message_size,
                               std::byte{0});
        MessageWriter writer(capture.message, MessageType::non_confirmable, options.code, 0, {});
        build(writer);
        const auto length = writer.finish();
        if (!length) {
            return Err{length.error() == WriteError::buffer_too_small
                           ? LocalError::message_too_large
                           : LocalError::invalid_message};
        }
        capture.message.resize(*length);
        capture.code = options.code;
        capture.answered = true;
        return Done{};
    }
    if (rules.suppresses(options.code)) return answer_nothing(driver, rules);
    // RFC 7641 §4.2: a 2.xx answer to a registration carries Observe; RFC 7959
    // §2.3: the answer that completes a Block1 body echoes its last Block1.
    const std::optional<std::uint32_t> sequence =
        options.code.is_success() ? rules.observe : std::nullopt;
    if (!rules.block1 && !sequence) return driver.respond(rules.responder, options, build);
    auto decorated = [&](MessageWriter& writer) {
        if (sequence) writer.option_uint(OptionNumber::observe, *sequence);
        if (rules.block1) writer.option_uint(OptionNumber::block1, rules.block1->to_uint());
        build(writer);
    };
    return driver.respond(rules.responder, options, decorated);
}

Result<Done, LocalError> answer_nothing(Driver& driver, const AnswerRules& rules) {
    if (rules.capture != nullptr) return Done{};  // nothing to notify
    if (rules.confirmable && !rules.multicast) {
        // Does nothing when the Endpoint already sent the empty ACK.
        const auto acknowledged = driver.acknowledge(rules.responder);
        if (!acknowledged) return acknowledged;
    }
    driver.release(rules.responder);
    return Done{};
}

Result<Done, LocalError> answer_body(Driver& driver, const AnswerRules& rules,
                                     const ResponseOptions& options,
                                     gsl::span<const std::byte> body,
                                     const BodyOptions& body_options) {
    const std::uint8_t max_szx = max_block_szx(
        body_options.max_block_size, driver.endpoint().config().capacities.max_message_size);
    const auto slice = slice_body(body.size(), rules.block2, max_szx);
    if (!slice) {
        ResponseOptions bad = options;
        bad.code = codes::bad_option;
        return answer(driver, rules, bad,
                      [](MessageWriter& writer) { writer.payload("block out of range"); });
    }
    return answer(driver, rules, options, [&](MessageWriter& writer) {
        write_body_slice(writer, body, *slice, body_options, rules.size2_requested);
    });
}

Result<Done, LocalError> answer_produced(Driver& driver, const AnswerRules& rules,
                                         const ResponseOptions& options,
                                         const BlockProducer& producer,
                                         const BodyOptions& body_options) {
    const std::uint8_t max_szx = max_block_szx(
        body_options.max_block_size, driver.endpoint().config().capacities.max_message_size);
    ProducedBlock block;
    produce_block(producer, rules.block2, max_szx, block);
    if (block.outcome != ProducedBlock::Outcome::ok) {
        const bool past_end = block.outcome == ProducedBlock::Outcome::past_end;
        ResponseOptions bad = options;
        bad.code = past_end ? codes::bad_option : codes::internal_server_error;
        return answer(driver, rules, bad, [&](MessageWriter& writer) {
            writer.payload(past_end ? "block out of range" : "representation unavailable");
        });
    }
    return answer(driver, rules, options, [&](MessageWriter& writer) {
        write_produced_block(writer, producer, block, body_options, rules.size2_requested);
    });
}

}  // namespace coap
