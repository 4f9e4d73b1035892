// request_context.cpp — RequestContext: the request's facts, answering it at
// once, deferring it, and the 5.00 fallback.
#include "coap/request_context.hpp"

#include "coap/block1_assembly.hpp"
#include "coap/driver.hpp"
#include "coap/pending_response.hpp"

namespace coap {
namespace {

gsl::span<const std::byte> bytes_of(std::string_view text) noexcept {
    return gsl::as_bytes(gsl::span<const char>(text.data(), text.size()));
}

std::string joined(gsl::span<const std::string_view> segments, bool leading_slash) {
    std::string text;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (leading_slash || i > 0) text += '/';
        text += segments[i];
    }
    return text;
}

}  // namespace

OptionValues::OptionValues(OptionRange options) {
    for (const OptionView& option : options) {
        if (size_ < inline_.size()) {
            inline_[size_++] = option.as_string();
            continue;
        }
        if (overflow_.empty()) overflow_.assign(inline_.begin(), inline_.end());
        overflow_.push_back(option.as_string());
    }
}

RequestContext::RequestContext(Driver& driver, const Event& event)
    : driver_(&driver),
      peer_(event.peer),
      message_(event.message),
      rules_(AnswerRules::of(event)),
      path_(event.message.uri_path()),
      queries_(event.message.uri_query()) {}

Instant RequestContext::now() const {
    return driver_->now();
}

std::string RequestContext::path_string() const {
    return path_.span().empty() ? std::string("/") : joined(path_.span(), true);
}

std::optional<std::string_view> RequestContext::query(std::string_view name) const noexcept {
    for (const std::string_view item : queries_.span()) {
        const std::size_t equals = item.find('=');
        if (item.substr(0, equals) != name) continue;
        return equals == std::string_view::npos ? std::string_view{} : item.substr(equals + 1);
    }
    return std::nullopt;
}

std::string RequestContext::rest_path() const {
    return joined(route_.rest, false);
}

template <class Send>
Result<Done, LocalError> RequestContext::settle(Send&& send) {
    if (answered_ || deferred_) return Err{LocalError::already_answered};
    auto result = send();
    // stale_handle: the Endpoint has let the request go; nothing is left to answer.
    if (result || result.error() == LocalError::stale_handle ||
        result.error() == LocalError::already_answered)
        answered_ = true;
    return result;
}

Result<Done, LocalError> RequestContext::respond(Code code, MessageBuilder build) {
    auto result = settle([&] { return answer(*driver_, rules_, ResponseOptions{code}, build); });
    if (result) answered_code_ = code;
    return result;
}

Result<Done, LocalError> RequestContext::respond(Code code) {
    return respond(code, [](MessageWriter&) {});
}

Result<Done, LocalError> RequestContext::respond(Code code, std::string_view payload,
                                                 std::optional<std::uint16_t> content_format) {
    return respond(code, [&](MessageWriter& writer) {
        if (content_format) writer.option_uint(OptionNumber::content_format, *content_format);
        writer.payload(payload);
    });
}

Result<Done, LocalError> RequestContext::respond_body(Code code, gsl::span<const std::byte> body,
                                                      const BodyOptions& options) {
    if (responses_ != nullptr && !answered_ && !deferred_) {
        // §3.3: the client asks for the further blocks without the request body;
        // they are answered from this copy, not by running the handler again.
        const std::uint8_t max_szx = max_block_szx(
            options.max_block_size, driver_->endpoint().config().capacities.max_message_size);
        const auto slice = slice_body(body.size(), rules_.block2, max_szx);
        if (slice && slice->block2 && slice->block2->more())
            responses_->store(now(), peer_, path_string(), method(), code, body, options);
    }
    auto result =
        settle([&] { return answer_body(*driver_, rules_, ResponseOptions{code}, body, options); });
    if (result) answered_code_ = code;
    return result;
}

Result<Done, LocalError> RequestContext::respond_body(Code code, std::string_view body,
                                                      const BodyOptions& options) {
    return respond_body(code, bytes_of(body), options);
}

Result<Done, LocalError> RequestContext::respond_blocks(Code code, const BlockProducer& producer,
                                                        const BodyOptions& options) {
    auto result = settle([&] {
        return answer_produced(*driver_, rules_, ResponseOptions{code}, producer, options);
    });
    if (result) answered_code_ = code;
    return result;
}

Result<Done, LocalError> RequestContext::ignore() {
    return settle([&] { return answer_nothing(*driver_, rules_); });
}

PendingResponse RequestContext::defer() {
    if (answered_ || deferred_) {
        PendingResponse spent;
        spent.answered_ = true;  // responding gives already_answered
        return spent;
    }
    if (rules_.capture != nullptr) {
        // Rendering a notification cannot wait: this observer is skipped.
        answered_ = true;
        PendingResponse spent;
        spent.answered_ = true;
        return spent;
    }
    deferred_ = true;
    return PendingResponse(*driver_, rules_, peer_);
}

void RequestContext::finish() {
    if (answered_ || deferred_) return;
    (void)respond(codes::internal_server_error);
    if (!answered_) {
        // Even 5.00 could not be sent (a full transmit queue): let the request go.
        driver_->release(rules_.responder);
        answered_ = true;
    }
}

}  // namespace coap
