// file_watch.cpp — FileWatch: the once-a-second check and the notifications,
// each to the observers of the file that changed.
#include "file_watch.hpp"

#include "serve_resources.hpp"

#include <coap/message.hpp>

#include <string_view>
#include <system_error>
#include <vector>

namespace cobalt_cli {
namespace fs = std::filesystem;

FileWatch::FileWatch(coap::Driver& driver, coap::Resource& files, fs::path root,
                     std::size_t max_paths)
    : driver_(driver), files_(files), max_paths_(max_paths), root_(std::move(root)) {}

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

void FileWatch::changed_here(const fs::path& path) {
    changed_.insert(path);
    if (const auto seen = seen_.find(path); seen != seen_.end()) seen->second = state_of(path);
    if (pending_notify_) return;
    // Not from inside the handler: the answer to the PUT or DELETE goes first.
    pending_notify_ = driver_.schedule(driver_.now(), [this] {
        pending_notify_.reset();
        for (const auto& changed : changed_)
            if (const auto seen = seen_.find(changed); seen != seen_.end())
                seen->second = state_of(changed);
        notify_changed();
    });
}

void FileWatch::notify_changed() {
    if (changed_.empty()) return;
    // Each registration names its file by its Uri-Path: only the observers of a
    // changed file get its new state (4.04 for a file that is gone, which ends
    // their observation).
    std::vector<std::string_view> segments;
    (void)files_.notify_if([&](const coap::MessageView& registration) {
        segments.clear();
        for (const auto& option : registration.options(coap::OptionNumber::uri_path))
            segments.push_back(option.as_string());
        const auto path = path_under(root_, segments);
        return path && changed_.count(*path) != 0;
    });
    changed_.clear();
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
    for (auto& [path, state] : seen_) {
        const State now = state_of(path);
        if (now == state) continue;
        state = now;
        changed_.insert(path);
    }
    notify_changed();
    arm();
}

}  // namespace cobalt_cli
