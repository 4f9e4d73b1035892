// coap/link_format.hpp — the CoRE Link Format (RFC 6690, with RFC 8288 whitespace
// and RFC 8187 extended values): a lazy zero-copy parser, a writer into a caller
// buffer, and the /.well-known/core query filtering of RFC 6690 §4.1.
// Owns the link-format grammar for reading and writing. Never allocates, never
// copies the document, never resolves URI references, never throws; a malformed
// document yields a LinkFormatError naming what was wrong and at which byte.
#pragma once

#include "coap/contract.hpp"
#include "coap/result.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

namespace coap {

// ---------------------------------------------------------------------------
// Errors

/// Everything that makes a document not link-format.
enum class LinkFormatErrorKind : std::uint8_t {
    document_too_large,          ///< over 4 GiB: offsets would not fit
    expected_link,               ///< a link-value must start with '<'
    unterminated_target,         ///< no '>' closes the URI-Reference (offset: the '<')
    invalid_target,              ///< a byte a URI-Reference cannot hold, or a bad %-escape
    expected_separator,          ///< after a link or a parameter: not ';', ',' or the end
    empty_parameter_name,        ///< ';' not followed by a parmname
    empty_value,                 ///< '=' not followed by a ptoken or a quoted-string
    unterminated_quoted_string,  ///< no closing DQUOTE (offset: the opening one)
    invalid_quoted_char,         ///< a control byte in a quoted-string or after a backslash
    missing_extended_value,      ///< a "name*" parameter without "=" ext-value
    trailing_comma,              ///< ',' not followed by a link-value (offset: the comma)
    output_too_small,            ///< write_matching_links: the output buffer is full
};

std::string_view describe(LinkFormatErrorKind kind) noexcept;

struct LinkFormatError {
    LinkFormatErrorKind kind;
    std::uint32_t offset;  ///< byte offset in the document

    friend bool operator==(const LinkFormatError&, const LinkFormatError&) = default;
};

/// Why a value could not be decoded into the caller's buffer.
enum class LinkValueError : std::uint8_t {
    buffer_too_small,     ///< the decoded value does not fit
    no_value,             ///< the attribute has no value
    bad_ext_value,        ///< not charset "'" [ language ] "'" value-chars (RFC 8187 §3.2.1)
    unsupported_charset,  ///< a well-formed charset other than UTF-8 or ISO-8859-1
    bad_utf8,             ///< the decoded octets are not well-formed UTF-8
};

std::string_view describe(LinkValueError error) noexcept;

// ---------------------------------------------------------------------------
// Reading

/// Knobs for parsing.
struct LinkFormatOptions {
    /// Also accept CR and LF where optional whitespace may stand, as in documents
    /// wrapped for readability. Off by default: RFC 6690 §5 says line breaks never
    /// occur in the actual format.
    bool allow_line_breaks = false;
};

/// How a link-param carries its value.
enum class LinkValueForm : std::uint8_t {
    none,    ///< "obs": no "=" at all
    token,   ///< "ct=40": a ptoken
    quoted,  ///< "rt=\"temperature-c\"": a quoted-string
};

/// Forward iterator over the space-separated words of a value ("rt", "if", "rel"...).
/// Yields raw slices: a backslash escape inside a quoted value stays as written.
class ValueWordIterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string_view*;
    using reference = const std::string_view&;

    ValueWordIterator() noexcept = default;
    ValueWordIterator(std::string_view text, std::size_t at) noexcept;

    reference operator*() const noexcept { return current_; }
    pointer operator->() const noexcept { return &current_; }
    ValueWordIterator& operator++() noexcept {
        advance(at_ + current_.size());
        return *this;
    }
    ValueWordIterator operator++(int) noexcept {
        ValueWordIterator copy = *this;
        ++*this;
        return copy;
    }
    friend bool operator==(const ValueWordIterator& a, const ValueWordIterator& b) noexcept {
        return a.at_ == b.at_;
    }

  private:
    void advance(std::size_t from) noexcept;

    std::string_view text_;
    std::size_t at_ = 0;  // start of the current word, or text_.size() at the end
    std::string_view current_;
};

