// time_test.cpp — Instant and Duration arithmetic: Instant ± Duration and
// Instant − Instant saturate at the ends of the timeline instead of wrapping, so
// an Endpoint given any `now` (an embedder's clock, a fuzzer's) computes sane
// deadlines. Found by the engine fuzzer: a ping at a time near INT64_MAX.
#include <coap/endpoint.hpp>
#include <coap/time.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace coap {
namespace {

TEST(Time, InstantPlusDurationIsExactInsideTheTimeline) {
    EXPECT_EQ((Instant{1000} + milliseconds(234)).ms, 1234);
    EXPECT_EQ((Instant{1000} - seconds(2)).ms, -1000);
    EXPECT_EQ((Instant{5000} - Instant{1500}).ms, 3500);
}

TEST(Time, InstantArithmeticSaturatesAtTheEnds) {
    EXPECT_EQ(Instant::max() - milliseconds(255) + milliseconds(2658), Instant::max());
    EXPECT_EQ(Instant::min() + milliseconds(-1), Instant::min());
    EXPECT_EQ(Instant::min() - milliseconds(1), Instant::min());
    EXPECT_EQ(Instant::max() - milliseconds(-1), Instant::max());
    EXPECT_EQ((Instant::max() - Instant{-5}).ms, INT64_MAX);
    EXPECT_EQ((Instant{-5} - Instant::max()).ms, INT64_MIN);
}

TEST(Time, AnEndpointNearTheEndOfTimeKeepsItsDeadlinesAtOrAfterNow) {
    Endpoint endpoint{EndpointConfig{}};
    const Instant now = Instant::max() - milliseconds(255);
    const std::array<std::uint8_t, 4> ip{127, 0, 0, 1};
    const auto pinged = endpoint.ping(now, Address::ipv4(ip, 5683));
    ASSERT_TRUE(pinged.ok());
    std::array<std::byte, 64> buffer{};
    EXPECT_TRUE(endpoint.poll_transmit(buffer).has_value());
    // The retransmission deadline saturates at the end of the timeline, which
    // the engine reports as no deadline; it never wraps to the distant past.
    const auto deadline = endpoint.next_timeout();
    if (deadline) {
        EXPECT_GE(*deadline, now);
    }
}

TEST(Time, AnEndpointSecondsBeforeTheEndOfTimeStillRetransmits) {
    Endpoint endpoint{EndpointConfig{}};
    const Instant now = Instant::max() - seconds(10);
    const std::array<std::uint8_t, 4> ip{127, 0, 0, 1};
    ASSERT_TRUE(endpoint.ping(now, Address::ipv4(ip, 5683)).ok());
    std::array<std::byte, 64> buffer{};
    ASSERT_TRUE(endpoint.poll_transmit(buffer).has_value());
    const auto deadline = endpoint.next_timeout();
    ASSERT_TRUE(deadline.has_value());
    EXPECT_GE(*deadline, now + seconds(2));
    endpoint.handle_timeout(*deadline);
    EXPECT_TRUE(endpoint.poll_transmit(buffer).has_value());
}

}  // namespace
}  // namespace coap
