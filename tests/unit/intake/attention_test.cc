// Application.attention (issue 15): intake's own DEAD outbox row wins, then the case's attention,
// then the enrollment's, then a delivery the notification service gave up on; the notification
// service is asked only when nothing closer marks the application; a reader that fails leaves
// the rest (best effort); and the mapping carries the record to and from sertel.v1.
#include <optional>

#include "application_views.h"
#include "common/attention_proto.h"
#include "gtest/gtest.h"
#include "intake_proto.h"
#include "sop_status.h"

namespace sertel::intake {
namespace {

AttentionRecord Mark(const std::string& service, const std::string& what, int64_t id) {
  return AttentionRecord{.service = service,
                         .what = what,
                         .at = absl::FromUnixSeconds(1735689600 + id),
                         .error = "INVALID_ARGUMENT: refused",
                         .outbox_id = std::to_string(id)};
}

class FakeReader final : public AttentionReader {
 public:
  explicit FakeReader(absl::StatusOr<std::optional<AttentionRecord>> answer)
      : answer_(std::move(answer)) {}
  absl::StatusOr<std::optional<AttentionRecord>> AttentionFor(
      const std::string& application_id) const override {
    ++calls;
    last_id = application_id;
    return answer_;
  }
  mutable int calls = 0;
  mutable std::string last_id;

 private:
  absl::StatusOr<std::optional<AttentionRecord>> answer_;
};

class FakeCases final : public CaseReader {
 public:
  absl::StatusOr<std::optional<CaseView>> GetCase(const std::string&) override { return kase; }
  std::optional<CaseView> kase;
};

class FakeEnrollments final : public EnrollmentReader {
 public:
  absl::StatusOr<std::optional<EnrollmentView>> GetEnrollment(const std::string&) override {
    return enrollment;
  }
  std::optional<EnrollmentView> enrollment;
};

TEST(PickAttentionTest, OwnThenCaseThenEnrollmentThenDelivery) {
  const AttentionRecord own = Mark("intake", "disposition.OpenCase", 1);
  const AttentionRecord delivery =
      Mark("notification", "notification.EMAIL.APPLICATION_RETURNED", 4);
  CaseView kase;
  kase.attention = Mark("disposition", "certificate.StartEnrollment", 2);
  EnrollmentView enrollment;
  enrollment.attention = Mark("certificate", "notification.SendNotification", 3);

  EXPECT_EQ(SopStatus::PickAttention(own, &kase, &enrollment, delivery), own);
  EXPECT_EQ(SopStatus::PickAttention(std::nullopt, &kase, &enrollment, delivery), kase.attention);
  EXPECT_EQ(SopStatus::PickAttention(std::nullopt, nullptr, &enrollment, delivery),
            enrollment.attention);
  CaseView clean;
  EXPECT_EQ(SopStatus::PickAttention(std::nullopt, &clean, &enrollment, delivery),
            enrollment.attention);
  EXPECT_EQ(SopStatus::PickAttention(std::nullopt, &clean, nullptr, delivery), delivery);
  EXPECT_EQ(SopStatus::PickAttention(std::nullopt, &clean, nullptr, std::nullopt), std::nullopt);
}

ApplicationRecord Application(const std::string& id) {
  ApplicationRecord a;
  a.id = id;
  a.created_at = absl::FromUnixSeconds(1735689600);
  a.updated_at = a.created_at;
  return a;
}

TEST(ApplicationViewsAttentionTest, TheCasesAttentionReachesTheApplication) {
  FakeCases cases;
  CaseView kase;
  kase.status = CaseStatus::kSentToCa;
  kase.current_step = 5;
  kase.attention = Mark("disposition", "certificate.StartEnrollment", 7);
  cases.kase = kase;
  FakeEnrollments enrollments;  // none yet: StartEnrollment never got through
  FakeReader own(std::optional<AttentionRecord>{});
  FakeReader deliveries(std::optional<AttentionRecord>{Mark("notification", "x", 9)});
  ApplicationViews views(&cases, &enrollments);
  views.SetAttentionReaders(&own, &deliveries);

  ApplicationView v = views.Tracked(Application("app-1"));
  EXPECT_EQ(v.sop.attention, kase.attention);
  EXPECT_EQ(own.calls, 1);
  EXPECT_EQ(own.last_id, "app-1");
  EXPECT_EQ(deliveries.calls, 0) << "not asked when something closer marks the application";

  v1::Application out;
  ToProto(v, &out);
  ASSERT_TRUE(out.has_attention());
  EXPECT_EQ(out.attention().service(), "disposition");
  EXPECT_EQ(out.attention().what(), "certificate.StartEnrollment");
  EXPECT_EQ(out.attention().outbox_id(), "7");
}

TEST(ApplicationViewsAttentionTest, OwnDeadRowWinsAndDeliveriesAreTheLastResort) {
  FakeCases cases;
  CaseView kase;
  kase.status = CaseStatus::kInReview;
  kase.current_step = 2;
  cases.kase = kase;
  FakeReader own(std::optional<AttentionRecord>{Mark("intake", "disposition.OpenCase", 1)});
  FakeReader deliveries(std::optional<AttentionRecord>{
      Mark("notification", "notification.EMAIL.SUBMISSION_RECEIVED", 2)});
  ApplicationViews views(&cases, nullptr);
  views.SetAttentionReaders(&own, &deliveries);
  EXPECT_EQ(views.Tracked(Application("a")).sop.attention->service, "intake");

  FakeReader nothing(std::optional<AttentionRecord>{});
  views.SetAttentionReaders(&nothing, &deliveries);
  EXPECT_EQ(views.Tracked(Application("a")).sop.attention->service, "notification");
  EXPECT_EQ(deliveries.calls, 1);

  // A reader that cannot answer leaves the rest; nothing marked is no attention at all.
  FakeReader down(absl::UnavailableError("database down"));
  views.SetAttentionReaders(&down, &down);
  ApplicationView v = views.Tracked(Application("a"));
  EXPECT_FALSE(v.sop.attention.has_value());
  v1::Application out;
  ToProto(v, &out);
  EXPECT_FALSE(out.has_attention());
}

TEST(IntakeProtoAttentionTest, CaseAndEnrollmentAttentionIsReadWithItsPresence) {
  v1::Case c;
  EXPECT_FALSE(FromProto(c).attention.has_value());
  const AttentionRecord a = Mark("disposition", "certificate.StartEnrollment", 42);
  AttentionToProto(a, c.mutable_attention());
  EXPECT_EQ(FromProto(c).attention, a);

  v1::Enrollment e;
  EXPECT_FALSE(FromProto(e).attention.has_value());
  AttentionToProto(a, e.mutable_attention());
  EXPECT_EQ(FromProto(e).attention, a);
}

}  // namespace
}  // namespace sertel::intake