/// The words of a value, split on SP and HTAB; empty words are skipped.
class ValueWords {
  public:
    ValueWords() noexcept = default;
    explicit ValueWords(std::string_view text) noexcept : text_(text) {}
    ValueWordIterator begin() const noexcept { return {text_, 0}; }
    ValueWordIterator end() const noexcept { return {text_, text_.size()}; }
    bool empty() const noexcept { return begin() == end(); }
    std::size_t size() const noexcept {
        std::size_t n = 0;
        for (auto it = begin(); it != end(); ++it)
            ++n;
        return n;
    }

  private:
    std::string_view text_;
};

/// The outcome of decoding an RFC 8187 ext-value (a "title*" value).
struct ExtendedValue {
    std::string_view charset;   ///< as written ("UTF-8", "utf-8", "ISO-8859-1")
    std::string_view language;  ///< as written; may be empty
    std::string_view value;     ///< decoded UTF-8, inside the caller's buffer
};

/// Decodes charset "'" [ language ] "'" value-chars into UTF-8 in `out`.
/// UTF-8 and ISO-8859-1 (transcoded) are supported. The decoded value is never
/// longer than the value-chars, so `out` may begin exactly where they begin
/// (decoding in place); charset and language stay views into `ext_value`.
Result<ExtendedValue, LinkValueError> decode_ext_value(std::string_view ext_value,
                                                       gsl::span<char> out) noexcept;

/// One link-param of a link, as it appears in the document.
struct LinkAttribute {
    std::string_view name;       ///< as written, "*" included ("rt", "title*")
    std::string_view raw_value;  ///< token text, or quoted content without DQUOTEs, escapes kept
    LinkValueForm form = LinkValueForm::none;
    std::uint32_t offset = 0;  ///< byte offset of the name in the document

    bool has_value() const noexcept { return form != LinkValueForm::none; }
    /// "name*": the value is an RFC 8187 ext-value.
    bool is_extended() const noexcept { return !name.empty() && name.back() == '*'; }
    /// Names compare ASCII case-insensitively.
    bool is(std::string_view other) const noexcept;
    /// True when the quoted value holds backslash escapes.
    bool has_escapes() const noexcept;
    /// The length of the value with escapes removed.
    std::size_t value_size() const noexcept;
    /// The value with `\"` and `\\` (any quoted-pair) unescaped. Without escapes this
    /// is `raw_value` itself (no copy); otherwise it is written into `scratch`.
    Result<std::string_view, LinkValueError> value(gsl::span<char> scratch) const noexcept;
    /// Compare the unescaped value without a buffer (an absent value is empty).
    bool value_equals(std::string_view text) const noexcept;
    bool value_starts_with(std::string_view prefix) const noexcept;
    /// The space-separated words of the raw value (relation-types of rel/rt/if).
    ValueWords words() const noexcept { return ValueWords(raw_value); }
    /// Decodes an extended value ("title*") into `scratch`.
    Result<ExtendedValue, LinkValueError> extended_value(gsl::span<char> scratch) const noexcept;
};

/// Forward iterator over the link-params of a link already validated by the parser.
class LinkAttributeIterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = LinkAttribute;
    using difference_type = std::ptrdiff_t;
    using pointer = const LinkAttribute*;
    using reference = const LinkAttribute&;

    LinkAttributeIterator() noexcept = default;
    LinkAttributeIterator(std::string_view document, std::size_t at, std::size_t end,
                          bool line_breaks) noexcept;

    reference operator*() const noexcept { return current_; }
    pointer operator->() const noexcept { return &current_; }
    LinkAttributeIterator& operator++() noexcept {
        load(next_);
        return *this;
    }
    LinkAttributeIterator operator++(int) noexcept {
        LinkAttributeIterator copy = *this;
        load(next_);
        return copy;
    }
    friend bool operator==(const LinkAttributeIterator& a,
                           const LinkAttributeIterator& b) noexcept {
        return a.at_ == b.at_;
    }

  private:
    void load(std::size_t from) noexcept;

    std::string_view document_;
    std::size_t at_ = 0;    // where the current parameter's ';' search began, or end_
    std::size_t next_ = 0;  // just after the current parameter
    std::size_t end_ = 0;   // end of the link-value
    bool line_breaks_ = false;
    LinkAttribute current_;
};

