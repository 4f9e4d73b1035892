// well_known_core.cpp — /.well-known/core (RFC 6690 §4): the link-format
// document of the listed resources, §4.1 query filtering through the engine's
// link_format module, and the discovery handler (multicast silence on an empty
// result, RFC 7252 §8.2.2 and RFC 6690 §4.1).
#include "coap/content_format.hpp"
#include "coap/request_context.hpp"
#include "coap/resource_tree.hpp"

#include <string>
#include <vector>

namespace coap {
namespace {

// One resource's link-value; empty when it is not listed or its attributes are
// not valid link-format (a bad attribute drops its link, never the document).
std::string link_of(const Resource& resource) {
    std::string buffer(256, '\0');
    for (;;) {
        LinkFormatWriter writer(buffer);
        resource.write_link(writer);
        const auto length = writer.finish();
        if (length) return buffer.substr(0, *length);
        if (length.error() != LinkWriteError::buffer_too_small) return {};
        buffer.resize(buffer.size() * 2);
    }
}

}  // namespace

std::string ResourceTree::links() const {
    std::string document;
    for (const auto& resource : resources_) {
        const std::string link = link_of(*resource);
        if (link.empty()) continue;
        if (!document.empty()) document += ',';
        document += link;
    }
    return document;
}

Result<std::string, LinkFilterError> ResourceTree::links(
    gsl::span<const std::string_view> queries) const {
    std::vector<LinkFilter> filters;
    for (const std::string_view query : queries) {
        const auto filter = LinkFilter::parse(query);
        if (!filter) return Err{filter.error()};
        filters.push_back(*filter);
    }
    std::string document = links();
    if (filters.empty()) return document;
    // The selection is never longer than the document it is taken from.
    std::string selected(document.size(), '\0');
    const auto length = write_matching_links(document, filters, selected);
    if (!length) return std::string{};  // the document is ours and valid: unreachable
    selected.resize(*length);
    return selected;
}

void ResourceTree::serve_discovery(RequestContext& context) const {
    if (const auto accept = context.message().accept();
        accept && *accept != content_formats::link_format) {
        (void)context.respond(codes::not_acceptable);
        return;
    }
    const auto document = links(context.queries());
    if (!document) {
        (void)context.respond(codes::bad_request, describe(document.error()));
        return;
    }
    if (document->empty() && context.multicast()) {
        // A group member with nothing to offer stays silent.
        (void)context.ignore();
        return;
    }
    (void)context.respond_body(codes::content, *document,
                               BodyOptions{.content_format = content_formats::link_format});
}

}  // namespace coap
