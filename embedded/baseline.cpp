// baseline.cpp — size-report program "baseline": the same bare-metal loop over
// the fake radio with no CoAP at all (it echoes frames). Its text, data and bss
// are the C runtime's and the loop's; the report subtracts them.
#include "../examples/embedded/fake_radio.hpp"

namespace {

example::FakeAir air;
example::FakeRadio radio(air, 1);

}  // namespace

int main() {
    for (;;) {
        const example::Frame* frame = radio.receive();
        if (frame == nullptr) continue;
        radio.transmit(frame->from, frame->payload());
        radio.release();
    }
}