class LinkAttributeRange {
  public:
    LinkAttributeRange() noexcept = default;
    LinkAttributeRange(LinkAttributeIterator first, LinkAttributeIterator last) noexcept
        : first_(first), last_(last) {}
    LinkAttributeIterator begin() const noexcept { return first_; }
    LinkAttributeIterator end() const noexcept { return last_; }
    bool empty() const noexcept { return first_ == last_; }
    std::size_t size() const noexcept {
        std::size_t n = 0;
        for (auto it = first_; it != last_; ++it)
            ++n;
        return n;
    }

  private:
    LinkAttributeIterator first_;
    LinkAttributeIterator last_;
};

/// One link-value: a view into the document, which must outlive it.
class Link {
  public:
    Link() noexcept = default;
    Link(std::string_view document, std::size_t begin, std::size_t target_end, std::size_t end,
         bool line_breaks) noexcept;

    /// The URI-Reference between '<' and '>', as written (never resolved).
    std::string_view target() const noexcept;
    /// The whole link-value, from '<' to the end of its last parameter.
    std::string_view text() const noexcept { return document_.substr(begin_, end_ - begin_); }
    /// Byte offset of the '<' in the document.
    std::uint32_t offset() const noexcept { return static_cast<std::uint32_t>(begin_); }

    LinkAttributeRange attributes() const noexcept;
    /// The first parameter with this name (ASCII case-insensitive).
    std::optional<LinkAttribute> find(std::string_view name) const noexcept;
    bool has(std::string_view name) const noexcept { return find(name).has_value(); }

  private:
    std::string_view document_;
    std::size_t begin_ = 0;       // the '<'
    std::size_t target_end_ = 0;  // just after the '>'
    std::size_t end_ = 0;         // just after the last parameter
    bool line_breaks_ = false;
};

/// Walks a link-format document one link-value at a time. Each link is fully
/// validated when next() returns it, so its attributes iterate without errors.
/// The first error is sticky: every later next() returns it again.
///
///   LinkFormatParser parser(payload);
///   for (;;) {
///       auto link = parser.next();
///       if (!link) return reject(link.error());
///       if (!*link) break;
///       use((*link)->target(), (*link)->find("rt"));
///   }
class LinkFormatParser {
  public:
    explicit LinkFormatParser(std::string_view document,
                              const LinkFormatOptions& options = {}) noexcept;

    /// The next link, nullopt after the last one, or the first error.
    Result<std::optional<Link>, LinkFormatError> next() noexcept;
    /// True once next() has returned nullopt or an error.
    bool done() const noexcept { return state_ != State::running; }

  private:
    enum class State : std::uint8_t { running, finished, failed };

    Result<std::optional<Link>, LinkFormatError> fail(LinkFormatError error) noexcept;

    std::string_view document_;
    std::size_t position_ = 0;
    bool line_breaks_ = false;
    bool started_ = false;
    State state_ = State::running;
    LinkFormatError error_{LinkFormatErrorKind::expected_link, 0};
};

/// Validates a whole document; the number of link-values, or the first error.
Result<std::size_t, LinkFormatError> validate_link_format(
    std::string_view document, const LinkFormatOptions& options = {}) noexcept;

// ---------------------------------------------------------------------------
// Writing

enum class LinkWriteError : std::uint8_t {
    buffer_too_small,  ///< the document does not fit the caller's buffer
    no_link,           ///< an attribute before the first link()
    invalid_target,    ///< the target is not a URI-Reference
    invalid_name,      ///< not a parmname (a trailing '*' needs a value)
    invalid_value,     ///< a control byte, bad UTF-8, or a bad language tag
    invalid_link,      ///< raw_link(): not exactly one link-value
};

std::string_view describe(LinkWriteError error) noexcept;

/// Writes link-format into a caller-provided buffer. Never writes past the buffer;
/// each call writes all of its text or none of it, so after a failure written()
/// is the document up to the last call that fit. The first failure is sticky and
/// reported by finish().
class LinkFormatWriter {
  public:
    explicit LinkFormatWriter(gsl::span<char> buffer) noexcept : buffer_(buffer) {}

