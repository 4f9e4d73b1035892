// coap/function_ref.hpp — FunctionRef: a non-owning, non-allocating reference
// to a callable (a lambda, a function object or a plain function), used where
// the engine calls back into the caller synchronously, for example to let it
// write options and payload into an outgoing message. A referenced callable
// object must outlive the call it is passed to; FunctionRef never copies it.
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
    /// A plain function.
    FunctionRef(R (*function)(Args...)) noexcept  // NOLINT: implicit by design
        : call_([](Target target, Args... args) -> R {
              return target.function(std::forward<Args>(args)...);
          }) {
        target_.function = function;
    }

    /// Any other callable object.
    template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef> &&
                                                !std::is_function_v<std::remove_reference_t<F>> &&
                                                !std::is_pointer_v<std::decay_t<F>> &&
                                                std::is_invocable_r_v<R, F&, Args...>>>
    FunctionRef(F&& callable) noexcept  // NOLINT: implicit by design
        : call_([](Target target, Args... args) -> R {
              return (*static_cast<std::add_pointer_t<std::remove_reference_t<F>>>(target.object))(
                  std::forward<Args>(args)...);
          }) {
        target_.object = const_cast<void*>(static_cast<const void*>(std::addressof(callable)));
    }

    R operator()(Args... args) const { return call_(target_, std::forward<Args>(args)...); }

  private:
    union Target {
        void* object;
        R (*function)(Args...);
    };
    Target target_{};
    R (*call_)(Target, Args...);
};

}  // namespace coap
