// fuzz/message_parse.cpp — fuzz target `message_parse`: MessageView::parse on
// arbitrary bytes, with and without RFC 8974 extended tokens. Owns the read-side
// invariants: an independent reference decoding of the datagram must agree with
// the parser (accept/reject, error kind and offset, every option and the
// payload), every accessor must agree with the option walk, check_options must
// be consistent with the registry, and render must be deterministic and stay
// inside its buffer.
#include "coap/coap.hpp"
#include "fuzz_support.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using coap::Bytes;
using coap::OptionNumber;
using coap::ParseErrorKind;
using cobalt_fuzz::lies_within;
using cobalt_fuzz::same_bytes;

// ---------------------------------------------------------------------------
// Reference decoding: a deliberately plain, byte-by-byte reading of RFC 7252 §3
// (and RFC 8974 §2.1), checking the rules in the order cobalt documents them.

struct RefOption {
    std::uint32_t number;
    std::size_t at;  // offset of the value
    std::size_t length;
};

struct RefMessage {
    bool ok = false;
    ParseErrorKind kind = ParseErrorKind::truncated_header;
    std::size_t offset = 0;
    std::size_t token_at = 0;
    std::size_t token_length = 0;
    std::vector<RefOption> options;
    std::size_t payload_at = 0;  // equals the datagram size when there is no payload
};

RefMessage ref_error(ParseErrorKind kind, std::size_t offset) {
    RefMessage m;
    m.kind = kind;
    m.offset = offset;
    return m;
}

// Reads the extension of a delta/length nibble at `pos`; false when the bytes run out.
bool ref_extend(const std::uint8_t* d, std::size_t n, std::size_t& pos, std::uint32_t& value) {
    if (value == 13) {
        if (n - pos < 1) return false;
        value = 13u + d[pos];
        pos += 1;
    } else if (value == 14) {
        if (n - pos < 2) return false;
        value = 269u + (std::uint32_t{d[pos]} << 8) + d[pos + 1];
        pos += 2;
    }
    return true;
}

RefMessage reference_parse(const std::uint8_t* d, std::size_t n, bool extended_tokens) {
    if (n < 4) return ref_error(ParseErrorKind::truncated_header, 0);
    if (n > 0xfffffffeu) return ref_error(ParseErrorKind::datagram_too_large, 0);  // never fuzzed
    if ((d[0] >> 6) != 1) return ref_error(ParseErrorKind::bad_version, 0);
    const unsigned type = (d[0] >> 4) & 3u;
    const unsigned tkl = d[0] & 15u;
    const unsigned code = d[1];
    const unsigned code_class = code >> 5;

    std::size_t pos = 4;
    std::size_t token_length = tkl;
    if (tkl >= 9) {
        // RFC 7252 reserves 9..15; RFC 8974 makes 9..12 plain lengths, 13 and 14
        // length prefixes, and keeps 15 reserved.
        if (!extended_tokens || tkl == 15)
            return ref_error(ParseErrorKind::reserved_token_length, 0);
        if (tkl <= 12) {
            // a direct length, as for 0..8
        } else if (tkl == 13) {
            if (n < 5) return ref_error(ParseErrorKind::truncated_token, 4);
            token_length = 13u + d[4];
            pos = 5;
        } else {
            if (n < 6) return ref_error(ParseErrorKind::truncated_token, 4);
            token_length = 269u + (std::size_t{d[4]} << 8) + d[5];
            pos = 6;
        }
    }
    if (n - pos < token_length) return ref_error(ParseErrorKind::truncated_token, pos);

    RefMessage m;
    m.token_at = pos;
    m.token_length = token_length;
    pos += token_length;

    if (code_class == 1 || code_class == 6 || code_class == 7) {
        return ref_error(ParseErrorKind::reserved_code_class, 1);
    }
    if (code == 0) {
        if (tkl != 0) return ref_error(ParseErrorKind::empty_message_not_empty, 0);
        if (pos != n) return ref_error(ParseErrorKind::empty_message_not_empty, pos);
        if (type == 1) return ref_error(ParseErrorKind::empty_non_confirmable, 0);
        m.ok = true;
        m.payload_at = n;
        return m;
    }
    if (type == 3) return ref_error(ParseErrorKind::reset_not_empty, 1);
    if (type == 2 && code_class == 0)
        return ref_error(ParseErrorKind::request_in_acknowledgement, 1);

    std::uint32_t number = 0;
    m.payload_at = n;
    while (pos < n) {
        if (d[pos] == 0xff) {
            if (pos + 1 == n) return ref_error(ParseErrorKind::empty_payload, pos);
            m.payload_at = pos + 1;
            break;
        }
        const std::size_t header = pos++;
        std::uint32_t delta = d[header] >> 4;
        std::uint32_t length = d[header] & 15u;
        if (delta == 15) return ref_error(ParseErrorKind::reserved_option_delta, header);
        if (length == 15) return ref_error(ParseErrorKind::reserved_option_length, header);
        if (!ref_extend(d, n, pos, delta))
            return ref_error(ParseErrorKind::truncated_option, header);
        if (!ref_extend(d, n, pos, length))
            return ref_error(ParseErrorKind::truncated_option, header);
        number += delta;
        if (number > 65535) return ref_error(ParseErrorKind::option_number_overflow, header);
        if (n - pos < length) return ref_error(ParseErrorKind::truncated_option, header);
        m.options.push_back(RefOption{number, pos, length});
        pos += length;
    }
    m.ok = true;
    return m;
}

