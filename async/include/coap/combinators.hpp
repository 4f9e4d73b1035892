// coap/combinators.hpp — the send descriptor combinators: each wraps a
// descriptor and changes one thing (an option, the payload, CON/NON,
// multicast, block-wise, what is emitted, a handler), resolved at compile time
// with no virtual call and no allocation of its own (string options aside).
// Misuse that the types can see is a compile error (block2 with multicast, a
// body collector wrapped by block2).
// Owns the combinators; the bases are in request.hpp.
#pragma once

#include "coap/block.hpp"
#include "coap/owned_message.hpp"
#include "coap/send_descriptor.hpp"

#include <gsl/span>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace coap {

/// What block2() does when the ETag changes between blocks (RFC 7959 §2.4: the
/// representation changed): start over from block 0 (at most three times, then
/// fail), or fail at once; the failure is ErrorKind::representation_changed.
enum class OnRepresentationChange : std::uint8_t { restart, fail };

/// The combinator methods every descriptor offers (mixed in with CRTP). Each
/// returns a new descriptor wrapping this one; call them on temporaries or on
/// copies.
template <class Self>
class Combinators {
  public:
    /// Accept: the Content-Format wanted in the response (RFC 7252 §5.10.4).
    auto accept(std::uint16_t content_format) const&;
    auto accept(std::uint16_t content_format) &&;
    /// Content-Format of the request payload.
    auto content_format(std::uint16_t content_format) const&;
    auto content_format(std::uint16_t content_format) &&;
    /// Any option: an unsigned integer, a string or opaque bytes (copied).
    auto add_option(OptionNumber number, std::uint32_t value) const&;
    auto add_option(OptionNumber number, std::uint32_t value) &&;
    auto add_option(OptionNumber number, std::string_view value) const&;
    auto add_option(OptionNumber number, std::string_view value) &&;
    auto add_option(OptionNumber number, gsl::span<const std::byte> value) const&;
    auto add_option(OptionNumber number, gsl::span<const std::byte> value) &&;
    /// The payload. Not copied: the bytes must outlive the send.
    auto payload(gsl::span<const std::byte> bytes) const&;
    auto payload(gsl::span<const std::byte> bytes) &&;
    auto payload(std::string_view text) const&;
    auto payload(std::string_view text) &&;
    /// A payload written on demand by `writer(MessageWriter&)` (for each request sent).
    template <class F>
    auto payload_writer(F writer) const&;
    template <class F>
    auto payload_writer(F writer) &&;
    /// Send as NON (never retransmitted).
    auto nonconfirmable() const&;
    auto nonconfirmable() &&;
    /// Send to a multicast group and collect every member's response (NON).
    auto multicast() const&;
    auto multicast() &&;
    /// Block-wise response (RFC 7959): asks with `initial` (nullopt: no Block2 in
    /// the first request, follow the server) and fetches the following blocks.
    auto block2(std::optional<BlockValue> initial = std::nullopt,
                OnRepresentationChange on_change = OnRepresentationChange::restart) const&;
    auto block2(std::optional<BlockValue> initial = std::nullopt,
                OnRepresentationChange on_change = OnRepresentationChange::restart) &&;
    /// Block-wise response consumed block by block (block2_stream.hpp): asks with
    /// `initial` like block2(), hands each block's payload in order to
    /// `sink(const BodyChunk&)` as it arrives, never keeping the body, and
    /// finishes with a StreamedBody (bytes, blocks, ETag, Size2). An ETag change
    /// mid-transfer fails with representation_changed.
    template <class F>
    auto for_each_block(F sink, std::optional<BlockValue> initial = std::nullopt) const&;
    template <class F>
    auto for_each_block(F sink, std::optional<BlockValue> initial = std::nullopt) &&;
    /// Block-wise request payload (RFC 7959): sends payload() in blocks of
    /// `initial`'s size (default 1024; a payload that fits one block goes
    /// without Block1), Size1 with the first block, moves on after each 2.31
    /// Continue, adopts a smaller size from the server's 2.31 (§2.5), and after
    /// a 4.13 whose Size1 or Block1 asks for smaller blocks (or a 4.08) starts
    /// over once per cause with the smaller size. With `request_tag` every block
    /// carries that Request-Tag (RFC 9175). Combined with block2() (block1
    /// first, block2 outside it), the response body to a large POST is fetched
    /// too (§3.3); the follow-up requests carry neither Block1 nor payload.
    auto block1(std::optional<BlockValue> initial = std::nullopt) const&;
    auto block1(std::optional<BlockValue> initial = std::nullopt) &&;
    auto block1(std::optional<BlockValue> initial, gsl::span<const std::byte> request_tag) const&;
    auto block1(std::optional<BlockValue> initial, gsl::span<const std::byte> request_tag) &&;
    /// Uri-Host and Uri-Path ('/'-separated) of the request, replacing the remote
    /// endpoint's own.
    auto uri_host_path(std::string_view host, std::string_view path) const&;
    auto uri_host_path(std::string_view host, std::string_view path) &&;
    /// Calls `f(const InboundContext&)` for every response that reaches it, then
    /// goes on as before. Placed after block2()/block1() it sees every response;
    /// placed before them (wrapped by them) it sees only the final one: the
    /// intermediate Block2 blocks and the 2.31 Continue (or 4.13/4.08 restart)
    /// answers of an upload are consumed by block2()/block1() and never reach it.
    template <class F>
    auto inspect(F f) const&;
    template <class F>
    auto inspect(F f) &&;
    /// Replaces the handling: `f(const InboundResult&)` returns HandlerResult<T>.
    template <class F>
    auto use_handler(F f) const&;
    template <class F>
    auto use_handler(F f) &&;
    /// The value becomes std::pair<value, responder address>.
    auto include_socket_addr() const&;
    auto include_socket_addr() &&;
    /// Finishes with a copy of the final response, whatever its code (the wrapped
    /// descriptor still sees it, and may still ask for the next block). Only the
    /// wrapped descriptor's verdict on the code (the Error that code means,
    /// Error::from_code) becomes the value; any other failure of the wrapped
    /// descriptor (a wrong block, representation_changed, out_of_space, …) ends
    /// the send with that Error.
    auto emit_any_response() const&;
    auto emit_any_response() &&;
    /// Finishes with a copy of the response when it is a success, else an Error.
    auto emit_successful_response() const&;
    auto emit_successful_response() &&;
    /// Finishes with the final response's code, whatever it is; other failures of
    /// the wrapped descriptor end the send, as with emit_any_response().
    auto emit_msg_code() const&;
    auto emit_msg_code() &&;
    /// Like emit_successful_response, with the blocks of a block2 transfer
    /// reassembled into one message (at most `max_body` bytes; a Size2 above it
    /// fails at once with out_of_space). Goes after block2() (before it does not
    /// compile). Without a block2() below, one is added (no Block2 in the first
    /// request, follow the server), so a body the server splits is fetched whole;
    /// with multicast or observe, where no follow-up can be asked, a block with
    /// M=1 fails with incomplete_body. Never returns part of a body as the whole.
    auto emit_successful_collected_response(std::size_t max_body = 16u << 20) const&;
    auto emit_successful_collected_response(std::size_t max_body = 16u << 20) &&;
    /// Transmission parameters (ACK timeout, retransmissions, …) for this request.
    auto transmission(const TransmissionParameters& parameters) const&;
    auto transmission(const TransmissionParameters& parameters) &&;

