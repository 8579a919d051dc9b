// What each DispositionService call does, between the gRPC handler and the store: the input
// checks (disposition_validation.h), then the chain's decision inside the store's transaction
// (DispositionStore::Apply), the inbox with its signed page tokens, and the SLA report merged
// with the certificate service's steps 6-7. Returns records; no gRPC, no protobuf.
//
//   DispositionManager m(&store, &clock);
//   absl::StatusOr<CaseRecord> c = m.Forward(caller, id, /*expected_version=*/1, "Proses");
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/page_token.h"
#include "disposition_chain.h"
#include "disposition_records.h"
#include "disposition_store.h"

namespace sertel::disposition {

// Steps 6 and 7 happen in the certificate service; the SLA report asks it for their rows.
using LaterStepsSla =
    std::function<absl::StatusOr<std::vector<StepSla>>(absl::Time from, absl::Time to)>;

class DispositionManager {
 public:
  static constexpr int kDefaultPageSize = 50;
  static constexpr int kMaxPageSize = 500;

  // Without `later_steps` the SLA report covers steps 1-5 only (tests of this service alone).
  // `page_tokens` signs the inbox's page tokens (main.cc: the runtime's, the same in every
  // replica).
  DispositionManager(DispositionStore* store, const Clock* clock,
                     LaterStepsSla later_steps = nullptr,
                     const PageTokenCodec* page_tokens = PageTokenCodec::ProcessDefault())
      : store_(store),
        chain_(clock),
        clock_(clock),
        later_steps_(std::move(later_steps)),
        page_tokens_(page_tokens) {}

  absl::StatusOr<CaseRecord> OpenCase(const Principal& caller, const OpenInput& in);
  absl::StatusOr<CaseRecord> ResumeCase(const Principal& caller, const std::string& id,
                                        const std::string& request_id);
  absl::StatusOr<CaseRecord> WithdrawCase(const Principal& caller, const std::string& id,
                                          const std::string& request_id, const std::string& reason);
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

  // The caller's step only (their role -> step), oldest arrival first, keyset-paged. A page
  // token is good only for the inbox (step) that issued it.
  absl::StatusOr<InboxPage> ListInbox(const Principal& caller, int page_size,
                                      const std::string& page_token);
  // Every SOP step in order, 1 to 7 (1 to 5 without `later_steps`), count 0 where nothing
  // happened. Step 1: from submission at intake to the case reaching the head of agency; steps
  // 2-5: the officials' actions; 6-7 from the certificate service (UNAVAILABLE when it does not
  // answer: the report is never silently partial). Default period: the 30 days before `to`, `to`
  // defaulting to now.
  absl::StatusOr<SlaResult> GetSlaReport(std::optional<absl::Time> from,
                                         std::optional<absl::Time> to);

 private:
  // The cursor a page token carries; nullopt for a token not issued for `step`'s inbox.
  std::optional<InboxCursor> DecodeCursor(std::optional<int> step, const std::string& token) const;
  std::string EncodeCursor(int step, const CaseRecord& last) const;

  DispositionStore* store_;
  DispositionChain chain_;
  const Clock* clock_;
  LaterStepsSla later_steps_;
  const PageTokenCodec* page_tokens_;
};

}  // namespace sertel::disposition
