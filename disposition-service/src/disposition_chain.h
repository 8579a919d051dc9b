// The SOP's disposition chain (steps 2-5) as a plain state machine: which role acts at which
// step, which action fits which step and status, the contract's order of checks, the SOP's
// standard times, and the change each action makes (new state + timeline entry + audit note).
// No SQL, no gRPC: DispositionManager runs these inside DispositionStore::Apply's transaction.
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
#include "case_records.h"
#include "common/auth.h"
#include "common/clock.h"

namespace sertel::disposition {

enum class CaseAction { kForward, kVerify, kReturn, kReject };
absl::string_view CaseActionName(CaseAction action);  // "Forward", ...

struct Actor {
  std::string sub;
  RoleSet roles;
};

// What intake sends with OpenCase.
struct OpenInput {
  std::string application_id;
  std::string request_id;
  ApplicantInfo applicant;
  std::optional<absl::Time> submitted_at;
};

class DispositionChain {
 public:
  static constexpr int kFirstStep = 2;  // SOP step 2: head of agency
  static constexpr int kLastStep = 5;   // SOP step 5: verifier
  static constexpr size_t kMaxTextChars = 1000;

  explicit DispositionChain(const Clock* clock) : clock_(clock) {}
  const Clock* clock() const { return clock_; }

  // SOP "Pelaksana": 2 head of agency, 3 head of division, 4 head of section, 5 verifier.
  static std::optional<Role> RoleForStep(int step);
  static std::optional<int> StepForRole(Role role);
  // The inbox a caller sees: the lowest step any of their roles acts at (nullopt: none).
  static std::optional<int> InboxStep(const RoleSet& roles);
  // SOP "Mutu Baku" (common/sop.h): 15 minutes for steps 1-5, 10 minutes for steps 6-7.
  static absl::Duration StandardTime(int step);
  static absl::Time DueAt(const CaseRecord& c) {
    return c.step_entered_at + StandardTime(c.current_step);
  }
  // "REQUEST_LETTER", "BSRE_FORM", "KTP_COPY", "SK_COPY" for sertel.v1.DocumentKind 1-4.
  static std::optional<std::string> DocumentKindName(int kind);

  // Input checks: INVALID_ARGUMENT listing every bad field (nothing is read or written first).
  static absl::Status ValidateOpen(const OpenInput& in);
  static absl::Status ValidateRequestKey(absl::string_view application_id,
                                         absl::string_view request_id, absl::string_view reason);
  static absl::Status ValidateForward(absl::string_view application_id, int64_t expected_version,
                                      absl::string_view note);
  static absl::Status ValidateVerify(absl::string_view application_id, int64_t expected_version,
                                     const Checklist& checklist, absl::string_view note);
  static absl::Status ValidateReturn(absl::string_view application_id, int64_t expected_version,
                                     absl::string_view reason, const std::vector<int>& kinds);
  static absl::Status ValidateReject(absl::string_view application_id, int64_t expected_version,
                                     absl::string_view reason);

  // The contract's order (api-contract.md "Errors"), after the RPC's role table: the case exists
  // (NOT_FOUND), expected_version is current (ABORTED), the caller holds the current step's role
  // (PERMISSION_DENIED), the action fits the step and status (FAILED_PRECONDITION).
  static absl::Status CheckAction(const CaseRecord* current, int64_t expected_version,
                                  const RoleSet& caller, CaseAction action);

  // The officials' actions. `current` is null when the case does not exist. Each runs
  // CheckAction first.
  absl::StatusOr<CaseChange> Forward(const CaseRecord* current, int64_t expected_version,
                                     const Actor& actor, const std::string& note) const;
  absl::StatusOr<CaseChange> Verify(const CaseRecord* current, int64_t expected_version,
                                    const Actor& actor, const Checklist& checklist,
                                    const std::string& note) const;
  absl::StatusOr<CaseChange> Return(const CaseRecord* current, int64_t expected_version,
                                    const Actor& actor, const std::string& reason,
                                    const std::vector<std::string>& missing_documents) const;
  absl::StatusOr<CaseChange> Reject(const CaseRecord* current, int64_t expected_version,
                                    const Actor& actor, const std::string& reason) const;

  // The service calls from intake, idempotent on their request id (`seen`: what that id was
  // used for before, if at all).
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
  // A service entry (OPENED, RESUMED, WITHDRAWN): no waiting time of an official.
  static TimelineEntry ServiceEntry(int step, absl::string_view action, const Actor& actor,
                                    const std::string& note, absl::Time now);
  CaseChange UpdateOf(const CaseRecord& current, absl::Time now) const;

  const Clock* clock_;
};

}  // namespace sertel::disposition
