// coap/resource_tree.hpp — Resource and ResourceTree: serving resources.
// A Resource is a route pattern (route.hpp) with a handler per method (or one
// for all) and the link attributes /.well-known/core lists it with. The tree
// routes each request to the most specific matching resource, answers 4.04 for
// an unknown path and 4.05 for a method the resource lacks, and serves
// /.well-known/core (RFC 6690) from the resources' attributes, with §4.1 query
// filtering. Registration may allocate and throws std::invalid_argument on a
// bad pattern; serving allocates only per request, never keeps anything.
//
//   ResourceTree tree;
//   tree.add("/sensors/temp").rt("temperature-c").get([](RequestContext& ctx) {
//       ctx.respond(codes::content, "22.5", content_formats::text_plain);
//   });
//   tree.add("/things/{id}/state").put(set_state);
//   tree.serve(driver);
//
// Block-wise requests (RFC 7959): a request with Block1 is assembled per
// (peer, path, Request-Tag) before its handler runs (2.31 Continue for each
// non-final block, 4.08 on a gap, 4.13 with Size1 over the limit, 5.03 when
// the assembly tables are full); the handler sees the whole body in
// RequestContext::payload() and its answer echoes Block1 (M=0). A large
// response to such a request is kept so that the following Block2 requests
// (without a body) are answered without running the handler again (§3.3).
// Limits: set_block_limits() (BlockLimits in block1_assembly.hpp).
#pragma once

#include "coap/block1_assembly.hpp"
#include "coap/code.hpp"
#include "coap/link_format.hpp"
#include "coap/observe.hpp"
#include "coap/result.hpp"
#include "coap/route.hpp"

#include <gsl/span>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coap {

class Driver;
class RequestContext;

using RequestHandler = std::function<void(RequestContext&)>;

class Resource {
  public:
    explicit Resource(RoutePattern pattern) : pattern_(std::move(pattern)) {}

    const RoutePattern& pattern() const noexcept { return pattern_; }

    // ---- handlers (a later one for the same method replaces the earlier) ----
    Resource& on(Code method, RequestHandler handler);
    Resource& get(RequestHandler handler) { return on(codes::get, std::move(handler)); }
    Resource& post(RequestHandler handler) { return on(codes::post, std::move(handler)); }
    Resource& put(RequestHandler handler) { return on(codes::put, std::move(handler)); }
    Resource& delete_(RequestHandler handler) { return on(codes::delete_, std::move(handler)); }
    Resource& fetch(RequestHandler handler) { return on(codes::fetch, std::move(handler)); }
    Resource& patch(RequestHandler handler) { return on(codes::patch, std::move(handler)); }
    Resource& ipatch(RequestHandler handler) { return on(codes::ipatch, std::move(handler)); }
    /// Serves every method that has no handler of its own.
    Resource& any(RequestHandler handler);
    /// The handler for `method`, or nullptr (the tree answers 4.05).
    const RequestHandler* handler_for(Code method) const noexcept;

    // ---- link attributes (RFC 6690 §3; listed in registration order) ----
    /// Resource type; each call adds one word to the space-separated list.
    Resource& rt(std::string_view type);
    /// Interface description; each call adds one word.
    Resource& if_(std::string_view interface_description);
    /// Content-Format; each call adds one number (RFC 7252 §7.2.1).
    Resource& ct(std::uint16_t content_format);
    Resource& sz(std::uint32_t size);
    Resource& title(std::string_view title);
    /// Observable (RFC 7641 §6): the "obs" flag.
    Resource& obs();

    // ---- observe (RFC 7641; served through a ResourceTree) ----
    /// Makes the resource observable and lists it with "obs": a GET (or FETCH)
    /// with Observe 0 registers its client, answered by the GET handler with
    /// Observe; notify() then re-runs the handler and notifies every observer.
    Resource& observable();
    bool is_observable() const noexcept { return observe_ != nullptr; }
    /// Makes the resource observable with every notification CON (retransmitted
    /// until acknowledged; an observer that never acknowledges is removed), or,
    /// with false, back to the tree's ObserveConfig policy (mostly NON).
    Resource& confirmable_notifications(bool always = true);
    /// The state changed: re-runs the handler of the registration method once per
    /// distinct registration request (in a context that captures the answer:
    /// RequestContext::rendering_notification) and sends each observer a
    /// notification with the next sequence number. A 2.xx keeps observing; any
    /// other code is a final notification without Observe and removes the
    /// observer. A handler that defers or answers nothing skips that request's
    /// observers. Returns the notifications sent (0 when not served yet).
    std::size_t notify();
    /// notify() for some observers only: those whose registration request
    /// `which` accepts (a resource that serves many representations, such as a
    /// wildcard route serving files, notifies the observers of the one that
    /// changed). The others get nothing; the sequence number still advances.
    std::size_t notify_if(FunctionRef<bool(const MessageView& registration)> which);
    /// Ends every observation with a final notification `code` (no Observe) whose
    /// payload is `diagnostic`; returns the notifications sent.
    std::size_t end_observation(Code code = codes::service_unavailable,
                                std::string_view diagnostic = {});
    /// Forgets every observer without a notification, as a server that lost its
    /// state would (their clients notice when Max-Age passes, RFC 7641 §3.3.1).
    /// Returns how many there were.
    std::size_t drop_observers();
    std::size_t observer_count() const noexcept { return observe_ ? observe_->members.size() : 0; }
    /// Observe state (nullptr when not observable); for ObserveHub.
    ObservableState* observe_state() const noexcept { return observe_.get(); }
    /// Any other link-param: `;name=value`, or the flag `;name` without a value.
    Resource& attribute(std::string_view name, std::optional<std::string_view> value = {});
    /// The target listed in /.well-known/core (default: the pattern, for a
    /// pattern without wildcards; wildcard routes are not listed without one).
    Resource& href(std::string_view target);
    /// Not listed in /.well-known/core.
    Resource& hidden(bool hide = true);

