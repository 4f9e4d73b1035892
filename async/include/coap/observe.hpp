// coap/observe.hpp — the server side of RFC 7641: observers of a Resource, the
// configuration that bounds them and decides NON or CON, and the hub a
// ResourceTree keeps to register observers, notify them and hear the fate of
// notifications from its Driver. Owns observer state only; the Endpoint owns
// the messages (Endpoint::notify). Never allocates per notification except the
// one rendering per distinct registration request.
#pragma once

#include "coap/address.hpp"
#include "coap/answer.hpp"
#include "coap/code.hpp"
#include "coap/endpoint_event.hpp"
#include "coap/function_ref.hpp"
#include "coap/message.hpp"
#include "coap/time.hpp"

#include <gsl/span>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace coap {

class Driver;
class RequestContext;
class Resource;
struct ObservableState;

struct ObserveConfig {
    /// Observers in the whole tree. Full: see max_observers_per_resource.
    std::size_t max_observers = 256;
    /// Observers of one resource. Full (this or the total): the registration GET
    /// is answered as if it had no Observe option (§4.1 lets a server do so): the
    /// client gets the current representation and, seeing no Observe, knows that it
    /// is not an observer and may poll or register later. A 5.03 would deny it
    /// the representation it asked for.
    std::size_t max_observers_per_resource = 64;
    /// A CON notification after this many NON ones without any acknowledgement in
    /// between (§4.5: is the client still there?).
    std::uint8_t non_before_con = 10;
    /// A CON notification at least this often per observer (§4.5: 24 hours).
    Duration con_interval = seconds(24 * 3600);
    /// Every notification CON.
    bool always_confirmable = false;
};

/// One observer (§4.1): the client endpoint and token to notify, and what the
/// NON/CON policy needs. Fixed size, no allocation; lives in the hub's pool.
struct Observer {
    Address peer;
    Instant last_con{};                ///< when the last CON (or the registration) went
    ObservableState* state = nullptr;  ///< the resource it observes
    NotificationId in_flight{};        ///< the CON notification retransmitting, if any
    NotificationId last_sent{};        ///< the newest notification, for RST (§3.6)
    std::array<std::byte, 8> token{};
    std::uint32_t position = 0;      ///< its index in state->members
    std::uint32_t next_of_peer = 0;  ///< the peer's next observer (pool index), or none
    std::uint16_t request = 0;       ///< index of its registration request in the resource
    std::uint8_t token_length = 0;
    std::uint8_t non_since_ack = 0;  ///< NON notifications since the last ACK

    gsl::span<const std::byte> token_bytes() const noexcept { return {token.data(), token_length}; }
};

/// The observe state of one observable resource.
struct ObservableState {
    /// A registration request kept to re-run the GET handler for notifications,
    /// shared by every observer that registered with the same options.
    struct Request {
        std::vector<std::byte> bytes;  ///< the request as received (CON, token kept)
        std::uint32_t users = 0;
        /// Its No-Response option (RFC 7967): notifications of a class the
        /// client is not interested in are not sent (a final one still ends).
        std::uint8_t no_response = 0;
    };
    /// Its observers, as indexes into the hub's pool (order is not kept).
    std::vector<std::uint32_t> members;
    std::vector<Request> requests;
    std::uint32_t sequence = 0;  ///< 24-bit Observe value of the newest state
    /// Every notification of this resource CON (ObserveConfig::always_confirmable
    /// for one resource): Resource::confirmable_notifications.
    bool always_confirmable = false;
};

/// What a ResourceTree keeps for its observable resources. Observers live in
/// one pool; each resource lists its own, and an index by peer finds a client's
/// observers in O(1), so that registering, deregistering and hearing the fate
/// of a notification do not depend on how many observers there are, and
/// notify() is one pass over the resource's observers after one rendering per
/// distinct registration request.
class ObserveHub {
  public:
    ObserveConfig config{};
    Driver* driver = nullptr;  ///< set by ResourceTree::serve
    std::size_t total = 0;
    std::vector<Resource*> observables;

    /// A GET/FETCH with Observe 0 on `resource`: replaces an older registration of
    /// the same client (same peer and token on any resource, or same peer with the
    /// same request, URI and options, under a new token),
    /// then registers if the limits allow. True when registered.
    bool add(Resource& resource, const RequestContext& context);
    /// Deregistration (Observe 1) or a registration that ended badly: removes the
    /// observers of `resource` with this peer and token.
    void remove(Resource& resource, const Address& peer, gsl::span<const std::byte> token);
    /// Renders the state once per registration request and notifies every
    /// observer; returns the notifications sent. Allocates nothing once its
    /// buffers have grown (unless the GET handler does). A notify() from inside
    /// that rendering does nothing and returns 0.
    /// With `which`: only the registration requests it accepts are rendered and
    /// only their observers notified.
    std::size_t notify(Resource& resource,
                       const FunctionRef<bool(const MessageView&)>* which = nullptr);
    /// A final notification (`code`, no Observe) to every observer, who are removed.
    std::size_t end(Resource& resource, Code code, std::string_view diagnostic);
    /// notification_acknowledged / notification_failed from the Driver.
    void on_event(const Event& event);
    /// Forgets every observer of `resource` (it is being removed).
    void forget(Resource& resource);
    /// Forgets every observer of `resource` without telling them; it stays
    /// observable. Returns how many there were.
    std::size_t drop(Resource& resource);
    /// Bytes the hub holds per observer beyond the peer index (for reports).
    static constexpr std::size_t bytes_per_observer = sizeof(Observer) + sizeof(std::uint32_t);

  private:
    static constexpr std::uint32_t none = 0xffffffff;
    /// Removes pool entry `index` from its resource, its peer's chain and the pool.
    void erase(std::uint32_t index);
    /// Sends the captured response to one observer; false when it must go.
    bool send(ObservableState& state, Observer& observer, const ResponseCapture& capture);
    /// Runs the GET handler of `resource` for registration request `request`
    /// into `capture`.
    void render(Resource& resource, std::size_t request, ResponseCapture& capture,
                const FunctionRef<bool(const MessageView&)>* which);

    std::vector<Observer> pool_;
    std::vector<std::uint32_t> free_;
    /// The first observer (pool index) of each peer; the rest follow next_of_peer.
    std::unordered_map<Address, std::uint32_t> by_peer_;
    /// Nodes of by_peer_ whose peer has no observer left, reused for new peers.
    std::vector<std::unordered_map<Address, std::uint32_t>::node_type> spare_peers_;
    /// Renderings of the current notify(), one per registration request, reused.
    std::vector<ResponseCapture> renders_;
    std::vector<std::byte> request_copy_;
    bool rendering_ = false;
};

}  // namespace coap
