// fuzz/driver/server.cpp — the server side of the driver harness: each Driver
// serves a ResourceTree (immediate answers of any code on an observable
// resource, notified at every time step, with tight observer limits; a Block2 body, deferred
// answers completed by a Driver timer, by a server coroutine or by an op, a
// throwing handler, ignore, no answer, Block1 uploads, a route with a capture),
// behind a handler that checks no tagged request runs a handler twice; and the
// wire check of every datagram a Driver sends (it parses, fits, and a response
// echoing a tag honours that request's No-Response and §8.2).
#include "harness.hpp"

#include "fuzz_support.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace driver_fuzz {
namespace {

std::uint32_t query_number(const coap::RequestContext& context, std::string_view name,
                           std::uint32_t fallback) {
    const auto text = context.query(name);
    if (!text) return fallback;
    std::uint32_t value = fallback;
    std::from_chars(text->data(), text->data() + text->size(), value);
    return value;
}

coap::Code success_for(coap::Code method) {
    if (method == coap::codes::post || method == coap::codes::put || method == coap::codes::patch ||
        method == coap::codes::ipatch)
        return coap::codes::changed;
    if (method == coap::codes::delete_) return coap::codes::deleted;
    return coap::codes::content;
}

coap::Code code_for(std::uint32_t choice, coap::Code method) {
    static constexpr std::array<coap::Code, 12> codes{coap::codes::content,
                                                      coap::codes::created,
                                                      coap::codes::valid,
                                                      coap::codes::not_found,
                                                      coap::codes::bad_request,
                                                      coap::codes::service_unavailable,
                                                      coap::codes::internal_server_error,
                                                      coap::codes::continue_,
                                                      coap::Code::make(4, 13),
                                                      coap::codes::bad_option,
                                                      coap::codes::content,
                                                      coap::Code::make(1, 0)};
    if (choice == 0 || choice >= codes.size()) return success_for(method);
    return codes[choice];
}

/// Writes the echo of `tag` (if any) and a short payload.
struct Answer {
    std::optional<std::uint32_t> tag;
    std::string_view text;
    void operator()(coap::MessageWriter& writer) const {
        if (tag) writer.option(coap::OptionNumber{echo_option}, tag_bytes(*tag));
        writer.payload(text);
    }
};

coap::Task<void> server_task(Harness& h, std::size_t driver, std::size_t index,
                             std::int64_t delay) {
    co_await h.driver(driver).sleep_for(coap::milliseconds(delay));
    h.complete_deferred(index, 5);
}

}  // namespace

std::vector<std::byte> body_of(std::size_t size) {
    std::vector<std::byte> body(size);
    for (std::size_t i = 0; i < size; ++i)
        body[i] = std::byte{static_cast<std::uint8_t>(i * 31 + 7)};
    return body;
}

void Harness::build_trees() {
    for (std::size_t i = 0; i < world_.size(); ++i) {
        auto tree = std::make_unique<coap::ResourceTree>();
        static constexpr std::array<const char*, 8> patterns{
            "/imm", "/body", "/defer", "/throw", "/quiet", "/none", "/up", "/things/{id}"};
        for (std::size_t p = 0; p < patterns.size(); ++p)
            serve(i, tree->add(patterns[p]), static_cast<std::uint8_t>(p));
        // Few observers, so that full limits, replacement and removal are reached.
        tree->set_observe_config(coap::ObserveConfig{
            .max_observers = 3, .max_observers_per_resource = 2, .non_before_con = 2});
        // The hub hears of its notifications; requests go through on_request.
        tree->serve(world_.driver(i));
        trees_.push_back(std::move(tree));
        world_.driver(i).set_request_handler(
            [this, i](coap::RequestContext& context) { on_request(i, context); });
        world_.tap(i).set_hook(
            [this, i](const coap::Address& to, gsl::span<const std::byte> bytes) {
                on_sent(i, to, bytes);
            });
    }
}

