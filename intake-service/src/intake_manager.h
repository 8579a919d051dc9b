// SOP step 1 as intake-service does it, one method per RPC: accepts an application with its four
// documents, keeps every document version, answers where the application stands across the
// whole SOP, and lets the applicant resubmit (when RETURNED) or withdraw (before SENT_TO_CA).
// Handlers call it with the authenticated caller (the RPC's roles were checked already) and
// input records (intake_proto.h); it answers records. It validates, reads, asks the services
// after it, and runs the rules (application_lifecycle.h) inside IntakeStore::Apply. No gRPC, no
// SQL, no protobuf: the store, the downstream readers, the clock and the page-token codec are
// injected.
//
//   IntakeManager intake(&store, &case_client, &enrollment_client, SystemClock::Default(),
//                        {.max_document_bytes = 5 << 20}, runtime->page_tokens());
//   absl::StatusOr<ApplicationView> v = intake.Submit(caller, FromProto(request));
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "application_lifecycle.h"
#include "application_views.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/page_token.h"
#include "downstream.h"
#include "intake_records.h"
#include "intake_store.h"
#include "submission_rules.h"
#include "unit_registry.h"

namespace sertel::intake {

class IntakeManager {
 public:
  struct Options {
    int64_t max_document_bytes = 5 << 20;
    // The unit registry (unit_registry.h); Applicant.unit must be one of its codes. Required.
    const UnitRegistry* units = nullptr;
    // Disposition's WithdrawCase, which a withdrawal calls first (DispositionClient). Null:
    // every withdrawal is UNAVAILABLE.
    CaseWithdrawer* withdrawals = nullptr;
    // Application.attention besides the case's and the enrollment's (ApplicationViews): intake's
    // own outbox (OutboxAttentionReader) and the notification service's failed deliveries
    // (OutboxAttentionClient). Null: not asked.
    const AttentionReader* own_attention = nullptr;
    const AttentionReader* delivery_attention = nullptr;
  };
  IntakeManager(IntakeStore* store, CaseReader* cases, EnrollmentReader* enrollments,
                const Clock* clock, Options options,
                const PageTokenCodec* page_tokens = PageTokenCodec::ProcessDefault());

  absl::StatusOr<ApplicationView> Submit(const Principal& caller, const SubmissionInput& input);
  // Intake's view merged with the case and the enrollment (best effort: when they cannot be
  // asked, intake's own view).
  absl::StatusOr<ApplicationView> Get(const Principal& caller, const std::string& id);
  // Intake's own status; newest first; keyset paging with a signed token bound to the filters.
  absl::StatusOr<ApplicationPage> List(const Principal& caller, const ListQuery& query);
  absl::StatusOr<DocumentRecord> GetDocument(const Principal& caller, const DocumentQuery& query);
  absl::StatusOr<ApplicationView> Resubmit(const Principal& caller, const ResubmissionInput& input);
  // Disposition withdraws the case first (synchronously); intake writes WITHDRAWN only after
  // its OK. Refused after SENT_TO_CA; UNAVAILABLE, with nothing changed, when disposition cannot.
  absl::StatusOr<ApplicationView> Withdraw(const Principal& caller, const WithdrawalInput& input);
  // A report of disposition or certificate (SERVICE only, intake_roles.h): applied to the
  // progress mirror in version order per source; an older or repeated one answers OK and
  // changes nothing. NOT_FOUND for an unknown application.
  absl::StatusOr<ApplicationView> RecordProgress(const ProgressInput& input);
  // The unit registry, by code, keyset-paged.
  absl::StatusOr<UnitPage> ListUnits(const UnitQuery& query) const;

 private:
  // The application `id` (a UUID, else INVALID_ARGUMENT on `field`), which an APPLICANT acting
  // as such may touch only when it is theirs (PERMISSION_DENIED).
  absl::StatusOr<ApplicationRecord> LoadOwned(const Principal& caller, const std::string& id,
                                              RoleSet privileged, absl::string_view field);
  // The store's filter for `query`, the page-token scope it is bound to, every bad field at once.
  absl::StatusOr<ListFilter> ListFilterFor(const Principal& caller, const ListQuery& query,
                                           std::string* scope) const;

  // Runs `decide` on the locked application `id` for `caller` (acting as an operator or as its
  // applicant) and answers with the whole view.
  using ChangeRule = std::function<absl::StatusOr<ApplicationChange>(
      const ApplicationRecord* current, const SeenBefore& seen, const Actor& actor)>;
  absl::StatusOr<ApplicationView> ChangeAndAnswer(const Principal& caller, const std::string& id,
                                                  const RequestKey& key, const ChangeRule& decide);
  // DispositionService.WithdrawCase (key "intake:withdraw:<id>"); its refusals as they are,
  // anything else UNAVAILABLE.
  absl::StatusOr<CaseView> WithdrawCaseFirst(const std::string& id, const std::string& reason);

  IntakeStore* store_;
  ApplicationViews views_;
  ApplicationLifecycle lifecycle_;
  SubmissionRules rules_;
  const PageTokenCodec* page_tokens_;
  const UnitRegistry* units_;
  CaseWithdrawer* withdrawals_;
};

}  // namespace sertel::intake
