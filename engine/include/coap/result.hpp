// coap/result.hpp — Result<T, E>: the engine's error-as-value type.
// Owns success/failure transport across the engine API. Never throws; reading
// the wrong side is a contract violation (GSL Expects), never undefined behaviour.
#pragma once

#include "coap/contract.hpp"

#include <gsl/assert>

#include <new>
#include <type_traits>
#include <utility>

namespace coap {

/// Wraps an error value so that `return Err{e};` reads as a failure.
template <class E>
struct Err {
    E error;
};
template <class E>
Err(E) -> Err<E>;

/// A value of type T or an error of type E. Both must be nothrow-movable.
template <class T, class E>
class [[nodiscard]] Result {
    static_assert(std::is_nothrow_move_constructible_v<T>);
    static_assert(std::is_nothrow_move_constructible_v<E>);

  public:
    Result(T value) noexcept : ok_(true) { new (&value_) T(std::move(value)); }
    /// Success from anything T can be made from (e.g. a descriptor's done(value)).
    template <class U,
              class = std::enable_if_t<
                  !std::is_same_v<std::decay_t<U>, T> && !std::is_same_v<std::decay_t<U>, Result> &&
                  !std::is_base_of_v<Result, std::decay_t<U>> && std::is_constructible_v<T, U&&>>>
    Result(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) : ok_(true) {
        new (&value_) T(std::forward<U>(value));
    }
    template <class F, class = std::enable_if_t<std::is_convertible_v<F, E>>>
    Result(Err<F> failure) noexcept : ok_(false) {
        new (&error_) E(std::move(failure.error));
    }
    Result(const Result& other) noexcept(
        std::is_nothrow_copy_constructible_v<T>&& std::is_nothrow_copy_constructible_v<E>)
        : ok_(other.ok_) {
        if (ok_)
            new (&value_) T(other.value_);
        else
            new (&error_) E(other.error_);
    }
    Result(Result&& other) noexcept : ok_(other.ok_) {
        if (ok_)
            new (&value_) T(std::move(other.value_));
        else
            new (&error_) E(std::move(other.error_));
    }
    Result& operator=(Result other) noexcept {
        destroy();
        ok_ = other.ok_;
        if (ok_)
            new (&value_) T(std::move(other.value_));
        else
            new (&error_) E(std::move(other.error_));
        return *this;
    }
    ~Result() { destroy(); }

    [[nodiscard]] bool ok() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }

    [[nodiscard]] T& value() & noexcept {
        Expects(ok_);
        return value_;
    }
    [[nodiscard]] const T& value() const& noexcept {
        Expects(ok_);
        return value_;
    }
    [[nodiscard]] T&& value() && noexcept {
        Expects(ok_);
        return std::move(value_);
    }
    [[nodiscard]] const E& error() const noexcept {
        Expects(!ok_);
        return error_;
    }
    T* operator->() noexcept { return &value(); }
    const T* operator->() const noexcept { return &value(); }
    T& operator*() & noexcept { return value(); }
    const T& operator*() const& noexcept { return value(); }

    /// The value, or `fallback` when this holds an error.
    [[nodiscard]] T value_or(T fallback) const noexcept { return ok_ ? value_ : fallback; }

  private:
    void destroy() noexcept {
        if (ok_)
            value_.~T();
        else
            error_.~E();
    }

    bool ok_;
    union {
        T value_;
        E error_;
    };
};

/// A reference to a T or an error of type E: `Result<const Context&, Error>`.
template <class T, class E>
class [[nodiscard]] Result<T&, E> {
    static_assert(std::is_nothrow_copy_constructible_v<E>);

  public:
    Result(T& value) noexcept : value_(&value) {}
    template <class F, class = std::enable_if_t<std::is_convertible_v<F, E>>>
    Result(Err<F> failure) noexcept : error_(std::move(failure.error)) {}

    [[nodiscard]] bool ok() const noexcept { return value_ != nullptr; }
    explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] T& value() const noexcept {
        Expects(ok());
        return *value_;
    }
    [[nodiscard]] const E& error() const noexcept {
        Expects(!ok());
        return error_;
    }
    T* operator->() const noexcept { return &value(); }
    T& operator*() const noexcept { return value(); }

  private:
    T* value_ = nullptr;
    E error_{};
};

}  // namespace coap
