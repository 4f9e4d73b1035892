// fuzz/driver/tasks.hpp — how a send descriptor is run in each of its three forms:
// awaited inside a coap::Task (once or twice in a row, with sleeps), read as a
// stream inside a Task (with sleeps between reads, so values pile up), or with
// a callback. Each form reports to the harness's hooks (client.cpp), which hold
// the invariants. Owns the coroutine bodies; included by shapes.cpp only.
#pragma once

#include "harness.hpp"
#include "tagged.hpp"

#include "coap/remote_endpoint.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace driver_fuzz {

/// Values that carry a responder address are checked; the rest need nothing.
template <class T>
void check_value(Harness&, std::size_t, const T&) {}
inline void check_value(Harness& h, std::size_t index, const coap::OwnedMessage& message) {
    h.check_message(index, message);
}
template <class T>
void check_value(Harness& h, std::size_t index, const std::pair<T, coap::Address>& value) {
    check_value(h, index, value.first);
    h.check_responder(index, value.second);
}

template <class D>
coap::SendAwaitable<D> make_awaitable(Harness& h, Record& r, const D& desc,
                                      const std::string& uri) {
    coap::Driver& driver = h.driver(r.driver);
    auto remote = driver.remote_endpoint(uri);
    if (!remote) return coap::SendAwaitable<D>(driver, desc, remote.error());
    if (r.spec.special != 0) return remote->send_to(relative_reference(r.spec.special), desc);
    return remote->send(desc);
}

template <class D>
coap::SendStream<D> make_stream(Harness& h, Record& r, D desc, const std::string& uri) {
    coap::Driver& driver = h.driver(r.driver);
    auto remote = driver.remote_endpoint(uri);
    if (!remote) return coap::SendStream<D>(driver, std::move(desc), remote.error());
    if (r.spec.special != 0) {
        auto target = coap::RequestTarget::make(uri, remote->address());
        return coap::SendStream<D>(driver, remote->address(), std::move(target), std::move(desc),
                                   r.spec.special);
    }
    return remote->send_as_stream(std::move(desc));
}

template <class D>
coap::Task<void> await_task(Harness& h, std::size_t index, D desc, std::string uri) {
    Record& r = h.record(index);
    coap::Driver& driver = h.driver(r.driver);
    if (r.spec.sleep_before > 0) co_await driver.sleep_for(coap::milliseconds(r.spec.sleep_before));
    for (int i = 0; i < r.spec.repeat; ++i) {
        auto send = make_awaitable(h, r, desc, uri);
        r.probe = [&send]() -> std::optional<coap::RequestId> {
            if (!send.running()) return std::nullopt;
            return send.request();
        };
        h.on_await_start(index);
        auto result = co_await send;
        r.probe = nullptr;
        if (result) {
            check_value(h, index, *result);
            h.on_await_result(index, true, nullptr);
        } else {
            h.on_await_result(index, false, &result.error());
        }
        // The next send starts once the Driver has drained its events (see
        // ended_send_waits_for_its_event).
        const std::int64_t nap = ended_send_waits_for_its_event || i + 1 == r.spec.repeat
                                     ? r.spec.sleep_between
                                     : std::max<std::int64_t>(r.spec.sleep_between, 1);
        if (nap > 0) co_await driver.sleep_for(coap::milliseconds(nap));
    }
    h.on_task_end(index);
}

template <class D>
coap::Task<void> stream_task(Harness& h, std::size_t index, D desc, std::string uri) {
    Record& r = h.record(index);
    coap::Driver& driver = h.driver(r.driver);
    if (r.spec.sleep_before > 0) co_await driver.sleep_for(coap::milliseconds(r.spec.sleep_before));
    auto stream = make_stream(h, r, std::move(desc), uri);
    r.probe = [&stream]() -> std::optional<coap::RequestId> {
        if (!stream.running()) return std::nullopt;
        return stream.request();
    };
    if (r.spec.repeat > 1) stream.start();
    for (;;) {
        if (r.spec.sleep_between > 0)
            co_await driver.sleep_for(coap::milliseconds(r.spec.sleep_between));
        auto item = co_await stream.next();
        if (!item) break;
        if (*item) {
            check_value(h, index, **item);
            h.on_stream_item(index, true, nullptr);
        } else {
            h.on_stream_item(index, false, &item->error());
        }
    }
    r.probe = nullptr;
    // After the end, next() keeps answering nullopt at once.
    auto again = co_await stream.next();
    h.on_stream_end(index, stream.ended(), again.has_value());
    h.on_task_end(index);
}

template <class D>
void launch_callback(Harness& h, std::size_t index, D desc, const std::string& uri) {
    Record& r = h.record(index);
    auto remote = h.driver(r.driver).remote_endpoint(uri);
    if (!remote) {
        // No send without a peer: the outcome a callback would get, reported directly.
        h.on_callback(index, false, &remote.error());
        return;
    }
    using Value = typename D::value_type;
    Harness* harness = &h;
    auto handle = remote->send_with(std::move(desc),
                                    [harness, index](coap::Result<Value, coap::Error> result) {
                                        if (result) {
                                            check_value(*harness, index, *result);
                                            harness->on_callback(index, true, nullptr);
                                        } else {
                                            harness->on_callback(index, false, &result.error());
                                        }
                                    });
    Record& again = h.record(index);
    again.handle = handle;
    again.launched = true;
}

/// Wraps `base` in Tagged and runs it in the record's form.
template <class D>
void start(Harness& h, std::size_t index, D base) {
    Record& r = h.record(index);
    r.many = D::many_responses;
    r.multicast = D::is_multicast;
    Tagged<D> desc(std::move(base), h, index, r.spec.no_response);
    std::string uri = target_uri(r.spec, h.drivers());
    switch (r.spec.form) {
        case Form::await:
            r.task = await_task(h, index, std::move(desc), std::move(uri));
            r.task.start();
            return;
        case Form::stream:
            r.task = stream_task(h, index, std::move(desc), std::move(uri));
            r.task.start();
            return;
        case Form::callback:
            launch_callback(h, index, std::move(desc), uri);
            return;
    }
}

}  // namespace driver_fuzz