  private:
    const Self& self() const& noexcept { return static_cast<const Self&>(*this); }
    Self&& self() && noexcept { return static_cast<Self&&>(*this); }
};

/// True for a descriptor that is, or wraps, emit_successful_collected_response()
/// (its `collects_body`): block2() must not wrap it, it would see one block.
template <class D>
constexpr bool is_collecting_descriptor() noexcept {
    if constexpr (requires { D::collects_body; })
        return D::collects_body;
    else
        return false;
}

/// Forwards every part of the contract to the wrapped descriptor; combinators
/// derive from it and replace one part.
template <class Inner>
class Wrapper {
  public:
    using value_type = typename Inner::value_type;
    static constexpr bool is_multicast = Inner::is_multicast;
    static constexpr bool has_block2 = Inner::has_block2;
    static constexpr bool sets_uri = Inner::sets_uri;
    static constexpr bool many_responses = Inner::many_responses;
    static constexpr bool is_ping = is_ping_descriptor<Inner>();
    static constexpr bool collects_body = is_collecting_descriptor<Inner>();

    explicit Wrapper(Inner inner) noexcept(std::is_nothrow_move_constructible_v<Inner>)
        : inner_(std::move(inner)) {}

    void configure(RequestOptions& options) const { inner_.configure(options); }
    void write_options(MessageWriter& writer) const { inner_.write_options(writer); }
    void write_payload(MessageWriter& writer) const { inner_.write_payload(writer); }
    HandlerResult<value_type> handle(const InboundResult& response) {
        return inner_.handle(response);
    }
    std::optional<Duration> keep_waiting_timeout() const { return inner_.keep_waiting_timeout(); }
    /// The payload set with payload(bytes), for block1.
    gsl::span<const std::byte> payload_bytes() const requires requires(const Inner& i) {
        i.payload_bytes();
    }
    { return inner_.payload_bytes(); }
    /// A response that an outer combinator consumed (a Block2 block it asks the
    /// next one after): block1 learns from it that the upload is over.
    void on_intermediate(const InboundContext& response) requires
        requires(Inner& i, const InboundContext& c) {
        i.on_intermediate(c);
    }
    { inner_.on_intermediate(response); }
    /// The observation of Request::observe() inside (re-registration, deregistration).
    decltype(auto) observation() const requires requires(const Inner& i) { i.observation(); }
    { return inner_.observation(); }

