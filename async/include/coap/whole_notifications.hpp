// coap/whole_notifications.hpp — the client side of Observe with Block2
// (RFC 7959 §2.4, §3.4): reads an observation's stream and, when a
// notification carries Block2 with M=1, fetches the remaining blocks with
// plain GETs (Block2 NUM=1.., no Observe, each under a fresh token: the
// observation's token stays the observation's) that repeat the registration's
// options (URI, Accept, Uri-Query, custom ones; not those about one message),
// and delivers the reassembled notification as one item. The observation is
// any observe descriptor (Request::observe() and combinators around it).
// Owns the fetch of one notification at a time; the observation's rules stay
// in ObserveRequest/Observation.
#pragma once

#include "coap/remote_endpoint.hpp"
#include "coap/request.hpp"
#include "coap/send_operation.hpp"
#include "coap/task.hpp"

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace coap {

/// How WholeNotifications fetches the rest of a notification.
struct WholeNotificationConfig {
    /// ETag changes between blocks answered by fetching the new state from block
    /// 0 again, at most this many times per notification; then it is skipped.
    std::uint8_t max_restarts = 3;
    /// Bodies larger than this are skipped (a fetch failure).
    std::size_t max_body = std::size_t{1} << 20;
    /// A fetch that fails (no answer, an error code, a short or out-of-order
    /// block): false (default) delivers nothing for that notification and keeps
    /// the observation, whose next notification is fetched afresh; true delivers
    /// the error as an item and the stream goes on.
    bool report_fetch_failures = false;
};

/// Whether a block GET repeats the registration's option `number`. Not those
/// about one message or its payload: Observe (the GET registers nothing),
/// Block1/Block2/Q-Block1/Q-Block2 (Block2 is set per block), Size1/Size2,
/// Content-Format (no payload), ETag (a 2.03 Valid would carry no block),
/// OSCORE, EDHOC, Echo and Request-Tag (per exchange), No-Response (every block
/// must be answered). Every other option (Uri-*, Proxy-*, Accept, If-*, custom
/// ones) is repeated.
constexpr bool repeated_in_block_fetch(OptionNumber number) noexcept {
    switch (number) {
        case OptionNumber::observe:
        case OptionNumber::block1:
        case OptionNumber::block2:
        case OptionNumber::q_block1:
        case OptionNumber::q_block2:
        case OptionNumber::size1:
        case OptionNumber::size2:
        case OptionNumber::content_format:
        case OptionNumber::etag:
        case OptionNumber::oscore:
        case OptionNumber::edhoc:
        case OptionNumber::echo:
        case OptionNumber::request_tag:
        case OptionNumber::no_response:
            return false;
        default:
            return true;
    }
}

/// GET for one further block of a notification: the options of `registration`
/// (the registration request as written, its URI included) that
/// repeated_in_block_fetch() keeps, and Block2; no Observe, a fresh token.
/// `registration` must outlive the send. Finishes with the response as it came.
class NotificationBlockFetch {
  public:
    using value_type = OwnedMessage;
    static constexpr bool is_multicast = false;
    static constexpr bool has_block2 = true;
    static constexpr bool sets_uri = true;  // the registration's Uri-* / Proxy-* options
    static constexpr bool many_responses = false;

    NotificationBlockFetch(BlockValue block, const MessageView& registration) noexcept
        : registration_(&registration), block_(block) {}
    void configure(RequestOptions& options) const noexcept {
        options.method = codes::get;
        options.confirmable = true;  // options.token stays empty: a fresh one
    }
    void write_options(MessageWriter& writer) const noexcept;
    void write_payload(MessageWriter&) const noexcept {}
    HandlerResult<OwnedMessage> handle(const InboundResult& response) const {
        if (!response) return Err{response.error()};
        if (response->code() != codes::content) return Err{Error::from_code(response->code())};
        return done(OwnedMessage(response->message()));
    }
    std::optional<Duration> keep_waiting_timeout() const noexcept { return std::nullopt; }

  private:
    const MessageView* registration_;
    BlockValue block_;
};
static_assert(SendDescriptor<NotificationBlockFetch>);

/// What WholeNotifications does whatever its observe descriptor: keeps the
/// registration request, fetches the rest of one notification, counts.
class WholeNotificationsBase {
  public:
    using Item = Result<OwnedMessage, Error>;

    WholeNotificationsBase(const WholeNotificationsBase&) = delete;
    WholeNotificationsBase& operator=(const WholeNotificationsBase&) = delete;

    /// Notifications skipped because a fetch failed or ran out of restarts.
    std::size_t fetch_failures() const noexcept { return fetch_failures_; }
    /// Fetches abandoned because a newer notification arrived.
    std::size_t superseded() const noexcept { return superseded_; }
    /// ETag changes that restarted a fetch from block 0.
    std::size_t restarts() const noexcept { return restarts_; }
    /// The registration request as written when the observation was made (its
    /// options are the ones the block GETs repeat).
    const MessageView& registration() const noexcept { return registration_.view(); }

  protected:
    WholeNotificationsBase(const RemoteEndpoint& remote, const WholeNotificationConfig& config)
        : remote_(remote), config_(config) {}
    ~WholeNotificationsBase() = default;

    /// Keeps the request `registration` would send now (URI and options; once,
    /// into a buffer of the Endpoint's max_message_size: what does not fit is
    /// left out, as it could not have been sent either).
    void capture(PendingSend& registration);
    /// True for a notification whose further blocks must be fetched (Block2
    /// NUM=0 with M=1).
    static bool has_more_blocks(const Item& item) noexcept;
    /// Fetches the blocks after `first`; nullopt when superseded or skipped.
    Task<std::optional<Item>> fetch_rest(OwnedMessage first);
    /// A newer notification waits in the observation's stream (§3.4: the one
    /// being fetched is stale).
    virtual bool newer_waiting() const noexcept = 0;

  private:
    std::optional<Item> skipped(const Error& error);
    /// Fetches block `block` with the registration's options.
    SendAwaitable<NotificationBlockFetch> fetch(BlockValue block) const {
        return remote_.send(NotificationBlockFetch(block, registration_.view()));
    }

    RemoteEndpoint remote_;
    WholeNotificationConfig config_;
    OwnedMessage registration_;
    std::size_t fetch_failures_ = 0;
    std::size_t superseded_ = 0;
    std::size_t restarts_ = 0;
};

/// An observation whose notifications are delivered whole. `D` is the observe
/// descriptor (Request::observe(), possibly wrapped by accept(), add_option()
/// and other combinators): deduced from the constructor, so
/// `WholeNotifications whole(remote, Request::observe().accept(cf))` works.
/// `co_await next()` until nullopt, like SendStream. A newer notification
/// arriving while the blocks of an older one are fetched supersedes it (the
/// older one is never delivered, nor a mix of both). After an ETag change with
/// no newer notification the new state is fetched from block 0 by a plain GET
/// and delivered with that answer's options (its ETag; no Observe). The block
/// GETs repeat the registration's options as written when the observation was
/// made (repeated_in_block_fetch()). Not movable.
template <class D = ObserveRequest>
requires SendDescriptor<D> && ObservingDescriptor<D> &&
    std::same_as<typename D::value_type, OwnedMessage>
class WholeNotifications final : public WholeNotificationsBase {
    static_assert(!D::has_block2 && !D::is_multicast,
                  "WholeNotifications fetches the blocks itself: observe without block2() "
                  "or multicast()");

  public:
    explicit WholeNotifications(const RemoteEndpoint& remote, D observe = Request::observe(),
                                const WholeNotificationConfig& config = {})
        : WholeNotificationsBase(remote, config),
          stream_(remote.send_as_stream(std::move(observe))) {
        capture(stream_);
    }
    ~WholeNotifications() = default;

    /// The next whole notification (or error item), or nullopt at the end.
    Task<std::optional<Item>> next() {
        for (;;) {
            std::optional<Item> item = co_await stream_.next();
            if (!item || !has_more_blocks(*item)) co_return item;
            std::optional<Item> whole = co_await fetch_rest(std::move(**item));
            if (whole) co_return whole;
            // Superseded or skipped: the stream's next item (a newer
            // notification, or the next one to come) is read afresh.
        }
    }

    /// The observation's stream (its descriptor holds the Observation).
    SendStream<D>& stream() noexcept { return stream_; }

  private:
    bool newer_waiting() const noexcept override { return stream_.buffered() > 0; }

    SendStream<D> stream_;
};

}  // namespace coap
