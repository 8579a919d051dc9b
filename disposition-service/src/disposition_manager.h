// What each DispositionService call does, between the gRPC handler and the store: input checks,
// the chain's rules inside the store's transaction, the outbox rows an action owes other services
// (certificate.StartEnrollment after Verify, the applicant's notification after Return/Reject),
// inbox paging and the SLA report. No gRPC here; errors are absl::Status.
//
//   DispositionManager m(&store, &clock);
//   absl::StatusOr<CaseRecord> c = m.Forward(caller, id, /*expected_version=*/1, "Proses");
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "case_records.h"
#include "common/notification_client.h"  // kSendNotificationTopic
#include "common/auth.h"
#include "common/clock.h"
#include "disposition_chain.h"
#include "disposition_store.h"

namespace sertel::disposition {

inline constexpr char kStartEnrollmentTopic[] = "certificate.StartEnrollment";

struct InboxPage {
  std::vector<CaseRecord> cases;
  std::string next_page_token;
};

// Steps 6 and 7 happen in the certificate service; the SLA report asks it for their rows.
using LaterStepsSla =
    std::function<absl::StatusOr<std::vector<StepSla>>(absl::Time from, absl::Time to)>;

struct SlaResult {
  absl::Time from, to;
  std::vector<StepSla> steps;
};

class DispositionManager {
 public:
  static constexpr int kDefaultPageSize = 50;
  static constexpr int kMaxPageSize = 500;

  // Without `later_steps` the SLA report covers steps 1-5 only (tests of this service alone).
  DispositionManager(DispositionStore* store, const Clock* clock,
                     LaterStepsSla later_steps = nullptr)
      : store_(store), chain_(clock), clock_(clock), later_steps_(std::move(later_steps)) {}

  absl::StatusOr<CaseRecord> OpenCase(const Principal& caller, const OpenInput& in);
  absl::StatusOr<CaseRecord> ResumeCase(const Principal& caller, const std::string& id,
                                        const std::string& request_id);
  absl::StatusOr<CaseRecord> WithdrawCase(const Principal& caller, const std::string& id,
                                          const std::string& request_id,
                                          const std::string& reason);
  absl::StatusOr<CaseRecord> GetCase(const std::string& id);

  absl::StatusOr<CaseRecord> Forward(const Principal& caller, const std::string& id,
                                     int64_t expected_version, const std::string& note);
  absl::StatusOr<CaseRecord> Verify(const Principal& caller, const std::string& id,
                                    int64_t expected_version, const Checklist& checklist,
                                    const std::string& note);
  // `kinds`: sertel.v1.DocumentKind numbers.
  absl::StatusOr<CaseRecord> Return(const Principal& caller, const std::string& id,
                                    int64_t expected_version, const std::string& reason,
                                    const std::vector<int>& kinds);
  absl::StatusOr<CaseRecord> Reject(const Principal& caller, const std::string& id,
                                    int64_t expected_version, const std::string& reason);

  // The caller's step only (their role -> step), oldest arrival first, keyset-paged.
  absl::StatusOr<InboxPage> ListInbox(const Principal& caller, int page_size,
                                      const std::string& page_token);
  // Every SOP step in order, 1 to 7 (1 to 5 without `later_steps`), count 0 where nothing
  // happened. Step 1: from submission at intake to the case reaching the head of agency; steps
  // 2-5: the officials' actions; 6-7 from the certificate service (UNAVAILABLE when it does not
  // answer: the report is never silently partial). Default period: the 30 days before `to`, `to`
  // defaulting to now.
  absl::StatusOr<SlaResult> GetSlaReport(std::optional<absl::Time> from,
                                         std::optional<absl::Time> to);

  // Opaque page tokens: base64url of "<step_entered_at micros>:<application_id>".
  static std::string EncodePageToken(const InboxCursor& cursor);
  static absl::StatusOr<InboxCursor> DecodePageToken(const std::string& token);

 private:
  DispositionStore* store_;
  DispositionChain chain_;
  const Clock* clock_;
  LaterStepsSla later_steps_;
};

}  // namespace sertel::disposition
