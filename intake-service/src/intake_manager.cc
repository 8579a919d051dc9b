#include "intake_manager.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/field_violations.h"
#include "common/log.h"
#include "common/uuid.h"
#include "field_checks.h"
#include "intake_roles.h"

namespace sertel::intake {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

// The applicant's token must name them: an applicant acts only as the person of their NIK.
absl::Status NoNik() { return absl::PermissionDeniedError("the applicant's token carries no nik"); }

}  // namespace

IntakeManager::IntakeManager(IntakeStore* store, CaseReader* cases, EnrollmentReader* enrollments,
                             const Clock* clock, Options options, const PageTokenCodec* page_tokens)
    : store_(store),
      views_(cases, enrollments),
      lifecycle_(clock),
      rules_({.max_document_bytes = options.max_document_bytes}),
      page_tokens_(page_tokens) {}

absl::StatusOr<ApplicationRecord> IntakeManager::LoadOwned(const Principal& caller,
                                                           const std::string& id,
                                                           RoleSet privileged,
                                                           absl::string_view field) {
  if (!IsUuid(id)) return InvalidField(std::string(field), "must be an application id (UUID)");
  absl::StatusOr<ApplicationRecord> a = store_->Get(absl::AsciiStrToLower(id));
  if (!a.ok()) return a.status();
  if (OnlyAsApplicant(caller, privileged) &&
      (caller.nik.empty() || a->applicant.nik != caller.nik)) {
    return absl::PermissionDeniedError("an applicant may act only on their own application");
  }
  return a;
}

absl::StatusOr<ApplicationView> IntakeManager::Submit(const Principal& caller,
                                                      const SubmissionInput& input) {
  bool as_applicant = OnlyAsApplicant(caller, kSubmitAny);
  if (as_applicant && caller.nik.empty()) return NoNik();
  // SOP step 1: the applicant and exactly the four documents, all problems at once.
  if (absl::Status s = rules_.CheckSubmission(input, as_applicant ? caller.nik : ""); !s.ok()) {
    return s;
  }
  ApplicationRecord draft =
      lifecycle_.Draft(input, NewUuid(), SubmissionRules::CanonicalHash(input));
  Actor actor{.sub = caller.sub, .role = ActingRole(caller, kSubmitAny)};
  absl::StatusOr<ApplicationRecord> stored =
      store_->Apply(draft.id, draft.request_id,
                    [&](const ApplicationRecord*, const std::optional<SeenRequest>& seen) {
                      return lifecycle_.Submit(seen, draft, actor);
                    });
  if (!stored.ok()) return stored.status();
  Log::Info(stored->id == draft.id ? "application_submitted" : "submission_repeated",
            {{"application_id", stored->id}});
  return ApplicationViews::Own(*std::move(stored));
}

absl::StatusOr<ApplicationView> IntakeManager::Get(const Principal& caller, const std::string& id) {
  absl::StatusOr<ApplicationRecord> a = LoadOwned(caller, id, kReadAny, "id");
  if (!a.ok()) return a.status();
  return views_.Tracked(*std::move(a));
}

absl::StatusOr<ListFilter> IntakeManager::ListFilterFor(const Principal& caller,
                                                        const ListQuery& query,
                                                        std::string* scope) const {
  // An applicant sees only their own applications, whatever nik they ask for.
  bool as_applicant = OnlyAsApplicant(caller, kReadAny);
  if (as_applicant && caller.nik.empty()) return NoNik();
  ListFilter f;
  f.limit = query.page_size == 0 ? kDefaultPageSize : std::min(query.page_size, kMaxPageSize);
  bool known_status = true;
  switch (query.status) {
    case ApplicationStatus::kUnspecified:
      break;
    case ApplicationStatus::kSubmitted:
    case ApplicationStatus::kWithdrawn:
      f.status = std::string(StoredStatusName(query.status));
      break;
    default:
      known_status = false;
  }
  f.unit = query.unit;
  f.nik = as_applicant ? caller.nik : query.nik;
  // A token is good only for the list and the filters it was made for.
  *scope = absl::StrCat("applications:status=", f.status, ";unit=", f.unit, ";nik=", f.nik,
                        ";applicant=", as_applicant ? caller.nik : "");

  FieldViolations v;
  if (query.page_size < 0) v.Add("page_size", "must not be negative");
  if (!query.page_token.empty()) {
    absl::StatusOr<std::vector<std::string>> cursor =
        page_tokens_->Decode(*scope, query.page_token, 2);
    if (!cursor.ok() || !absl::SimpleAtoi((*cursor)[0], &f.cursor_created_micros) ||
        !IsUuid((*cursor)[1])) {
      v.Add("page_token", "is not a token this service issued");
    } else {
      f.cursor_id = (*cursor)[1];
    }
    f.has_cursor = true;
  }
  if (!known_status) {
    v.Add("status",
          "the list filters on intake's own status: SUBMITTED or WITHDRAWN (GetApplication "
          "shows the status across all steps)");
  }
  v.AddIfError("unit", CheckText(query.unit, 200, false));
  if (!as_applicant && !query.nik.empty()) v.AddIfError("nik", CheckNik(query.nik));
  if (!v.empty()) return v.ToStatus("the list request is invalid");
  return f;
}

