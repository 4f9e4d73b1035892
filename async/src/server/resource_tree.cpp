// resource_tree.cpp — ResourceTree: registration, routing to the most specific
// resource, and dispatch by method (4.04, 4.05).
#include "coap/resource_tree.hpp"

#include "coap/driver.hpp"
#include "coap/request_context.hpp"

#include "../fnv1a.hpp"

#include <stdexcept>
#include <string>

namespace coap {
namespace {

/// FNV-1a over the segments, each followed by a byte no UTF-8 text holds, so
/// that "/ab" and "/a/b" differ.
std::uint64_t path_hash(gsl::span<const std::string_view> path) noexcept {
    detail::Fnv1a hash;
    for (const std::string_view segment : path) {
        hash.add_all(segment);
        hash.add(static_cast<unsigned char>(0xff));
    }
    return hash.value();
}

}  // namespace

ResourceTree::ResourceTree() : hub_(std::make_unique<ObserveHub>()) {
    add(well_known_core).hidden().get([this](RequestContext& context) {
        serve_discovery(context);
    });
}

ResourceTree::~ResourceTree() = default;

Resource& ResourceTree::add(std::string_view pattern) {
    auto parsed = RoutePattern::parse(pattern);
    if (!parsed) {
        throw std::invalid_argument("coap::ResourceTree: bad route pattern \"" +
                                    std::string(pattern) +
                                    "\": " + std::string(describe(parsed.error())));
    }
    const std::string shape = parsed->shape();
    for (const auto& resource : resources_) {
        if (resource->pattern().shape() != shape) continue;
        if (resource->pattern().text() == parsed->text()) return *resource;
        throw std::invalid_argument("coap::ResourceTree: route \"" + std::string(pattern) +
                                    "\" matches the same paths as \"" + resource->pattern().text() +
                                    "\"");
    }
    resources_.push_back(std::make_unique<Resource>(std::move(*parsed)));
    resources_.back()->hub_ = hub_.get();
    index_exact_routes();
    return *resources_.back();
}

void ResourceTree::index_exact_routes() {
    exact_routes_.clear();
    std::vector<std::string_view> path;
    for (const auto& resource : resources_) {
        if (!resource->pattern().is_exact()) continue;
        path.clear();
        for (const auto& segment : resource->pattern().segments())
            path.push_back(segment.text);
        exact_routes_.push_back({path_hash(path), resource.get()});
    }
}

Resource* ResourceTree::find(std::string_view pattern) noexcept {
    for (const auto& resource : resources_) {
        if (resource->pattern().text() == pattern) return resource.get();
    }
    return nullptr;
}

bool ResourceTree::remove(std::string_view pattern) {
    for (auto it = resources_.begin(); it != resources_.end(); ++it) {
        if ((*it)->pattern().text() != pattern) continue;
        hub_->forget(**it);
        resources_.erase(it);
        index_exact_routes();
        return true;
    }
    return false;
}

std::optional<Route> ResourceTree::route(gsl::span<const std::string_view> path) const noexcept {
    RouteMatch match;
    if (!exact_routes_.empty()) {
        const std::uint64_t hash = path_hash(path);
        for (const ExactRoute& exact : exact_routes_)
            if (exact.path_hash == hash && exact.resource->pattern().match(path, match))
                return Route{exact.resource, match};
    }
    std::optional<Route> best;
    for (const auto& resource : resources_) {
        if (!resource->pattern().match(path, match)) continue;
        if (best &&
            RoutePattern::compare_specificity(resource->pattern(), best->resource->pattern()) >= 0)
            continue;
        best = Route{resource.get(), match};
    }
    return best;
}

void ResourceTree::handle(RequestContext& context) const {
    const auto found = route(context.path());
    if (!found) {
        (void)context.respond(codes::not_found);
        return;
    }
    context.set_route(found->match);
    const RequestHandler* handler = found->resource->handler_for(context.method());
    if (handler == nullptr) {
        (void)context.respond(codes::method_not_allowed);
        return;
    }
    // A Block2 follow-up of §3.3 first: some clients repeat the last Block1
    // option (without payload) in it.
    if (answer_from_cache(context)) return;
    if (context.message().has_option(OptionNumber::block1) && !assemble(context)) return;
    // RFC 7641 §3.1, §3.6: Observe 0 registers, 1 deregisters (GET or FETCH).
    Resource* target = nullptr;
    const auto observe = context.message().observe();
    if (observe && found->resource->is_observable()) {
        for (const auto& r : resources_)  // the tree owns it: the mutable one
            if (r.get() == found->resource) target = r.get();
    }
    bool registered = false;
    if (target != nullptr && !context.multicast() &&
        (context.method() == codes::get || context.method() == codes::fetch)) {
        if (*observe == 0) {
            registered = hub_->add(*target, context);
            if (registered) context.set_observe(target->observe_state()->sequence);
        } else if (*observe == 1) {
            hub_->remove(*target, context.peer(), context.message().token());
        }
    }
    (*handler)(context);
    // §3.2, §4.1: only a 2.xx answer makes an observer (a deferred one keeps it).
    if (registered && !context.deferred() &&
        !(context.answered_code() && context.answered_code()->is_success()))
        hub_->remove(*target, context.peer(), context.message().token());
}

void ResourceTree::set_block_limits(const BlockLimits& limits) {
    blockwise_->assembler.set_limits(limits);
    blockwise_->responses.set_limits(limits);
}

RequestHandler ResourceTree::handler() const {
    return [this](RequestContext& context) { handle(context); };
}

void ResourceTree::serve(Driver& driver) const {
    driver.set_request_handler(handler());
    hub_->driver = &driver;
    ObserveHub* hub = hub_.get();
    driver.set_notification_handler([hub](const Event& event) { hub->on_event(event); });
}

}  // namespace coap
