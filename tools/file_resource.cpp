// file_resource.cpp — `cobalt serve DIR`: GET, PUT and DELETE of the files
// under DIR, never outside it (see serve_resources.hpp).
#include "content_format_names.hpp"
#include "file_cache.hpp"
#include "file_watch.hpp"
#include "serve_resources.hpp"

#include <coap/block_body.hpp>
#include <coap/etag.hpp>
#include <coap/request_context.hpp>
#include <coap/resource_tree.hpp>

#include <fstream>
#include <memory>
#include <system_error>

namespace cobalt_cli {
namespace fs = std::filesystem;
namespace {

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

void get_file(coap::RequestContext& ctx, const fs::path& root, FileCache& cache, FileWatch& watch) {
    const auto path = target_of(ctx, root);
    if (!path) return;
    // A registration (RFC 7641 Observe 0): from now on this file is checked.
    if (!ctx.rendering_notification() && ctx.message().observe() == 0u) watch.watch(*path);
    std::error_code error;
    if (!fs::is_regular_file(*path, error)) {
        (void)ctx.respond(coap::codes::not_found);
        return;
    }
    const auto file = cache.get(*path);
    if (!file) {
        (void)ctx.respond(coap::codes::internal_server_error, "cannot read the file");
        return;
    }
    const auto& body = file->bytes;
    const coap::ETag etag = file->etag;
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
        coap::codes::content, gsl::span<const std::byte>(*body),
        {.content_format = content_format_for_file(path->filename().string()), .etag = etag});
}

bool put_file(coap::RequestContext& ctx, const fs::path& root, FileCache& cache) {
    const auto path = target_of(ctx, root);
    if (!path) return false;
    std::error_code error;
    if (fs::is_directory(*path, error)) {
        (void)ctx.respond(coap::codes::method_not_allowed, "a directory");
        return false;
    }
    const bool exists = fs::is_regular_file(*path, error);
    std::optional<coap::ETag> current;
    if (exists) {
        if (const auto file = cache.get(*path)) current = file->etag;
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
        return false;
    }
    // The ResourceTree assembles a Block1 upload first: this is the whole body.
    const auto payload = ctx.payload();
    fs::create_directories(path->parent_path(), error);
    cache.forget(*path);
    if (!write_bytes(*path, payload)) {
        (void)ctx.respond(coap::codes::internal_server_error, "cannot write the file");
        return false;
    }
    const coap::ETag etag = coap::etag_of(payload);
    (void)ctx.respond(
        exists ? coap::codes::changed : coap::codes::created,
        [&etag](coap::MessageWriter& w) { w.option(coap::OptionNumber::etag, etag.bytes()); });
    return true;
}

bool delete_file(coap::RequestContext& ctx, const fs::path& root, FileCache& cache) {
    const auto path = target_of(ctx, root);
    if (!path) return false;
    std::error_code error;
    if (!fs::is_regular_file(*path, error)) {
        (void)ctx.respond(coap::codes::not_found);
        return false;
    }
    cache.forget(*path);
    if (!fs::remove(*path, error) || error) {
        (void)ctx.respond(coap::codes::internal_server_error, "cannot delete the file");
        return false;
    }
    (void)ctx.respond(coap::codes::deleted);
    return true;
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

void add_file_resources(coap::ResourceTree& tree, coap::Driver& driver, const fs::path& root) {
    // 64 MiB of recently served files: a block-wise GET reads its file once.
    auto cache = std::make_shared<FileCache>(std::size_t{64} << 20);
    coap::Resource& files = tree.add("/*").observable();
    // A change notifies the observers of that file only (Resource::notify_if).
    auto watch = std::make_shared<FileWatch>(driver, files, root);
    files
        .get([root, cache, watch](coap::RequestContext& ctx) {
            get_file(ctx, root, *cache, *watch);
        })
        .put([root, cache, watch](coap::RequestContext& ctx) {
            if (!put_file(ctx, root, *cache)) return;
            if (const auto path = path_under(root, ctx.path())) watch->changed_here(*path);
        })
        .delete_([root, cache, watch](coap::RequestContext& ctx) {
            if (!delete_file(ctx, root, *cache)) return;
            if (const auto path = path_under(root, ctx.path())) watch->changed_here(*path);
        });
}

}  // namespace cobalt_cli