// ---------------------------------------------------------------------------
// Accessor checks.

// The reference's options with `number`, found by binary search (they ascend).
std::pair<std::size_t, std::size_t> ref_run(const RefMessage& ref, std::uint32_t number) {
    const auto below = [](const RefOption& o, std::uint32_t n) { return o.number < n; };
    const auto above = [](std::uint32_t n, const RefOption& o) { return n < o.number; };
    const auto first = std::lower_bound(ref.options.begin(), ref.options.end(), number, below);
    const auto last = std::upper_bound(first, ref.options.end(), number, above);
    return {static_cast<std::size_t>(first - ref.options.begin()),
            static_cast<std::size_t>(last - ref.options.begin())};
}

// The first occurrence of `number` according to the reference.
const RefOption* ref_first(const RefMessage& ref, std::uint32_t number) {
    const auto run = ref_run(ref, number);
    return run.first == run.second ? nullptr : &ref.options[run.first];
}

std::size_t ref_count(const RefMessage& ref, std::uint32_t number) {
    const auto run = ref_run(ref, number);
    return run.second - run.first;
}

// What a typed accessor should see for `number`: the first occurrence, unless the
// registry knows the number and that occurrence's length is out of bounds.
std::optional<Bytes> expected_single(const RefMessage& ref, Bytes datagram, std::uint32_t number) {
    const RefOption* first = ref_first(ref, number);
    if (first == nullptr) return std::nullopt;
    const coap::OptionInfo* info =
        coap::find_option_info(OptionNumber{static_cast<std::uint16_t>(number)});
    if (info != nullptr && !info->length_ok(first->length)) return std::nullopt;
    return datagram.subspan(first->at, first->length);
}

std::optional<std::uint32_t> expected_uint(const RefMessage& ref, Bytes datagram,
                                           std::uint32_t number) {
    const std::optional<Bytes> value = expected_single(ref, datagram, number);
    if (!value || value->size() > 4) return std::nullopt;
    std::uint32_t v = 0;
    for (std::byte b : *value)
        v = (v << 8) | std::to_integer<std::uint32_t>(b);
    return v;
}

template <class T>
bool same_optional(const std::optional<T>& a, const std::optional<T>& b) {
    return a.has_value() == b.has_value() && (!a || *a == *b);
}

bool same_view(const std::optional<Bytes>& a, const std::optional<Bytes>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || (a->data() == b->data() && a->size() == b->size());
}

bool same_view(const std::optional<std::string_view>& a, const std::optional<Bytes>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || (static_cast<const void*>(a->data()) == static_cast<const void*>(b->data()) &&
                  a->size() == b->size());
}

