// server_links_test.cpp — the /.well-known/core document a ResourceTree
// generates from its resources' attributes (RFC 6690 §3, §4) and its §4.1 query
// filtering (href, attribute equality, trailing '*' prefix). No network.
#include "coap/link_format.hpp"
#include "coap/resource_tree.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace coap {
namespace {

class Links : public ::testing::Test {
  protected:
    Links() {
        tree.add("/sensors").ct(40).title("Sensor Index");
        tree.add("/sensors/temp").rt("temperature-c").if_("sensor").obs().ct(0).ct(50);
        tree.add("/sensors/light").rt("light-lux").if_("sensor");
        tree.add("/firmware/v2.1").rt("firmware").sz(262144);
        tree.add("/a b").attribute("foo", "bar").attribute("flag");
        tree.add("/things/{id}");                       // a pattern: not listed
        tree.add("/files/*").href("/files").rt("dir");  // listed under its href
        tree.add("/secret").hidden();
    }

    std::string select(std::vector<std::string_view> queries) const {
        const auto result = tree.links(queries);
        EXPECT_TRUE(result.ok());
        return result ? *result : std::string("(error)");
    }

    ResourceTree tree;
};

TEST_F(Links, DocumentListsEveryListedResourceWithItsAttributes) {
    const std::string document = tree.links();
    EXPECT_EQ(document, R"(</sensors>;ct=40;title="Sensor Index",)"
                        R"(</sensors/temp>;rt="temperature-c";if="sensor";obs;ct="0 50",)"
                        R"(</sensors/light>;rt="light-lux";if="sensor",)"
                        R"(</firmware/v2.1>;rt="firmware";sz=262144,)"
                        R"(</a%20b>;foo=bar;flag,)"
                        R"(</files>;rt="dir")");
    // It is valid link-format, and the well-known resource lists nothing of itself.
    const auto count = validate_link_format(document);
    ASSERT_TRUE(count.ok());
    EXPECT_EQ(*count, 6u);
    EXPECT_EQ(document.find("well-known"), std::string::npos);
    EXPECT_EQ(document.find("secret"), std::string::npos);
    EXPECT_EQ(document.find("things"), std::string::npos);
}

TEST_F(Links, NoQuerySelectsEverything) {
    EXPECT_EQ(select({}), tree.links());
}

TEST_F(Links, FilterByHref) {
    EXPECT_EQ(select({"href=/sensors/temp"}),
              R"(</sensors/temp>;rt="temperature-c";if="sensor";obs;ct="0 50")");
    EXPECT_EQ(select({"href=/sensors*"}),
              R"(</sensors>;ct=40;title="Sensor Index",)"
              R"(</sensors/temp>;rt="temperature-c";if="sensor";obs;ct="0 50",)"
              R"(</sensors/light>;rt="light-lux";if="sensor")");
    EXPECT_EQ(select({"href=/nothing"}), "");
}

TEST_F(Links, FilterByAttribute) {
    EXPECT_EQ(select({"rt=light-lux"}), R"(</sensors/light>;rt="light-lux";if="sensor")");
    EXPECT_EQ(select({"rt=light*"}), R"(</sensors/light>;rt="light-lux";if="sensor")");
    EXPECT_EQ(select({"rt=temperature"}), "");  // equality, not prefix, without '*'
    // ct is space-separated: any one of its words matches.
    EXPECT_EQ(select({"ct=50"}), R"(</sensors/temp>;rt="temperature-c";if="sensor";obs;ct="0 50")");
    EXPECT_EQ(select({"sz=262144"}), R"(</firmware/v2.1>;rt="firmware";sz=262144)");
    EXPECT_EQ(select({"title=Sensor*"}), R"(</sensors>;ct=40;title="Sensor Index")");
    EXPECT_EQ(select({"foo=bar"}), R"(</a%20b>;foo=bar;flag)");
    // A flag has the empty value: "obs=*" selects the observable resources.
    EXPECT_EQ(select({"obs=*"}), R"(</sensors/temp>;rt="temperature-c";if="sensor";obs;ct="0 50")");
}

TEST_F(Links, SeveralFiltersMustAllMatch) {
    EXPECT_EQ(select({"if=sensor", "href=/sensors/l*"}),
              R"(</sensors/light>;rt="light-lux";if="sensor")");
    EXPECT_EQ(select({"if=sensor", "rt=firmware"}), "");
}

TEST_F(Links, AQueryThatIsNotAFilterIsAnError) {
    const std::vector<std::string_view> no_equals{"rt"};
    EXPECT_EQ(tree.links(no_equals).error(), LinkFilterError::missing_equals);
    const std::vector<std::string_view> bad_wildcard{"rt=a*b"};
    EXPECT_EQ(tree.links(bad_wildcard).error(), LinkFilterError::wildcard_not_at_end);
}

TEST(LinksOfATree, InvalidAttributeDropsOnlyItsLink) {
    ResourceTree tree;
    tree.add("/good").rt("ok");
    tree.add("/bad").attribute("no good name");
    EXPECT_EQ(tree.links(), R"(</good>;rt="ok")");
}

TEST(LinksOfATree, WellKnownCoreCanBeRemoved) {
    ResourceTree tree;
    EXPECT_EQ(tree.size(), 1u);
    EXPECT_NE(tree.find(ResourceTree::well_known_core), nullptr);
    EXPECT_TRUE(tree.remove(ResourceTree::well_known_core));
    EXPECT_EQ(tree.size(), 0u);
    EXPECT_EQ(tree.links(), "");
}

}  // namespace
}  // namespace coap