    const Inner& inner() const noexcept { return inner_; }

  protected:
    Inner inner_;
};

/// Passes a failure through `inner` so that a retry (send_next) or a mapping of
/// it is kept, converting only the decision (values cannot pass: they differ).
template <class T, class Inner>
HandlerResult<T> forward_failure(Inner& inner, const InboundResult& response) {
    auto result = inner.handle(response);
    if (!result) return Err{result.error()};
    if (result->verdict() == Verdict::send_next) return send_next;
    if (result->verdict() == Verdict::keep_waiting) return keep_waiting;
    return Err{response.error()};
}

// ---- options ----

/// One more option, with an unsigned, string or opaque value.
template <class Inner, class Value>
class WithOption : public Wrapper<Inner>, public Combinators<WithOption<Inner, Value>> {
  public:
    WithOption(Inner inner, OptionNumber number, Value value)
        : Wrapper<Inner>(std::move(inner)), number_(number), value_(std::move(value)) {}
    void write_options(MessageWriter& writer) const {
        this->inner_.write_options(writer);
        if constexpr (std::is_same_v<Value, std::uint32_t>)
            writer.option_uint(number_, value_);
        else if constexpr (std::is_same_v<Value, std::string>)
            writer.option(number_, std::string_view(value_));
        else
            writer.option(number_, gsl::span<const std::byte>(value_.data(), value_.size()));
    }

  private:
    OptionNumber number_;
    Value value_;
};

/// Uri-Host and Uri-Path from the descriptor instead of the remote endpoint.
template <class Inner>
class UriHostPath : public Wrapper<Inner>, public Combinators<UriHostPath<Inner>> {
  public:
    static constexpr bool sets_uri = true;
    UriHostPath(Inner inner, std::string_view host, std::string_view path)
        : Wrapper<Inner>(std::move(inner)), host_(host), path_(path) {}
    void write_options(MessageWriter& writer) const {
        this->inner_.write_options(writer);
        if (!host_.empty()) writer.option(OptionNumber::uri_host, std::string_view(host_));
        std::string_view rest(path_);
        if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
        while (!rest.empty()) {
            const auto slash = rest.find('/');
            writer.option(OptionNumber::uri_path, rest.substr(0, slash));
            if (slash == std::string_view::npos) break;
            rest.remove_prefix(slash + 1);
        }
    }

  private:
    std::string host_;
    std::string path_;
};

// ---- payload ----

template <class Inner>
class WithPayload : public Wrapper<Inner>, public Combinators<WithPayload<Inner>> {
  public:
    WithPayload(Inner inner, gsl::span<const std::byte> bytes)
        : Wrapper<Inner>(std::move(inner)), bytes_(bytes) {}
    void write_payload(MessageWriter& writer) const {
        this->inner_.write_payload(writer);
        writer.payload(bytes_);
    }
    gsl::span<const std::byte> payload_bytes() const noexcept { return bytes_; }

  private:
    gsl::span<const std::byte> bytes_;
};

template <class Inner, class F>
class WithPayloadWriter : public Wrapper<Inner>, public Combinators<WithPayloadWriter<Inner, F>> {
  public:
    WithPayloadWriter(Inner inner, F writer)
        : Wrapper<Inner>(std::move(inner)), writer_(std::move(writer)) {}
    void write_payload(MessageWriter& writer) const {
        this->inner_.write_payload(writer);
        writer_(writer);
    }

  private:
    F writer_;
};

// ---- message layer ----

template <class Inner>
class Nonconfirmable : public Wrapper<Inner>, public Combinators<Nonconfirmable<Inner>> {
  public:
    using Wrapper<Inner>::Wrapper;
    void configure(RequestOptions& options) const {
        this->inner_.configure(options);
        options.confirmable = false;
    }
};

template <class Inner>
class Multicast : public Wrapper<Inner>, public Combinators<Multicast<Inner>> {
    static_assert(!is_collecting_descriptor<Inner>(),
                  "multicast() must come before emit_successful_collected_response(): the "
                  "collector fetches a split body with block2, which needs a unicast follow-up");
    static_assert(
        !Inner::has_block2,
        "block2 cannot be combined with multicast (RFC 7959 §2.8 needs a unicast follow-up)");

