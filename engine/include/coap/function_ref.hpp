// coap/function_ref.hpp — FunctionRef: a non-owning, non-allocating reference
// to a callable, used where the engine calls back into the caller synchronously
// (for example to let it write options and payload into an outgoing message).
// The callable must outlive the call it is passed to; FunctionRef never copies it.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace coap {

template <class Signature>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
  public:
    template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef> &&
                                                std::is_invocable_r_v<R, F&, Args...>>>
    FunctionRef(F&& callable) noexcept  // NOLINT: implicit by design, like std::function_ref
        : object_(const_cast<void*>(static_cast<const void*>(std::addressof(callable)))),
          call_([](void* object, Args... args) -> R {
              return (*static_cast<std::add_pointer_t<F>>(object))(std::forward<Args>(args)...);
          }) {}

    R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

  private:
    void* object_;
    R (*call_)(void*, Args...);
};

}  // namespace coap
