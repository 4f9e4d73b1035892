// coap/request_context.hpp — RequestContext: one received request as a request
// handler sees it (peer, arrival, message, options, path and query, the route
// that matched) and the ways to answer it: at once (piggybacked when possible),
// with a body in Block2 blocks, not at all, or later through a PendingResponse.
// Answers obey AnswerRules (answer.hpp): No-Response (RFC 7967) and the rest.
// Owns the fallback answer for a request nobody answered. Valid only during the
// handler call, and so are the views it hands out; keep a PendingResponse to
// answer later.
#pragma once

#include "coap/answer.hpp"
#include "coap/block_producer.hpp"
#include "coap/code.hpp"
#include "coap/endpoint.hpp"
#include "coap/message.hpp"
#include "coap/route.hpp"

#include <gsl/span>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coap {

class Block2ResponseCache;
class Driver;
class PendingResponse;

/// The values of a repeatable option (Uri-Path, Uri-Query) as views into the
/// message: inline up to 16, so that an ordinary request allocates nothing.
class OptionValues {
  public:
    explicit OptionValues(OptionRange options);
    gsl::span<const std::string_view> span() const noexcept {
        if (!overflow_.empty()) return overflow_;
        return {inline_.data(), size_};
    }

  private:
    std::array<std::string_view, 16> inline_{};
    std::size_t size_ = 0;
    std::vector<std::string_view> overflow_;
};

class RequestContext {
  public:
    /// Made by the Driver for a request_received event.
    RequestContext(Driver& driver, const Event& event);
    RequestContext(const RequestContext&) = delete;
    RequestContext& operator=(const RequestContext&) = delete;

    Driver& driver() const noexcept { return *driver_; }
    const Address& peer() const noexcept { return peer_; }
    /// The request arrived on a multicast group address (RFC 7252 §8.2).
    bool multicast() const noexcept { return rules_.multicast; }
    bool confirmable() const noexcept { return rules_.confirmable; }
    /// Always false today: the Endpoint answers duplicates from its store (§4.5)
    /// and never hands the same request to a handler twice.
    bool duplicate() const noexcept { return false; }
    /// The request message (for a body sent in Block1 blocks: its last block).
    const MessageView& message() const noexcept { return message_; }
    /// The request body: the message's payload, or the whole body assembled from
    /// Block1 blocks (ResourceTree runs the handler only once it is complete).
    gsl::span<const std::byte> payload() const noexcept {
        if (assembled_) return {body_.data(), body_.size()};
        return message_.payload();
    }
    /// The body came in Block1 blocks and was assembled.
    bool assembled() const noexcept { return assembled_; }
    Code method() const noexcept { return message_.code(); }
    ResponderId responder() const noexcept { return rules_.responder; }
    const AnswerRules& rules() const noexcept { return rules_; }
    Instant now() const;

    // ---- path and query ----
    /// The Uri-Path segments (none for "/").
    gsl::span<const std::string_view> path() const noexcept { return path_.span(); }
    /// The path as "/a/b" (segments as carried, not percent-encoded).
    std::string path_string() const;
    /// Every Uri-Query option value.
    gsl::span<const std::string_view> queries() const noexcept { return queries_.span(); }
    /// The value of the first "name=value" query ("" for a bare "name");
    /// nullopt when no query has that name.
    std::optional<std::string_view> query(std::string_view name) const noexcept;
    bool has_query(std::string_view name) const noexcept { return query(name).has_value(); }

