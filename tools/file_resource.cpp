// file_resource.cpp — `cobalt serve DIR`: GET, PUT and DELETE of the files
// under DIR, never outside it (see serve_resources.hpp).
#include "content_format_names.hpp"
#include "serve_resources.hpp"

#include <coap/block_body.hpp>
#include <coap/etag.hpp>
#include <coap/request_context.hpp>
#include <coap/resource_tree.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>

namespace cobalt_cli {
namespace fs = std::filesystem;
namespace {

std::optional<std::vector<std::byte>> read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return std::nullopt;
    std::vector<std::byte> bytes(chars.size());
    std::transform(chars.begin(), chars.end(), bytes.begin(),
                   [](char c) { return static_cast<std::byte>(c); });
    return bytes;
}

/// Writes through a temporary file renamed into place, so that a reader never
/// sees half a file.
bool write_bytes(const fs::path& path, gsl::span<const std::byte> bytes) {
    fs::path temporary = path;
    temporary += ".cobalt-tmp";
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        if (!file) return false;
        file.write(reinterpret_cast<const char*>(bytes.data()),
                   static_cast<std::streamsize>(bytes.size()));
        if (!file) return false;
    }
    std::error_code error;
    fs::rename(temporary, path, error);
    return !error;
}

bool within(const fs::path& root, const fs::path& path) {
    auto r = root.begin();
    auto p = path.begin();
    for (; r != root.end(); ++r, ++p) {
        if (p == path.end() || *r != *p) return false;
    }
    return true;
}

/// Resolves the request's path; answers 4.04 (the root) or 4.03 (outside the
/// directory) itself.
std::optional<fs::path> target_of(coap::RequestContext& ctx, const fs::path& root) {
    if (ctx.path().empty()) {
        (void)ctx.respond(coap::codes::not_found);
        return std::nullopt;
    }
    auto path = path_under(root, ctx.path());
    if (!path) (void)ctx.respond(coap::codes::forbidden, "path outside the served directory");
    return path;
}

void get_file(coap::RequestContext& ctx, const fs::path& root) {
    const auto path = target_of(ctx, root);
    if (!path) return;
    std::error_code error;
    if (!fs::is_regular_file(*path, error)) {
        (void)ctx.respond(coap::codes::not_found);
        return;
    }
    const auto body = read_bytes(*path);
    if (!body) {
        (void)ctx.respond(coap::codes::internal_server_error, "cannot read the file");
        return;
    }
    const coap::ETag etag = coap::etag_of(*body);
    // §5.10.6.2: a matching ETag in the request is answered 2.03 Valid.
    for (const auto& option : ctx.message().etags()) {
        if (coap::ETag::from_bytes(option.value) == etag) {
            (void)ctx.respond(coap::codes::valid, [&etag](coap::MessageWriter& w) {
                w.option(coap::OptionNumber::etag, etag.bytes());
            });
            return;
        }
    }
    (void)ctx.respond_body(
        coap::codes::content, *body,
        {.content_format = content_format_for_file(path->filename().string()), .etag = etag});
}

void put_file(coap::RequestContext& ctx, const fs::path& root) {
    const auto path = target_of(ctx, root);
    if (!path) return;
    std::error_code error;
    if (fs::is_directory(*path, error)) {
        (void)ctx.respond(coap::codes::method_not_allowed, "a directory");
        return;
    }
    const bool exists = fs::is_regular_file(*path, error);
    std::optional<coap::ETag> current;
    if (exists) {
        const auto body = read_bytes(*path);
        if (body) current = coap::etag_of(*body);
    }
    // RFC 7252 §5.10.8.1: If-Match: any of its ETags matches the current one;
    // an empty value matches any existing representation.
    bool has_if_match = false;
    bool matched = false;
    for (const auto& option : ctx.message().if_match()) {
        has_if_match = true;
        if (option.value.empty())
            matched = matched || exists;
        else
            matched = matched || (current && coap::ETag::from_bytes(option.value) == current);
    }
    // §5.10.8.2: If-None-Match: only when no representation exists.
    if ((has_if_match && !matched) || (ctx.message().if_none_match() && exists)) {
        (void)ctx.respond(coap::codes::precondition_failed);
        return;
    }
    // BLOCK1 ASSEMBLY: the server side of Block1 (another engineer) will hand
    // this handler the complete request payload. Until it lands, a request that
    // is one block of several is refused rather than stored cut short; when it
    // lands, this guard goes (or checks only what the assembler leaves in).
    if (const auto block = ctx.message().block1(); block && (block->more() || block->num() > 0)) {
        (void)ctx.respond(coap::codes::request_entity_too_large,
                          "block-wise upload (Block1) is not supported yet");
        return;
    }
    const auto payload = ctx.message().payload();
    fs::create_directories(path->parent_path(), error);
    if (!write_bytes(*path, payload)) {
        (void)ctx.respond(coap::codes::internal_server_error, "cannot write the file");
        return;
    }
    const coap::ETag etag = coap::etag_of(payload);
    (void)ctx.respond(
        exists ? coap::codes::changed : coap::codes::created,
        [&etag](coap::MessageWriter& w) { w.option(coap::OptionNumber::etag, etag.bytes()); });
}

void delete_file(coap::RequestContext& ctx, const fs::path& root) {
    const auto path = target_of(ctx, root);
    if (!path) return;
    std::error_code error;
    if (!fs::is_regular_file(*path, error)) {
        (void)ctx.respond(coap::codes::not_found);
        return;
    }
    if (!fs::remove(*path, error) || error) {
        (void)ctx.respond(coap::codes::internal_server_error, "cannot delete the file");
        return;
    }
    (void)ctx.respond(coap::codes::deleted);
}

}  // namespace

std::optional<fs::path> path_under(const fs::path& root,
                                   gsl::span<const std::string_view> segments) {
    if (segments.empty()) return std::nullopt;
    fs::path candidate = root;
    for (const std::string_view segment : segments) {
        if (segment.empty() || segment == "." || segment == ".." ||
            segment.find_first_of(std::string_view("/\\\0", 3)) != std::string_view::npos)
            return std::nullopt;
        candidate /= fs::path(std::string(segment));
    }
    // Symbolic links anywhere along the way must stay inside the root.
    std::error_code error;
    const fs::path resolved = fs::weakly_canonical(candidate, error);
    if (error || !within(root, resolved)) return std::nullopt;
    return resolved;
}

void add_file_resources(coap::ResourceTree& tree, const fs::path& root) {
    tree.add("/*")
        .get([root](coap::RequestContext& ctx) { get_file(ctx, root); })
        .put([root](coap::RequestContext& ctx) { put_file(ctx, root); })
        .delete_([root](coap::RequestContext& ctx) { delete_file(ctx, root); });
}

}  // namespace cobalt_cli
