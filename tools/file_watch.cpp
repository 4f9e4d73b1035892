// file_watch.cpp — FileWatch: the once-a-second check and the notifications.
#include "file_watch.hpp"

#include <system_error>

namespace cobalt_cli {
namespace fs = std::filesystem;

FileWatch::FileWatch(coap::Driver& driver, coap::Resource& files, std::size_t max_paths)
    : driver_(driver), files_(files), max_paths_(max_paths) {}

FileWatch::~FileWatch() {
    if (tick_) driver_.cancel_timer(*tick_);
    if (pending_notify_) driver_.cancel_timer(*pending_notify_);
}

FileWatch::State FileWatch::state_of(const fs::path& path) {
    std::error_code error;
    State state;
    if (!fs::is_regular_file(path, error)) return state;
    state.size = fs::file_size(path, error);
    if (error) return state;
    state.modified = fs::last_write_time(path, error);
    state.exists = !error;
    return state;
}

void FileWatch::watch(const fs::path& path) {
    if (seen_.size() >= max_paths_ && seen_.find(path) == seen_.end()) return;
    seen_[path] = state_of(path);
    arm();
}

void FileWatch::changed_here() {
    if (pending_notify_) return;
    // Not from inside the handler: the answer to the PUT or DELETE goes first.
    pending_notify_ = driver_.schedule(driver_.now(), [this] {
        pending_notify_.reset();
        for (auto& [path, state] : seen_)
            state = state_of(path);
        files_.notify();
    });
}

void FileWatch::arm() {
    if (!tick_) tick_ = driver_.schedule(driver_.now() + coap::seconds(1), [this] { tick(); });
}

void FileWatch::tick() {
    tick_.reset();
    if (files_.observer_count() == 0) {
        seen_.clear();  // nobody observes: no timer, nothing remembered
        return;
    }
    bool changed = false;
    for (auto& [path, state] : seen_) {
        const State now = state_of(path);
        if (now == state) continue;
        state = now;
        changed = true;
    }
    // Every observer gets its own file's state again; observers of a file that
    // is gone get 4.04, which ends their observation.
    if (changed) files_.notify();
    arm();
}

}  // namespace cobalt_cli
