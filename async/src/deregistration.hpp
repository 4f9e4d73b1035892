// deregistration.hpp — Driver::Deregistration: the send the Driver runs on its
// own to end an observation at the server (RFC 7641 §3.6, a GET with Observe 1
// under the observation's token) after the stream that owned it is gone. Owns
// a copy of the request's options and token; its response goes to nobody.
#pragma once

#include "coap/driver.hpp"
#include "coap/inbound_context.hpp"

#include <array>
#include <cstddef>
#include <cstring>

namespace coap {

class Driver::Deregistration final : public PendingSend {
  public:
    /// `build` writes the request; it is used only while the Driver starts it,
    /// so it is taken by reference (a by-value parameter would die with this
    /// constructor: the driver fuzz target caught that).
    Deregistration(const RequestOptions& options, const MessageBuilder& build) noexcept
        : options_(options), build_(&build) {
        const std::size_t length = std::min(options.token.size(), token_.size());
        if (length > 0) std::memcpy(token_.data(), options.token.data(), length);
        options_.token = gsl::span<const std::byte>(token_.data(), length);
    }
    Deregistration(const Deregistration&) = delete;
    Deregistration& operator=(const Deregistration&) = delete;
    ~Deregistration() = default;

    RequestOptions request_options() const override { return options_; }
    void write_request(MessageWriter& writer) override {
        if (build_ != nullptr) (*build_)(writer);
    }
    /// A notification that crossed the deregistration (a CON or NON 2.xx with
    /// Observe) is not its answer: wait on. Anything else ends it, the response
    /// piggybacked on the GET's ACK too, even if a confused server put Observe in.
    Verdict on_response(const InboundContext* response, const Error*) override {
        if (response != nullptr && response->code().is_success() && response->message().observe() &&
            response->message().type() != MessageType::acknowledgement)
            return Verdict::keep_waiting;
        return Verdict::done;
    }
    std::optional<Duration> keep_waiting_timeout() const override { return std::nullopt; }
    void progressed() override {}
    void restarted(RequestId) override {}
    void finished(const std::optional<Error>&) override { over_ = true; }

    /// Started: the builder (a view of the caller's) is not needed any more.
    void started() noexcept { build_ = nullptr; }
    bool over() const noexcept { return over_; }

  private:
    RequestOptions options_;
    std::array<std::byte, 8> token_{};
    const MessageBuilder* build_;
    bool over_ = false;
};

}  // namespace coap
