// The calls intake owes disposition-service (SOP step 1 hands the application to step 2), as
// outbox items: topic `disposition.<Rpc>`, the request's idempotency key, the serialized request.
// Built in intake_proto.cc, the only domain file that knows sertel::v1; the lifecycle puts them
// into its decisions, DispositionClient delivers them.
//
//   change.outbox.push_back(OpenCaseItem(application));
//   rt->outbox().Register(kOpenCaseTopic, [&](const OutboxMessage& m) { ... });
#pragma once

#include <string>

#include "common/change_records.h"
#include "intake_records.h"

namespace sertel::intake {

inline constexpr char kOpenCaseTopic[] = "disposition.OpenCase";
inline constexpr char kResumeCaseTopic[] = "disposition.ResumeCase";
// No new rows: a withdrawal calls WithdrawCase synchronously (CaseWithdrawer, downstream.h).
// Still delivered for rows queued before intake did so.
inline constexpr char kWithdrawCaseTopic[] = "disposition.WithdrawCase";

// OpenCase for a new application (key "intake:open:<id>"; submitted at its created_at).
OutboxItem OpenCaseItem(const ApplicationRecord& application);
// ResumeCase after resubmission `n` (key "intake:resume:<id>:<n>").
OutboxItem ResumeCaseItem(const std::string& application_id, int n);

}  // namespace sertel::intake
