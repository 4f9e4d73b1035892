// plugtest_lossy_test.cpp — the lossy ETSI plugtest descriptions (TD_COAP_CORE_15,
// CORE_16, OBS_11) and the block-wise ones over loss, with cobalt's client
// against `cobalt serve --plugtest` on the simulated network: 20 % loss, 5 %
// duplication and jitter, ten seeds each. Whatever is lost, the client shows
// the right answer or fails cleanly (a timeout, nothing on stdout), never a
// wrong or partial one; and most seeds get through.
// (tests/conformance runs every description over real UDP; this is the
// seeded, virtual-time counterpart for the lossy ones.)
#include "cli_world.hpp"
#include "exit_codes.hpp"
#include "serve_resources.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

using cli_test::CliWorld;
using cli_test::Outcome;
namespace exit_code = cobalt_cli::exit_code;

constexpr int seeds = 10;

cobalt_cli::ServeOptions plugtest_options() {
    cobalt_cli::ServeOptions options;
    options.plugtest = true;
    options.obs_period = coap::seconds(1);
    options.separate_delay = coap::seconds(1);
    return options;
}

/// A world whose every link loses 20 %, duplicates 5 % and jitters up to 40 ms.
struct LossyWorld {
    explicit LossyWorld(std::uint64_t seed) : world(seed, plugtest_options()) {
        world.net.set_default_link(coap::sim::LinkConditions{.delay = coap::milliseconds(5),
                                                             .jitter = coap::milliseconds(40),
                                                             .loss = 0.2,
                                                             .duplicate = 0.05});
    }
    CliWorld world;
};

/// Either the expected output with exit 0, or a clean failure (timeout, or a
/// reset) with nothing on stdout. Returns whether it got through.
bool right_or_clean(const Outcome& result, const std::string& expected, const char* what) {
    if (result.exit_code == exit_code::ok) {
        EXPECT_EQ(result.out, expected) << what << "\n" << result.err;
        return result.out == expected;
    }
    EXPECT_TRUE(result.exit_code == exit_code::timeout || result.exit_code == exit_code::failure)
        << what << ": exit " << result.exit_code << "\n"
        << result.err;
    EXPECT_EQ(result.out, "") << what;
    return false;
}

TEST(PlugtestLossy, TD_COAP_CORE_15_GetOverALossyLink) {
    int through = 0;
    for (int seed = 1; seed <= seeds; ++seed) {
        LossyWorld lossy(static_cast<std::uint64_t>(seed));
        const auto result = lossy.world.run({"get", CliWorld::base() + "/test"});
        if (result.exit_code == exit_code::ok) {
            EXPECT_EQ(result.out.rfind("plugtest /test", 0), 0u) << result.out;
            EXPECT_NE(result.out.find("Type: CON, Code: 0.01"), std::string::npos) << result.out;
            ++through;
        } else {
            EXPECT_EQ(result.exit_code, exit_code::timeout) << result.err;
            EXPECT_EQ(result.out, "");
        }
    }
    EXPECT_GE(through, seeds - 1);
}

TEST(PlugtestLossy, TD_COAP_CORE_16_SeparateResponseOverALossyLink) {
    int through = 0;
    for (int seed = 1; seed <= seeds; ++seed) {
        LossyWorld lossy(static_cast<std::uint64_t>(seed));
        const auto result = lossy.world.run({"get", "-v", CliWorld::base() + "/separate"});
        if (result.exit_code == exit_code::ok) {
            EXPECT_EQ(result.out.rfind("Type: CON, Code: 0.01, MID: ", 0), 0u) << result.out;
            // The response came separately: an empty ACK or a CON 2.05 was seen.
            EXPECT_NE(result.err.find("CON 2.05"), std::string::npos) << result.err;
            ++through;
        } else {
            EXPECT_EQ(result.exit_code, exit_code::timeout) << result.err;
            EXPECT_EQ(result.out, "");
        }
    }
    EXPECT_GE(through, seeds - 1);
}

TEST(PlugtestLossy, TD_COAP_BLOCK_01_and_03_BlockwiseBothWaysOverALossyLink) {
    const std::string large = cobalt_cli::large_body(1280);
    std::string upload;
    for (int line = 0; line < 40; ++line) {
        char row[80];
        std::snprintf(row, sizeof row, "%04d plugtest Block1 upload over a lossy link\n", line);
        upload += row;
    }
    int through = 0;
    for (int seed = 1; seed <= seeds; ++seed) {
        LossyWorld lossy(static_cast<std::uint64_t>(seed));
        const bool got = right_or_clean(
            lossy.world.run({"get", "--block-size", "256", CliWorld::base() + "/large"}), large,
            "GET /large");
        const auto put = lossy.world.run({"put", "--block-size", "256", "--content-format", "0",
                                          "--payload", upload, CliWorld::base() + "/large-update"});
        bool stored = false;
        if (put.exit_code == exit_code::ok) {
            stored = right_or_clean(lossy.world.run({"get", CliWorld::base() + "/large-update"}),
                                    upload, "GET /large-update");
        } else {
            EXPECT_EQ(put.exit_code, exit_code::timeout) << put.err;
        }
        through += got && stored;
    }
    EXPECT_GE(through, seeds - 2);
}

TEST(PlugtestLossy, TD_COAP_OBS_11_NotificationsInOrderOverALossyLink) {
    int through = 0;
    for (int seed = 1; seed <= seeds; ++seed) {
        LossyWorld lossy(static_cast<std::uint64_t>(seed));
        const auto result = lossy.world.run(
            {"observe", "--count", "4", "--duration", "60", CliWorld::base() + "/obs"});
        ASSERT_EQ(result.exit_code, exit_code::ok) << result.err;
        // §3.4: the client shows states in order, never an older after a newer.
        long last = -1;
        int shown = 0;
        for (std::size_t at = result.out.find("plugtest counter "); at != std::string::npos;
             at = result.out.find("plugtest counter ", at + 1)) {
            const long value = std::strtol(result.out.c_str() + at + 17, nullptr, 10);
            EXPECT_GT(value, last) << result.out;
            last = value;
            ++shown;
        }
        EXPECT_EQ(shown, 4) << result.out;
        through += shown == 4;
    }
    EXPECT_EQ(through, seeds);
}

}  // namespace
