// check_options.cpp — which options a receiver must treat as unrecognised
// (RFC 7252 §5.4.1 critical/elective, §5.4.3 length bounds, §5.4.5 repetition).
#include "coap/message.hpp"

namespace coap {

std::optional<OptionIssue> check_options(const MessageView& message) noexcept {
    std::optional<OptionIssue> elective;
    std::uint32_t previous = 0x10000;  // no previous option yet
    for (const OptionView& option : message.options()) {
        const OptionInfo* info = find_option_info(option.number);
        std::optional<OptionProblem> problem;
        if (info == nullptr) {
            problem = OptionProblem::unrecognized;
        } else if (!info->length_ok(option.value.size())) {
            problem = OptionProblem::bad_length;
        } else if (!info->repeatable && to_underlying(option.number) == previous) {
            problem = OptionProblem::not_repeatable;
        }
        previous = to_underlying(option.number);
        if (!problem) continue;
        const OptionIssue issue{option.number, *problem, is_critical(option.number)};
        if (issue.critical) return issue;
        if (!elective) elective = issue;
    }
    return elective;
}

std::string_view describe(OptionProblem problem) noexcept {
    switch (problem) {
        case OptionProblem::unrecognized:
            return "unrecognized option";
        case OptionProblem::bad_length:
            return "option value length out of range";
        case OptionProblem::not_repeatable:
            return "non-repeatable option repeated";
    }
    return "unknown option problem";
}

std::string_view describe(ParseErrorKind kind) noexcept {
    switch (kind) {
        case ParseErrorKind::truncated_header:
            return "datagram shorter than the 4-byte header";
        case ParseErrorKind::bad_version:
            return "version is not 1";
        case ParseErrorKind::reserved_token_length:
            return "reserved token length";
        case ParseErrorKind::truncated_token:
            return "datagram ends inside the token";
        case ParseErrorKind::reserved_option_delta:
            return "option delta nibble 15 outside a payload marker";
        case ParseErrorKind::reserved_option_length:
            return "option length nibble 15";
        case ParseErrorKind::truncated_option:
            return "datagram ends inside an option";
        case ParseErrorKind::option_number_overflow:
            return "option number above 65535";
        case ParseErrorKind::empty_payload:
            return "payload marker followed by no payload";
        case ParseErrorKind::reserved_code_class:
            return "reserved code class (1, 6 or 7)";
        case ParseErrorKind::empty_message_not_empty:
            return "code 0.00 with a token, options or payload";
        case ParseErrorKind::empty_non_confirmable:
            return "non-confirmable message with code 0.00";
        case ParseErrorKind::request_in_acknowledgement:
            return "acknowledgement carrying a request";
        case ParseErrorKind::reset_not_empty:
            return "reset carrying a non-empty code";
        case ParseErrorKind::datagram_too_large:
            return "datagram of 4 GiB or more";
    }
    return "unknown parse error";
}

}  // namespace coap
