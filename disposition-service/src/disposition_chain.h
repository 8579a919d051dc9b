// The SOP's disposition chain (steps 2-5) as a plain state machine: which role acts at which
// step, which action fits which step and status, the contract's order of checks, the SOP's
// standard times, and the decision each action makes (a CaseChange: new state + timeline entry
// + audit entry + the outbox items owed to the certificate and notification services).
// No SQL, no gRPC, no protobuf: DispositionManager runs these inside DispositionStore::Apply.
//
//   DispositionChain chain(&clock);
//   absl::StatusOr<CaseChange> c = chain.Forward(&current, /*expected_version=*/3,
//                                                {.sub = "kadis", .roles = {Role::kHeadOfAgency}},
//                                                "Teruskan ke Kabid TKPBET");
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "disposition_records.h"

namespace sertel::disposition {

enum class CaseAction { kForward, kVerify, kReturn, kReject };
absl::string_view CaseActionName(CaseAction action);  // "Forward", ...

struct Actor {
  std::string sub;
  RoleSet roles;
  std::string nik;  // the official's own NIK from their token, when it carries one
};

class DispositionChain {
 public:
  static constexpr int kFirstStep = 2;  // SOP step 2: head of agency
  static constexpr int kLastStep = 5;   // SOP step 5: verifier

  explicit DispositionChain(const Clock* clock) : clock_(clock) {}
  const Clock* clock() const { return clock_; }

  // SOP "Pelaksana" (disposition_roles.h): 2 head of agency, 3 head of division, 4 head of
  // section, 5 verifier.
  static std::optional<Role> RoleForStep(int step);
  static std::optional<int> StepForRole(Role role);
  // The inbox a caller sees: the lowest step any of their roles acts at (nullopt: none).
  static std::optional<int> InboxStep(const RoleSet& roles);
  // SOP "Mutu Baku" (common/sop.h): 15 minutes for steps 1-5, 10 minutes for steps 6-7.
  static absl::Duration StandardTime(int step);
  static absl::Time DueAt(const CaseRecord& c) {
    return c.step_entered_at + StandardTime(c.current_step);
  }

  // The contract's order (docs/api.md, "Errors"), after the RPC's role table: the case exists
  // (NOT_FOUND), expected_version is current (ABORTED), the caller holds the current step's role
  // (PERMISSION_DENIED) and is not the applicant (`caller_nik`, PERMISSION_DENIED: nobody
  // dispositions their own request), the action fits the step and status (FAILED_PRECONDITION).
  static absl::Status CheckAction(const CaseRecord* current, int64_t expected_version,
                                  const RoleSet& caller, CaseAction action,
                                  const std::string& caller_nik = "");

  // The officials' actions. `current` is null when the case does not exist. Each runs
  // CheckAction first.
  absl::StatusOr<CaseChange> Forward(const CaseRecord* current, int64_t expected_version,
                                     const Actor& actor, const std::string& note) const;
  // Also owes certificate.StartEnrollment (SOP step 5: "sends it to the BSrE service").
  absl::StatusOr<CaseChange> Verify(const CaseRecord* current, int64_t expected_version,
                                    const Actor& actor, const Checklist& checklist,
                                    const std::string& note) const;
  // Return and Reject also owe the applicant an email (notification.SendNotification).
  absl::StatusOr<CaseChange> Return(const CaseRecord* current, int64_t expected_version,
                                    const Actor& actor, const std::string& reason,
                                    const std::vector<std::string>& missing_documents) const;
  absl::StatusOr<CaseChange> Reject(const CaseRecord* current, int64_t expected_version,
                                    const Actor& actor, const std::string& reason) const;

  // The service calls from intake, idempotent on their request id (`seen`: what that id was
  // used for before, if at all). Every change of a case, these and the officials' actions, also
  // reports the case's new status, step and version to intake (IntakeService.RecordProgress,
  // common/progress_report.h). Withdraw is refused after SENT_TO_CA (ask for a revocation) and
  // after REJECTED; without a case it records one as WITHDRAWN, which a later Open answers.
  absl::StatusOr<CaseChange> Open(const CaseRecord* current, const std::optional<SeenRequest>& seen,
                                  const OpenInput& in, const Actor& actor) const;
  absl::StatusOr<CaseChange> Resume(const CaseRecord* current,
                                    const std::optional<SeenRequest>& seen,
                                    const std::string& application_id,
                                    const std::string& request_id, const Actor& actor) const;
  absl::StatusOr<CaseChange> Withdraw(const CaseRecord* current,
                                      const std::optional<SeenRequest>& seen,
                                      const std::string& application_id,
                                      const std::string& request_id, const std::string& reason,
                                      const Actor& actor) const;

 private:
  // An official's timeline entry at the case's current step: how long the case waited there.
  TimelineEntry OfficialEntry(const CaseRecord& c, absl::string_view action, const Actor& actor,
                              const std::string& note, absl::Time now) const;
  // WithdrawCase for an application whose case was not opened yet: a WITHDRAWN case.
  CaseChange WithdrawBeforeOpening(const std::string& application_id, const std::string& request_id,
                                   const std::string& reason, const Actor& actor) const;
  // A service entry (OPENED, RESUMED, WITHDRAWN): no waiting time of an official.
  static TimelineEntry ServiceEntry(int step, absl::string_view action, const Actor& actor,
                                    const std::string& note, absl::Time now);
  CaseChange UpdateOf(const CaseRecord& current, absl::Time now) const;
  // An official's action: CheckAction, then the update of `current` with the official's timeline
  // entry and audit entry `entry_action` ("FORWARDED", ...); the action adds the rest.
  absl::StatusOr<CaseChange> OfficialChange(const CaseRecord* current, int64_t expected_version,
                                            const Actor& actor, CaseAction action,
                                            const char* entry_action,
                                            const std::string& note) const;

  const Clock* clock_;
};

}  // namespace sertel::disposition