    // ---- the route that matched (set by ResourceTree) ----
    const RouteMatch& route() const noexcept { return route_; }
    void set_route(const RouteMatch& route) noexcept { route_ = route; }
    /// Set by ResourceTree when a Block1 transfer completed: `body` is the whole
    /// request body, `ack` the Block1 every answer echoes, and a response body
    /// answered in several Block2 blocks is kept in `responses` for the client's
    /// follow-up requests (RFC 7959 §3.3).
    void set_assembled(std::vector<std::byte> body, BlockValue ack,
                       Block2ResponseCache* responses) noexcept {
        body_ = std::move(body);
        assembled_ = true;
        rules_.block1 = ack;
        responses_ = responses;
    }
    /// What "{name}" matched; nullopt for a name the route does not have.
    std::optional<std::string_view> param(std::string_view name) const noexcept {
        return route_.param(name);
    }
    /// What the i-th wildcard ("*" or "{name}") matched.
    std::optional<std::string_view> wildcard(std::size_t index) const noexcept {
        return route_.wildcard(index);
    }
    /// The segments a trailing "*" matched.
    gsl::span<const std::string_view> rest() const noexcept { return route_.rest; }
    /// Those segments joined with '/': "a/b" ("" when none).
    std::string rest_path() const;

    // ---- answering ----
    /// Answers now; `build` writes options and payload.
    Result<Done, LocalError> respond(Code code, MessageBuilder build);
    Result<Done, LocalError> respond(Code code);
    /// Answers now with a payload and, when given, its Content-Format.
    Result<Done, LocalError> respond(Code code, std::string_view payload,
                                     std::optional<std::uint16_t> content_format = std::nullopt);
    /// Answers with `body`, or the Block2 block of it that the request asked for
    /// (block_body.hpp): a body larger than one block is sent block by block.
    Result<Done, LocalError> respond_body(Code code, gsl::span<const std::byte> body,
                                          const BodyOptions& options = {});
    Result<Done, LocalError> respond_body(Code code, std::string_view body,
                                          const BodyOptions& options = {});
    /// Answers with the block of a representation produced on demand that the
    /// request asked for (block_producer.hpp): the representation is never held
    /// whole; each block request reads one block (random access by NUM). Size2
    /// when the producer knows the size; an ETag only when `options` has one
    /// (give one, or clients cannot see the representation change). Not kept
    /// for the Block2 follow-ups of a Block1 upload (§3.3): meant for GET/FETCH.
    Result<Done, LocalError> respond_blocks(Code code, const BlockProducer& producer,
                                            const BodyOptions& options = {});
    /// Answers nothing: a CON request gets its empty ACK, then the request is let go.
    Result<Done, LocalError> ignore();
    /// Answers later: the Endpoint acknowledges the request (empty ACK) when the
    /// answer takes longer than its empty_ack_delay, then sends the response
    /// separately when the PendingResponse is completed. Only once, and only
    /// before answering: otherwise the PendingResponse returned can never answer.
    PendingResponse defer();

    bool answered() const noexcept { return answered_; }
    /// The code of the answer sent (nullopt: none yet, deferred, or answered nothing).
    std::optional<Code> answered_code() const noexcept { return answered_code_; }

    // ---- observe (RFC 7641; set by ResourceTree) ----
    /// A 2.xx answer carries Observe: `sequence` (the request registered).
    void set_observe(std::optional<std::uint32_t> sequence) noexcept { rules_.observe = sequence; }
    /// The request registered an observer: its 2.xx answer carries Observe.
    bool observing() const noexcept { return rules_.observe.has_value(); }
    /// Answers go into `capture` and are not sent: the handler renders a
    /// notification (the request is the one an observer registered with).
    void capture_into(ResponseCapture& capture) noexcept { rules_.capture = &capture; }
    /// The handler runs to render a notification, not for a received request.
    bool rendering_notification() const noexcept { return rules_.capture != nullptr; }
    bool deferred() const noexcept { return deferred_; }

    /// Called by the Driver after the handler: a request neither answered nor
    /// deferred gets 5.00 Internal Server Error.
    void finish();

  private:
    template <class Send>
    Result<Done, LocalError> settle(Send&& send);

    Driver* driver_;
    Address peer_;
    MessageView message_;
    AnswerRules rules_;
    OptionValues path_;
    OptionValues queries_;
    RouteMatch route_{};
    std::vector<std::byte> body_;
    Block2ResponseCache* responses_ = nullptr;
    bool assembled_ = false;
    std::optional<Code> answered_code_{};
    bool answered_ = false;
    bool deferred_ = false;
};

}  // namespace coap