void check_run(const coap::MessageView& view, const RefMessage& ref, Bytes datagram,
               std::uint32_t number) {
    const OptionNumber n{static_cast<std::uint16_t>(number)};
    const coap::OptionRange run = view.options(n);
    std::size_t seen = 0;
    for (const coap::OptionView& o : run) {
        FUZZ_REQUIRE(o.number == n);
        FUZZ_REQUIRE(lies_within(o.value, datagram));
        ++seen;
    }
    const std::size_t expected = ref_count(ref, number);
    FUZZ_REQUIRE(seen == expected);
    FUZZ_REQUIRE(run.size() == expected);
    FUZZ_REQUIRE(run.empty() == (expected == 0));
    FUZZ_REQUIRE(view.has_option(n) == (expected != 0));
    const std::optional<coap::OptionView> found = view.find(n);
    FUZZ_REQUIRE(found.has_value() == (expected != 0));
    if (found) {
        const RefOption* first = ref_first(ref, number);
        FUZZ_REQUIRE(first != nullptr);
        FUZZ_REQUIRE(found->value.data() == datagram.data() + first->at);
        FUZZ_REQUIRE(found->value.size() == first->length);
    }
    // The generic accessors on any number.
    const std::optional<Bytes> single = expected_single(ref, datagram, number);
    FUZZ_REQUIRE(same_view(view.opaque_option(n), single));
    FUZZ_REQUIRE(same_view(view.string_option(n), single));
    FUZZ_REQUIRE(same_optional(view.uint_option(n), expected_uint(ref, datagram, number)));
}

std::optional<std::uint16_t> narrow16(const std::optional<std::uint32_t>& v) {
    if (!v) return std::nullopt;
    return static_cast<std::uint16_t>(*v);
}

std::optional<std::uint8_t> narrow8(const std::optional<std::uint32_t>& v) {
    if (!v) return std::nullopt;
    return static_cast<std::uint8_t>(*v);
}

std::optional<coap::BlockValue> expected_block(const RefMessage& ref, Bytes datagram,
                                               OptionNumber n) {
    const std::optional<std::uint32_t> v = expected_uint(ref, datagram, coap::to_underlying(n));
    if (!v) return std::nullopt;
    const auto block = coap::BlockValue::from_uint(*v);
    if (!block) return std::nullopt;
    FUZZ_REQUIRE(block->to_uint() == *v);
    FUZZ_REQUIRE(!block->is_bert());
    return block.value();
}

void check_repeatable(const coap::OptionRange& run, OptionNumber n, std::size_t expected) {
    std::size_t seen = 0;
    for (const coap::OptionView& o : run) {
        FUZZ_REQUIRE(o.number == n);
        ++seen;
    }
    FUZZ_REQUIRE(seen == expected);
}

void check_typed_accessors(const coap::MessageView& v, const RefMessage& ref, Bytes d) {
    using N = OptionNumber;
    auto u = [&](N n) { return expected_uint(ref, d, coap::to_underlying(n)); };
    auto s = [&](N n) { return expected_single(ref, d, coap::to_underlying(n)); };
    auto count = [&](N n) { return ref_count(ref, coap::to_underlying(n)); };

    FUZZ_REQUIRE(same_view(v.uri_host(), s(N::uri_host)));
    FUZZ_REQUIRE(same_optional(v.uri_port(), narrow16(u(N::uri_port))));
    FUZZ_REQUIRE(same_optional(v.content_format(), narrow16(u(N::content_format))));
    FUZZ_REQUIRE(same_optional(v.accept(), narrow16(u(N::accept))));
    FUZZ_REQUIRE(same_optional(v.max_age(), u(N::max_age)));
    FUZZ_REQUIRE(v.max_age_or_default() == u(N::max_age).value_or(60));
    FUZZ_REQUIRE(same_optional(v.observe(), u(N::observe)));
    FUZZ_REQUIRE(same_optional(v.hop_limit(), narrow8(u(N::hop_limit))));
    FUZZ_REQUIRE(same_optional(v.size1(), u(N::size1)));
    FUZZ_REQUIRE(same_optional(v.size2(), u(N::size2)));
    FUZZ_REQUIRE(same_optional(v.no_response(), narrow8(u(N::no_response))));
    FUZZ_REQUIRE(same_view(v.proxy_uri(), s(N::proxy_uri)));
    FUZZ_REQUIRE(same_view(v.proxy_scheme(), s(N::proxy_scheme)));
    FUZZ_REQUIRE(same_view(v.echo(), s(N::echo)));
    FUZZ_REQUIRE(same_view(v.oscore(), s(N::oscore)));
    FUZZ_REQUIRE(v.if_none_match() == (count(N::if_none_match) != 0));
    FUZZ_REQUIRE(v.edhoc() == (count(N::edhoc) != 0));
    FUZZ_REQUIRE(same_optional(v.block1(), expected_block(ref, d, N::block1)));
    FUZZ_REQUIRE(same_optional(v.block2(), expected_block(ref, d, N::block2)));
    FUZZ_REQUIRE(same_optional(v.q_block1(), expected_block(ref, d, N::q_block1)));
    FUZZ_REQUIRE(same_optional(v.q_block2(), expected_block(ref, d, N::q_block2)));
    check_repeatable(v.uri_path(), N::uri_path, count(N::uri_path));
    check_repeatable(v.uri_query(), N::uri_query, count(N::uri_query));
    check_repeatable(v.location_path(), N::location_path, count(N::location_path));
    check_repeatable(v.location_query(), N::location_query, count(N::location_query));
    check_repeatable(v.etags(), N::etag, count(N::etag));
    check_repeatable(v.if_match(), N::if_match, count(N::if_match));
    check_repeatable(v.request_tags(), N::request_tag, count(N::request_tag));
}