  public:
    static constexpr bool is_multicast = true;
    static constexpr bool many_responses = true;
    using Wrapper<Inner>::Wrapper;
    void configure(RequestOptions& options) const {
        this->inner_.configure(options);
        options.confirmable = false;
        options.multicast = true;
    }
};

template <class Inner>
class WithTransmission : public Wrapper<Inner>, public Combinators<WithTransmission<Inner>> {
  public:
    WithTransmission(Inner inner, const TransmissionParameters& parameters)
        : Wrapper<Inner>(std::move(inner)), parameters_(parameters) {}
    void configure(RequestOptions& options) const {
        this->inner_.configure(options);
        options.parameters = parameters_;
    }

  private:
    TransmissionParameters parameters_;
};

// ---- block-wise (RFC 7959) ----

/// Fetches every block of a Block2 response: after a block with M set it asks
/// for the next one (at the server's size: late negotiation, §2.5), restarts
/// from block 0 when the ETag changes mid-transfer (at most three times; or
/// fails at once, see OnRepresentationChange), and hands the last block to the
/// wrapped descriptor (which sees no other block: a collector or an inspect()
/// goes outside). A block other than the one asked for fails (parse_error).
template <class Inner>
class Block2 : public Wrapper<Inner>, public Combinators<Block2<Inner>> {
    static_assert(
        !Inner::is_multicast,
        "block2 cannot be combined with multicast (RFC 7959 §2.8 needs a unicast follow-up)");
    static_assert(!is_collecting_descriptor<Inner>(),
                  "emit_successful_collected_response() must come after block2(), not before: "
                  "block2 hands only the last block to what it wraps (write "
                  ".block2().emit_successful_collected_response())");

  public:
    static constexpr bool has_block2 = true;
    Block2(Inner inner, std::optional<BlockValue> initial,
           OnRepresentationChange on_change = OnRepresentationChange::restart)
        : Wrapper<Inner>(std::move(inner)),
          initial_(initial),
          next_(initial),
          on_change_(on_change) {}

    void write_options(MessageWriter& writer) const {
        this->inner_.write_options(writer);
        if (next_) writer.option_uint(OptionNumber::block2, next_->to_uint());
    }
    HandlerResult<typename Inner::value_type> handle(const InboundResult& response) {
        if (!response) return this->inner_.handle(response);
        const MessageView& message = response->message();
        const auto block = message.block2();
        if (!response->code().is_success() || !block) return this->inner_.handle(response);
        // The block must be the one asked for (the same offset: a smaller size,
        // §2.5, renumbers it); a server that sends another is not followed.
        if (block->offset() != (next_ ? next_->offset() : 0))
            return Err{Error::of(ErrorKind::parse_error)};
        if (!track_etag(message)) {
            if (on_change_ == OnRepresentationChange::fail || ++restarts_ > 3)
                return Err{Error::of(ErrorKind::representation_changed)};
            next_ = BlockValue::make(0, false, initial_ ? initial_->szx() : block->szx()).value();
            notify_inner(*response);
            return send_next;
        }
        if (block->more()) {
            const auto following = block->next();
            if (!following) return Err{Error::of(ErrorKind::parse_error)};
            next_ = BlockValue::make(following->num(), false, following->szx()).value();
            notify_inner(*response);
            return send_next;
        }
        return this->inner_.handle(response);
    }

  private:
    void notify_inner(const InboundContext& response) {
        if constexpr (requires { this->inner_.on_intermediate(response); })
            this->inner_.on_intermediate(response);
    }
    /// False when the representation changed under us (a different ETag).
    bool track_etag(const MessageView& message) {
        const auto etag = message.opaque_option(OptionNumber::etag);
        const auto block = message.block2();
        std::vector<std::byte> current;
        if (etag) current.assign(etag->begin(), etag->end());
        if (block && block->num() == 0) {
            etag_ = std::move(current);
            return true;
        }
        return current == etag_;
    }

    std::optional<BlockValue> initial_;
    std::optional<BlockValue> next_;
    std::vector<std::byte> etag_;
    OnRepresentationChange on_change_;
    int restarts_ = 0;
};

/// Sends payload() in Block1 blocks (see Combinators::block1): Size1 with the
/// first block, the next block after each 2.31 Continue, a smaller size when
/// the server asks for one (§2.5), a restart with smaller blocks after a 4.13
/// that asks for them; the final response goes to the wrapped descriptor (the
/// 2.31 and restart answers do not: an inspect() inside block1 never sees them).
template <class Inner>
class Block1 : public Wrapper<Inner>, public Combinators<Block1<Inner>> {
    static_assert(
        requires(const Inner& i) { i.payload_bytes(); },
        "block1 needs a payload set with payload(bytes) or payload(text) before it");

