// on_target.cpp — the embedded example run on an emulated Cortex-M4 (QEMU's
// mps2-an386, scripts/embedded_size.sh): the code the size table measures,
// executed where it is meant to run. It measures Endpoint::required_memory of
// the example's configuration on this ILP32 target and checks that the
// example's block holds it, then runs two Devices over the fake radio in
// virtual milliseconds, clean and lossy, and checks what the client side
// learned (as tests/embedded/ does on the host). Prints one line per check;
// the exit status says whether all passed.
#include "../../examples/embedded/two_nodes.hpp"
#include "target.hpp"

#include <cstddef>
#include <cstdint>

namespace {

using example::Device;
using example::FakeAir;
using example::FakeRadio;

struct alignas(coap::Endpoint::memory_alignment) Block {
    std::byte bytes[example::endpoint_memory_bytes];
};
Block sensor_memory;
Block gateway_memory;

bool all_passed = true;

void check(bool passed, const char* what) {
    target::write(passed ? "  ok    " : "  FAIL  ");
    target::write(what);
    target::write("\n");
    all_passed = all_passed && passed;
}

void measure() {
    const std::size_t required = coap::Endpoint::required_memory(example::small_config(1));
    target::write("required_memory(small_config) = ");
    target::write(static_cast<std::uint32_t>(required));
    target::write(" bytes on this target; the example's block: ");
    target::write(static_cast<std::uint32_t>(example::endpoint_memory_bytes));
    target::write("\n");
    check(required <= example::endpoint_memory_bytes, "the example's block holds the Endpoint");
    check(required + 8 > example::endpoint_memory_bytes,
          "the block is the measurement rounded up to 8, not more");
}

void two_nodes() {
    target::write("two nodes, clean radio:\n");
    FakeAir air;
    FakeRadio sensor_radio(air, 1);
    FakeRadio gateway_radio(air, 2);
    Device sensor(sensor_radio, sensor_memory.bytes, 2, 11);
    Device gateway(gateway_radio, gateway_memory.bytes, 1, 22);
    sensor.set_temperature(215);
    example::run_two_nodes(sensor, gateway, sensor_radio, gateway_radio, 0, 10'000);
    check(gateway.readings() >= 4, "at least four readings in 10 s");
    check(gateway.peer_temperature() == 215, "the reading is the sensor's 21.5");
    check(gateway.notifications_received() >= 3, "at least three notifications");
    check(example::is_served_log(gateway.peer_log()), "the 300-byte log arrived whole, block-wise");
    const std::uint32_t notified = gateway.notifications_received();
    sensor.set_temperature(-42);
    example::run_two_nodes(sensor, gateway, sensor_radio, gateway_radio, 10'000, 13'100);
    check(gateway.notifications_received() > notified && gateway.peer_temperature() == -42,
          "a new state is notified within a period");
    check(gateway.failures() == 0 && sensor.failures() == 0, "no request failed");
    check(sensor_radio.overruns() + gateway_radio.overruns() == 0, "no receive ring overran");
}

void lossy_radio() {
    target::write("two nodes, every fourth frame lost:\n");
    FakeAir air;
    air.drop_every = 4;
    FakeRadio sensor_radio(air, 1);
    FakeRadio gateway_radio(air, 2);
    Device sensor(sensor_radio, sensor_memory.bytes, 2, 33);
    Device gateway(gateway_radio, gateway_memory.bytes, 1, 44);
    example::run_two_nodes(sensor, gateway, sensor_radio, gateway_radio, 0, 120'000);
    check(air.dropped > 10, "frames were lost");
    check(gateway.readings() >= 10, "at least ten readings in 120 s");
    check(example::is_served_log(gateway.peer_log()), "the log still arrived whole");
}

}  // namespace

int target::program() {
    target::write("cobalt on an emulated Cortex-M4\n");
    measure();
    two_nodes();
    lossy_radio();
    target::write(all_passed ? "all checks passed\n" : "some checks FAILED\n");
    return all_passed ? 0 : 1;
}
