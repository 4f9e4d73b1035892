// tracing_transport.hpp — TracingTransport: a coap::Transport that forwards to
// another and writes every datagram sent and received, in the readable
// rendering (coap/render.hpp), to a stream: the client's -v. Owns nothing but
// the reference to the stream and the wrapped transport.
#pragma once

#include <coap/transport.hpp>

#include <ostream>

namespace cobalt_cli {

class TracingTransport final : public coap::Transport {
  public:
    TracingTransport(coap::Transport& inner, std::ostream& log) : inner_(inner), log_(log) {}

    coap::Instant now() const override { return inner_.now(); }
    std::optional<coap::Received> receive(gsl::span<std::byte> buffer) override;
    bool send(const coap::Address& peer, gsl::span<const std::byte> datagram) override;
    bool wait(std::optional<coap::Instant> deadline) override { return inner_.wait(deadline); }
    std::optional<coap::Address> resolve(std::string_view host, std::uint16_t port) override {
        return inner_.resolve(host, port);
    }
    coap::Address local_address() const override { return inner_.local_address(); }
    void attach(coap::Serviceable* owner) override { inner_.attach(owner); }
    void set_unreachable_handler(std::function<void(const coap::Address&)> handler) override {
        inner_.set_unreachable_handler(std::move(handler));
    }

  private:
    void trace(std::string_view direction, const coap::Address& peer,
               gsl::span<const std::byte> datagram);

    coap::Transport& inner_;
    std::ostream& log_;
};

}  // namespace cobalt_cli