  public:
    Block1(Inner inner, std::optional<BlockValue> initial,
           gsl::span<const std::byte> request_tag = {})
        : Wrapper<Inner>(std::move(inner)),
          szx_(initial ? std::min<std::uint8_t>(initial->szx(), 6) : std::uint8_t{6}),
          offset_(initial ? initial->offset() : 0),
          tag_(request_tag.begin(), request_tag.end()),
          tagged_(!request_tag.empty()) {}

    void write_options(MessageWriter& writer) const {
        this->inner_.write_options(writer);
        if (uploaded_) return;  // §3.3: Block2 follow-ups carry no Block1
        if (tagged_) writer.option(OptionNumber::request_tag, gsl::span<const std::byte>(tag_));
        const auto body = this->inner_.payload_bytes();
        if (offset_ == 0 && body.size() <= block_size()) return;  // fits: no Block1
        const auto num = static_cast<std::uint32_t>(offset_ / block_size());
        const bool more = offset_ + block_size() < body.size();
        const auto value = BlockValue::make(num, more, szx_);
        if (value) writer.option_uint(OptionNumber::block1, value->to_uint());
        if (offset_ == 0)
            writer.option_uint(OptionNumber::size1, static_cast<std::uint32_t>(body.size()));
    }
    void write_payload(MessageWriter& writer) const {
        if (uploaded_) return;
        const auto body = this->inner_.payload_bytes();
        const std::size_t begin = std::min<std::size_t>(offset_, body.size());
        const std::size_t length = std::min<std::size_t>(block_size(), body.size() - begin);
        writer.payload(body.subspan(begin, length));
    }
    void on_intermediate(const InboundContext& response) {
        if (response.code() != codes::continue_) uploaded_ = true;
        if constexpr (requires { this->inner_.on_intermediate(response); })
            this->inner_.on_intermediate(response);
    }
    HandlerResult<typename Inner::value_type> handle(const InboundResult& response) {
        if (!response || uploaded_) return this->inner_.handle(response);
        const Code code = response->code();
        if (code == codes::request_entity_too_large || code == codes::request_entity_incomplete) {
            if (restart_after(response->message(), code)) return send_next;
            uploaded_ = true;
            return this->inner_.handle(response);
        }
        if (code != codes::continue_) {
            uploaded_ = true;
            return this->inner_.handle(response);
        }
        const auto acknowledged = response->message().block1();
        if (!acknowledged) return Err{Error::of(ErrorKind::parse_error)};
        // The block just sent was taken whole; the next one starts after it.
        const std::uint64_t next = offset_ + block_size();
        if (next >= this->inner_.payload_bytes().size())
            return Err{Error::from_code(response->code())};  // 2.31 after the last block
        // §2.5 (late negotiation): the server may ask for smaller blocks from here
        // on; NUM is then counted in the smaller size (RFC 7959 Figure 5: 0/1/128,
        // then 4/1/32).
        if (acknowledged->szx() < szx_) szx_ = acknowledged->szx();
        if (next / block_size() > BlockValue::max_num)
            return Err{Error::of(ErrorKind::out_of_space)};  // beyond 2^20 blocks
        offset_ = next;
        return send_next;
    }

  private:
    std::size_t block_size() const noexcept { return std::size_t{1} << (szx_ + 4); }

    /// After 4.13 (§2.9.3) with a Size1 or Block1 asking for smaller blocks, or
    /// after a 4.08 (the server lost the transfer), starts over from the first
    /// block, at most once per cause and size; false: the response is final.
    bool restart_after(const MessageView& message, Code code) {
        if (code == codes::request_entity_incomplete) {
            if (restarted_incomplete_ || offset_ == 0) return false;
            restarted_incomplete_ = true;
            offset_ = 0;
            return true;
        }
        std::optional<std::uint8_t> smaller;
        if (const auto hint = message.block1(); hint && hint->szx() < szx_) smaller = hint->szx();
        if (const auto size1 = message.size1();
            !smaller && size1 && *size1 >= 16 && *size1 < block_size()) {
            std::uint8_t szx = 0;
            while (szx < 6 && (32u << szx) <= *size1)
                ++szx;
            smaller = szx;
        }
        // A Size1 at least one block says the whole body is too large: final.
        if (!smaller || *smaller >= szx_) return false;
        szx_ = *smaller;
        offset_ = 0;
        return true;
    }

    std::uint8_t szx_;
    /// Where the block being sent starts (initial's NUM may start mid-body).
    std::uint64_t offset_;
    std::vector<std::byte> tag_;
    bool tagged_ = false;
    bool uploaded_ = false;
    bool restarted_incomplete_ = false;
};

