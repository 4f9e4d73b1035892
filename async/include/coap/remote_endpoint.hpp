// coap/remote_endpoint.hpp — RemoteEndpoint: a peer and a base URI on one
// Driver (async-coap's RemoteEndpoint): send a descriptor to the base URI or
// to a reference resolved against it, as an awaitable, a stream or with a
// callback, and ping. Cheap to copy: the target URI is shared and immutable.
#pragma once

#include "coap/driver.hpp"
#include "coap/request.hpp"
#include "coap/request_target.hpp"
#include "coap/send_operation.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace coap {

class RemoteEndpoint {
  public:
    RemoteEndpoint(Driver& driver, const Address& address, std::string uri);

    Driver& driver() const noexcept { return *driver_; }
    const Address& address() const noexcept { return address_; }
    /// The base URI requests go to.
    const std::string& uri() const noexcept { return target_->uri(); }

    /// The same peer with `reference` (absolute path, relative path or query)
    /// resolved against this URI (RFC 3986 §5.2). Fails for a reference to
    /// another authority or scheme, or a malformed one.
    Result<RemoteEndpoint, Error> clone_using_rel_ref(std::string_view reference) const;
    /// Stops writing Uri-Host (for peers that reject it, or virtual hosting off).
    RemoteEndpoint& remove_host_option();

    /// `co_await remote.send(descriptor)` → Result<T, Error>.
    template <class D>
    requires SendDescriptor<std::remove_cvref_t<D>> SendAwaitable<std::decay_t<D>> send(
        D&& descriptor)
    const { return {*driver_, address_, target_, std::forward<D>(descriptor)}; }
    /// send() to `reference` resolved against this URI.
    template <class D>
    requires SendDescriptor<std::remove_cvref_t<D>> SendAwaitable<std::decay_t<D>> send_to(
        std::string_view reference, D&& descriptor)
    const {
        auto target = resolve(reference);
        if (!target) return {*driver_, std::forward<D>(descriptor), target.error()};
        return {*driver_, address_, std::move(*target), std::forward<D>(descriptor)};
    }
    /// Every value (multicast responders, notifications) through `co_await stream.next()`.
    template <class D>
    requires SendDescriptor<std::remove_cvref_t<D>> SendStream<std::decay_t<D>> send_as_stream(
        D&& descriptor)
    const { return {*driver_, address_, target_, std::forward<D>(descriptor)}; }
    /// `callback(Result<T, Error>)` for the outcome; the handle cancels.
    template <class D, class F>
    requires SendDescriptor<std::remove_cvref_t<D>> SendHandle send_with(D&& descriptor, F callback)
    const {
        return CallbackSend<std::decay_t<D>, F>::launch(
            *driver_, address_, target_, std::forward<D>(descriptor), std::move(callback));
    }
    /// CoAP ping: Done when the peer answers.
    SendAwaitable<PingRequest> ping() const { return send(Request::ping()); }

  private:
    Result<std::shared_ptr<const RequestTarget>, Error> resolve(std::string_view reference) const;

    Driver* driver_;
    Address address_;
    std::shared_ptr<const RequestTarget> target_;
};

}  // namespace coap
