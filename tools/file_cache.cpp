// file_cache.cpp — FileCache lookups, reads and eviction (see file_cache.hpp).
#include "file_cache.hpp"

#include <cstdio>
#include <system_error>

namespace cobalt_cli {
namespace fs = std::filesystem;

std::optional<std::vector<std::byte>> read_file_bytes(const fs::path& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) return std::nullopt;
    std::vector<std::byte> bytes;
    std::byte chunk[65536];
    std::size_t got = 0;
    while ((got = std::fread(chunk, 1, sizeof chunk, file)) > 0)
        bytes.insert(bytes.end(), chunk, chunk + got);
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) return std::nullopt;
    return bytes;
}

std::optional<CachedFile> FileCache::get(const fs::path& path) {
    std::error_code error;
    const auto status = fs::status(path, error);
    if (error || !fs::is_regular_file(status)) return std::nullopt;
    const auto size = fs::file_size(path, error);
    if (error) return std::nullopt;
    const auto modified = fs::last_write_time(path, error);
    if (error) return std::nullopt;
    const std::string key = path.string();
    if (const auto it = entries_.find(key); it != entries_.end()) {
        if (it->second.size == size && it->second.modified == modified) {
            recency_.splice(recency_.begin(), recency_, it->second.recency);
            return it->second.file;
        }
        forget(path);
    }
    auto bytes = read_file_bytes(path);
    if (!bytes) return std::nullopt;
    ++reads_;
    auto shared = std::make_shared<const std::vector<std::byte>>(std::move(*bytes));
    const coap::ETag etag = coap::etag_of(*shared);
    CachedFile file{std::move(shared), etag};
    const std::size_t length = file.bytes->size();
    if (length <= max_bytes_) {
        evict_to(max_bytes_ - length);
        recency_.push_front(key);
        entries_.emplace(key, Entry{modified, size, file, recency_.begin()});
        bytes_ += length;
    }
    return file;
}

void FileCache::forget(const fs::path& path) {
    const auto it = entries_.find(path.string());
    if (it == entries_.end()) return;
    bytes_ -= it->second.file.bytes->size();
    recency_.erase(it->second.recency);
    entries_.erase(it);
}

void FileCache::evict_to(std::size_t max_bytes) {
    while (bytes_ > max_bytes && !recency_.empty())
        forget(fs::path(recency_.back()));
}

}  // namespace cobalt_cli