// ---- handlers and values ----

/// Calls f for each response that reaches it (see Combinators::inspect): inside
/// block2() or block1() only the final response, not the blocks or 2.31
/// Continues they consume (on_intermediate passes through without calling f).
template <class Inner, class F>
class Inspect : public Wrapper<Inner>, public Combinators<Inspect<Inner, F>> {
  public:
    Inspect(Inner inner, F f) : Wrapper<Inner>(std::move(inner)), f_(std::move(f)) {}
    HandlerResult<typename Inner::value_type> handle(const InboundResult& response) {
        if (response) f_(*response);
        return this->inner_.handle(response);
    }

  private:
    F f_;
};

template <class F>
struct HandlerValue;
template <class T>
struct HandlerValue<HandlerResult<T>> {
    using type = T;
};

template <class Inner, class F>
class UseHandler : public Wrapper<Inner>, public Combinators<UseHandler<Inner, F>> {
  public:
    using value_type = typename HandlerValue<std::invoke_result_t<F&, const InboundResult&>>::type;
    /// The wrapped descriptor's handling is replaced: a collector inside collects nothing.
    static constexpr bool collects_body = false;
    UseHandler(Inner inner, F f) : Wrapper<Inner>(std::move(inner)), f_(std::move(f)) {}
    HandlerResult<value_type> handle(const InboundResult& response) { return f_(response); }

  private:
    F f_;
};

template <class Inner>
class IncludeSocketAddr : public Wrapper<Inner>, public Combinators<IncludeSocketAddr<Inner>> {
  public:
    using value_type = std::pair<typename Inner::value_type, Address>;
    using Wrapper<Inner>::Wrapper;
    HandlerResult<value_type> handle(const InboundResult& response) {
        if (!response) return forward_failure<value_type>(this->inner_, response);
        auto result = this->inner_.handle(response);
        if (!result) return Err{result.error()};
        if (!result->is_done()) return forward_verdict(*result);
        return DoneValue<value_type>{
            value_type(std::move(result->value()), response->remote_address()), result->is_last()};
    }

  private:
    static HandlerResult<value_type> forward_verdict(
        const ResponseStatus<typename Inner::value_type>& status) {
        if (status.verdict() == Verdict::send_next) return send_next;
        return keep_waiting;
    }
};

/// For the emitters that make any response code a value: true when a failure of
/// the wrapped descriptor is only its verdict on the response's code (the Error
/// that code means, Error::from_code), which the emitter overrides. Any other
/// failure (a wrong block, representation_changed, out_of_space, …) is real.
inline bool is_code_verdict(const Error& error, const InboundContext& response) noexcept {
    return error == Error::from_code(response.code());
}

template <class Inner>
class EmitAnyResponse : public Wrapper<Inner>, public Combinators<EmitAnyResponse<Inner>> {
  public:
    using value_type = OwnedMessage;
    using Wrapper<Inner>::Wrapper;
    HandlerResult<OwnedMessage> handle(const InboundResult& response) {
        if (!response) return forward_failure<OwnedMessage>(this->inner_, response);
        // The wrapped descriptor still sees the response (inspect, block2 …); only
        // its judgement of the code is overridden, not a failure of its own.
        auto inner = this->inner_.handle(response);
        if (!inner && !is_code_verdict(inner.error(), *response)) return Err{inner.error()};
        if (inner && inner->verdict() == Verdict::send_next) return send_next;
        if (inner && inner->verdict() == Verdict::keep_waiting) return keep_waiting;
        return done(OwnedMessage(response->message()));
    }
};

template <class Inner>
class EmitMsgCode : public Wrapper<Inner>, public Combinators<EmitMsgCode<Inner>> {
  public:
    using value_type = Code;
    using Wrapper<Inner>::Wrapper;
    HandlerResult<Code> handle(const InboundResult& response) {
        if (!response) return forward_failure<Code>(this->inner_, response);
        auto inner = this->inner_.handle(response);
        if (!inner && !is_code_verdict(inner.error(), *response)) return Err{inner.error()};
        if (inner && inner->verdict() == Verdict::send_next) return send_next;
        if (inner && inner->verdict() == Verdict::keep_waiting) return keep_waiting;
        return done(response->code());
    }
};

template <class Inner>
class EmitSuccessfulResponse : public Wrapper<Inner>,
                               public Combinators<EmitSuccessfulResponse<Inner>> {
  public:
    using value_type = OwnedMessage;
    using Wrapper<Inner>::Wrapper;
    HandlerResult<OwnedMessage> handle(const InboundResult& response) {
        if (!response) return forward_failure<OwnedMessage>(this->inner_, response);
        auto result = this->inner_.handle(response);
        if (!result) return Err{result.error()};
        if (result->verdict() == Verdict::send_next) return send_next;
        if (result->verdict() == Verdict::keep_waiting) return keep_waiting;
        return done(OwnedMessage(response->message()));
    }
};

