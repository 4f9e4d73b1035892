// bench/cobalt_codec.cpp — cobalt's parse-and-walk and write for the benchmark,
// using only the public codec API (coap/message.hpp, coap/message_writer.hpp).
#include "cobalt_codec.hpp"

#include "coap/message.hpp"
#include "coap/message_writer.hpp"

namespace bench::cobalt_codec {
namespace {

ByteVector copy_of(gsl::span<const std::byte> bytes) {
    return ByteVector(bytes.begin(), bytes.end());
}

}  // namespace

WalkDigest parse_walk(gsl::span<const std::byte> datagram) noexcept {
    WalkDigest digest;
    const auto parsed = coap::MessageView::parse(datagram);
    if (!parsed) return digest;
    const coap::MessageView& view = parsed.value();
    for (const coap::OptionView& option : view.options()) {
        ++digest.option_count;
        digest.number_sum += coap::to_underlying(option.number);
        digest.value_bytes += option.value.size();
    }
    digest.payload_bytes = view.payload().size();
    digest.ok = true;
    return digest;
}

std::size_t write(const Sample& sample, gsl::span<std::byte> buffer) noexcept {
    coap::MessageWriter writer(
        buffer, static_cast<coap::MessageType>(sample.type), coap::Code(sample.code),
        sample.message_id, gsl::span<const std::byte>(sample.token.data(), sample.token.size()));
    for (const SampleOption& option : sample.options) {
        const auto number = static_cast<coap::OptionNumber>(option.number);
        if (option.is_uint) {
            writer.option_uint(number, option.uint_value);
        } else {
            writer.option(number,
                          gsl::span<const std::byte>(option.value.data(), option.value.size()));
        }
    }
    if (!sample.payload.empty()) {
        writer.payload(gsl::span<const std::byte>(sample.payload.data(), sample.payload.size()));
    }
    const auto length = writer.finish();
    return length ? length.value() : 0;
}

std::optional<DecodedMessage> decode(gsl::span<const std::byte> datagram) {
    const auto parsed = coap::MessageView::parse(datagram);
    if (!parsed) return std::nullopt;
    const coap::MessageView& view = parsed.value();
    DecodedMessage m;
    m.type = static_cast<std::uint8_t>(view.type());
    m.code = view.code().raw();
    m.message_id = view.message_id();
    m.token = copy_of(view.token());
    for (const coap::OptionView& option : view.options()) {
        m.options.push_back(
            DecodedOption{coap::to_underlying(option.number), copy_of(option.value)});
    }
    m.payload = copy_of(view.payload());
    return m;
}

}  // namespace bench::cobalt_codec