// check_options against the registry: the reported option has the reported
// problem, a critical problem wins over every elective one, and "no issue" means
// every option is known, in bounds, and not repeated unless repeatable.
void check_option_issues(const coap::MessageView& view) {
    bool any_critical = false;
    bool any_problem = false;
    std::uint32_t previous = 0x10000;
    for (const coap::OptionView& o : view.options()) {
        const coap::OptionInfo* info = coap::find_option_info(o.number);
        const bool repeated = coap::to_underlying(o.number) == previous;
        const bool bad =
            info == nullptr || !info->length_ok(o.value.size()) || (repeated && !info->repeatable);
        FUZZ_REQUIRE(o.well_formed() == (info != nullptr && info->length_ok(o.value.size())));
        if (bad) {
            any_problem = true;
            any_critical = any_critical || coap::is_critical(o.number);
        }
        previous = coap::to_underlying(o.number);
    }
    const std::optional<coap::OptionIssue> issue = coap::check_options(view);
    FUZZ_REQUIRE(issue.has_value() == any_problem);
    if (!issue) return;
    FUZZ_REQUIRE(issue->critical == coap::is_critical(issue->number));
    FUZZ_REQUIRE(issue->critical == any_critical);
    FUZZ_REQUIRE(view.has_option(issue->number));
    FUZZ_REQUIRE(!coap::describe(issue->problem).empty());
    const coap::OptionInfo* info = coap::find_option_info(issue->number);
    switch (issue->problem) {
        case coap::OptionProblem::unrecognized:
            FUZZ_REQUIRE(info == nullptr);
            break;
        case coap::OptionProblem::bad_length:
            FUZZ_REQUIRE(info != nullptr);
            break;
        case coap::OptionProblem::not_repeatable:
            FUZZ_REQUIRE(info != nullptr && !info->repeatable);
            FUZZ_REQUIRE(view.options(issue->number).size() >= 2);
            break;
    }
}

// render: the reported length does not depend on the buffer, a short buffer gets
// a prefix of the full text, and nothing is written past the span handed over.
void check_render(const coap::MessageView& view) {
    constexpr std::size_t small = 24;
    constexpr char canary = '\x5a';
    std::array<char, small + 8> short_buffer;
    short_buffer.fill(canary);
    const std::size_t length = coap::render(view, gsl::span<char>(short_buffer.data(), small));
    for (std::size_t i = small; i < short_buffer.size(); ++i)
        FUZZ_REQUIRE(short_buffer[i] == canary);
    FUZZ_REQUIRE(length > 0);
    FUZZ_REQUIRE(coap::render(view, gsl::span<char>{}) == length);

    std::vector<char> exact(length + 1, canary);
    FUZZ_REQUIRE(coap::render(view, gsl::span<char>(exact.data(), length)) == length);
    FUZZ_REQUIRE(exact[length] == canary);
    const std::size_t prefix = std::min(small, length);
    FUZZ_REQUIRE(std::equal(exact.begin(), exact.begin() + static_cast<std::ptrdiff_t>(prefix),
                            short_buffer.begin()));
    const std::string_view text(exact.data(), length);
    FUZZ_REQUIRE(text.substr(0, 3) == coap::short_name(view.type()));
    FUZZ_REQUIRE(text.back() == '\n');
    FUZZ_REQUIRE(coap::to_string(view) == text);

    // Other payload limits: 0 shows everything, 1 truncates at once.
    for (const std::size_t limit : {std::size_t{0}, std::size_t{1}}) {
        const coap::RenderOptions options{limit};
        const std::size_t needed = coap::render(view, {}, options);
        std::string text_with_limit(needed, '\0');
        FUZZ_REQUIRE(coap::render(view, gsl::span<char>(text_with_limit.data(), needed), options) ==
                     needed);
        // The header line does not depend on the payload limit.
        const std::size_t line = text.find('\n') + 1;
        FUZZ_REQUIRE(std::string_view(text_with_limit).substr(0, line) == text.substr(0, line));
    }
}

