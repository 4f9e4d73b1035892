// server_route_test.cpp — RoutePattern and ResourceTree::route: the pattern
// grammar, exact / wildcard / rest matching, captures, and the precedence of
// the most specific route. No network: routing is a pure function of the path.
#include "coap/resource_tree.hpp"
#include "coap/route.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace coap {
namespace {

using Path = std::vector<std::string_view>;

RoutePattern pattern(std::string_view text) {
    auto parsed = RoutePattern::parse(text);
    EXPECT_TRUE(parsed.ok()) << text;
    return std::move(parsed).value();
}

std::string routed(const ResourceTree& tree, const Path& path) {
    const auto found = tree.route(path);
    return found ? found->resource->pattern().text() : "(none)";
}

TEST(RoutePattern, ParsesSegmentKinds) {
    const RoutePattern p = pattern("/things/{id}/*/state/*");
    ASSERT_EQ(p.segments().size(), 5u);
    EXPECT_EQ(p.segments()[0].kind, RoutePattern::Kind::literal);
    EXPECT_EQ(p.segments()[0].text, "things");
    EXPECT_EQ(p.segments()[1].kind, RoutePattern::Kind::wildcard);
    EXPECT_EQ(p.segments()[1].text, "id");
    EXPECT_EQ(p.segments()[2].kind, RoutePattern::Kind::wildcard);
    EXPECT_EQ(p.segments()[2].text, "");
    EXPECT_EQ(p.segments()[4].kind, RoutePattern::Kind::rest);
    EXPECT_TRUE(p.has_rest());
    EXPECT_FALSE(p.is_exact());
    EXPECT_EQ(p.shape(), "/things/{}/{}/state/*");
    EXPECT_TRUE(pattern("/").segments().empty());
    EXPECT_TRUE(pattern("/a/b").is_exact());
}

TEST(RoutePattern, RejectsBadPatterns) {
    EXPECT_EQ(RoutePattern::parse("a/b").error(), RoutePatternError::not_absolute);
    EXPECT_EQ(RoutePattern::parse("").error(), RoutePatternError::not_absolute);
    EXPECT_EQ(RoutePattern::parse("/a*").error(), RoutePatternError::bad_wildcard);
    EXPECT_EQ(RoutePattern::parse("/{a}b").error(), RoutePatternError::bad_wildcard);
    EXPECT_EQ(RoutePattern::parse("/{a*}").error(), RoutePatternError::bad_wildcard);
    EXPECT_EQ(RoutePattern::parse("/{}").error(), RoutePatternError::empty_capture_name);
    EXPECT_EQ(RoutePattern::parse("/{x}/{x}").error(), RoutePatternError::duplicate_capture);
    EXPECT_EQ(RoutePattern::parse("/*/*/*/*/*/*/*/*/*/x").error(),
              RoutePatternError::too_many_wildcards);
    std::string deep;
    for (int i = 0; i < 65; ++i)
        deep += "/a";
    EXPECT_EQ(RoutePattern::parse(deep).error(), RoutePatternError::too_many_segments);
}

TEST(RoutePattern, MatchesExactPathsOnly) {
    const RoutePattern p = pattern("/sensors/temp");
    RouteMatch m;
    EXPECT_TRUE(p.match(Path{"sensors", "temp"}, m));
    EXPECT_EQ(m.pattern, &p);
    EXPECT_FALSE(p.match(Path{"sensors"}, m));
    EXPECT_FALSE(p.match(Path{"sensors", "temp", "x"}, m));
    EXPECT_FALSE(p.match(Path{"sensors", "Temp"}, m));
    EXPECT_TRUE(pattern("/").match(Path{}, m));
    EXPECT_FALSE(pattern("/").match(Path{""}, m));
    // A trailing slash is an empty last segment, a different path.
    EXPECT_FALSE(p.match(Path{"sensors", "temp", ""}, m));
    EXPECT_TRUE(pattern("/sensors/temp/").match(Path{"sensors", "temp", ""}, m));
}

TEST(RoutePattern, WildcardsCaptureOneSegmentEach) {
    const RoutePattern p = pattern("/things/{id}/*/state");
    RouteMatch m;
    ASSERT_TRUE(p.match(Path{"things", "lamp-7", "x", "state"}, m));
    ASSERT_EQ(m.capture_count, 2u);
    EXPECT_EQ(m.param("id"), "lamp-7");
    EXPECT_EQ(m.wildcard(0), "lamp-7");
    EXPECT_EQ(m.wildcard(1), "x");
    EXPECT_EQ(m.wildcard(2), std::nullopt);
    EXPECT_EQ(m.param("nope"), std::nullopt);
    EXPECT_TRUE(m.rest.empty());
    EXPECT_FALSE(p.match(Path{"things", "lamp-7", "state"}, m));
    EXPECT_FALSE(p.match(Path{"things", "a", "b", "state", "c"}, m));
}

TEST(RoutePattern, RestMatchesZeroOrMoreSegments) {
    const RoutePattern p = pattern("/files/*");
    RouteMatch m;
    const Path path{"files", "docs", "a.txt"};  // the match views it
    ASSERT_TRUE(p.match(path, m));
    ASSERT_EQ(m.rest.size(), 2u);
    EXPECT_EQ(m.rest[0], "docs");
    EXPECT_EQ(m.rest[1], "a.txt");
    EXPECT_EQ(m.capture_count, 0u);
    ASSERT_TRUE(p.match(Path{"files"}, m));
    EXPECT_TRUE(m.rest.empty());
    EXPECT_FALSE(p.match(Path{"file"}, m));
    EXPECT_FALSE(p.match(Path{}, m));
    ASSERT_TRUE(pattern("/*").match(Path{}, m));
}

TEST(RoutePattern, SpecificityPrefersLiteralThenWildcardThenRest) {
    EXPECT_LT(RoutePattern::compare_specificity(pattern("/a/b"), pattern("/a/{x}")), 0);
    EXPECT_GT(RoutePattern::compare_specificity(pattern("/a/{x}"), pattern("/a/b")), 0);
    EXPECT_LT(RoutePattern::compare_specificity(pattern("/a/{x}"), pattern("/a/*")), 0);
    EXPECT_LT(RoutePattern::compare_specificity(pattern("/a"), pattern("/a/*")), 0);
    EXPECT_LT(RoutePattern::compare_specificity(pattern("/a/b/*"), pattern("/a/*")), 0);
    EXPECT_EQ(RoutePattern::compare_specificity(pattern("/a/{x}"), pattern("/a/{y}")), 0);
    // Leftmost difference decides.
    EXPECT_LT(RoutePattern::compare_specificity(pattern("/a/{x}/c"), pattern("/{x}/b/c")), 0);
}

class TreeRouting : public ::testing::Test {
  protected:
    TreeRouting() {
        for (const char* route :
             {"/", "/sensors", "/sensors/temp", "/sensors/{name}", "/sensors/{name}/history",
              "/files/*", "/files/public/*", "/things/*/state", "/*"})
            tree.add(route);
    }
    ResourceTree tree;
};

TEST_F(TreeRouting, ExactBeatsWildcardBeatsRest) {
    EXPECT_EQ(routed(tree, {}), "/");
    EXPECT_EQ(routed(tree, {"sensors"}), "/sensors");
    EXPECT_EQ(routed(tree, {"sensors", "temp"}), "/sensors/temp");
    EXPECT_EQ(routed(tree, {"sensors", "light"}), "/sensors/{name}");
    EXPECT_EQ(routed(tree, {"sensors", "light", "history"}), "/sensors/{name}/history");
    EXPECT_EQ(routed(tree, {"things", "lamp", "state"}), "/things/*/state");
    EXPECT_EQ(routed(tree, {"things", "lamp"}), "/*");
    EXPECT_EQ(routed(tree, {".well-known", "core"}), "/.well-known/core");
}

TEST_F(TreeRouting, LongestPrefixWins) {
    EXPECT_EQ(routed(tree, {"files", "a.txt"}), "/files/*");
    EXPECT_EQ(routed(tree, {"files", "public", "b", "c.txt"}), "/files/public/*");
    EXPECT_EQ(routed(tree, {"files", "public"}), "/files/public/*");
    EXPECT_EQ(routed(tree, {"files"}), "/files/*");
    const Path path{"files", "public", "b", "c.txt"};  // the match views it
    const auto found = tree.route(path);
    ASSERT_TRUE(found);
    ASSERT_EQ(found->match.rest.size(), 2u);
    EXPECT_EQ(found->match.rest[1], "c.txt");
}

TEST_F(TreeRouting, UnknownPathWithoutCatchAll) {
    ASSERT_TRUE(tree.remove("/*"));
    EXPECT_FALSE(tree.remove("/*"));
    EXPECT_EQ(routed(tree, {"nothing", "here"}), "(none)");
    EXPECT_EQ(routed(tree, {"sensors", "a", "b"}), "(none)");
}

TEST_F(TreeRouting, ExactRoutesAreFoundBySegmentsNotByTheirConcatenation) {
    tree.add("/ab");
    tree.add("/a/b");
    EXPECT_EQ(routed(tree, {"ab"}), "/ab");
    EXPECT_EQ(routed(tree, {"a", "b"}), "/a/b");
    EXPECT_EQ(routed(tree, {"a", "b", ""}), "/*");  // a trailing empty segment is one more
    EXPECT_EQ(routed(tree, {"sensors", "tem"}), "/sensors/{name}");
    // Removing an exact route hands its path to the next most specific one, and
    // adding it back takes it again.
    ASSERT_TRUE(tree.remove("/sensors/temp"));
    EXPECT_EQ(routed(tree, {"sensors", "temp"}), "/sensors/{name}");
    tree.add("/sensors/temp");
    EXPECT_EQ(routed(tree, {"sensors", "temp"}), "/sensors/temp");
    ASSERT_TRUE(tree.remove("/"));
    EXPECT_EQ(routed(tree, {}), "/*");
}

TEST(ResourceTree, AddingAPatternAgainReturnsTheSameResource) {
    ResourceTree tree;
    const std::size_t before = tree.size();
    Resource& first = tree.add("/a/{x}");
    Resource& again = tree.add("/a/{x}");
    EXPECT_EQ(&first, &again);
    EXPECT_EQ(tree.size(), before + 1);
    EXPECT_EQ(tree.find("/a/{x}"), &first);
    EXPECT_EQ(tree.find("/a/{y}"), nullptr);
    // The same shape under another capture name would make routing ambiguous.
    EXPECT_THROW(tree.add("/a/{y}"), std::invalid_argument);
    tree.add("/b/{x}/c");
    EXPECT_THROW(tree.add("/b/*/c"), std::invalid_argument);
    EXPECT_NO_THROW(tree.add("/a/*"));  // a rest, not one segment
    EXPECT_THROW(tree.add("no-slash"), std::invalid_argument);
}

TEST(ResourceTree, MethodHandlersAndFallback) {
    Resource resource(pattern("/r"));
    resource.get([](RequestContext&) {});
    const RequestHandler* get = resource.handler_for(codes::get);
    EXPECT_NE(get, nullptr);
    EXPECT_EQ(resource.handler_for(codes::put), nullptr);
    resource.get([](RequestContext&) {});  // replaces, in place
    EXPECT_EQ(resource.handler_for(codes::get), get);
    resource.any([](RequestContext&) {});
    const RequestHandler* put = resource.handler_for(codes::put);
    ASSERT_NE(put, nullptr);
    EXPECT_NE(put, get);
    EXPECT_EQ(resource.handler_for(codes::delete_), put);
    EXPECT_EQ(resource.handler_for(codes::get), get);
}

}  // namespace
}  // namespace coap
