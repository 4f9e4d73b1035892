// check_options_test.cpp — which options must be treated as unrecognised
// (RFC 7252 §5.4.1, §5.4.3, §5.4.5): critical first, elective otherwise.
#include "coap/message.hpp"

#include "hex.hpp"
#include "owned_message.hpp"

#include <gtest/gtest.h>

namespace coap {
namespace {

std::optional<OptionIssue> issues_of(std::vector<test::OwnedOption> options) {
    test::OwnedMessage m;
    m.options = std::move(options);
    static std::vector<std::byte> bytes;
    bytes = test::encode(m).value();
    return check_options(MessageView::parse(bytes).value());
}

TEST(Rfc7252Section5_4_1, UnrecognizedCriticalOptionIsReported) {
    const auto issue = issues_of({{11, test::bytes_of("a")}, {65001, {}}});
    ASSERT_TRUE(issue.has_value());
    EXPECT_EQ(to_underlying(issue->number), 65001);
    EXPECT_EQ(issue->problem, OptionProblem::unrecognized);
    EXPECT_TRUE(issue->critical);
}

TEST(Rfc7252Section5_4_1, UnrecognizedElectiveOptionIsReportedAsIgnorable) {
    const auto issue = issues_of({{65000, {}}});
    ASSERT_TRUE(issue.has_value());
    EXPECT_FALSE(issue->critical);
}

TEST(Rfc7252Section5_4_1, CriticalIssuesComeBeforeElectiveOnes) {
    const auto issue =
        issues_of({{2, {}}, {9999, {}}});  // 2 elective unknown, 9999 critical unknown
    ASSERT_TRUE(issue.has_value());
    EXPECT_EQ(to_underlying(issue->number), 9999);
}

TEST(Rfc7252Section5_4_3, LengthOutsideBoundsIsUnrecognized) {
    const auto critical = issues_of({{3, {}}});  // Uri-Host needs 1..255 bytes
    ASSERT_TRUE(critical.has_value());
    EXPECT_EQ(critical->problem, OptionProblem::bad_length);
    EXPECT_TRUE(critical->critical);
    const auto elective = issues_of({{12, test::from_hex("000032")}});  // Content-Format 0..2
    ASSERT_TRUE(elective.has_value());
    EXPECT_EQ(elective->problem, OptionProblem::bad_length);
    EXPECT_FALSE(elective->critical);
}

TEST(Rfc7252Section5_4_5, RepeatedNonRepeatableOption) {
    const auto issue =
        issues_of({{17, test::from_hex("32")}, {17, test::from_hex("3c")}});  // Accept twice
    ASSERT_TRUE(issue.has_value());
    EXPECT_EQ(issue->problem, OptionProblem::not_repeatable);
    EXPECT_TRUE(issue->critical);
    EXPECT_FALSE(issues_of({{11, test::bytes_of("a")}, {11, test::bytes_of("b")}}).has_value());
}

TEST(CheckOptions, WellFormedMessageHasNoIssue) {
    EXPECT_FALSE(issues_of({}).has_value());
    EXPECT_FALSE(
        issues_of({{3, test::bytes_of("h")}, {11, {}}, {12, {}}, {23, test::from_hex("0e")}})
            .has_value());
    for (OptionProblem p :
         {OptionProblem::unrecognized, OptionProblem::bad_length, OptionProblem::not_repeatable}) {
        EXPECT_NE(describe(p), "unknown option problem");
    }
}

}  // namespace
}  // namespace coap