absl::StatusOr<ApplicationPage> IntakeManager::List(const Principal& caller,
                                                    const ListQuery& query) {
  std::string scope;
  absl::StatusOr<ListFilter> f = ListFilterFor(caller, query, &scope);
  if (!f.ok()) return f.status();
  int page = f->limit;
  f->limit += 1;  // one more tells whether there is a next page
  absl::StatusOr<std::vector<ApplicationRecord>> rows = store_->List(*f);
  if (!rows.ok()) return rows.status();
  ApplicationPage out;
  if (static_cast<int>(rows->size()) > page) {
    const ApplicationRecord& last = (*rows)[page - 1];
    out.next_page_token =
        page_tokens_->Encode(scope, {absl::StrCat(absl::ToUnixMicros(last.created_at)), last.id});
    rows->resize(page);
  }
  for (ApplicationRecord& a : *rows)
    out.applications.push_back(ApplicationViews::Own(std::move(a)));
  return out;
}

absl::StatusOr<DocumentRecord> IntakeManager::GetDocument(const Principal& caller,
                                                          const DocumentQuery& query) {
  FieldViolations v;
  if (!IsUuid(query.application_id)) {
    v.Add("application_id", "must be an application id (UUID)");
  }
  if (query.kind < 1 || query.kind > 4) {
    v.Add("kind", "must be REQUEST_LETTER, BSRE_FORM, KTP_COPY or SK_COPY");
  }
  if (!v.empty()) return v.ToStatus("the document request is invalid");
  absl::StatusOr<ApplicationRecord> a =
      LoadOwned(caller, query.application_id, kDocumentsAny, "application_id");
  if (!a.ok()) return a.status();
  return store_->GetDocument(a->id, query.kind);
}

absl::StatusOr<ApplicationView> IntakeManager::ChangeAndAnswer(const Principal& caller,
                                                               const std::string& id,
                                                               const ChangeRule& decide) {
  Actor actor{.sub = caller.sub, .role = ActingRole(caller, kChangeAny)};
  absl::StatusOr<ApplicationRecord> updated = store_->Apply(
      id, "", [&](const ApplicationRecord* current, const std::optional<SeenRequest>&) {
        return decide(current, actor);
      });
  if (!updated.ok()) return updated.status();
  // Answer with the whole view, as GetApplication would.
  return views_.Tracked(*std::move(updated));
}

absl::StatusOr<ApplicationView> IntakeManager::Resubmit(const Principal& caller,
                                                        const ResubmissionInput& input) {
  absl::StatusOr<ApplicationRecord> a =
      LoadOwned(caller, input.application_id, kChangeAny, "application_id");
  if (!a.ok()) return a.status();
  if (absl::Status s = rules_.CheckResubmission(input); !s.ok()) return s;
  if (!ApplicationLifecycle::IsRepeatedResubmission(*a, input.request_id)) {
    // Only a RETURNED application takes new documents; disposition knows whether it is.
    absl::StatusOr<std::optional<CaseView>> kase = views_.CaseForChange(a->id);
    if (!kase.ok()) return kase.status();
    if (absl::Status s = ApplicationLifecycle::CheckCanResubmit(
            a->status, kase->has_value() ? &**kase : nullptr);
        !s.ok()) {
      return s;
    }
  }
  return ChangeAndAnswer(caller, a->id, [&](const ApplicationRecord* current, const Actor& actor) {
    return lifecycle_.Resubmit(current, input, actor);
  });
}

absl::StatusOr<ApplicationView> IntakeManager::Withdraw(const Principal& caller,
                                                        const WithdrawalInput& input) {
  absl::StatusOr<ApplicationRecord> a =
      LoadOwned(caller, input.application_id, kChangeAny, "application_id");
  if (!a.ok()) return a.status();
  if (absl::Status s = rules_.CheckWithdrawal(input); !s.ok()) return s;
  if (a->status == ApplicationStatus::kWithdrawn) {
    return ApplicationLifecycle::CheckCanWithdraw(a->status, nullptr, nullptr);
  }
  // Only before SENT_TO_CA: disposition knows how far the case went.
  absl::StatusOr<std::optional<CaseView>> kase = views_.CaseForChange(a->id);
  if (!kase.ok()) return kase.status();
  if (absl::Status s = ApplicationLifecycle::CheckCanWithdraw(
          a->status, kase->has_value() ? &**kase : nullptr, nullptr);
      !s.ok()) {
    return s;
  }
  return ChangeAndAnswer(caller, a->id, [&](const ApplicationRecord* current, const Actor& actor) {
    return lifecycle_.Withdraw(current, input, actor);
  });
}

}  // namespace sertel::intake
