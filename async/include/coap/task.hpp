// coap/task.hpp — Task<T>: a lazily started C++20 coroutine that returns a T,
// awaitable from another coroutine (symmetric transfer) or started and polled
// from plain code (start(), done(), result()), and run_until(driver, task) for
// small programs. Owns its frame: destroying a Task destroys the coroutine and
// with it every send it was awaiting (which cancels them). Exceptions thrown in
// the coroutine come out of result() or the co_await.
#pragma once

#include "coap/driver.hpp"

#include <coroutine>
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace coap {

template <class T = void>
class [[nodiscard]] Task;

namespace detail {

struct TaskPromiseBase {
    std::coroutine_handle<> continuation{};
    std::exception_ptr exception{};

    std::suspend_always initial_suspend() const noexcept { return {}; }
    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }
        template <class Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> done) noexcept {
            if (auto next = done.promise().continuation) return next;
            return std::noop_coroutine();
        }
        void await_resume() const noexcept {}
    };
    FinalAwaiter final_suspend() const noexcept { return {}; }
    void unhandled_exception() noexcept { exception = std::current_exception(); }
};

template <class T>
struct TaskPromise : TaskPromiseBase {
    std::optional<T> value;
    Task<T> get_return_object() noexcept;
    template <class U>
    void return_value(U&& result) {
        value.emplace(std::forward<U>(result));
    }
    T take() {
        if (exception) std::rethrow_exception(exception);
        return std::move(*value);
    }
};

template <>
struct TaskPromise<void> : TaskPromiseBase {
    Task<void> get_return_object() noexcept;
    void return_void() noexcept {}
    void take() const {
        if (exception) std::rethrow_exception(exception);
    }
};

}  // namespace detail

template <class T>
class [[nodiscard]] Task {
  public:
    using promise_type = detail::TaskPromise<T>;
    using Handle = std::coroutine_handle<promise_type>;

    Task() noexcept = default;
    explicit Task(Handle handle) noexcept : handle_(handle) {}
    Task(Task&& other) noexcept
        : handle_(std::exchange(other.handle_, {})),
          started_(std::exchange(other.started_, false)) {}
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
            started_ = std::exchange(other.started_, false);
        }
        return *this;
    }
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    ~Task() { reset(); }

    bool valid() const noexcept { return static_cast<bool>(handle_); }
    /// Runs the coroutine until its first suspension (once; later calls do nothing).
    void start() {
        if (handle_ && !started_) {
            started_ = true;
            handle_.resume();
        }
    }
    bool started() const noexcept { return started_; }
    bool done() const noexcept { return handle_ && handle_.done(); }
    /// The result of a finished task, moved out: call it once (rethrows what the
    /// coroutine threw).
    T result() {
        if (!done()) throw std::logic_error("coap::Task::result: the task has not finished");
        return handle_.promise().take();
    }

    /// Awaiting a task runs it and resumes the awaiting coroutine when it finishes.
    auto operator co_await() && noexcept {
        struct Awaiter {
            Task& task;
            bool await_ready() const noexcept { return task.done(); }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
                task.handle_.promise().continuation = awaiting;
                if (task.started_) return std::noop_coroutine();
                task.started_ = true;
                return task.handle_;
            }
            T await_resume() { return task.handle_.promise().take(); }
        };
        return Awaiter{*this};
    }

  private:
    void reset() noexcept {
        if (handle_) handle_.destroy();
        handle_ = {};
        started_ = false;
    }

    Handle handle_{};
    bool started_ = false;
};

namespace detail {

template <class T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
    return Task<T>(std::coroutine_handle<TaskPromise<T>>::from_promise(*this));
}
inline Task<void> TaskPromise<void>::get_return_object() noexcept {
    return Task<void>(std::coroutine_handle<TaskPromise<void>>::from_promise(*this));
}

}  // namespace detail

/// Starts `task` and runs `driver` until it finishes; returns its result.
/// Throws std::runtime_error when nothing can happen any more before that.
template <class T>
T run_until(Driver& driver, Task<T>& task) {
    task.start();
    run_until(driver, [&task] { return task.done(); });
    return task.result();
}
template <class T>
T run_until(Driver& driver, Task<T>&& task) {
    return run_until(driver, task);
}

/// Runs `driver` until `awaitable` (a send, a stream's next(), a sleep) is ready;
/// returns what co_await would.
template <class Awaitable>
requires requires(Awaitable& a) {
    a.await_resume();
}
auto run_until(Driver& driver, Awaitable&& awaitable) {
    using Value = decltype(awaitable.await_resume());
    auto wrapper = [](Awaitable& inner) -> Task<Value> { co_return co_await inner; };
    return run_until(driver, wrapper(awaitable));
}

}  // namespace coap
