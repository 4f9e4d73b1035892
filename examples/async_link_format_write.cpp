// async_link_format_write.cpp — async-coap's link_format module documentation,
// the LinkFormatWrite example: writing `</sensor/light>;if="sensor"` with
// `LinkFormatWrite::new(&mut buffer).link(uri_ref!("/sensor/light"))
//      .attr_quoted(LINK_ATTR_INTERFACE_DESCRIPTION, "sensor").finish()`
// and asserting the text. cobalt's LinkFormatWriter (engine, link_format.hpp)
// writes into a caller's buffer instead of a String. Also shows the rules the
// crate's unit tests state: links joined with ',', numbers unquoted, and the
// same document served as /.well-known/core by a ResourceTree. Checks each text.
#include "async_sim_world.hpp"

#include "coap/link_format.hpp"

#include <array>
#include <cstdio>

using namespace coap;

int main() {
    example::Checks check;

    std::array<char, 256> buffer{};
    LinkFormatWriter writer(buffer);
    writer.link("/sensor/light").quoted_attribute("if", "sensor");
    const auto length = writer.finish();
    check(length.ok(), "the link was written");
    std::printf("%.*s\n", static_cast<int>(writer.size()), buffer.data());
    check(writer.written() == R"(</sensor/light>;if="sensor")", R"(</sensor/light>;if="sensor")");

    // Two links, a number and a quoted title.
    std::array<char, 256> more{};
    LinkFormatWriter two(more);
    two.link("/sensor/light")
        .quoted_attribute("if", "sensor")
        .link("/sensor/temp")
        .attribute_uint("ct", 0)
        .attribute("title", "Temperature");
    std::printf("%.*s\n", static_cast<int>(two.size()), more.data());
    check(two.finish().ok(), "two links were written");
    check(two.written() == R"(</sensor/light>;if="sensor",</sensor/temp>;ct=0;title="Temperature")",
          "links joined with ',', ct unquoted, title quoted");

    // A server lists the same from its resources' attributes.
    ResourceTree tree;
    tree.add("/sensor/light").if_("sensor");
    check(tree.links() == R"(</sensor/light>;if="sensor")",
          "the ResourceTree writes the same link");
    return check.exit_code();
}