void check_success(const coap::MessageView& view, const RefMessage& ref, Bytes datagram,
                   bool extended) {
    FUZZ_REQUIRE(view.bytes().data() == datagram.data() && view.bytes().size() == datagram.size());
    const auto b0 = std::to_integer<unsigned>(datagram[0]);
    FUZZ_REQUIRE(static_cast<unsigned>(view.type()) == ((b0 >> 4) & 3u));
    FUZZ_REQUIRE(view.code().raw() == std::to_integer<unsigned>(datagram[1]));
    FUZZ_REQUIRE(view.message_id() == ((std::to_integer<unsigned>(datagram[2]) << 8) |
                                       std::to_integer<unsigned>(datagram[3])));
    FUZZ_REQUIRE(!view.code().is_reserved_class_on_udp());
    FUZZ_REQUIRE(view.is_empty_message() == view.code().is_empty());
    if (view.type() == coap::MessageType::reset) FUZZ_REQUIRE(view.is_empty_message());
    if (view.type() == coap::MessageType::acknowledgement) FUZZ_REQUIRE(!view.code().is_request());
    if (view.is_empty_message()) {
        FUZZ_REQUIRE(view.type() != coap::MessageType::non_confirmable);
        FUZZ_REQUIRE(view.token().empty() && view.option_count() == 0 && view.payload().empty());
        FUZZ_REQUIRE(datagram.size() == 4);
    }

    // Token and payload: inside the datagram, where the reference puts them.
    const Bytes token = view.token();
    FUZZ_REQUIRE(lies_within(token, datagram));
    FUZZ_REQUIRE(token.size() == ref.token_length);
    FUZZ_REQUIRE(token.empty() || token.data() == datagram.data() + ref.token_at);
    FUZZ_REQUIRE(token.size() <= (extended ? 65535u + 269u : 8u));
    const Bytes payload = view.payload();
    FUZZ_REQUIRE(lies_within(payload, datagram));
    FUZZ_REQUIRE(payload.size() == datagram.size() - ref.payload_at);
    if (!payload.empty()) {
        FUZZ_REQUIRE(payload.data() == datagram.data() + ref.payload_at);
        FUZZ_REQUIRE(std::to_integer<unsigned>(payload.data()[-1]) == 0xffu);
    }

    // The option walk: ascending numbers, values in order inside the datagram,
    // between the token and the payload, exactly the reference's options.
    std::size_t count = 0;
    std::uint32_t previous = 0;
    const std::byte* last_end = token.data() + token.size();
    if (token.empty()) last_end = datagram.data() + ref.token_at;
    for (const coap::OptionView& o : view.options()) {
        FUZZ_REQUIRE(count < ref.options.size());
        const RefOption& r = ref.options[count];
        FUZZ_REQUIRE(coap::to_underlying(o.number) == r.number);
        FUZZ_REQUIRE(r.number >= previous);
        FUZZ_REQUIRE(o.value.size() == r.length);
        FUZZ_REQUIRE(o.value.data() == datagram.data() + r.at);
        FUZZ_REQUIRE(lies_within(o.value, datagram));
        FUZZ_REQUIRE(o.value.data() > last_end);  // at least one header byte in between
        last_end = o.value.data() + o.value.size();
        if (!payload.empty()) FUZZ_REQUIRE(last_end < payload.data());
        previous = r.number;
        ++count;
    }
    FUZZ_REQUIRE(count == ref.options.size());
    FUZZ_REQUIRE(count == view.option_count());
    FUZZ_REQUIRE(view.options().size() == count);
    FUZZ_REQUIRE(view.options().empty() == (count == 0));

    // Lookups: the numbers present (the first and last few distinct ones, as each
    // lookup walks the options), every registered number, and a few others.
    std::vector<std::uint32_t> present;
    for (const RefOption& r : ref.options) {
        if (present.empty() || present.back() != r.number) present.push_back(r.number);
    }
    constexpr std::size_t ends = 8;
    for (std::size_t i = 0; i < present.size(); ++i) {
        if (i < ends || present.size() - i <= ends) check_run(view, ref, datagram, present[i]);
    }
    for (const coap::OptionInfo& info : coap::option_registry()) {
        check_run(view, ref, datagram, coap::to_underlying(info.number));
    }
    for (std::uint32_t n : {0u, 2u, 10u, 13u, 63u, 64u, 65u, 268u, 269u, 2048u, 65000u, 65535u}) {
        check_run(view, ref, datagram, n);
    }
    check_typed_accessors(view, ref, datagram);
    check_option_issues(view);
    check_render(view);
}

