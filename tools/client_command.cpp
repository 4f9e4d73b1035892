// client_command.cpp — run_client (the entry of every client subcommand) and
// the plain request commands get/put/post/delete/fetch/patch/ipatch: one
// request (block-wise when the body or the response needs it), the status line
// on err, the payload on out.
#include "client_session.hpp"
#include "content_format_names.hpp"
#include "exit_codes.hpp"
#include "pretty_print.hpp"

#include <coap/content_format.hpp>
#if COBALT_HAVE_DTLS
#include <coap/dtls/dtls_transport.hpp>
#endif

#include <algorithm>
#include <string>

namespace cobalt_cli {
namespace {

/// Sees every response of a transfer: keeps the Block2 body in order and draws
/// the progress bar (Block2 download, Block1 upload) when asked to.
class BodyCollector {
  public:
    BodyCollector(std::ostream& err, bool progress, std::size_t upload_size)
        : err_(err), progress_(progress), upload_size_(upload_size) {}
    ~BodyCollector() { finish(); }
    BodyCollector(const BodyCollector&) = delete;
    BodyCollector& operator=(const BodyCollector&) = delete;

    void see(const coap::InboundContext& response) {
        const coap::MessageView& message = response.message();
        const auto payload = message.payload();
        if (response.code() == coap::codes::continue_) {
            if (const auto block = message.block1())
                draw("sent", std::min<std::uint64_t>(block->offset() + block->size(), upload_size_),
                     upload_size_);
            return;
        }
        const auto block = message.block2();
        if (!block || !response.code().is_success()) {
            body_.assign(payload.begin(), payload.end());
            return;
        }
        if (block->offset() == 0) body_.clear();
        if (block->offset() == body_.size())
            body_.insert(body_.end(), payload.begin(), payload.end());
        if (const auto size = message.size2()) total_ = *size;
        if (block->more() || block->num() > 0)
            draw("received", body_.size(), std::max(total_, body_.size()));
    }

    const std::vector<std::byte>& body() const noexcept { return body_; }
    /// Ends the progress bar's line (before the status line goes out).
    void finish() {
        if (drawn_) err_ << '\n';
        drawn_ = false;
    }

  private:
    void draw(std::string_view what, std::uint64_t done, std::uint64_t total) {
        if (!progress_ || total == 0) return;
        constexpr std::uint64_t width = 30;
        const std::uint64_t filled = std::min(width, done * width / total);
        err_ << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] "
             << done << "/" << total << " bytes " << what << std::flush;
        drawn_ = true;
    }

    std::ostream& err_;
    bool progress_;
    std::uint64_t upload_size_;
    std::uint64_t total_ = 0;
    std::vector<std::byte> body_;
    bool drawn_ = false;
};

template <class D>
coap::Task<coap::Result<coap::OwnedMessage, coap::Error>> send(coap::RemoteEndpoint remote,
                                                               D descriptor) {
    co_return co_await remote.send(std::move(descriptor));
}

void print_body(std::ostream& out, const std::vector<std::byte>& body,
                std::optional<std::uint16_t> format, bool pretty, bool links) {
    const std::string_view text(reinterpret_cast<const char*>(body.data()), body.size());
    if (links || (pretty && format == coap::content_formats::link_format)) {
        out << pretty_links(text);
    } else if (pretty && (format == coap::content_formats::json ||
                          format == coap::content_formats::senml_json)) {
        out << pretty_json(text);
    } else {
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    out.flush();
}

}  // namespace

int run_request(Session& session, std::ostream& out, std::ostream& err, bool links) {
    const ClientOptions& options = session.options();
    int failed = exit_code::ok;
    auto remote = session.remote(failed);
    if (!remote) return failed;
    if (options.proxy) remote->remove_host_option();

    const std::size_t upload_size = options.payload ? options.payload->size() : 0;
    std::optional<coap::BlockValue> block1;
    std::optional<coap::BlockValue> block2;
    if (options.block_szx) {
        const auto value = coap::BlockValue::make(0, false, *options.block_szx);
        if (value && options.payload) block1 = *value;
        if (value && (options.method == coap::codes::get || options.method == coap::codes::fetch))
            block2 = *value;
    }
    BodyCollector collector(err, session.environment().progress, upload_size);
    auto descriptor = CliRequest<false>(options)
                          .block1(block1)
                          .block2(block2)
                          .inspect([&collector](const coap::InboundContext& response) {
                              collector.see(response);
                          })
                          .emit_any_response();
    auto task = send(*remote, std::move(descriptor));
    auto result = session.run(task);
    collector.finish();
    if (!result) {
        if (session.interrupted()) {
            err << "cobalt: interrupted\n";
            return exit_code::failure;
        }
        err << "cobalt: timeout: no answer from " << remote->uri() << "\n";
        return exit_code::timeout;
    }
    if (!*result) {
        err << "cobalt: " << options.uri << ": " << result->error() << "\n";
        return exit_code_for(result->error());
    }
    const coap::OwnedMessage& response = **result;
    err << code_text(response.code()) << "\n";
    const int code = exit_code_for(options.method, response.code());
    if (code == exit_code::ok) {
        print_body(out, collector.body(), response.view().content_format(), options.pretty, links);
    } else if (!collector.body().empty()) {
        const auto& body = collector.body();
        err.write(reinterpret_cast<const char*>(body.data()),
                  static_cast<std::streamsize>(body.size()));
        err << "\n";
    }
    return code;
}

int run_client(coap::Transport& transport, const Args& args, std::ostream& out, std::ostream& err,
               const ClientEnvironment& environment) {
    if (args.empty() || !is_client_command(args[0])) {
        err << "cobalt: not a client command\n";
        return exit_code::usage;
    }
    auto parsed = parse_client_options(args, out, err);
    if (!parsed.options) return parsed.exit_code;
    ClientOptions& options = *parsed.options;
    if (options.command == "discover") options.uri = discovery_uri(options.uri);
    ClientEnvironment secured = environment;
#if COBALT_HAVE_DTLS
    auto* dtls = dynamic_cast<coap::dtls::DtlsTransport*>(&transport);
    secured.secure = dtls != nullptr;
    if (dtls != nullptr) (void)dtls->take_latest_failure();
#endif
    Session session(transport, options, secured, err);
    int code = options.command == "observe"    ? run_observe(session, out, err)
               : options.command == "discover" ? run_discover(session, out, err)
               : options.command == "ping"     ? run_ping(session, out, err)
                                               : run_request(session, out, err);
    if (options.linger && !session.interrupted()) {
        // The endpoint keeps answering: RST to the notifications of an
        // observation left with --cancel rst, ACKs to late responses.
        coap::Driver& driver = session.driver();
        driver.run_until([&] { return session.interrupted(); }, driver.now() + *options.linger);
    }
#if COBALT_HAVE_DTLS
    if (dtls != nullptr && code != exit_code::ok) {
        // A request that failed because its DTLS handshake did says why.
        if (const auto failure = dtls->take_latest_failure()) {
            err << "cobalt: " << options.uri << ": " << coap::dtls::describe(failure->failure)
                << "\n";
            if (failure->failure == coap::dtls::Failure::handshake_timeout)
                code = exit_code::timeout;
            else if (failure->failure != coap::dtls::Failure::closed &&
                     failure->failure != coap::dtls::Failure::idle)
                code = exit_code::security;
        }
    }
#endif
    return code;
}

}  // namespace cobalt_cli
