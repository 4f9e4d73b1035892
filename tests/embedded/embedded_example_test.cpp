// embedded_example_test.cpp — the embedded profile's promises, checked on the
// host: the example Device of examples/embedded/ (the code the Cortex-M build
// links) drives two nodes over the fake radio in virtual milliseconds, and
// neither constructing nor running them allocates; the Endpoint's one block is
// measured exactly; contract violations reach the installed handler.
#include "../../examples/embedded/two_nodes.hpp"
#include "allocation_counter.hpp"
#include "coap/contract.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using example::Device;
using example::FakeAir;
using example::FakeRadio;

struct alignas(coap::Endpoint::memory_alignment) Block {
    std::array<std::byte, example::endpoint_memory_bytes> bytes{};
};

TEST(EmbeddedExample, TwoNodesReadObserveAndFetchBlockWiseWithoutAllocating) {
    static Block sensor_memory;
    static Block gateway_memory;
    const long before = coap::test::allocations_so_far();
    FakeAir air;
    FakeRadio sensor_radio(air, 1);
    FakeRadio gateway_radio(air, 2);
    Device sensor(sensor_radio, sensor_memory.bytes, 2, 11);
    Device gateway(gateway_radio, gateway_memory.bytes, 1, 22);
    sensor.set_temperature(215);

    example::run_two_nodes(sensor, gateway, sensor_radio, gateway_radio, 0, 10'000);
    EXPECT_GE(gateway.readings(), 4u);
    EXPECT_EQ(gateway.peer_temperature(), 215);
    EXPECT_GE(gateway.notifications_received(), 3u);
    EXPECT_EQ(gateway.peer_log().size(), example::log_size);
    EXPECT_TRUE(example::is_served_log(gateway.peer_log()));

    // A new state reaches the observer within a notification period.
    const std::uint32_t notified = gateway.notifications_received();
    sensor.set_temperature(-42);
    example::run_two_nodes(sensor, gateway, sensor_radio, gateway_radio, 10'000, 13'100);
    EXPECT_GT(gateway.notifications_received(), notified);
    EXPECT_EQ(gateway.peer_temperature(), -42);

    EXPECT_EQ(gateway.failures(), 0u);
    EXPECT_EQ(sensor.failures(), 0u);
    EXPECT_EQ(sensor_radio.overruns() + gateway_radio.overruns(), 0u);
    EXPECT_EQ(coap::test::allocations_so_far(), before) << "the embedded example allocated";
}

TEST(EmbeddedExample, ALossyRadioOnlyDelaysThem) {
    static Block sensor_memory;
    static Block gateway_memory;
    const long before = coap::test::allocations_so_far();
    FakeAir air;
    air.drop_every = 4;
    FakeRadio sensor_radio(air, 1);
    FakeRadio gateway_radio(air, 2);
    Device sensor(sensor_radio, sensor_memory.bytes, 2, 33);
    Device gateway(gateway_radio, gateway_memory.bytes, 1, 44);
    example::run_two_nodes(sensor, gateway, sensor_radio, gateway_radio, 0, 120'000);
    EXPECT_GT(air.dropped, 10u);
    EXPECT_GE(gateway.readings(), 10u);
    EXPECT_EQ(gateway.peer_log().size(), example::log_size);
    EXPECT_EQ(coap::test::allocations_so_far(), before);
}

TEST(EmbeddedProfile, TheBlockIsMeasuredExactlyAndTheExampleBlockIsLargeEnough) {
    const auto config = example::small_config(1);
    const std::size_t required = coap::Endpoint::required_memory(config);
    std::printf("required_memory(small_config) = %zu bytes on this host\n", required);
    EXPECT_LE(required, example::endpoint_memory_bytes);
    // The example's block is this measurement rounded up to 8, not more.
    EXPECT_GT(required + 8, example::endpoint_memory_bytes);
    // Larger capacities need more memory, by at least the bytes of the buffers.
    auto larger = config;
    larger.capacities.exchanges += 4;
    EXPECT_GE(coap::Endpoint::required_memory(larger),
              required + 4 * config.capacities.max_message_size);
    // A block of exactly the required size suffices (the arena checks every take).
    std::vector<std::max_align_t> exact(required / sizeof(std::max_align_t) + 1);
    const long before = coap::test::allocations_so_far();
    {
        coap::Endpoint endpoint(config, {reinterpret_cast<std::byte*>(exact.data()), required});
        EXPECT_EQ(endpoint.config().capacities.exchanges, 4u);
        std::array<std::byte, 128> buffer{};
        EXPECT_TRUE(endpoint.ping(coap::Instant{0}, coap::Address::ipv4({10, 0, 0, 1}, 5683)));
        EXPECT_TRUE(endpoint.poll_transmit(buffer).has_value());
    }
    EXPECT_EQ(coap::test::allocations_so_far(), before);
}

[[noreturn]] void report_and_exit(const coap::ContractViolation& violation) {
    std::fprintf(stderr, "handler: %s at %s:%d\n", violation.kind,
                 violation.file != nullptr ? violation.file : "?", violation.line);
    std::_Exit(3);
}

void count_violation(const coap::ContractViolation&) {}

/// A 4-byte ping polled into a 2-byte buffer: poll_transmit's precondition.
void poll_into_too_small_buffer() {
    coap::Endpoint endpoint(example::small_config(1));
    std::array<std::byte, 2> tiny{};
    (void)endpoint.ping(coap::Instant{0}, coap::Address::ipv4({10, 0, 0, 1}, 5683));
    (void)endpoint.poll_transmit(tiny);
}

TEST(EmbeddedProfileDeathTest, ATooSmallBlockIsAContractViolationSeenByTheHandler) {
    const auto config = example::small_config(1);
    const std::size_t required = coap::Endpoint::required_memory(config);
    EXPECT_EXIT(
        {
            coap::set_contract_violation_handler(report_and_exit);
            std::vector<std::max_align_t> small(required / sizeof(std::max_align_t));
            coap::Endpoint endpoint(config,
                                    {reinterpret_cast<std::byte*>(small.data()), required - 1});
        },
        testing::ExitedWithCode(3), "handler: Precondition at .*endpoint\\.cpp:[0-9]+");
}

TEST(EmbeddedProfileDeathTest, AMisalignedBlockIsAContractViolation) {
    const auto config = example::small_config(1);
    const std::size_t required = coap::Endpoint::required_memory(config);
    EXPECT_EXIT(
        {
            coap::set_contract_violation_handler(report_and_exit);
            std::vector<std::max_align_t> memory(required / sizeof(std::max_align_t) + 2);
            coap::Endpoint endpoint(
                config, {reinterpret_cast<std::byte*>(memory.data()) + 1, required + 1});
        },
        testing::ExitedWithCode(3), "handler: Precondition at .*arena\\.hpp:[0-9]+");
}

TEST(EmbeddedProfileDeathTest, AHandlerThatReturnsStillStopsTheProgram) {
    EXPECT_DEATH(
        {
            coap::set_contract_violation_handler(count_violation);
            poll_into_too_small_buffer();
        },
        "");
}

TEST(EmbeddedProfileDeathTest, TheDefaultHandlerTerminates) {
    EXPECT_DEATH(
        {
            coap::set_contract_violation_handler(nullptr);
            poll_into_too_small_buffer();
        },
        "");
}

TEST(EmbeddedProfile, SetReturnsThePreviousHandler) {
    EXPECT_EQ(coap::set_contract_violation_handler(count_violation), nullptr);
    EXPECT_EQ(coap::set_contract_violation_handler(report_and_exit), &count_violation);
    EXPECT_EQ(coap::set_contract_violation_handler(nullptr), &report_and_exit);
}

}  // namespace
