// observe_fixture.hpp — what the client observe tests share: an observable
// /time on a cobalt server (state, Max-Age and "gone" set by the test), a
// coroutine that reads an observe stream into strings, and readers of the
// client's requests on the wire. Owns no protocol logic.
#pragma once

#include "../async/async_fixture.hpp"

#include "coap/content_format.hpp"
#include "coap/request.hpp"
#include "coap/resource_tree.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace coap::test {

/// Reads the stream of `descriptor` into `out`: payloads, then "error: …" for
/// an error item, then "end".
template <class D>
Task<void> collect_stream(RemoteEndpoint remote, D descriptor, std::vector<std::string>* out) {
    auto stream = remote.send_as_stream(std::move(descriptor));
    while (auto item = co_await stream.next()) {
        if (item->ok())
            out->emplace_back((*item)->payload_text());
        else
            out->push_back("error: " + to_string(item->error()));
    }
    out->push_back("end");
}

inline Task<void> collect(RemoteEndpoint remote, std::vector<std::string>* out,
                          ObserveClientConfig config = {}) {
    return collect_stream(std::move(remote), Request::observe(config), out);
}

/// A cobalt server with an observable /time whose GET answers `state` as text
/// (with Max-Age `max_age` when set), or 4.04 once `gone`.
struct Observed {
    explicit Observed(std::uint64_t seed = 1, EndpointConfig client_config = {})
        : pair(seed, client_config) {
        tree.add("/time").observable().get([this](RequestContext& ctx) {
            ++handled;
            if (gone) {
                (void)ctx.respond(codes::not_found);
                return;
            }
            const std::string text = std::to_string(state);
            (void)ctx.respond(codes::content, [&](MessageWriter& w) {
                w.option_uint(OptionNumber::content_format, content_formats::text_plain);
                if (max_age) w.option_uint(OptionNumber::max_age, *max_age);
                w.payload(text);
            });
        });
        tree.serve(pair.server);
    }
    void at(Duration when, std::function<void()> change) {
        pair.server.schedule(pair.net.now() + when, std::move(change));
    }
    /// Changes the state in `when` and notifies the observers.
    void change_at(Duration when, int value) {
        at(when, [this, value] {
            state = value;
            time().notify();
        });
    }
    Resource& time() { return *tree.find("/time"); }
    /// The client's GET requests on the wire (retransmissions included).
    std::vector<WireDatagram> client_gets() const {
        std::vector<WireDatagram> gets;
        for (auto& d : pair.wire(pair.client_node, pair.server_node))
            if (d.message.view().code() == codes::get) gets.push_back(std::move(d));
        return gets;
    }

    AsyncPair pair;
    ResourceTree tree;
    int state = 0;
    bool gone = false;
    std::optional<std::uint32_t> max_age{};
    int handled = 0;
};

/// The Observe value of a message, or -1 without one.
inline long observe_of(const OwnedMessage& message) {
    const auto value = message.view().observe();
    return value ? static_cast<long>(*value) : -1;
}

inline std::vector<std::byte> token_of(const OwnedMessage& message) {
    const auto token = message.view().token();
    return {token.begin(), token.end()};
}

}  // namespace coap::test
