// content_format_names.cpp — Content-Format names for the CLI (see the header).
#include "content_format_names.hpp"

#include <coap/content_format.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

namespace cobalt_cli {

std::optional<std::uint16_t> parse_content_format(std::string_view text) {
    if (const coap::ContentFormatInfo* info = coap::find_content_format(text)) return info->number;
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || text.empty() || value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

std::string describe_content_format(std::uint16_t number) {
    std::string text = std::to_string(number);
    if (const coap::ContentFormatInfo* info = coap::find_content_format(number))
        text.append(" (").append(info->media_type).append(")");
    return text;
}

std::uint16_t content_format_for_file(std::string_view file_name) {
    namespace cf = coap::content_formats;
    static constexpr std::array<std::pair<std::string_view, std::uint16_t>, 10> by_extension{{
        {".txt", cf::text_plain},
        {".text", cf::text_plain},
        {".json", cf::json},
        {".cbor", cf::cbor},
        {".xml", cf::xml},
        {".wlnk", cf::link_format},
        {".lf", cf::link_format},
        {".senml", cf::senml_json},
        {".exi", cf::exi},
        {".bin", cf::octet_stream},
    }};
    const auto dot = file_name.rfind('.');
    if (dot == std::string_view::npos) return cf::octet_stream;
    std::string extension(file_name.substr(dot));
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& [name, number] : by_extension)
        if (name == extension) return number;
    return cf::octet_stream;
}

}  // namespace cobalt_cli
