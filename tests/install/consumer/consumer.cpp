// consumer.cpp — an outside program: encodes, parses and renders one message.
#include <coap/coap.hpp>

#include <array>
#include <cstdio>

int main() {
    std::array<std::byte, 64> buffer{};
    coap::MessageWriter writer(buffer, coap::MessageType::non_confirmable, coap::codes::get, 42);
    writer.option(coap::OptionNumber::uri_path, ".well-known")
        .option(coap::OptionNumber::uri_path, "core");
    const auto size = writer.finish();
    if (!size) return 1;
    const auto view = coap::MessageView::parse(gsl::span<const std::byte>(buffer.data(), *size));
    if (!view || view->uri_path().size() != 2) return 1;
    std::fputs(coap::to_string(*view).c_str(), stdout);
    return 0;
}
