// render.cpp — the readable rendering of a message: a header line, one line per
// option decoded by its format, and the payload as text or hex.
#include "coap/render.hpp"

#include "coap/content_format.hpp"

#include <charconv>
#include <string_view>

namespace coap {
namespace {

// Appends into a fixed buffer while counting the full length.
class TextOut {
  public:
    explicit TextOut(gsl::span<char> out) noexcept : out_(out) {}

    void put(char c) noexcept {
        if (length_ < out_.size()) out_[length_] = c;
        ++length_;
    }
    void put(std::string_view text) noexcept {
        for (char c : text)
            put(c);
    }
    void number(std::uint64_t value) noexcept {
        char digits[24];
        auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
        (void)error;
        put(std::string_view(digits, static_cast<std::size_t>(end - digits)));
    }
    void hex_byte(std::byte b) noexcept {
        constexpr char digits[] = "0123456789abcdef";
        const auto v = std::to_integer<unsigned>(b);
        put(digits[v >> 4]);
        put(digits[v & 0xfu]);
    }
    void hex(Bytes bytes, std::size_t limit) noexcept {
        std::size_t shown = 0;
        for (std::byte b : bytes) {
            if (limit != 0 && shown == limit) {
                put("...");
                return;
            }
            hex_byte(b);
            ++shown;
        }
    }
    std::size_t length() const noexcept { return length_; }

  private:
    gsl::span<char> out_;
    std::size_t length_ = 0;
};

// Length of the UTF-8 sequence starting at bytes[i], or 0 when it is not valid text.
std::size_t text_char_length(Bytes bytes, std::size_t i) noexcept {
    const auto c = std::to_integer<unsigned>(bytes[i]);
    if (c == '\n' || c == '\r' || c == '\t') return 1;
    if (c >= 0x20 && c < 0x7f) return 1;
    std::size_t length = 0;
    if ((c & 0xe0u) == 0xc0u && c >= 0xc2u)
        length = 2;
    else if ((c & 0xf0u) == 0xe0u)
        length = 3;
    else if ((c & 0xf8u) == 0xf0u && c <= 0xf4u)
        length = 4;
    else
        return 0;
    if (bytes.size() - i < length) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((std::to_integer<unsigned>(bytes[i + k]) & 0xc0u) != 0x80u) return 0;
    }
    return length;
}

bool is_text(Bytes bytes) noexcept {
    for (std::size_t i = 0; i < bytes.size();) {
        const std::size_t length = text_char_length(bytes, i);
        if (length == 0) return false;
        i += length;
    }
    return true;
}

void quoted(TextOut& out, Bytes bytes, std::size_t limit) noexcept {
    out.put('"');
    std::size_t shown = 0;
    for (std::byte b : bytes) {
        if (limit != 0 && shown == limit) {
            out.put("\"...");
            return;
        }
        const auto c = static_cast<char>(std::to_integer<unsigned>(b));
        if (c == '"' || c == '\\') {
            out.put('\\');
            out.put(c);
        } else if (c == '\n') {
            out.put("\\n");
        } else if (c == '\r') {
            out.put("\\r");
        } else if (c == '\t') {
            out.put("\\t");
        } else if (std::to_integer<unsigned>(b) < 0x20 || std::to_integer<unsigned>(b) == 0x7f) {
            out.put("\\x");
            out.hex_byte(b);
        } else {
            out.put(c);
        }
        ++shown;
    }
    out.put('"');
}

void render_content_format(TextOut& out, std::uint32_t number) noexcept {
    out.number(number);
    if (const ContentFormatInfo* info =
            number <= 0xffffu ? find_content_format(static_cast<std::uint16_t>(number)) : nullptr) {
        out.put(" (");
        out.put(info->media_type);
        if (!info->encoding.empty()) {
            out.put(", ");
            out.put(info->encoding);
        }
        out.put(')');
    }
}

// `value` comes from a well-formed Block option (0-3 bytes), which always decodes
// when SZX 7 is shown as BERT.
void render_block(TextOut& out, std::uint32_t value) noexcept {
    const BlockValue block = BlockValue::from_uint(value, true).value();
    out.number(block.num());
    out.put('/');
    out.put(block.more() ? '1' : '0');
    out.put('/');
    out.number(block.size());
    out.put(" (NUM=");
    out.number(block.num());
    out.put(" M=");
    out.put(block.more() ? '1' : '0');
    out.put(" SZX=");
    out.number(block.szx());
    out.put(block.is_bert() ? ", BERT)" : ")");
}

void render_option(TextOut& out, const OptionView& option, const RenderOptions& options) noexcept {
    const OptionInfo* info = find_option_info(option.number);
    out.put("  ");
    if (info != nullptr) {
        out.put(info->name);
    } else {
        out.put("Option ");
        out.number(to_underlying(option.number));
        out.put(is_critical(option.number) ? " [critical" : " [elective");
        out.put(is_unsafe(option.number) ? ", unsafe" : ", safe");
        if (!is_unsafe(option.number) && is_no_cache_key(option.number)) out.put(", no-cache-key");
        out.put(']');
    }
    out.put(": ");
    if (info == nullptr || !info->length_ok(option.value.size())) {
        if (option.value.empty())
            out.put("(empty)");
        else {
            out.put("0x");
            out.hex(option.value, options.max_payload);
        }
        if (info != nullptr) {
            out.put(" (malformed: ");
            out.number(option.value.size());
            out.put(" bytes)");
        }
        out.put('\n');
        return;
    }
    switch (info->format) {
        case OptionFormat::empty:
            out.put("(empty)");
            break;
        case OptionFormat::opaque:
            if (option.value.empty())
                out.put("(empty)");
            else {
                out.put("0x");
                out.hex(option.value, options.max_payload);
            }
            break;
        case OptionFormat::string:
            quoted(out, option.value, options.max_payload);
            break;
        case OptionFormat::uint: {
            const std::uint32_t value = option.as_uint().value_or(0);
            switch (option.number) {
                case OptionNumber::content_format:
                case OptionNumber::accept:
                    render_content_format(out, value);
                    break;
                case OptionNumber::block1:
                case OptionNumber::block2:
                case OptionNumber::q_block1:
                case OptionNumber::q_block2:
                    render_block(out, value);
                    break;
                default:
                    out.number(value);
            }
            break;
        }
    }
    out.put('\n');
}

}  // namespace

std::size_t render(const MessageView& message, gsl::span<char> buffer,
                   const RenderOptions& options) noexcept {
    TextOut out(buffer);
    out.put(short_name(message.type()));
    out.put(' ');
    const auto dots = dotted(message.code());
    out.put(std::string_view(dots.data(), dots.size()));
    if (const std::string_view name = code_name(message.code()); !name.empty()) {
        out.put(' ');
        out.put(name);
    }
    out.put(" mid=0x");
    out.hex_byte(static_cast<std::byte>(message.message_id() >> 8));
    out.hex_byte(static_cast<std::byte>(message.message_id() & 0xffu));
    out.put(" (");
    out.number(message.message_id());
    out.put(") token=");
    if (message.token().empty())
        out.put("(none)");
    else
        out.hex(message.token(), 0);
    out.put('\n');
    for (const OptionView& option : message.options())
        render_option(out, option, options);
    const Bytes payload = message.payload();
    if (!payload.empty()) {
        out.put("  payload (");
        out.number(payload.size());
        if (is_text(payload)) {
            out.put(" bytes, text): ");
            quoted(out, payload, options.max_payload);
        } else {
            out.put(" bytes, hex): ");
            out.hex(payload, options.max_payload);
        }
        out.put('\n');
    }
    return out.length();
}

}  // namespace coap