    /// Starts a link-value: `<target>`, after a ',' unless it is the first.
    LinkFormatWriter& link(std::string_view target) noexcept;
    /// `;name` (a flag such as "obs").
    LinkFormatWriter& attribute(std::string_view name) noexcept;
    /// `;name=value`: a token when the value is a ptoken and the name is not one that
    /// RFC 6690 writes quoted (anchor, title, rel, rev, rt, if); otherwise quoted and
    /// escaped.
    LinkFormatWriter& attribute(std::string_view name, std::string_view value) noexcept;
    /// `;name="value"`, always quoted.
    LinkFormatWriter& quoted_attribute(std::string_view name, std::string_view value) noexcept;
    /// `;name=123` ("ct", "sz", "lt").
    LinkFormatWriter& attribute_uint(std::string_view name, std::uint32_t value) noexcept;
    /// `;name="a b c"`: relation types or content formats, quoted and space-separated.
    LinkFormatWriter& attribute_words(std::string_view name,
                                      gsl::span<const std::string_view> words) noexcept;
    /// `;name*=UTF-8'language'pct-encoded` (RFC 8187); `name` may carry the '*' or not.
    LinkFormatWriter& extended_attribute(std::string_view name, std::string_view utf8_value,
                                         std::string_view language = {}) noexcept;
    /// Appends one complete link-value that is already link-format (for instance
    /// Link::text() of a parsed document); it is validated first.
    LinkFormatWriter& raw_link(std::string_view link_value,
                               const LinkFormatOptions& options = {}) noexcept;

    /// The document length, or the first error that happened.
    Result<std::size_t, LinkWriteError> finish() const noexcept;
    bool ok() const noexcept { return !failed_; }
    std::size_t size() const noexcept { return size_; }
    std::size_t link_count() const noexcept { return links_; }
    /// The text written so far.
    std::string_view written() const noexcept { return {buffer_.data(), size_}; }

  private:
    void fail(LinkWriteError error) noexcept;
    bool reserve(std::size_t length) noexcept;
    void put(std::string_view text) noexcept;
    void put(char c) noexcept;
    bool begin_attribute(std::string_view name, bool has_value) noexcept;
    void put_quoted(std::string_view value) noexcept;

    gsl::span<char> buffer_;
    std::size_t size_ = 0;
    std::size_t links_ = 0;
    bool failed_ = false;
    LinkWriteError error_ = LinkWriteError::buffer_too_small;
};

// ---------------------------------------------------------------------------
// Query filtering (RFC 6690 §4.1)

/// Why a query is not a link-format filter.
enum class LinkFilterError : std::uint8_t {
    missing_equals,       ///< no '=' (a filter is resource-param "=" query-pattern)
    invalid_name,         ///< empty, or not a parmname
    wildcard_not_at_end,  ///< '*' may only end the pattern
};

std::string_view describe(LinkFilterError error) noexcept;

/// True for the attributes whose values are space-separated lists, where a filter
/// matches any one of the words: rel, rev, rt, if (RFC 6690) and ct (RFC 7252 §7.2.1).
bool is_space_separated_attribute(std::string_view name) noexcept;

/// One filter from a /.well-known/core query: `rt=temperature-c`, `href=/sensors/*`.
/// Views into the query text, which must outlive it.
struct LinkFilter {
    std::string_view name;     ///< "href" or the attribute name
    std::string_view pattern;  ///< without the trailing '*'
    bool prefix = false;       ///< the query pattern ended with '*'

    /// Parses one Uri-Query option value (already percent-decoded, as CoAP carries it).
    static Result<LinkFilter, LinkFilterError> parse(std::string_view query) noexcept;

    /// True when `text` equals the pattern, or starts with it for a prefix filter.
    bool matches_text(std::string_view text) const noexcept;
    /// `href` filters the target as written; any other name filters the links that
    /// carry that attribute: the whole unescaped value must match, or, for a
    /// space-separated attribute, any one of its words. A flag attribute has the
    /// empty value, so `obs=*` selects the observable resources.
    bool matches(const Link& link) const noexcept;
};

/// True when every filter matches (an empty set matches every link).
bool matches_all(gsl::span<const LinkFilter> filters, const Link& link) noexcept;

/// Copies the link-values of `document` that match every filter into `out`, joined
/// by ',' (each copied verbatim). The output length, or the first parse error of
/// the document, or output_too_small with the offset of the link that did not fit.
Result<std::size_t, LinkFormatError> write_matching_links(
    std::string_view document, gsl::span<const LinkFilter> filters, gsl::span<char> out,
    const LinkFormatOptions& options = {}) noexcept;

}  // namespace coap
