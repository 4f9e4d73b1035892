// public_headers_pure.cpp — every public header compiles in a translation unit
// built with -fno-exceptions -fno-rtti, and the codec runs there.
#include "coap/coap.hpp"

#include <array>

int main() {
    std::array<std::byte, 32> buffer{};
    coap::MessageWriter writer(buffer, coap::MessageType::confirmable, coap::codes::get, 0x7d34);
    writer.option(coap::OptionNumber::uri_path, "temperature");
    const auto size = writer.finish();
    if (!size) return 1;
    const auto view = coap::MessageView::parse(gsl::span<const std::byte>(buffer.data(), *size));
    if (!view || view->code() != coap::codes::get || view->option_count() != 1) return 1;
    std::array<char, 128> text{};
    return coap::render(*view, text) > 0 ? 0 : 1;
}