/// Keeps the payload of every Block2 block in order and finishes with one
/// message: the last block's header and options (without Block2 and Size2)
/// around the whole body. A success whose Size2 (or body) exceeds max_body fails
/// with out_of_space before the next block is asked for; the body's buffer is
/// reserved from Size2. The wrapped descriptor finishing on a block that does
/// not end the body (M=1, or not the one after those collected) fails with
/// incomplete_body: part of a body is never returned as the whole.
template <class Inner>
class EmitSuccessfulCollectedResponse : public Wrapper<Inner>,
                                        public Combinators<EmitSuccessfulCollectedResponse<Inner>> {
  public:
    using value_type = OwnedMessage;
    static constexpr bool collects_body = true;
    EmitSuccessfulCollectedResponse(Inner inner, std::size_t max_body)
        : Wrapper<Inner>(std::move(inner)), max_body_(max_body) {}
    HandlerResult<OwnedMessage> handle(const InboundResult& response) {
        if (!response) return forward_failure<OwnedMessage>(this->inner_, response);
        if (!collect(*response)) return Err{Error::of(ErrorKind::out_of_space)};
        auto result = this->inner_.handle(response);
        if (!result) return Err{result.error()};
        if (result->verdict() == Verdict::send_next) return send_next;
        if (result->verdict() == Verdict::keep_waiting) return keep_waiting;
        if (!complete_) return Err{Error::of(ErrorKind::incomplete_body)};
        next_offset_.reset();  // the next response (multicast, observe) starts anew
        return done(OwnedMessage::reassembled(response->message(), body_));
    }

  private:
    /// Adds the response's payload to the body; false when it would exceed max_body.
    bool collect(const InboundContext& response) {
        const MessageView& message = response.message();
        const auto payload = message.payload();
        const auto block = message.block2();
        const bool success = response.code().is_success();
        if (success) {
            // RFC 7959 §4: Size2 announces the whole body's size.
            if (const auto size2 = message.size2()) {
                if (*size2 > max_body_) return false;
                body_.reserve(*size2);  // min(Size2, max_body): checked just above
            }
        }
        if (!block || !success) {
            if (success && payload.size() > max_body_) return false;
            body_.assign(payload.begin(), payload.end());
            next_offset_.reset();
            complete_ = true;
            return true;
        }
        // Block 0 starts the body over (a restart after an ETag change too); so
        // does the first block of a transfer that began at NUM > 0.
        complete_ = false;
        if (block->offset() == 0 || !next_offset_) {
            body_.clear();
            next_offset_ = block->offset();
        }
        // Another block (one block2() below refuses) is not collected.
        if (block->offset() != *next_offset_) return true;
        if (body_.size() + payload.size() > max_body_) return false;
        body_.insert(body_.end(), payload.begin(), payload.end());
        *next_offset_ += payload.size();
        complete_ = !block->more();
        return true;
    }

    std::size_t max_body_;
    std::vector<std::byte> body_;
    /// Where the next block must start; nullopt before the first block.
    std::optional<std::uint64_t> next_offset_;
    /// The body collected so far is whole (its last block had M=0, or no Block2).
    bool complete_ = false;
};

/// emit_successful_collected_response() around `inner`: as it is when a block2()
/// (or for_each_block) is below, or when no follow-up request can be asked
/// (multicast, observe, ping); else with a block2() added (no Block2 in the
/// first request: the server's size), so that a split body is fetched whole.
template <class D>
auto collected_response(D&& inner, std::size_t max_body) {
    using Inner = std::remove_cvref_t<D>;
    if constexpr (Inner::has_block2 || Inner::is_multicast || Inner::many_responses ||
                  is_ping_descriptor<Inner>()) {
        return EmitSuccessfulCollectedResponse<Inner>(std::forward<D>(inner), max_body);
    } else {
        return EmitSuccessfulCollectedResponse<Block2<Inner>>(
            Block2<Inner>(std::forward<D>(inner), std::nullopt), max_body);
    }
}

// ---- the mixin's definitions ----

#define COBALT_COMBINATOR(signature, make)                       \
    template <class Self>                                        \
    auto Combinators<Self>::signature const& {                   \
        const Self& inner = self();                              \
        return make;                                             \
    }                                                            \
    template <class Self>                                        \
    auto Combinators<Self>::signature&& {                        \
        Self&& inner = static_cast<Combinators&&>(*this).self(); \
        return make;                                             \
    }
