// whole_notifications.cpp — WholeNotifications' descriptor-independent part:
// keeping the registration request, writing the block GETs with its options,
// fetching the further blocks of a notification (RFC 7959 §3.4), checking
// their ETag against the first block, restarting on a change and giving way
// to a newer notification.
#include "coap/whole_notifications.hpp"

#include <algorithm>
#include <utility>

namespace coap {
namespace {

/// The bytes of the first ETag option, or empty without one.
std::vector<std::byte> etag_bytes(const MessageView& message) {
    for (const OptionView& option : message.etags())
        return {option.value.begin(), option.value.end()};
    return {};
}

}  // namespace

void NotificationBlockFetch::write_options(MessageWriter& writer) const noexcept {
    // In the captured (ascending) order, the writer's fast path; Block2 is
    // inserted in place when a higher option (Proxy-Uri, a custom one) came first.
    for (const OptionView& option : registration_->options())
        if (repeated_in_block_fetch(option.number)) writer.option(option.number, option.value);
    writer.option_uint(OptionNumber::block2, block_.to_uint());
}

void WholeNotificationsBase::capture(PendingSend& registration) {
    std::vector<std::byte> scratch(
        remote_.driver().endpoint().config().capacities.max_message_size);
    MessageWriter writer(scratch, MessageType::confirmable, codes::get, 0);
    registration.write_request(writer);
    // A write that failed keeps what came before it (whole options only).
    const auto parsed = MessageView::parse(writer.written());
    if (parsed) registration_ = OwnedMessage(*parsed);
}

bool WholeNotificationsBase::has_more_blocks(const Item& item) noexcept {
    if (!item.ok()) return false;
    const auto block = item->view().block2();
    return block && block->more() && block->num() == 0;
}

std::optional<WholeNotificationsBase::Item> WholeNotificationsBase::skipped(const Error& error) {
    ++fetch_failures_;
    if (!config_.report_fetch_failures) return std::nullopt;
    return Item{Err{error}};
}

Task<std::optional<WholeNotificationsBase::Item>> WholeNotificationsBase::fetch_rest(
    OwnedMessage first) {
    OwnedMessage head = std::move(first);
    std::vector<std::byte> etag = etag_bytes(head.view());
    std::vector<std::byte> body(head.view().payload().begin(), head.view().payload().end());
    std::uint8_t szx = head.view().block2()->szx();
    std::uint8_t restarts = 0;
    for (;;) {
        // §3.4: a newer notification makes this one stale: never deliver it.
        if (newer_waiting()) {
            ++superseded_;
            co_return std::nullopt;
        }
        const std::size_t size = std::size_t{16} << szx;
        const auto request =
            BlockValue::make(static_cast<std::uint32_t>(body.size() / size), false, szx);
        if (!request) co_return skipped(Error::of(ErrorKind::parse_error));
        auto response = co_await fetch(*request);
        if (newer_waiting()) {
            ++superseded_;
            co_return std::nullopt;
        }
        if (!response) co_return skipped(response.error());
        const MessageView& message = response->view();
        const auto block = message.block2();
        if (!block) co_return skipped(Error::of(ErrorKind::parse_error));
        if (etag_bytes(message) != etag) {
            // §2.4: the representation changed between blocks. Start over with
            // the new state (its block 0) unless a newer notification came.
            if (restarts >= config_.max_restarts)
                co_return skipped(Error::of(ErrorKind::representation_changed));
            ++restarts;
            ++restarts_;
            if (block->num() == 0) {
                head = std::move(*response);
                etag = etag_bytes(head.view());
                body.assign(head.view().payload().begin(), head.view().payload().end());
                szx = block->szx();
                if (!block->more()) co_return Item{OwnedMessage::reassembled(head.view(), body)};
                continue;
            }
            etag.clear();
            body.clear();
            auto restart = co_await fetch(*BlockValue::make(0, false, szx));
            if (newer_waiting()) {
                ++superseded_;
                co_return std::nullopt;
            }
            if (!restart) co_return skipped(restart.error());
            const auto first_block = restart->view().block2();
            head = std::move(*restart);
            etag = etag_bytes(head.view());
            body.assign(head.view().payload().begin(), head.view().payload().end());
            if (!first_block || !first_block->more())
                co_return Item{OwnedMessage::reassembled(head.view(), body)};
            szx = first_block->szx();
            continue;
        }
        if (block->offset() != body.size() || message.payload().empty())
            co_return skipped(Error::of(ErrorKind::parse_error));
        if (body.size() + message.payload().size() > config_.max_body)
            co_return skipped(Error::of(ErrorKind::out_of_space));
        body.insert(body.end(), message.payload().begin(), message.payload().end());
        szx = std::min(szx, block->szx());  // §2.5: the server may answer smaller
        if (!block->more()) co_return Item{OwnedMessage::reassembled(head.view(), body)};
    }
}

}  // namespace coap