void Harness::serve(std::size_t driver, coap::Resource& resource, std::uint8_t path) {
    switch (path) {
        case 0:  // observable (RFC 7641): notified at every time step
            resource.observable().any(
                [this, driver](coap::RequestContext& c) { answer_now(driver, c); });
            return;
        case 1:
            resource.rt("body").get([this](coap::RequestContext& c) { answer_body(c); });
            return;
        case 2:
            resource.any([this, driver](coap::RequestContext& c) { answer_deferred(driver, c); });
            return;
        case 3:
            resource.any([](coap::RequestContext& c) {
                const auto tag = read_tag(c.message(), tag_option);
                if (c.has_query("r")) (void)c.respond(coap::codes::content, Answer{tag, "thrown"});
                if (c.has_query("d")) {
                    auto later = c.defer();  // unwinding answers it 5.00
                    throw std::runtime_error("deferred, then thrown");
                }
                throw std::runtime_error("handler failed");
            });
            return;
        case 4:
            resource.any([](coap::RequestContext& c) { (void)c.ignore(); });
            return;
        case 5:
            resource.any([](coap::RequestContext&) {});
            return;
        case 6:
            resource.put([this](coap::RequestContext& c) { answer_upload(c); });
            resource.post([this](coap::RequestContext& c) { answer_upload(c); });
            return;
        default:
            resource.any([](coap::RequestContext& c) {
                FUZZ_REQUIRE(c.param("id").has_value());
                (void)c.respond(coap::codes::content,
                                Answer{read_tag(c.message(), tag_option), *c.param("id")});
            });
            return;
    }
}

void Harness::on_request(std::size_t driver, coap::RequestContext& context) {
    ++handler_runs_;
    const auto tag = read_tag(context.message(), tag_option);
    DRIVER_TRACE("  driver %zu handles %s (tag %u)\n", driver, context.path_string().c_str(),
                 tag ? *tag : 0u);
    if (tag) {
        const Handled seen{context.message().no_response().value_or(0), context.multicast()};
        const auto [it, inserted] = handled_.try_emplace({driver, *tag}, seen);
        // A request reaches a handler once (§4.5), unless the rogue replayed it
        // or its answer was an amplification challenge and the client repeated it
        // with the Echo value (RFC 9175 §2.4; only the repeat carries one).
        if (!inserted)
            FUZZ_REQUIRE(tainted_.count(*tag) != 0 || context.message().echo().has_value());
    }
    trees_[driver]->handle(context);
}

void Harness::answer_now(std::size_t, coap::RequestContext& context) {
    const auto tag = read_tag(context.message(), tag_option);
    const coap::Code code = code_for(query_number(context, "c", 0), context.method());
    const auto first = context.respond(code, Answer{tag, "now"});
    if (first) {
        FUZZ_REQUIRE(context.answered());
        const auto second = context.respond(code);
        FUZZ_REQUIRE(!second && second.error() == coap::LocalError::already_answered);
    }
}

void Harness::answer_body(coap::RequestContext& context) {
    const auto body = body_of(query_number(context, "s", 0));
    coap::BodyOptions options;
    options.max_block_size = query_number(context, "b", 1024);
    if (context.has_query("e")) options.etag = coap::ETag::from_uint64(++etag_version_);
    (void)context.respond_body(coap::codes::content, body, options);
}

void Harness::answer_upload(coap::RequestContext& context) {
    const auto tag = read_tag(context.message(), tag_option);
    const auto block1 = context.message().block1();
    if (block1 && block1->more()) {
        const auto szx = static_cast<std::uint8_t>(
            std::min<std::uint32_t>(block1->szx(), query_number(context, "s", 6)));
        const auto value = coap::BlockValue::make(block1->num(), true, szx);
        (void)context.respond(coap::codes::continue_, [&](coap::MessageWriter& writer) {
            if (value) writer.option_uint(coap::OptionNumber::block1, value->to_uint());
            Answer{tag, ""}(writer);
        });
        return;
    }
    (void)context.respond(block1 ? coap::codes::changed : coap::codes::created, Answer{tag, "up"});
}

