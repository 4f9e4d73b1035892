// fuzz/message_roundtrip.cpp — fuzz target `message_roundtrip`: MessageWriter
// against MessageView. Owns the write-side invariants. The first input byte
// picks the half:
//   bit 0 clear — raw: the rest is a datagram; when it parses, rebuilding it with
//     MessageWriter (options and payload added in an order picked by bits 1-2,
//     RFC 8974 tokens allowed by bit 3) must give back the very same bytes, since
//     the CoAP encoding of a given message is unique;
//   bit 0 set — structured: the rest drives cobalt_fuzz::DataProvider to build a
//     message (options in random order, payload at a random point, random buffer
//     size); the writer must succeed exactly when the buffer holds the encoding,
//     never touch a byte past size(), and the parse of its output must give back
//     the options stably sorted by number and the payload.
#include "coap/coap.hpp"
#include "data_provider.hpp"
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace {

using coap::Bytes;
using coap::OptionNumber;
using cobalt_fuzz::as_bytes;
using cobalt_fuzz::same_bytes;

constexpr std::byte canary{0xa5};

struct Option {
    std::uint16_t number;
    std::vector<std::byte> value;
};

Bytes view_of(const std::vector<std::byte>& v) noexcept {
    return {v.data(), v.size()};
}

std::string_view text_of(const std::vector<std::byte>& v) noexcept {
    return {reinterpret_cast<const char*>(v.data()), v.size()};
}

std::size_t extension_bytes(std::size_t value) noexcept {
    return value < 13 ? 0 : value < 269 ? 1 : 2;
}

// The encoded size of a message, from RFC 7252 §3 and RFC 8974 §2.1 directly.
std::size_t encoded_size(std::size_t token, const std::vector<Option>& sorted,
                         std::size_t payload) noexcept {
    std::size_t size = 4 + (token <= 12 ? 0 : extension_bytes(token)) + token;
    std::uint32_t previous = 0;
    for (const Option& o : sorted) {
        size += 1 + extension_bytes(o.number - previous) + extension_bytes(o.value.size()) +
                o.value.size();
        previous = o.number;
    }
    return size + (payload == 0 ? 0 : 1 + payload);
}

bool same_options(const coap::MessageView& view, const std::vector<Option>& expected) {
    std::size_t i = 0;
    for (const coap::OptionView& o : view.options()) {
        if (i == expected.size()) return false;
        if (coap::to_underlying(o.number) != expected[i].number) return false;
        if (!same_bytes(o.value, view_of(expected[i].value))) return false;
        ++i;
    }
    return i == expected.size() && view.option_count() == expected.size();
}

bool untouched(const std::vector<std::byte>& buffer, std::size_t from) {
    for (std::size_t i = from; i < buffer.size(); ++i) {
        if (buffer[i] != canary) return false;
    }
    return true;
}

// ---------------------------------------------------------------------------
// Raw half.

enum class Order : std::uint8_t {
    ascending,        // options in order, then the payload: the append fast path
    payload_first,    // payload, then options in order: each goes before the marker
    runs_descending,  // runs of equal numbers from the highest number down
    interleaved,      // every other run, the payload, then the runs left out
};

void roundtrip_raw(const std::uint8_t* data, std::size_t size, Order order, bool extended) {
    const Bytes datagram = as_bytes(data, size);
    const auto parsed = coap::MessageView::parse(datagram, coap::ParseOptions{extended});
    if (!parsed) return;
    const coap::MessageView& view = parsed.value();

    std::vector<coap::OptionView> options;
    for (const coap::OptionView& o : view.options())
        options.push_back(o);
    // Runs of equal numbers, as [begin, end) index pairs.
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    for (std::size_t i = 0; i < options.size();) {
        std::size_t j = i;
        while (j < options.size() && options[j].number == options[i].number)
            ++j;
        runs.emplace_back(i, j);
        i = j;
    }

    auto build = [&](gsl::span<std::byte> buffer) {
        coap::MessageWriter writer(buffer, view.type(), view.code(), view.message_id(),
                                   view.token(), coap::WriteOptions{extended});
        auto add_run = [&](std::pair<std::size_t, std::size_t> run) {
            for (std::size_t k = run.first; k < run.second; ++k)
                writer.option(options[k].number, options[k].value);
        };
        switch (order) {
            case Order::ascending:
                for (const auto& run : runs)
                    add_run(run);
                writer.payload(view.payload());
                break;
            case Order::payload_first:
                writer.payload(view.payload());
                for (const auto& run : runs)
                    add_run(run);
                break;
            case Order::runs_descending:
                for (auto it = runs.rbegin(); it != runs.rend(); ++it)
                    add_run(*it);
                writer.payload(view.payload());
                break;
            case Order::interleaved:
                for (std::size_t r = 0; r < runs.size(); r += 2)
                    add_run(runs[r]);
                writer.payload(view.payload());
                for (std::size_t r = 1; r < runs.size(); r += 2)
                    add_run(runs[r]);
                break;
        }
        return writer;
    };

    // Exactly the datagram's size: the same bytes come back.
    std::vector<std::byte> buffer(size, canary);
    const coap::MessageWriter writer = build(gsl::span<std::byte>(buffer.data(), buffer.size()));
    const auto finished = writer.finish();
    FUZZ_REQUIRE(finished.ok());
    FUZZ_REQUIRE(finished.value() == size);
    FUZZ_REQUIRE(writer.size() == size);
    FUZZ_REQUIRE(writer.written().data() == buffer.data());
    FUZZ_REQUIRE(same_bytes(writer.written(), datagram));

    // And field by field through a second parse.
    const auto again = coap::MessageView::parse(writer.written(), coap::ParseOptions{extended});
    FUZZ_REQUIRE(again.ok());
    FUZZ_REQUIRE(again->type() == view.type());
    FUZZ_REQUIRE(again->code() == view.code());
    FUZZ_REQUIRE(again->message_id() == view.message_id());
    FUZZ_REQUIRE(same_bytes(again->token(), view.token()));
    FUZZ_REQUIRE(same_bytes(again->payload(), view.payload()));
    FUZZ_REQUIRE(again->option_count() == view.option_count());
    std::size_t i = 0;
    for (const coap::OptionView& o : again->options()) {
        FUZZ_REQUIRE(i < options.size());
        FUZZ_REQUIRE(o.number == options[i].number);
        FUZZ_REQUIRE(same_bytes(o.value, options[i].value));
        ++i;
    }
    FUZZ_REQUIRE(i == options.size());

    // One byte short: buffer_too_small, and nothing written past size().
    std::vector<std::byte> short_buffer(size - 1, canary);
    const coap::MessageWriter short_writer =
        build(gsl::span<std::byte>(short_buffer.data(), short_buffer.size()));
    const auto short_finished = short_writer.finish();
    FUZZ_REQUIRE(!short_finished.ok());
    FUZZ_REQUIRE(short_finished.error() == coap::WriteError::buffer_too_small);
    FUZZ_REQUIRE(!short_writer.ok());
    FUZZ_REQUIRE(short_writer.size() <= short_buffer.size());
    FUZZ_REQUIRE(untouched(short_buffer, short_writer.size()));
}

// ---------------------------------------------------------------------------
// Structured half.

struct Chunk {
    std::vector<std::byte> bytes;
    std::size_t before_option;  // added just before the option with this index
    std::uint8_t method;        // 0 span, 1 text, 2 payload_space + commit_payload
};

struct AddedOption {
    Option option;
    std::uint8_t method;  // 0 span, 1 text, 2 option_uint, 3 option_empty when empty
    std::uint32_t uint_value;
};

struct Case {
    coap::MessageType type;
    coap::Code code;
    std::uint16_t message_id;
    bool extended;
    std::vector<std::byte> token;
    std::vector<AddedOption> options;  // in the order they are added
    std::vector<Chunk> payload;        // ordered by before_option
};

std::vector<std::byte> take_bytes(cobalt_fuzz::DataProvider& in, std::size_t count) {
    const std::vector<std::uint8_t> raw = in.ConsumeBytes<std::uint8_t>(count);
    std::vector<std::byte> out(raw.size());
    if (!raw.empty()) std::memcpy(out.data(), raw.data(), raw.size());
    return out;
}

std::uint16_t pick_number(cobalt_fuzz::DataProvider& in, const std::vector<AddedOption>& so_far) {
    const gsl::span<const coap::OptionInfo> registry = coap::option_registry();
    switch (in.ConsumeIntegralInRange<unsigned>(0, 7)) {
        case 0:
        case 1:
        case 2:
        case 3:
            return coap::to_underlying(
                registry[in.ConsumeIntegralInRange<std::size_t>(0, registry.size() - 1)].number);
        case 4:
            return in.ConsumeIntegralInRange<std::uint16_t>(0, 64);
        case 5:
            return in.ConsumeIntegral<std::uint16_t>();
        case 6:
            return in.ConsumeIntegralInRange<std::uint16_t>(65000, 65535);
        default:
            return so_far.empty() ? std::uint16_t{0} : so_far.back().option.number;
    }
}

Case generate(cobalt_fuzz::DataProvider& in) {
    Case c;
    c.type = static_cast<coap::MessageType>(in.ConsumeIntegralInRange<std::uint8_t>(0, 3));
    constexpr std::uint8_t classes[] = {0, 2, 4, 5};
    const std::uint8_t cls = classes[in.ConsumeIntegralInRange<std::size_t>(0, 3)];
    const std::uint8_t detail = in.ConsumeIntegralInRange<std::uint8_t>(cls == 0 ? 1 : 0, 31);
    c.code = coap::Code::make(cls, detail);
    c.message_id = in.ConsumeIntegral<std::uint16_t>();
    c.extended = in.ConsumeIntegralInRange<unsigned>(0, 15) == 0;
    c.token = take_bytes(in, c.extended ? in.ConsumeIntegralInRange<std::size_t>(9, 300)
                                        : in.ConsumeIntegralInRange<std::size_t>(0, 8));

    const std::size_t count = in.ConsumeIntegralInRange<std::size_t>(0, 20);
    for (std::size_t i = 0; i < count; ++i) {
        AddedOption added{
            {pick_number(in, c.options), {}}, in.ConsumeIntegralInRange<std::uint8_t>(0, 3), 0};
        if (added.method == 2) {
            const std::uint32_t raw = in.ConsumeIntegral<std::uint32_t>();
            added.uint_value =
                raw >> in.ConsumeIntegralInRange<unsigned>(0, 31);  // favour short values
            const coap::EncodedUint encoded = coap::encode_uint(added.uint_value);
            added.option.value.assign(encoded.view().begin(), encoded.view().end());
        } else {
            const std::size_t length = in.ConsumeBool()
                                           ? in.ConsumeIntegralInRange<std::size_t>(0, 12)
                                           : in.ConsumeIntegralInRange<std::size_t>(0, 300);
            added.option.value = take_bytes(in, length);
        }
        c.options.push_back(std::move(added));
    }

    const std::size_t chunks = in.ConsumeIntegralInRange<std::size_t>(0, 2);
    std::size_t position = 0;
    for (std::size_t i = 0; i < chunks; ++i) {
        Chunk chunk;
        position = in.ConsumeIntegralInRange<std::size_t>(position, count);
        chunk.before_option = position;
        chunk.method = in.ConsumeIntegralInRange<std::uint8_t>(0, 2);
        chunk.bytes = take_bytes(in, in.ConsumeIntegralInRange<std::size_t>(0, 1024));
        c.payload.push_back(std::move(chunk));
    }
    return c;
}

coap::MessageWriter write(const Case& c, gsl::span<std::byte> buffer) {
    coap::MessageWriter w(buffer, c.type, c.code, c.message_id, view_of(c.token),
                          coap::WriteOptions{c.extended});
    std::size_t next_chunk = 0;
    auto add_chunks_before = [&](std::size_t index) {
        for (; next_chunk < c.payload.size() && c.payload[next_chunk].before_option == index;
             ++next_chunk) {
            const Chunk& chunk = c.payload[next_chunk];
            if (chunk.method == 1) {
                w.payload(text_of(chunk.bytes));
            } else if (chunk.method == 2 && !chunk.bytes.empty()) {
                const gsl::span<std::byte> space = w.payload_space();
                if (space.size() >= chunk.bytes.size()) {
                    std::memcpy(space.data(), chunk.bytes.data(), chunk.bytes.size());
                    w.commit_payload(chunk.bytes.size());
                } else {
                    w.payload(view_of(chunk.bytes));  // does not fit: must fail cleanly
                }
            } else {
                w.payload(view_of(chunk.bytes));
            }
        }
    };
    for (std::size_t i = 0; i < c.options.size(); ++i) {
        add_chunks_before(i);
        const AddedOption& a = c.options[i];
        const OptionNumber number{a.option.number};
        switch (a.method) {
            case 1:
                w.option(number, text_of(a.option.value));
                break;
            case 2:
                w.option_uint(number, a.uint_value);
                break;
            case 3:
                if (a.option.value.empty())
                    w.option_empty(number);
                else
                    w.option(number, view_of(a.option.value));
                break;
            default:
                w.option(number, view_of(a.option.value));
                break;
        }
    }
    add_chunks_before(c.options.size());
    return w;
}

// Rare misuse on top of a generated case: an over-long token or option value
// fails with its own error (unless the buffer ran out first), the failure is
// sticky, and nothing is written past size().
void check_misuse(const Case& c, std::size_t buffer_size, unsigned which) {
    if (which == 1) {
        // Over 8 token bytes without RFC 8974: refused before anything is written.
        std::vector<std::byte> token = c.token;
        token.resize(9 + token.size() % 8, std::byte{0x42});
        std::vector<std::byte> buffer(buffer_size, canary);
        coap::MessageWriter w(gsl::span<std::byte>(buffer.data(), buffer.size()), c.type, c.code,
                              c.message_id, view_of(token));
        w.option_uint(OptionNumber::uri_port, 5683).payload("x");
        FUZZ_REQUIRE(!w.ok() && w.finish().error() == coap::WriteError::token_too_long);
        FUZZ_REQUIRE(w.size() == 0 && untouched(buffer, 0));
        FUZZ_REQUIRE(!coap::describe(w.finish().error()).empty());
    } else if (which == 2) {
        // Over 65804 token bytes even with RFC 8974.
        const std::vector<std::byte> token(65535 + 270, std::byte{0x42});
        std::vector<std::byte> buffer(buffer_size, canary);
        coap::MessageWriter w(gsl::span<std::byte>(buffer.data(), buffer.size()), c.type, c.code,
                              c.message_id, view_of(token), coap::WriteOptions{true});
        FUZZ_REQUIRE(!w.ok() && w.finish().error() == coap::WriteError::token_too_long);
        FUZZ_REQUIRE(w.size() == 0 && untouched(buffer, 0));
        FUZZ_REQUIRE(!coap::describe(w.finish().error()).empty());
    } else if (which == 3) {
        // An option value over 65804 bytes, added after the case's own operations.
        const std::vector<std::byte> value(65535 + 270, std::byte{0x43});
        const OptionNumber number{c.options.empty() ? std::uint16_t{11}
                                                    : c.options.front().option.number};
        std::vector<std::byte> buffer(buffer_size, canary);
        coap::MessageWriter w = write(c, gsl::span<std::byte>(buffer.data(), buffer.size()));
        const bool fitted = w.ok();
        const std::size_t before = w.size();
        w.option(number, view_of(value)).option_empty(OptionNumber::if_none_match).payload("y");
        FUZZ_REQUIRE(!w.ok() && w.size() == before && untouched(buffer, before));
        FUZZ_REQUIRE(w.finish().error() == (fitted ? coap::WriteError::option_too_long
                                                   : coap::WriteError::buffer_too_small));
        FUZZ_REQUIRE(!coap::describe(w.finish().error()).empty());
    }
}

void roundtrip_structured(const std::uint8_t* data, std::size_t size) {
    cobalt_fuzz::DataProvider in(data, size);
    const Case c = generate(in);

    std::vector<Option> sorted;
    for (const AddedOption& a : c.options)
        sorted.push_back(a.option);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Option& a, const Option& b) { return a.number < b.number; });
    std::vector<std::byte> payload;
    for (const Chunk& chunk : c.payload)
        payload.insert(payload.end(), chunk.bytes.begin(), chunk.bytes.end());
    const std::size_t expected = encoded_size(c.token.size(), sorted, payload.size());

    std::size_t buffer_size = 0;
    switch (in.ConsumeIntegralInRange<unsigned>(0, 3)) {
        case 0:
            buffer_size = expected;
            break;
        case 1:
            buffer_size = expected - 1;
            break;
        case 2:
            buffer_size = in.ConsumeIntegralInRange<std::size_t>(0, expected + 64);
            break;
        default:
            buffer_size = in.ConsumeIntegralInRange<std::size_t>(0, 64);
            break;
    }
    check_misuse(c, buffer_size, in.ConsumeIntegralInRange<unsigned>(0, 15));

    std::vector<std::byte> buffer(buffer_size, canary);
    const coap::MessageWriter w = write(c, gsl::span<std::byte>(buffer.data(), buffer.size()));
    FUZZ_REQUIRE(w.size() <= buffer_size);
    FUZZ_REQUIRE(untouched(buffer, w.size()));
    const auto finished = w.finish();
    FUZZ_REQUIRE(finished.ok() == w.ok());

    if (!finished.ok()) {
        // The only possible failure here is a buffer too small for the message.
        FUZZ_REQUIRE(finished.error() == coap::WriteError::buffer_too_small);
        FUZZ_REQUIRE(!coap::describe(finished.error()).empty());
        FUZZ_REQUIRE(buffer_size < expected);
        std::vector<std::byte> big(70000, canary);
        const coap::MessageWriter retry = write(c, gsl::span<std::byte>(big.data(), big.size()));
        const auto big_finished = retry.finish();
        FUZZ_REQUIRE(big_finished.ok());
        FUZZ_REQUIRE(big_finished.value() > buffer_size);
        FUZZ_REQUIRE(big_finished.value() == expected);
        FUZZ_REQUIRE(untouched(big, retry.size()));
        return;
    }
    FUZZ_REQUIRE(buffer_size >= expected);
    FUZZ_REQUIRE(finished.value() == expected);
    FUZZ_REQUIRE(w.size() == expected);
    FUZZ_REQUIRE(w.written().data() == buffer.data() && w.written().size() == expected);

    // Committing more than payload_space() offers fails with payload_committed
    // and writes nothing (on a copy, so the message above stays as it is).
    coap::MessageWriter over = w;
    over.commit_payload(over.payload_space().size() + 1);
    FUZZ_REQUIRE(!over.ok());
    FUZZ_REQUIRE(over.finish().error() == coap::WriteError::payload_committed);
    FUZZ_REQUIRE(!coap::describe(over.finish().error()).empty());
    FUZZ_REQUIRE(untouched(buffer, w.size()));

    const auto parsed = coap::MessageView::parse(w.written(), coap::ParseOptions{c.extended});
    if (c.type == coap::MessageType::reset) {
        FUZZ_REQUIRE(!parsed.ok() && parsed.error().kind == coap::ParseErrorKind::reset_not_empty);
        return;
    }
    if (c.type == coap::MessageType::acknowledgement && c.code.is_request()) {
        FUZZ_REQUIRE(!parsed.ok() &&
                     parsed.error().kind == coap::ParseErrorKind::request_in_acknowledgement);
        return;
    }
    FUZZ_REQUIRE(parsed.ok());
    FUZZ_REQUIRE(parsed->type() == c.type);
    FUZZ_REQUIRE(parsed->code() == c.code);
    FUZZ_REQUIRE(parsed->message_id() == c.message_id);
    FUZZ_REQUIRE(same_bytes(parsed->token(), view_of(c.token)));
    FUZZ_REQUIRE(same_options(parsed.value(), sorted));
    FUZZ_REQUIRE(same_bytes(parsed->payload(), view_of(payload)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t selector = data[0];
    if ((selector & 1u) == 0) {
        roundtrip_raw(data + 1, size - 1, static_cast<Order>((selector >> 1) & 3u),
                      (selector & 8u) != 0);
    } else {
        roundtrip_structured(data + 1, size - 1);
    }
    return 0;
}
