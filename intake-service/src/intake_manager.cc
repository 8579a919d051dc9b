#include "intake_manager.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/field_rules.h"
#include "common/field_violations.h"
#include "common/log.h"
#include "common/uuid.h"
#include "field_checks.h"
#include "intake_roles.h"
#include "progress_mirror.h"

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
      rules_({.max_document_bytes = options.max_document_bytes}, options.units),
      page_tokens_(page_tokens),
      units_(options.units),
      withdrawals_(options.withdrawals) {
  views_.SetAttentionReaders(options.own_attention, options.delivery_attention);
}

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
  // An applicant applies for themselves only: another person's NIK is refused before anything
  // about the request is judged.
  if (as_applicant && !input.applicant.nik.empty() && input.applicant.nik != caller.nik) {
    return absl::PermissionDeniedError(
        "an applicant may apply only for themselves: applicant.nik is not the NIK of the "
        "caller's token");
  }
  // SOP step 1: the applicant and exactly the four documents, all problems at once.
  if (absl::Status s = rules_.CheckSubmission(input); !s.ok()) return s;
  ApplicationRecord draft =
      lifecycle_.Draft(input, NewUuid(), SubmissionRules::CanonicalHash(input));
  // The unit's OU travels with the applicant to the certificate's subject (SOP step 6).
  draft.applicant.certificate_ou = units_->Find(draft.applicant.unit)->certificate_ou;
  Actor actor{.sub = caller.sub, .role = ActingRole(caller, kSubmitAny)};
  absl::StatusOr<ApplicationRecord> stored =
      store_->Apply(draft.id, {RequestKey::Kind::kSubmission, draft.request_id},
                    [&](const ApplicationRecord*, const SeenBefore& seen) {
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
  // Every status across the SOP, as the progress mirror derived it (UNSPECIFIED: any).
  f.status = std::string(SopStatusColumn(query.status));
  bool known_status = query.status == ApplicationStatus::kUnspecified || !f.status.empty();
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
  if (!known_status) v.Add("status", "is not an ApplicationStatus");
  v.AddIf(CheckField("unit", field_rules::kUnitCode, query.unit, /*required=*/false));
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

absl::StatusOr<UnitPage> IntakeManager::ListUnits(const UnitQuery& query) const {
  constexpr int kDefaultUnits = 100;
  FieldViolations v;
  if (query.page_size < 0) v.Add("page_size", "must not be negative");
  std::string after;  // the last code of the previous page
  if (!query.page_token.empty()) {
    absl::StatusOr<std::vector<std::string>> cursor =
        page_tokens_->Decode("units", query.page_token, 1);
    if (!cursor.ok()) {
      v.Add("page_token", "is not a token this service issued");
    } else {
      after = (*cursor)[0];
    }
  }
  if (!v.empty()) return v.ToStatus("the unit list request is invalid");
  const int limit = query.page_size == 0 ? kDefaultUnits : std::min(query.page_size, kMaxPageSize);
  const std::vector<UnitRecord>& all = units_->units();  // sorted by code
  auto it =
      std::upper_bound(all.begin(), all.end(), after,
                       [](const std::string& code, const UnitRecord& u) { return code < u.code; });
  UnitPage page;
  for (; it != all.end() && static_cast<int>(page.units.size()) < limit; ++it) {
    page.units.push_back(*it);
  }
  if (it != all.end())
    page.next_page_token = page_tokens_->Encode("units", {page.units.back().code});
  return page;
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
                                                               const RequestKey& key,
                                                               const ChangeRule& decide) {
  Actor actor{.sub = caller.sub, .role = ActingRole(caller, kChangeAny)};
  absl::StatusOr<ApplicationRecord> updated =
      store_->Apply(id, key, [&](const ApplicationRecord* current, const SeenBefore& seen) {
        return decide(current, seen, actor);
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
  const std::string hash = ApplicationLifecycle::ResubmissionHash(input);
  if (!input.request_id.empty()) {
    // The same resubmission again is answered as it stands, without asking anyone (the
    // application is no longer RETURNED once its documents are back).
    absl::StatusOr<std::optional<SeenRequest>> seen = store_->FindResubmission(input.request_id);
    if (!seen.ok()) return seen.status();
    absl::StatusOr<bool> repeat = ApplicationLifecycle::IsRepeatedResubmission(*seen, a->id, hash);
    if (!repeat.ok()) return repeat.status();
    if (*repeat) return views_.Tracked(*std::move(a));
  }
  // Only a RETURNED application takes new documents; disposition knows whether it is.
  absl::StatusOr<std::optional<CaseView>> kase = views_.CaseForChange(a->id);
  if (!kase.ok()) return kase.status();
  if (absl::Status s =
          ApplicationLifecycle::CheckCanResubmit(a->status, kase->has_value() ? &**kase : nullptr);
      !s.ok()) {
    return s;
  }
  return ChangeAndAnswer(
      caller, a->id, {RequestKey::Kind::kResubmission, input.request_id},
      [&](const ApplicationRecord* current, const SeenBefore& seen, const Actor& actor) {
        return lifecycle_.Resubmit(current, seen.request, input, hash, **kase, actor);
      });
}

absl::StatusOr<ApplicationView> IntakeManager::Withdraw(const Principal& caller,
                                                        const WithdrawalInput& input) {
  absl::StatusOr<ApplicationRecord> a =
      LoadOwned(caller, input.application_id, kChangeAny, "application_id");
  if (!a.ok()) return a.status();
  if (absl::Status s = rules_.CheckWithdrawal(input); !s.ok()) return s;
  // What intake already knows is too late (withdrawn, or past SENT_TO_CA by the last reports)
  // is refused without asking anyone.
  std::optional<CaseView> reported_case = MirroredCase(*a);
  std::optional<EnrollmentView> reported_enrollment = MirroredEnrollment(*a);
  if (absl::Status s = ApplicationLifecycle::CheckCanWithdraw(
          a->status, reported_case ? &*reported_case : nullptr,
          reported_enrollment ? &*reported_enrollment : nullptr);
      !s.ok()) {
    return s;
  }
  // Disposition withdraws the case first, atomically under its version: a Verify racing this
  // either wins there (and this is refused) or loses. Intake follows only from its OK.
  absl::StatusOr<CaseView> withdrawn = WithdrawCaseFirst(a->id, input.reason);
  if (!withdrawn.ok()) return withdrawn.status();
  return ChangeAndAnswer(
      caller, a->id, {},
      [&](const ApplicationRecord* current, const SeenBefore&, const Actor& actor) {
        return lifecycle_.Withdraw(current, input, *withdrawn, actor);
      });
}

absl::StatusOr<CaseView> IntakeManager::WithdrawCaseFirst(const std::string& id,
                                                          const std::string& reason) {
  if (withdrawals_ == nullptr) {
    return absl::UnavailableError("no disposition client; nothing was changed");
  }
  absl::StatusOr<CaseView> kase =
      withdrawals_->WithdrawCase(id, absl::StrCat("intake:withdraw:", id), reason);
  if (kase.ok()) return kase;
  switch (kase.status().code()) {
    case absl::StatusCode::kFailedPrecondition:  // SENT_TO_CA (ask for a revocation), REJECTED
    case absl::StatusCode::kAborted:             // a concurrent change of the case: retry
    case absl::StatusCode::kInvalidArgument:
      return kase.status();
    default:
      return absl::UnavailableError(
          absl::StrCat("the disposition service could not withdraw the case (",
                       absl::StatusCodeToString(kase.status().code()), ": ",
                       kase.status().message(), "); nothing was changed, try again later"));
  }
}

absl::StatusOr<ApplicationView> IntakeManager::RecordProgress(const ProgressInput& input) {
  if (absl::Status s = CheckProgressReport(input); !s.ok()) return s;
  ProgressInput report = input;
  report.application_id = absl::AsciiStrToLower(input.application_id);
  absl::StatusOr<ApplicationRecord> stored = store_->Apply(
      report.application_id, {}, [&](const ApplicationRecord* current, const SeenBefore&) {
        return lifecycle_.RecordProgress(current, report);
      });
  if (!stored.ok()) return stored.status();
  return ApplicationViews::Own(*std::move(stored));
}

}  // namespace sertel::intake