void Harness::answer_deferred(std::size_t driver, coap::RequestContext& context) {
    coap::PendingResponse later = context.defer();
    FUZZ_REQUIRE(later.pending());
    FUZZ_REQUIRE(context.deferred());
    // Only once: a second defer() gets a PendingResponse that can never answer.
    coap::PendingResponse spent = context.defer();
    FUZZ_REQUIRE(!spent.pending());
    const auto refused = spent.respond(coap::codes::content);
    FUZZ_REQUIRE(!refused && refused.error() == coap::LocalError::already_answered);
    if (query_number(context, "n", 1) == 0) later.set_separate_confirmable(false);
    const std::size_t index = deferred_.size();
    deferred_.push_back({driver, std::move(later), read_tag(context.message(), tag_option)});
    if (finishing_) {
        complete(index, 0);
        if (deferred_[index].response.pending()) complete(index, 4);
        return;
    }
    if (const auto t = context.query("t")) {
        world_.driver(driver).schedule(
            context.now() + coap::milliseconds(query_number(context, "t", 0)),
            [this, index] { complete_deferred(index, 0); });
    } else if (context.has_query("k")) {
        server_tasks_.push_back(server_task(*this, driver, index, query_number(context, "k", 0)));
        server_tasks_.back().start();
    }
}

void Harness::complete_deferred(std::size_t index, std::uint8_t how) {
    complete(index, how);
}

void Harness::complete(std::size_t index, std::uint8_t how) {
    Deferred& d = deferred_[index];
    const bool was_pending = d.response.pending();
    DRIVER_TRACE("  complete deferred %zu (%u), pending %d\n", index, unsigned{how}, was_pending);
    if (how % 6 == 4) {
        d.response = coap::PendingResponse{};  // settles the old one: 5.00
        FUZZ_REQUIRE(!d.response.pending());
        return;
    }
    const auto result = [&]() -> coap::Result<coap::Done, coap::LocalError> {
        switch (how % 6) {
            case 0:
                return d.response.respond(coap::codes::content, Answer{d.tag, "later"});
            case 1:
                return d.response.respond(coap::codes::not_found, Answer{d.tag, "gone"});
            case 2:
                return d.response.respond_body(coap::codes::content, body_of(300));
            case 3:
                return d.response.ignore();
            default:
                return d.response.respond(coap::codes::changed, Answer{d.tag, "done"});
        }
    }();
    if (!was_pending) {
        FUZZ_REQUIRE(!result);
        FUZZ_REQUIRE(result.error() == coap::LocalError::already_answered ||
                     result.error() == coap::LocalError::stale_handle);
    }
    if (result || result.error() == coap::LocalError::already_answered ||
        result.error() == coap::LocalError::stale_handle) {
        FUZZ_REQUIRE(!d.response.pending());
        const auto again = d.response.respond(coap::codes::content);
        FUZZ_REQUIRE(!again);
    } else {
        // Any other refusal leaves it pending, so that the destructor still answers.
        FUZZ_REQUIRE(d.response.pending());
    }
}

void Harness::on_sent(std::size_t driver, const coap::Address& to,
                      gsl::span<const std::byte> bytes) {
    // Only to a real address (never to the empty Address of a send that failed).
    FUZZ_REQUIRE(to.family() != coap::AddressFamily::none);
    FUZZ_REQUIRE(bytes.size() <= world_.config(driver).capacities.max_message_size);
    const auto message = coap::MessageView::parse(bytes);
    FUZZ_REQUIRE(message.ok());
    const coap::Code code = message->code();
    if (!code.is_success() && !code.is_client_error() && !code.is_server_error()) return;
    const auto echo = read_tag(*message, echo_option);
    if (!echo || tainted_.count(*echo) != 0) return;
    const auto seen = handled_.find({driver, *echo});
    FUZZ_REQUIRE(seen != handled_.end());
    // RFC 7967: no response of a class the request said it does not want;
    // §8.2: no error response to a multicast request.
    FUZZ_REQUIRE(!coap::no_response_suppresses(seen->second.no_response, code));
    if (seen->second.multicast) FUZZ_REQUIRE(code.is_success());
}

}  // namespace driver_fuzz
