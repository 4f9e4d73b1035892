// client_session.hpp — what every client subcommand shares: a Driver over the
// given transport (through TracingTransport with -v), the remote endpoint the
// URI (or --proxy) names, the overall deadline, running a task until it ends,
// the CliRequest descriptor built from the flags, and the mapping from errors
// and response codes to exit codes. Internal to cobalt_cli_lib.
#pragma once

#include "client_options.hpp"
#include "network_commands.hpp"
#include "tracing_transport.hpp"

#include <coap/coap_uri.hpp>
#include <coap/driver.hpp>
#include <coap/remote_endpoint.hpp>
#include <coap/request.hpp>
#include <coap/send_descriptor.hpp>
#include <coap/task.hpp>

#include <memory>
#include <optional>
#include <ostream>
#include <type_traits>
#include <vector>

namespace cobalt_cli {

/// The exit code an Error means (timeout 5, host not found 4, bad URI 3, …).
int exit_code_for(const coap::Error& error);
/// The exit code of a final response to `method`: 0 on success, 6 for 4.xx,
/// 7 for 5.xx, 1 for anything else.
int exit_code_for(coap::Code method, coap::Code response);
/// "2.05 Content"
std::string code_text(coap::Code code);

class Session {
  public:
    Session(coap::Transport& transport, const ClientOptions& options,
            const ClientEnvironment& environment, std::ostream& err);
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    coap::Driver& driver() noexcept { return *driver_; }
    const ClientOptions& options() const noexcept { return options_; }
    const ClientEnvironment& environment() const noexcept { return environment_; }
    bool interrupted() const noexcept {
        return environment_.interrupted != nullptr && *environment_.interrupted != 0;
    }
    /// When --timeout runs out (nullopt: no --timeout).
    std::optional<coap::Instant> deadline() const noexcept { return deadline_; }

    /// The remote endpoint requests go to (the --proxy, or the URI's host), or
    /// the exit code after a message on err: 3 for a bad or unsupported URI,
    /// 4 for a host that does not resolve.
    std::optional<coap::RemoteEndpoint> remote(int& exit_code);

    /// Runs the Driver until `task` finishes, the deadline passes (`limit` if
    /// earlier), nothing can happen any more, or an interrupt; its result, or
    /// nullopt when it did not finish.
    template <class T>
    std::optional<T> run(coap::Task<T>& task, std::optional<coap::Instant> limit = std::nullopt) {
        if (deadline_ && (!limit || *deadline_ < *limit)) limit = deadline_;
        task.start();
        driver_->run_until([&] { return task.done() || interrupted(); }, limit);
        if (!task.done()) return std::nullopt;
        return task.result();
    }

  private:
    ClientOptions options_;
    ClientEnvironment environment_;
    std::ostream& err_;
    std::unique_ptr<TracingTransport> tracing_;
    std::unique_ptr<coap::Driver> driver_;
    std::optional<coap::Instant> deadline_;
};

/// The request the flags describe, as a send descriptor: method, CON/NON, the
/// URI's options (or Proxy-Uri / Proxy-Scheme for --proxy), Observe for
/// observe, Accept, Content-Format and the payload. Block-wise transfer comes
/// from the block1/block2 combinators around it.
template <bool Observe>
class CliRequest : public coap::Combinators<CliRequest<Observe>> {
  public:
    using value_type = std::conditional_t<Observe, coap::OwnedMessage, coap::Done>;
    static constexpr bool is_multicast = false;
    static constexpr bool has_block2 = false;
    static constexpr bool sets_uri = true;
    static constexpr bool many_responses = Observe;

    explicit CliRequest(const ClientOptions& options)
        : options_(std::make_shared<const ClientOptions>(options)),
          observe_(coap::ObserveClientConfig{
              .cancellation = options.cancel_by_reset ? coap::ObserveCancellation::reactive
                                                      : coap::ObserveCancellation::proactive}) {}

    void configure(coap::RequestOptions& options) const noexcept {
        // observe: the observation's token, for re-registration and deregistration.
        if constexpr (Observe) {
            observe_.configure(options);
        } else if (options_->token && options_->token->empty()) {
            options.empty_token = true;
        } else if (options_->token) {
            options.token = gsl::span<const std::byte>(*options_->token);
        }
        options.method = options_->method;
        options.confirmable = !options_->nonconfirmable;
    }
    void write_options(coap::MessageWriter& writer) const;
    void write_payload(coap::MessageWriter& writer) const { writer.payload(payload_bytes()); }
    gsl::span<const std::byte> payload_bytes() const noexcept {
        if (!options_->payload) return {};
        return {options_->payload->data(), options_->payload->size()};
    }
    coap::HandlerResult<value_type> handle(const coap::InboundResult& response) const {
        if constexpr (Observe) {
            return observe_.handle(response);  // §3.4 freshness, §3.3.1 re-registration
        } else {
            return coap::judge_response(options_->method, response);
        }
    }
    std::optional<coap::Duration> keep_waiting_timeout() const noexcept {
        if constexpr (Observe) return observe_.keep_waiting_timeout();
        return std::nullopt;
    }
    /// The observation (RFC 7641 client rules: coap::ObserveRequest), for the send
    /// operations that re-register and deregister it.
    coap::Observation& observation() const noexcept requires Observe {
        return observe_.observation();
    }

  private:
    std::shared_ptr<const ClientOptions> options_;
    coap::ObserveRequest observe_;
};

/// Writes every option the flags ask for but Observe: the target URI's (§6.4
/// Uri-* to the server itself, or the Proxy-Uri / Proxy-Scheme form for a
/// proxy), Accept, Content-Format, ETag, If-Match, If-None-Match.
void write_request_options(const ClientOptions& options, coap::MessageWriter& writer);

template <bool Observe>
void CliRequest<Observe>::write_options(coap::MessageWriter& writer) const {
    write_request_options(*options_, writer);
    if constexpr (Observe) observe_.write_options(writer);  // 0, or 1 to deregister
}

// ---- the subcommands (each in its own file) ----

/// get/put/post/delete/fetch/patch/ipatch (and discover, with `links`: the body
/// is always shown as pretty link-format).
int run_request(Session& session, std::ostream& out, std::ostream& err, bool links = false);
int run_observe(Session& session, std::ostream& out, std::ostream& err);
int run_discover(Session& session, std::ostream& out, std::ostream& err);
/// discover's URI: a URI without a path gets /.well-known/core (its query kept,
/// as RFC 6690 §4.1 filters); one with a path is used as it is.
std::string discovery_uri(std::string_view uri);
int run_ping(Session& session, std::ostream& out, std::ostream& err);

}  // namespace cobalt_cli
