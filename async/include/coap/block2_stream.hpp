// coap/block2_stream.hpp — consuming a Block2 body (RFC 7959 §2.4) block by
// block without holding it: the for_each_block() combinator hands each block's
// payload to a sink in order, as it arrives, and finishes with a summary of the
// body (bytes, blocks, ETag, Size2). The body is never kept, so memory stays at
// one block whatever the body's size. Owns the ETag-change and block-order
// checks of such a transfer; the whole-body form is Block2 in combinators.hpp.
#pragma once

#include "coap/combinators.hpp"
#include "coap/etag.hpp"

#include <gsl/span>

#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

namespace coap {

/// One block of a body, handed to a for_each_block() sink. A view: valid only
/// during the call.
struct BodyChunk {
    /// Where the bytes start in the body; chunks arrive in order, without gaps
    /// or repeats (from 0, or from the offset of the Block2 asked for first).
    std::uint64_t offset = 0;
    gsl::span<const std::byte> bytes{};
    /// The server's Size2 (its estimate of the whole body, RFC 7959 §4), when it
    /// sent one in this block or an earlier one: offset + bytes.size() against
    /// it is the transfer's progress.
    std::optional<std::uint32_t> size2{};
    /// The final block (M=0, or a body answered whole).
    bool last = false;
    /// The response that carried the block (its options, its sender).
    const InboundContext* response = nullptr;
};

/// What for_each_block() finishes with: the body was handed out whole.
struct StreamedBody {
    Code code{};
    /// Bytes handed to the sink.
    std::uint64_t size = 0;
    std::uint32_t blocks = 0;
    std::optional<ETag> etag{};
    std::optional<std::uint32_t> size2{};
    std::optional<std::uint16_t> content_format{};
};

/// Fetches every block of a Block2 response and hands each payload to `sink`
/// (see Combinators::for_each_block). The sink returns void, or bool (false
/// stops the transfer with ErrorKind::cancelled). A block other than the one
/// asked for, or a non-final block shorter than its size, fails with
/// parse_error; an ETag that changes (or appears, or disappears) after block 0
/// fails with representation_changed: the blocks already handed out cannot be
/// taken back, so there is no restart.
template <class Inner, class F>
class Block2Stream : public Wrapper<Inner>, public Combinators<Block2Stream<Inner, F>> {
    static_assert(!Inner::is_multicast,
                  "for_each_block cannot be combined with multicast (RFC 7959 §2.8 needs a unicast "
                  "follow-up)");
    static_assert(!is_collecting_descriptor<Inner>(),
                  "emit_successful_collected_response() cannot be wrapped by for_each_block: "
                  "it would see only the last block");
    static_assert(std::is_invocable_v<F&, const BodyChunk&>,
                  "the sink of for_each_block is called as sink(const BodyChunk&)");

  public:
    using value_type = StreamedBody;
    static constexpr bool has_block2 = true;
    static constexpr bool many_responses = false;

    Block2Stream(Inner inner, F sink, std::optional<BlockValue> initial)
        : Wrapper<Inner>(std::move(inner)),
          sink_(std::move(sink)),
          next_(initial),
          position_(initial ? initial->offset() : 0) {}

    void write_options(MessageWriter& writer) const {
        this->inner_.write_options(writer);
        if (next_) writer.option_uint(OptionNumber::block2, next_->to_uint());
    }

    HandlerResult<StreamedBody> handle(const InboundResult& response) {
        if (!response) return forward_failure<StreamedBody>(this->inner_, response);
        const MessageView& message = response->message();
        const auto block = message.block2();
        if (!response->code().is_success() || !block) return whole(*response);
        if (block->offset() != position_) return Err{Error::of(ErrorKind::parse_error)};
        if (!same_representation(message)) return Err{Error::of(ErrorKind::representation_changed)};
        const auto payload = message.payload();
        if (block->more() && payload.size() != block->size())
            return Err{Error::of(ErrorKind::parse_error)};  // §2.2: only the last is short
        if (!deliver(*response, payload, !block->more()))
            return Err{Error::of(ErrorKind::cancelled)};
        if (block->more()) {
            const auto following = block->next();
            if (!following) return Err{Error::of(ErrorKind::parse_error)};
            next_ = BlockValue::make(following->num(), false, following->szx()).value();
            if constexpr (requires { this->inner_.on_intermediate(*response); })
                this->inner_.on_intermediate(*response);
            return send_next;
        }
        return finish(*response);
    }

  private:
    /// A response without Block2 (a body that fits one message, an error, a
    /// 2.31 of an upload below): the wrapped descriptor judges it first.
    HandlerResult<StreamedBody> whole(const InboundContext& response) {
        auto result = this->inner_.handle(InboundResult(response));
        if (!result) return Err{result.error()};
        if (result->verdict() == Verdict::send_next) return send_next;
        if (result->verdict() == Verdict::keep_waiting) return keep_waiting;
        if (position_ != 0) return Err{Error::of(ErrorKind::parse_error)};
        if (response.code().is_success()) {
            summary_.etag = etag_in(response.message());
            if (!deliver(response, response.message().payload(), true))
                return Err{Error::of(ErrorKind::cancelled)};
        }
        return done(summary(response));
    }

    HandlerResult<StreamedBody> finish(const InboundContext& response) {
        auto result = this->inner_.handle(InboundResult(response));
        if (!result) return Err{result.error()};
        if (result->verdict() == Verdict::send_next) return send_next;
        if (result->verdict() == Verdict::keep_waiting) return keep_waiting;
        return done(summary(response));
    }

    bool deliver(const InboundContext& response, gsl::span<const std::byte> payload, bool last) {
        if (const auto size2 = response.message().size2()) summary_.size2 = size2;
        BodyChunk chunk{position_, payload, summary_.size2, last, &response};
        position_ += payload.size();
        summary_.size += payload.size();
        ++summary_.blocks;
        if constexpr (std::is_same_v<std::invoke_result_t<F&, const BodyChunk&>, void>) {
            sink_(chunk);
            return true;
        } else {
            return static_cast<bool>(sink_(chunk));
        }
    }

    static std::optional<ETag> etag_in(const MessageView& message) noexcept {
        const auto bytes = message.opaque_option(OptionNumber::etag);
        if (!bytes) return std::nullopt;
        return ETag::from_bytes(*bytes);
    }

    /// The first block fixes the ETag (or its absence); every later block must match.
    bool same_representation(const MessageView& message) {
        const auto etag = etag_in(message);
        if (summary_.blocks == 0) {
            summary_.etag = etag;
            return true;
        }
        return etag == summary_.etag;
    }

    StreamedBody summary(const InboundContext& response) {
        StreamedBody out = summary_;
        out.code = response.code();
        out.content_format = response.message().content_format();
        return out;
    }

    F sink_;
    std::optional<BlockValue> next_;
    /// Where the next block starts in the body (initial's NUM may start mid-body).
    std::uint64_t position_ = 0;
    StreamedBody summary_{};
};

template <class Self>
template <class F>
auto Combinators<Self>::for_each_block(F sink, std::optional<BlockValue> initial) const& {
    return Block2Stream<Self, F>(self(), std::move(sink), initial);
}
template <class Self>
template <class F>
auto Combinators<Self>::for_each_block(F sink, std::optional<BlockValue> initial) && {
    return Block2Stream<Self, F>(static_cast<Combinators&&>(*this).self(), std::move(sink),
                                 initial);
}

}  // namespace coap
