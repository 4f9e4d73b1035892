// file_watch.hpp — FileWatch: tells the observers of `cobalt serve`'s files when
// a file changes, whether through the server (a PUT or DELETE: notified right
// after its answer) or behind its back (the observed files' size and
// modification time, checked once a second while anyone observes). Owns that
// Driver timer and the bounded set of watched paths.
#pragma once

#include <coap/driver.hpp>
#include <coap/resource_tree.hpp>

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace cobalt_cli {

class FileWatch {
  public:
    /// `files` is the observable resource serving the files; both it and
    /// `driver` must outlive the watch.
    FileWatch(coap::Driver& driver, coap::Resource& files, std::filesystem::path root,
              std::size_t max_paths = 1024);
    ~FileWatch();
    FileWatch(const FileWatch&) = delete;
    FileWatch& operator=(const FileWatch&) = delete;

    /// A client registered to observe `path`: check it from now on (up to
    /// max_paths at once; beyond that, only changes through the server notify).
    void watch(const std::filesystem::path& path);
    /// The file at `path` changed through the server: notify its observers once
    /// the answer has gone out.
    void changed_here(const std::filesystem::path& path);

    std::size_t watched() const noexcept { return seen_.size(); }

  private:
    struct State {
        bool exists = false;
        std::uintmax_t size = 0;
        std::filesystem::file_time_type modified{};
        bool operator==(const State&) const = default;
    };
    static State state_of(const std::filesystem::path& path);
    void tick();
    void arm();
    /// Notifies the observers of the files in changed_ (only them), then forgets them.
    void notify_changed();

    coap::Driver& driver_;
    coap::Resource& files_;
    std::size_t max_paths_;
    std::filesystem::path root_;
    std::map<std::filesystem::path, State> seen_;
    std::set<std::filesystem::path> changed_;
    std::optional<coap::Driver::TimerId> tick_;
    std::optional<coap::Driver::TimerId> pending_notify_;
};

}  // namespace cobalt_cli
