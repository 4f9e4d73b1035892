// fuzz/driver/spec.cpp — drawing a LaunchSpec from the input, and the URI, path
// and relative reference a spec names. The draw order here is the input format
// of every launch op; fuzz/driver/make_seeds.py mirrors it.
#include "spec.hpp"

#include <string>

namespace driver_fuzz {
namespace {

constexpr std::array<std::uint8_t, 8> no_responses{0, 0, 0, 2, 8, 16, 26, 24};
constexpr std::array<std::uint16_t, 7> block_sizes{16, 32, 64, 128, 256, 512, 1024};

}  // namespace

LaunchSpec draw_spec(Provider& in) {
    LaunchSpec s;
    s.from = static_cast<std::uint8_t>(draw_index(in, 2));
    s.target = static_cast<std::uint8_t>(draw_index(in, 7));
    s.path = static_cast<std::uint8_t>(draw_index(in, 9));
    s.qa = in.ConsumeIntegral<std::uint8_t>();
    s.qb = in.ConsumeIntegral<std::uint16_t>();
    s.shape = static_cast<Shape>(draw_index(in, shape_count - 1));
    s.form = static_cast<Form>(draw_index(in, 2));
    const auto blocks = in.ConsumeIntegral<std::uint16_t>();
    s.block1_szx = static_cast<std::uint8_t>(blocks % 8);
    s.block2_szx = static_cast<std::uint8_t>((blocks / 8) % 8);
    s.block2_num = static_cast<std::uint8_t>((blocks / 64) % 4);
    s.payload_length = in.ConsumeIntegralInRange<std::uint16_t>(0, 1400);
    s.payload_seed = in.ConsumeIntegral<std::uint8_t>();
    s.script = in.ConsumeIntegral<std::uint16_t>();
    const auto extras = in.ConsumeIntegral<std::uint8_t>();
    s.no_response = no_responses[extras % 8];
    s.repeat = static_cast<std::uint8_t>(1 + (extras / 8) % 2);
    s.variant = in.ConsumeIntegral<std::uint8_t>();
    s.special = static_cast<std::uint8_t>(draw_index(in, 7));
    const auto naps = in.ConsumeIntegral<std::uint8_t>();
    s.sleep_before = sleeps[naps % 8];
    s.sleep_between = sleeps[(naps / 8) % 8];
    auto kinds = in.ConsumeIntegral<std::uint16_t>();
    const auto arg = in.ConsumeIntegral<std::uint8_t>();
    for (std::size_t i = 0; i < s.actions.size(); ++i) {
        s.actions[i].kind = static_cast<ActionKind>(kinds % action_count);
        kinds = static_cast<std::uint16_t>(kinds / action_count);
        s.actions[i].arg = static_cast<std::uint8_t>(arg + 37 * i);
    }
    return s;
}

std::string resource_path(const LaunchSpec& s) {
    switch (s.path) {
        case 0:
            return s.qa % 12 == 0 ? "/imm" : "/imm?c=" + std::to_string(s.qa % 12);
        case 1:
            return "/body?s=" + std::to_string(s.qb % 3000) +
                   "&b=" + std::to_string(block_sizes[s.qa % 7]) + ((s.qa & 0x80) ? "&e=1" : "");
        case 2: {
            const std::string delay = std::to_string(s.qb % 5000);
            switch (s.qa % 4) {
                case 0:
                    return "/defer";
                case 1:
                    return "/defer?t=" + delay;
                case 2:
                    return "/defer?k=" + delay;
                default:
                    return "/defer?t=" + delay + "&n=0";
            }
        }
        case 3: {
            static constexpr std::array<const char*, 3> modes{"/throw", "/throw?r=1", "/throw?d=1"};
            return modes[s.qa % 3];
        }
        case 4:
            return "/quiet";
        case 5:
            return "/none";
        case 6:
            return "/up?s=" + std::to_string(s.qa % 7);
        case 7:
            return "/things/" + std::to_string(s.qa);
        case 8:
            return (s.qa & 1) ? "/.well-known/core?rt=x" : "/.well-known/core";
        default:
            return "/missing/x";
    }
}

std::string target_uri(const LaunchSpec& s, std::size_t drivers) {
    std::string host;
    switch (s.target) {
        case target_driver0:
        case target_driver1:
        case target_driver2:
            host = "10.0.0." + std::to_string(s.target % drivers + 1);
            break;
        case target_rogue:
            host = "10.0.0.66";
            break;
        case target_group:
            host = "224.0.1.187";
            break;
        case target_nowhere:
            host = "10.0.0.99";
            break;
        case target_name:
            host = "srv.example";
            break;
        default:
            host = "nohost.example";
            break;
    }
    return "coap://" + host + resource_path(s);
}

const char* relative_reference(std::uint8_t special) {
    static constexpr std::array<const char*, 8> references{
        "",          "imm", "/body?s=100&b=16", "../defer?t=10", "?c=3", "//other.example/x",
        "http://x/", "%zz"};
    return references[special % references.size()];
}

}  // namespace driver_fuzz
