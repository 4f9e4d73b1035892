// resource.cpp — Resource: handlers per method and the link-value that
// /.well-known/core lists the resource with.
#include "coap/resource_tree.hpp"

#include "coap/uri.hpp"

#include <array>
#include <string>

namespace coap {
namespace {

// "/a/b c" → "/a/b%20c": each literal segment percent-encoded as one segment.
std::string target_of(const RoutePattern& pattern) {
    std::string target;
    for (const auto& segment : pattern.segments()) {
        target += '/';
        std::string encoded(segment.text.size() * 3, '\0');
        const auto length = percent_encode(segment.text, UriComponent::path_segment, encoded);
        if (length) target.append(encoded.data(), *length);
    }
    return target.empty() ? std::string("/") : target;
}

}  // namespace

Resource& Resource::on(Code method, RequestHandler handler) {
    for (auto& [code, existing] : handlers_) {
        if (code == method) {
            existing = std::move(handler);
            return *this;
        }
    }
    handlers_.emplace_back(method, std::move(handler));
    return *this;
}

Resource& Resource::any(RequestHandler handler) {
    any_ = std::move(handler);
    return *this;
}

const RequestHandler* Resource::handler_for(Code method) const noexcept {
    for (const auto& [code, handler] : handlers_) {
        if (code == method && handler) return &handler;
    }
    return any_ ? &any_ : nullptr;
}

Resource& Resource::add_word(std::string_view name, std::string_view word) {
    for (Param& param : params_) {
        if (param.name != name || !param.value) continue;
        *param.value += ' ';
        *param.value += word;
        return *this;
    }
    params_.push_back(Param{std::string(name), std::string(word)});
    return *this;
}

Resource& Resource::rt(std::string_view type) {
    return add_word("rt", type);
}

Resource& Resource::if_(std::string_view interface_description) {
    return add_word("if", interface_description);
}

Resource& Resource::ct(std::uint16_t content_format) {
    return add_word("ct", std::to_string(content_format));
}

Resource& Resource::sz(std::uint32_t size) {
    return attribute("sz", std::to_string(size));
}

Resource& Resource::title(std::string_view title) {
    return attribute("title", title);
}

Resource& Resource::obs() {
    return attribute("obs");
}

Resource& Resource::attribute(std::string_view name, std::optional<std::string_view> value) {
    params_.push_back(
        Param{std::string(name), value ? std::optional<std::string>(*value) : std::nullopt});
    return *this;
}

Resource& Resource::href(std::string_view target) {
    href_ = std::string(target);
    return *this;
}

Resource& Resource::hidden(bool hide) {
    hidden_ = hide;
    return *this;
}

void Resource::write_link(LinkFormatWriter& writer) const {
    if (hidden_ || (!href_ && !pattern_.is_exact())) return;
    writer.link(href_ ? std::string_view(*href_) : std::string_view(target_of(pattern_)));
    for (const Param& param : params_) {
        if (param.value)
            writer.attribute(param.name, *param.value);
        else
            writer.attribute(param.name);
    }
}

}  // namespace coap
