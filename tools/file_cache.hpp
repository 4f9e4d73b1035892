// file_cache.hpp — FileCache: the bytes and ETag of recently served files, so
// that a block-wise GET of a large file (one request per block) reads and
// hashes the file once, not once per block. An entry is used only while the
// file's size and modification time are unchanged; bounded in total bytes,
// least recently used first out.
#pragma once

#include <coap/block_body.hpp>
#include <coap/etag.hpp>

#include <cstddef>
#include <filesystem>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cobalt_cli {

struct CachedFile {
    std::shared_ptr<const std::vector<std::byte>> bytes;
    coap::ETag etag;
};

class FileCache {
  public:
    explicit FileCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

    /// The file's current bytes and ETag (read on a miss); nullopt when it is
    /// not a readable regular file.
    std::optional<CachedFile> get(const std::filesystem::path& path);
    /// Drops the entry (after a PUT or DELETE of the file).
    void forget(const std::filesystem::path& path);

    std::size_t bytes() const noexcept { return bytes_; }
    std::size_t reads() const noexcept { return reads_; }

  private:
    struct Entry {
        std::filesystem::file_time_type modified{};
        std::uintmax_t size = 0;
        CachedFile file;
        std::list<std::string>::iterator recency;
    };

    void evict_to(std::size_t max_bytes);

    std::size_t max_bytes_;
    std::size_t bytes_ = 0;
    std::size_t reads_ = 0;
    std::unordered_map<std::string, Entry> entries_;
    std::list<std::string> recency_;  // most recent first
};

/// The whole file, read in one go; nullopt when it cannot be read.
std::optional<std::vector<std::byte>> read_file_bytes(const std::filesystem::path& path);

}  // namespace cobalt_cli