    /// Appends this resource's link-value to `writer`, if it is listed.
    void write_link(LinkFormatWriter& writer) const;

  private:
    struct Param {
        std::string name;
        std::optional<std::string> value;
    };
    /// Adds `word` to the space-separated value of `name` (created if absent).
    Resource& add_word(std::string_view name, std::string_view word);

    RoutePattern pattern_;
    std::vector<std::pair<Code, RequestHandler>> handlers_;
    RequestHandler any_;
    std::vector<Param> params_;
    std::optional<std::string> href_;
    bool hidden_ = false;
    std::unique_ptr<ObservableState> observe_;
    ObserveHub* hub_ = nullptr;
    friend class ResourceTree;
};

/// The resource a path routes to, and what its pattern captured.
struct Route {
    const Resource* resource = nullptr;
    RouteMatch match{};
};

class ResourceTree {
  public:
    static constexpr std::string_view well_known_core = "/.well-known/core";

    /// With /.well-known/core registered (hidden, GET only).
    ResourceTree();
    ~ResourceTree();

    /// Limits and NON/CON policy of the observers (RFC 7641) of every resource.
    void set_observe_config(const ObserveConfig& config) { hub_->config = config; }
    const ObserveConfig& observe_config() const noexcept { return hub_->config; }
    /// Observers of every resource together.
    std::size_t observer_count() const noexcept { return hub_->total; }
    ResourceTree(const ResourceTree&) = delete;
    ResourceTree& operator=(const ResourceTree&) = delete;

    /// The resource for `pattern`, created on first use: adding the same pattern
    /// again returns the same resource. Throws std::invalid_argument for a bad
    /// pattern or one of the same shape as another ("/a/{x}" after "/a/*/"…
    /// i.e. matching exactly the same paths under other capture names).
    Resource& add(std::string_view pattern);
    /// The resource registered with exactly this pattern text, or nullptr.
    Resource* find(std::string_view pattern) noexcept;
    /// Unregisters a resource (also /.well-known/core); false when absent. Never
    /// from inside a handler of the resource it removes.
    bool remove(std::string_view pattern);
    std::size_t size() const noexcept { return resources_.size(); }

    /// The most specific resource whose pattern matches `path` (Uri-Path
    /// values); nullopt when none does.
    std::optional<Route> route(gsl::span<const std::string_view> path) const noexcept;

    /// Serves one request: routes it, dispatches by method, 4.04 / 4.05, and
    /// assembles Block1 bodies first (see the top of this file).
    void handle(RequestContext& context) const;

    // ---- block-wise state (RFC 7959) ----
    void set_block_limits(const BlockLimits& limits);
    const BlockLimits& block_limits() const noexcept { return blockwise_->assembler.limits(); }
    /// Block1 transfers being assembled, and the bytes they hold.
    std::size_t block1_transfers() const noexcept { return blockwise_->assembler.transfers(); }
    std::size_t block1_bytes() const noexcept { return blockwise_->assembler.bytes(); }
    /// Responses kept for Block2 follow-up requests (§3.3).
    std::size_t cached_block2_responses() const noexcept { return blockwise_->responses.size(); }
    /// A request handler for Driver::set_request_handler that serves this tree,
    /// which must outlive its use.
    RequestHandler handler() const;
    /// driver.set_request_handler(handler()), and the notification events of the
    /// driver to the observers; notifications of observable resources go through it.
    void serve(Driver& driver) const;

    // ---- /.well-known/core ----
    /// Every listed resource as one link-format document.
    std::string links() const;
    /// The links selected by the RFC 6690 §4.1 filters in `queries` (Uri-Query
    /// values; every filter must match); a query that is not a filter is an error.
    Result<std::string, LinkFilterError> links(gsl::span<const std::string_view> queries) const;

  private:
    void serve_discovery(RequestContext& context) const;
    /// Feeds a Block1 request to the assembler; true when the handler is to run
    /// (the body is complete), false when the request was answered here.
    bool assemble(RequestContext& context) const;
    /// Answers a Block2 follow-up from a kept response; false when none is kept.
    bool answer_from_cache(RequestContext& context) const;

    struct Blockwise {
        Block1Assembler assembler;
        Block2ResponseCache responses;
    };
    /// A pattern without wildcards, by the hash of the path it names: when it
    /// matches, no other pattern is more specific, so route() looks here first.
    struct ExactRoute {
        std::uint64_t path_hash = 0;
        const Resource* resource = nullptr;
    };
    void index_exact_routes();

    std::unique_ptr<ObserveHub> hub_;
    std::vector<std::unique_ptr<Resource>> resources_;
    std::vector<ExactRoute> exact_routes_;
    /// Serving is const (the tree's routes do not change), this state does.
    std::unique_ptr<Blockwise> blockwise_ = std::make_unique<Blockwise>();
};

}  // namespace coap
