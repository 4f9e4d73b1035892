// pretty_print.cpp — --pretty for JSON and link-format (see the header).
#include "pretty_print.hpp"

#include <coap/link_format.hpp>

#include <cctype>

namespace cobalt_cli {

std::string pretty_json(std::string_view json) {
    std::string out;
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    const auto newline = [&out, &depth] {
        out += '\n';
        out.append(static_cast<std::size_t>(depth) * 2, ' ');
    };
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (in_string) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (std::isspace(static_cast<unsigned char>(c))) continue;
        switch (c) {
            case '"':
                in_string = true;
                out += c;
                break;
            case '{':
            case '[': {
                out += c;
                // An empty object or array stays on one line.
                std::size_t next = i + 1;
                while (next < json.size() && std::isspace(static_cast<unsigned char>(json[next])))
                    ++next;
                if (next < json.size() && (json[next] == '}' || json[next] == ']')) {
                    out += json[next];
                    i = next;
                    break;
                }
                ++depth;
                newline();
                break;
            }
            case '}':
            case ']':
                if (--depth < 0) return std::string(json);
                newline();
                out += c;
                break;
            case ',':
                out += c;
                newline();
                break;
            case ':':
                out += ": ";
                break;
            default:
                out += c;
        }
    }
    if (in_string || depth != 0) return std::string(json);
    out += '\n';
    return out;
}

std::string pretty_links(std::string_view document, bool* ok) {
    if (ok != nullptr) *ok = false;
    coap::LinkFormatParser parser(document);
    std::string out;
    for (;;) {
        auto link = parser.next();
        if (!link) return std::string(document);
        if (!*link) break;
        out.append("<").append((*link)->target()).append(">\n");
        for (const coap::LinkAttribute& attribute : (*link)->attributes()) {
            out.append("    ").append(attribute.name);
            if (attribute.form == coap::LinkValueForm::quoted)
                out.append("=\"").append(attribute.raw_value).append("\"");
            else if (attribute.has_value())
                out.append("=").append(attribute.raw_value);
            out += '\n';
        }
    }
    if (ok != nullptr) *ok = true;
    return out;
}

}  // namespace cobalt_cli
