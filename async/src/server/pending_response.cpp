// pending_response.cpp — PendingResponse: answering a deferred request once.
#include "coap/pending_response.hpp"

#include "coap/driver.hpp"

#include <utility>

namespace coap {
namespace {

gsl::span<const std::byte> bytes_of(std::string_view text) noexcept {
    return gsl::as_bytes(gsl::span<const char>(text.data(), text.size()));
}

}  // namespace

PendingResponse::PendingResponse(PendingResponse&& other) noexcept
    : driver_(std::exchange(other.driver_, nullptr)),
      rules_(other.rules_),
      peer_(other.peer_),
      confirmable_(other.confirmable_),
      answered_(other.answered_) {}

PendingResponse& PendingResponse::operator=(PendingResponse&& other) noexcept {
    if (this != &other) {
        abandon();
        driver_ = std::exchange(other.driver_, nullptr);
        rules_ = other.rules_;
        peer_ = other.peer_;
        confirmable_ = other.confirmable_;
        answered_ = other.answered_;
    }
    return *this;
}

PendingResponse::~PendingResponse() {
    abandon();
}

void PendingResponse::abandon() noexcept {
    if (driver_ == nullptr) return;
    Driver& driver = *std::exchange(driver_, nullptr);
    answered_ = true;
    if (rules_.multicast) {
        driver.release(rules_.responder);
        return;
    }
    // A destructor must not throw: the Driver and the Endpoint only fail by value.
    try {
        (void)answer(driver, rules_, ResponseOptions{codes::internal_server_error, confirmable_},
                     [](MessageWriter&) {});
    } catch (...) {
        driver.release(rules_.responder);
    }
}

template <class Send>
Result<Done, LocalError> PendingResponse::settle(Send&& send) {
    if (driver_ == nullptr)
        return Err{answered_ ? LocalError::already_answered : LocalError::stale_handle};
    auto result = send(*driver_);
    if (result || result.error() == LocalError::stale_handle ||
        result.error() == LocalError::already_answered) {
        // Answered, or the Endpoint has let the request go: nothing left to settle.
        driver_ = nullptr;
        answered_ = true;
    }
    return result;
}

Result<Done, LocalError> PendingResponse::respond(Code code, MessageBuilder build) {
    return settle([&](Driver& driver) {
        return answer(driver, rules_, ResponseOptions{code, confirmable_}, build);
    });
}

Result<Done, LocalError> PendingResponse::respond(Code code) {
    return respond(code, [](MessageWriter&) {});
}

Result<Done, LocalError> PendingResponse::respond(Code code, std::string_view payload,
                                                  std::optional<std::uint16_t> content_format) {
    return respond(code, [&](MessageWriter& writer) {
        if (content_format) writer.option_uint(OptionNumber::content_format, *content_format);
        writer.payload(payload);
    });
}

Result<Done, LocalError> PendingResponse::respond_body(Code code, gsl::span<const std::byte> body,
                                                       const BodyOptions& options) {
    return settle([&](Driver& driver) {
        return answer_body(driver, rules_, ResponseOptions{code, confirmable_}, body, options);
    });
}

Result<Done, LocalError> PendingResponse::respond_body(Code code, std::string_view body,
                                                       const BodyOptions& options) {
    return respond_body(code, bytes_of(body), options);
}

Result<Done, LocalError> PendingResponse::ignore() {
    return settle([&](Driver& driver) { return answer_nothing(driver, rules_); });
}

}  // namespace coap