// clang-format off
COBALT_COMBINATOR(accept(std::uint16_t content_format),
    (WithOption<Self, std::uint32_t>(std::forward<decltype(inner)>(inner), OptionNumber::accept, content_format)))
COBALT_COMBINATOR(content_format(std::uint16_t content_format),
    (WithOption<Self, std::uint32_t>(std::forward<decltype(inner)>(inner), OptionNumber::content_format, content_format)))
COBALT_COMBINATOR(add_option(OptionNumber number, std::uint32_t value),
    (WithOption<Self, std::uint32_t>(std::forward<decltype(inner)>(inner), number, value)))
COBALT_COMBINATOR(add_option(OptionNumber number, std::string_view value),
    (WithOption<Self, std::string>(std::forward<decltype(inner)>(inner), number, std::string(value))))
COBALT_COMBINATOR(add_option(OptionNumber number, gsl::span<const std::byte> value),
    (WithOption<Self, std::vector<std::byte>>(std::forward<decltype(inner)>(inner), number,
                                              std::vector<std::byte>(value.begin(), value.end()))))
COBALT_COMBINATOR(payload(gsl::span<const std::byte> bytes),
    (WithPayload<Self>(std::forward<decltype(inner)>(inner), bytes)))
COBALT_COMBINATOR(payload(std::string_view text),
    (WithPayload<Self>(std::forward<decltype(inner)>(inner),
                       gsl::span<const std::byte>(reinterpret_cast<const std::byte*>(text.data()), text.size()))))
COBALT_COMBINATOR(nonconfirmable(), (Nonconfirmable<Self>(std::forward<decltype(inner)>(inner))))
COBALT_COMBINATOR(multicast(), (Multicast<Self>(std::forward<decltype(inner)>(inner))))
COBALT_COMBINATOR(block2(std::optional<BlockValue> initial, OnRepresentationChange on_change),
    (Block2<Self>(std::forward<decltype(inner)>(inner), initial, on_change)))
COBALT_COMBINATOR(block1(std::optional<BlockValue> initial),
    (Block1<Self>(std::forward<decltype(inner)>(inner), initial)))
COBALT_COMBINATOR(block1(std::optional<BlockValue> initial, gsl::span<const std::byte> request_tag),
    (Block1<Self>(std::forward<decltype(inner)>(inner), initial, request_tag)))
COBALT_COMBINATOR(uri_host_path(std::string_view host, std::string_view path),
    (UriHostPath<Self>(std::forward<decltype(inner)>(inner), host, path)))
COBALT_COMBINATOR(include_socket_addr(), (IncludeSocketAddr<Self>(std::forward<decltype(inner)>(inner))))
COBALT_COMBINATOR(emit_any_response(), (EmitAnyResponse<Self>(std::forward<decltype(inner)>(inner))))
COBALT_COMBINATOR(emit_successful_response(),
    (EmitSuccessfulResponse<Self>(std::forward<decltype(inner)>(inner))))
COBALT_COMBINATOR(emit_msg_code(), (EmitMsgCode<Self>(std::forward<decltype(inner)>(inner))))
COBALT_COMBINATOR(emit_successful_collected_response(std::size_t max_body),
    (collected_response(std::forward<decltype(inner)>(inner), max_body)))
COBALT_COMBINATOR(transmission(const TransmissionParameters& parameters),
    (WithTransmission<Self>(std::forward<decltype(inner)>(inner), parameters)))
// clang-format on
#undef COBALT_COMBINATOR

template <class Self>
template <class F>
auto Combinators<Self>::payload_writer(F writer) const& {
    return WithPayloadWriter<Self, F>(self(), std::move(writer));
}
template <class Self>
template <class F>
auto Combinators<Self>::payload_writer(F writer) && {
    return WithPayloadWriter<Self, F>(static_cast<Combinators&&>(*this).self(), std::move(writer));
}
template <class Self>
template <class F>
auto Combinators<Self>::inspect(F f) const& {
    return Inspect<Self, F>(self(), std::move(f));
}
template <class Self>
template <class F>
auto Combinators<Self>::inspect(F f) && {
    return Inspect<Self, F>(static_cast<Combinators&&>(*this).self(), std::move(f));
}
template <class Self>
template <class F>
auto Combinators<Self>::use_handler(F f) const& {
    return UseHandler<Self, F>(self(), std::move(f));
}
template <class Self>
template <class F>
auto Combinators<Self>::use_handler(F f) && {
    return UseHandler<Self, F>(static_cast<Combinators&&>(*this).self(), std::move(f));
}

}  // namespace coap

// The streaming Block2 combinator (for_each_block) lives in its own file.
#include "coap/block2_stream.hpp"  // IWYU pragma: export
