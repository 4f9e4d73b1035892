// observe_command.cpp — `cobalt observe URI`: registers (GET with Observe: 0,
// RFC 7641) and prints every notification's payload on its own line until
// --count notifications, --duration seconds, the server ends the observation,
// or SIGINT. The client rules are coap::ObserveRequest's: stale notifications
// dropped (§3.4), re-registration when Max-Age passes or the server stops
// answering (§3.3.1), and leaving deregisters with a GET Observe: 1 (§3.6).
// A notification larger than one block (RFC 7959 §3.4) is printed whole:
// coap::WholeNotifications fetches its further blocks with GETs that repeat
// the registration's options; one whose blocks cannot be fetched is skipped
// with a diagnostic and the observation goes on.
#include "client_session.hpp"
#include "exit_codes.hpp"
#include "pretty_print.hpp"

#include <coap/content_format.hpp>
#include <coap/whole_notifications.hpp>

#include <cstddef>
#include <cstdint>

namespace cobalt_cli {
namespace {

/// The largest notification reassembled: the largest file `cobalt serve` takes.
constexpr std::size_t max_notification = std::size_t{16} << 20;

template <class D>
coap::Task<int> observe(coap::RemoteEndpoint remote, D descriptor, const ClientOptions& options,
                        std::ostream& out, std::ostream& err) {
    coap::WholeNotifications whole(remote, std::move(descriptor),
                                   coap::WholeNotificationConfig{.max_body = max_notification});
    std::uint64_t seen = 0;
    std::size_t skipped = 0;
    const auto report_skipped = [&] {
        if (whole.fetch_failures() == skipped) return;
        err << "cobalt: observe " << options.uri << ": skipped " << whole.fetch_failures() - skipped
            << " notification(s) whose further blocks could not be fetched\n";
        skipped = whole.fetch_failures();
    };
    while (auto item = co_await whole.next()) {
        report_skipped();
        if (!*item) {
            err << "cobalt: observe " << options.uri << ": " << item->error() << "\n";
            co_return exit_code_for(item->error());
        }
        const coap::OwnedMessage& notification = **item;
        err << code_text(notification.code());
        if (const auto sequence = notification.view().observe())
            err << " (observe " << *sequence << ")";
        err << "\n";
        const std::string_view text = notification.payload_text();
        const auto format = notification.view().content_format();
        if (options.pretty && format == coap::content_formats::json)
            out << pretty_json(text);
        else
            out << text << "\n";
        out.flush();
        if (options.count && ++seen >= *options.count) co_return exit_code::ok;
    }
    report_skipped();
    err << "cobalt: the server ended the observation\n";
    co_return exit_code::ok;
}

}  // namespace

int run_observe(Session& session, std::ostream& out, std::ostream& err) {
    const ClientOptions& options = session.options();
    int failed = exit_code::ok;
    auto remote = session.remote(failed);
    if (!remote) return failed;
    if (options.proxy) remote->remove_host_option();
    std::optional<coap::Instant> until;
    if (options.duration) until = session.driver().now() + *options.duration;
    std::optional task{observe(*remote, CliRequest<true>(options), options, out, err)};
    const auto result = session.run(*task, until);
    // Destroying the task ends the observation (§3.6: a GET with Observe: 1);
    // wait a little for its answer so that the server hears of it before we exit.
    task.reset();
    coap::Driver& driver = session.driver();
    driver.run_until([&] { return driver.pending_deregistrations() == 0; },
                     driver.now() + coap::seconds(2));
    if (result) return *result;
    // Not finished: interrupted, --duration over, or --timeout over.
    if (session.interrupted() || (until && session.driver().now() >= *until &&
                                  (!session.deadline() || *until <= *session.deadline()))) {
        err << "cobalt: observation ended\n";
        return exit_code::ok;
    }
    err << "cobalt: timeout while observing " << options.uri << "\n";
    return exit_code::timeout;
}

}  // namespace cobalt_cli