void check_failure(const coap::ParseError& error, const RefMessage& ref, Bytes datagram) {
    FUZZ_REQUIRE(!coap::describe(error.kind).empty());
    FUZZ_REQUIRE(error.offset <= datagram.size());
    FUZZ_REQUIRE(error.kind == ref.kind);
    FUZZ_REQUIRE(error.offset == ref.offset);
    const bool header_readable = error.kind != ParseErrorKind::truncated_header &&
                                 error.kind != ParseErrorKind::bad_version &&
                                 error.kind != ParseErrorKind::datagram_too_large;
    FUZZ_REQUIRE(error.header_valid == header_readable);
    if (error.kind == ParseErrorKind::truncated_header) FUZZ_REQUIRE(datagram.size() < 4);
    if (error.header_valid) {
        FUZZ_REQUIRE(datagram.size() >= 4);
        FUZZ_REQUIRE(static_cast<unsigned>(error.type) ==
                     ((std::to_integer<unsigned>(datagram[0]) >> 4) & 3u));
        FUZZ_REQUIRE(error.message_id == ((std::to_integer<unsigned>(datagram[2]) << 8) |
                                          std::to_integer<unsigned>(datagram[3])));
    }
}

struct Outcome {
    bool ok;
    ParseErrorKind kind;
    std::uint32_t offset;
    std::size_t options;
    std::size_t payload;
};

// Parses with and without the reference; `deep` adds the accessor and render checks.
Outcome run(const std::uint8_t* data, std::size_t size, bool extended, bool deep) {
    const Bytes datagram = cobalt_fuzz::as_bytes(data, size);
    const RefMessage ref = reference_parse(data, size, extended);
    const auto parsed = coap::MessageView::parse(datagram, coap::ParseOptions{extended});
    FUZZ_REQUIRE(parsed.ok() == ref.ok);
    if (parsed.ok()) {
        if (deep) check_success(parsed.value(), ref, datagram, extended);
        FUZZ_REQUIRE(parsed->option_count() == ref.options.size());
        FUZZ_REQUIRE(parsed->payload().size() == size - ref.payload_at);
        return {true, ParseErrorKind::truncated_header, 0, ref.options.size(),
                size - ref.payload_at};
    }
    check_failure(parsed.error(), ref, datagram);
    return {false, parsed.error().kind, parsed.error().offset, 0, 0};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // TKL 0..8 means the same with or without RFC 8974, so the deep checks run
    // once for such input; TKL 9..15 gets them under both settings.
    const bool direct_token = size >= 1 && (data[0] & 0x0fu) <= 8;
    const Outcome plain = run(data, size, false, true);
    const Outcome extended = run(data, size, true, !direct_token);
    // Extended tokens only widen what is accepted.
    if (plain.ok) FUZZ_REQUIRE(extended.ok);
    if (direct_token) {
        FUZZ_REQUIRE(plain.ok == extended.ok && plain.kind == extended.kind &&
                     plain.offset == extended.offset && plain.options == extended.options &&
                     plain.payload == extended.payload);
    }
    return 0;
}
