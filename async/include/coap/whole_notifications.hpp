// coap/whole_notifications.hpp — the client side of Observe with Block2
// (RFC 7959 §2.4, §3.4): reads an observation's stream and, when a
// notification carries Block2 with M=1, fetches the remaining blocks with
// plain GETs (Block2 NUM=1.., no Observe, each under a fresh token: the
// observation's token stays the observation's) and delivers the reassembled
// notification as one item. Owns the fetch of one notification at a time;
// the observation's rules stay in ObserveRequest/Observation.
#pragma once

#include "coap/remote_endpoint.hpp"
#include "coap/request.hpp"
#include "coap/send_operation.hpp"
#include "coap/task.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
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

/// GET for one further block of a notification: the target's URI and Block2,
/// no Observe, a fresh token. Finishes with the response as it came.
class NotificationBlockFetch {
  public:
    using value_type = OwnedMessage;
    static constexpr bool is_multicast = false;
    static constexpr bool has_block2 = true;
    static constexpr bool sets_uri = false;
    static constexpr bool many_responses = false;

    explicit NotificationBlockFetch(BlockValue block) noexcept : block_(block) {}
    void configure(RequestOptions& options) const noexcept {
        options.method = codes::get;
        options.confirmable = true;  // options.token stays empty: a fresh one
    }
    void write_options(MessageWriter& writer) const noexcept {
        writer.option_uint(OptionNumber::block2, block_.to_uint());
    }
    void write_payload(MessageWriter&) const noexcept {}
    HandlerResult<OwnedMessage> handle(const InboundResult& response) const {
        if (!response) return Err{response.error()};
        if (response->code() != codes::content) return Err{Error::from_code(response->code())};
        return done(OwnedMessage(response->message()));
    }
    std::optional<Duration> keep_waiting_timeout() const noexcept { return std::nullopt; }

  private:
    BlockValue block_;
};
static_assert(SendDescriptor<NotificationBlockFetch>);

/// An observation whose notifications are delivered whole. `co_await next()`
/// until nullopt, like SendStream. A newer notification arriving while the
/// blocks of an older one are fetched supersedes it (the older one is never
/// delivered, nor a mix of both). After an ETag change with no newer
/// notification the new state is fetched from block 0 by a plain GET and
/// delivered with that answer's options (its ETag; no Observe). Only the URI
/// is repeated in the block GETs. Not movable once next() was called.
class WholeNotifications {
  public:
    using Item = Result<OwnedMessage, Error>;

    WholeNotifications(const RemoteEndpoint& remote, ObserveRequest observe = Request::observe(),
                       WholeNotificationConfig config = {})
        : remote_(remote), stream_(remote.send_as_stream(std::move(observe))), config_(config) {}
    WholeNotifications(const WholeNotifications&) = delete;
    WholeNotifications& operator=(const WholeNotifications&) = delete;

    /// The next whole notification (or error item), or nullopt at the end.
    Task<std::optional<Item>> next();

    /// The observation's stream (its descriptor holds the Observation).
    SendStream<ObserveRequest>& stream() noexcept { return stream_; }
    /// Notifications skipped because a fetch failed or ran out of restarts.
    std::size_t fetch_failures() const noexcept { return fetch_failures_; }
    /// Fetches abandoned because a newer notification arrived.
    std::size_t superseded() const noexcept { return superseded_; }
    /// ETag changes that restarted a fetch from block 0.
    std::size_t restarts() const noexcept { return restarts_; }

  private:
    /// Fetches the blocks after `first`; nullopt when superseded or skipped.
    Task<std::optional<Item>> fetch_rest(OwnedMessage first);
    std::optional<Item> skipped(const Error& error);

    RemoteEndpoint remote_;
    SendStream<ObserveRequest> stream_;
    WholeNotificationConfig config_;
    std::size_t fetch_failures_ = 0;
    std::size_t superseded_ = 0;
    std::size_t restarts_ = 0;
};

}  // namespace coap
