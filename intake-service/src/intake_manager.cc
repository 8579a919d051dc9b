#include "intake_manager.h"

#include <openssl/rand.h>

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/field_violations.h"
#include "common/log.h"
#include "common/sop.h"
#include "field_checks.h"
#include "google/protobuf/util/time_util.h"
#include "sertel/v1/notification.pb.h"

namespace sertel::intake {
namespace {

using google::protobuf::util::TimeUtil;

// Who may act on any application rather than only on their own, per RPC (api-contract.md).
constexpr RoleSet kSubmitAny = {Role::kOperator};
constexpr RoleSet kReadAny = {Role::kHeadOfAgency, Role::kHeadOfDivision, Role::kHeadOfSection,
                              Role::kVerifier,     Role::kOperator,       Role::kAuditor,
                              Role::kService};
constexpr RoleSet kDocumentsAny = {Role::kHeadOfAgency, Role::kHeadOfDivision,
                                   Role::kHeadOfSection, Role::kVerifier};
constexpr RoleSet kChangeAny = {Role::kOperator};

// SOP standard time of step 1 (api-contract.md: 15 minutes for steps 1-5).
constexpr absl::Duration kStep1Standard = SopStandardTime(1);

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

bool OnlyAsApplicant(const Principal& p, RoleSet privileged) {
  return p.Has(Role::kApplicant) && !p.roles.Intersects(privileged);
}

std::string ActingRole(const Principal& p, RoleSet privileged) {
  if (OnlyAsApplicant(p, privileged)) return "APPLICANT";
  for (int i = 0; i < kRoleCount; ++i) {
    Role r = static_cast<Role>(i);
    if (p.Has(r) && privileged.Contains(r)) return std::string(RoleName(r));
  }
  return p.roles.ToString();
}

absl::Time TruncateToMicros(absl::Time t) {
  return absl::FromUnixMicros(absl::ToUnixMicros(t));
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

std::string NewUuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    // Cannot happen with a working OpenSSL; never fall back to a weak source.
    std::abort();
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string hex = absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(b), 16));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20, 12));
}

v1::ApplicationStatus OwnStatus(const std::string& s) {
  return s == "WITHDRAWN" ? v1::APPLICATION_STATUS_WITHDRAWN : v1::APPLICATION_STATUS_SUBMITTED;
}

std::vector<DocumentRecord> ToRecords(const google::protobuf::RepeatedPtrField<v1::Document>& in,
                                      absl::Time at) {
  std::vector<DocumentRecord> out;
  for (const v1::Document& d : in) {
    DocumentRecord r;
    r.kind = d.kind();
    r.filename = d.filename();
    // The stored type is the one the bytes show, not the one declared.
    r.content_type = SniffDocumentType(d.content());
    r.content = d.content();
    r.sha256 = Sha256Hex(d.content());
    r.size_bytes = static_cast<int64_t>(d.content().size());
    r.uploaded_at = at;
    out.push_back(std::move(r));
  }
  return out;
}

// Downstream readers are best effort for the tracking view: NOT_FOUND is "not there yet", and
// any failure leaves intake's own view.
template <typename T>
std::optional<T> BestEffort(absl::StatusOr<std::optional<T>> r, absl::string_view what,
                            const std::string& id) {
  if (!r.ok()) {
    Log::Warn("tracking_lookup_failed",
              {{"what", std::string(what)}, {"application_id", id},
               {"code", absl::StatusCodeToString(r.status().code())}});
    return std::nullopt;
  }
  return *std::move(r);
}

// A lookup that decides whether a change is allowed must succeed: UNAVAILABLE, changed nothing.
absl::Status Unreachable(const absl::Status& s) {
  return absl::UnavailableError(absl::StrCat(
      "the disposition service cannot be asked where the application stands (",
      absl::StatusCodeToString(s.code()), "); nothing was changed, try again later"));
}

}  // namespace

IntakeManager::IntakeManager(IntakeStore* store, CaseReader* cases, EnrollmentReader* enrollments,
                             const Clock* clock, Options options)
    : store_(store),
      cases_(cases),
      enrollments_(enrollments),
      clock_(clock),
      rules_({.max_document_bytes = options.max_document_bytes}) {}

bool IntakeManager::IsUuid(absl::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!absl::ascii_isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string IntakeManager::EncodePageToken(int64_t created_micros, const std::string& id) {
  return absl::WebSafeBase64Escape(absl::StrCat(created_micros, "|", id));
}

bool IntakeManager::DecodePageToken(const std::string& token, int64_t* created_micros,
                                    std::string* id) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return false;
  std::vector<std::string> parts = absl::StrSplit(raw, '|');
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], created_micros) || !IsUuid(parts[1])) {
    return false;
  }
  *id = parts[1];
  return true;
}

SopView IntakeManager::OwnView(const ApplicationRecord& a) const {
  IntakeView own;
  own.status = OwnStatus(a.status);
  own.last_resubmitted_at = a.last_resubmitted_at;
  for (const TimelineRecord& t : a.timeline) {
    v1::TimelineEntry e;
    e.set_step(static_cast<v1::Step>(t.step));
    e.set_action(t.action);
    e.set_actor_sub(t.actor_sub);
    e.set_actor_role(t.actor_role);
    e.set_note(t.note);
    *e.mutable_at() = ToProto(t.at);
    // Step 1 is the hand-in itself: it takes no waiting time at intake.
    *e.mutable_duration() = TimeUtil::SecondsToDuration(0);
    *e.mutable_standard_duration() =
        TimeUtil::SecondsToDuration(absl::ToInt64Seconds(kStep1Standard));
    e.set_within_standard(true);
    own.timeline.push_back(std::move(e));
  }
  return SopStatus::Merge(own, nullptr, nullptr);
}

void IntakeManager::Fill(const ApplicationRecord& a, const SopView& view,
                         v1::Application* out) const {
  out->Clear();
  out->set_id(a.id);
  *out->mutable_applicant() = a.applicant;
  for (const DocumentRecord& d : a.documents) {
    v1::Document* doc = out->add_documents();
    doc->set_kind(static_cast<v1::DocumentKind>(d.kind));
    doc->set_filename(d.filename);
    doc->set_content_type(d.content_type);
    doc->set_sha256(d.sha256);
    doc->set_size_bytes(d.size_bytes);
    doc->set_version(d.version);
    *doc->mutable_uploaded_at() = ToProto(d.uploaded_at);
  }
  out->set_status(view.status);
  out->set_current_step(view.current_step);
  *out->mutable_created_at() = ToProto(a.created_at);
  *out->mutable_updated_at() = ToProto(a.updated_at);
  for (const v1::TimelineEntry& e : view.timeline) *out->add_timeline() = e;
  out->set_request_id(a.request_id);
  out->set_note(a.note);
  out->set_return_reason(view.return_reason);
  for (v1::DocumentKind k : view.missing_documents) out->add_missing_documents(k);
}

absl::StatusOr<ApplicationRecord> IntakeManager::LoadOwned(const Principal& caller,
                                                           const std::string& id,
                                                           RoleSet privileged,
                                                           absl::string_view field) {
  if (!IsUuid(id)) return InvalidField(std::string(field), "must be an application id (UUID)");
  absl::StatusOr<ApplicationRecord> a = store_->Get(absl::AsciiStrToLower(id));
  if (!a.ok()) return a.status();
  if (OnlyAsApplicant(caller, privileged) &&
      (caller.nik.empty() || a->applicant.nik() != caller.nik)) {
    return absl::PermissionDeniedError("an applicant may act only on their own application");
  }
  return a;
}

absl::Status IntakeManager::Submit(const Principal& caller,
                                   const v1::SubmitApplicationRequest& request,
                                   v1::Application* out) {
  bool as_applicant = OnlyAsApplicant(caller, kSubmitAny);
  if (as_applicant && caller.nik.empty()) {
    return absl::PermissionDeniedError("the applicant's token carries no nik");
  }
  // SOP step 1: the applicant and exactly the four documents, all problems at once.
  if (absl::Status s = rules_.CheckSubmission(request, as_applicant ? caller.nik : ""); !s.ok()) {
    return s;
  }
  absl::Time now = TruncateToMicros(clock_->Now());
  ApplicationRecord a;
  a.id = NewUuid();
  a.request_id = request.request_id();
  a.request_hash = SubmissionRules::CanonicalHash(request);
  a.applicant = request.applicant();
  a.note = request.note();
  a.status = "SUBMITTED";
  a.created_at = a.updated_at = now;
  a.documents = ToRecords(request.documents(), now);
  for (DocumentRecord& d : a.documents) d.version = 1;

  std::string role = ActingRole(caller, kSubmitAny);
  TimelineRecord t{.step = v1::STEP_SUBMISSION, .action = "SUBMITTED", .actor_sub = caller.sub,
                   .actor_role = role, .note = request.note(), .at = now};
  AuditNote audit{.actor_sub = caller.sub, .actor_role = role, .action = "SUBMITTED"};
  audit.details["request_id"] = a.request_id;
  audit.details["nik"] = a.applicant.nik();
  audit.details["unit"] = a.applicant.unit();
  nlohmann::json docs = nlohmann::json::array();
  for (const DocumentRecord& d : a.documents) {
    docs.push_back({{"kind", d.kind}, {"version", 1}, {"sha256", d.sha256},
                    {"size_bytes", d.size_bytes}, {"content_type", d.content_type}});
  }
  audit.details["documents"] = docs;

  // Routing starts at step 2 (disposition), and the applicant gets a receipt.
  v1::OpenCaseRequest open;
  open.set_application_id(a.id);
  *open.mutable_applicant() = a.applicant;
  open.set_request_id(absl::StrCat("intake:open:", a.id));
  *open.mutable_submitted_at() = ToProto(now);
  v1::SendNotificationRequest receipt;
  receipt.set_request_id(absl::StrCat("intake:receipt:", a.id));
  receipt.set_application_id(a.id);
  receipt.set_channel(v1::CHANNEL_EMAIL);
  receipt.set_recipient(a.applicant.email());
  receipt.set_template_(v1::NOTIFICATION_TEMPLATE_SUBMISSION_RECEIVED);
  (*receipt.mutable_params())["full_name"] = a.applicant.full_name();
  (*receipt.mutable_params())["application_id"] = a.id;
  std::vector<OutboxItem> outbox = {
      {kOpenCaseTopic, open.request_id(), open.SerializeAsString()},
      {kSendNotificationTopic, receipt.request_id(), receipt.SerializeAsString()}};

  absl::StatusOr<IntakeStore::CreateResult> created = store_->Create(a, t, audit, outbox);
  if (!created.ok()) return created.status();
  absl::StatusOr<ApplicationRecord> stored = store_->Get(created->id);
  if (!stored.ok()) return stored.status();
  if (!created->created) {
    Log::Info("submission_repeated", {{"application_id", created->id}});
  } else {
    Log::Info("application_submitted", {{"application_id", created->id}});
  }
  Fill(*stored, OwnView(*stored), out);
  return absl::OkStatus();
}

absl::Status IntakeManager::Get(const Principal& caller, const std::string& id,
                                v1::Application* out) {
  absl::StatusOr<ApplicationRecord> a = LoadOwned(caller, id, kReadAny, "id");
  if (!a.ok()) return a.status();
  IntakeView own;
  SopView base = OwnView(*a);
  own.status = OwnStatus(a->status);
  own.timeline = base.timeline;
  own.last_resubmitted_at = a->last_resubmitted_at;
  // The whole SOP's status: ask disposition (steps 2-5) and certificate (5-7), read-only.
  std::optional<v1::Case> kase;
  std::optional<v1::Enrollment> enrollment;
  bool case_answered = false;
  if (cases_ != nullptr) {
    absl::StatusOr<std::optional<v1::Case>> r = cases_->GetCase(a->id);
    case_answered = r.ok();
    kase = BestEffort(std::move(r), "case", a->id);
  }
  // An enrollment exists only after SENT_TO_CA; when disposition did not answer, ask anyway.
  bool may_have_enrollment =
      kase.has_value() ? kase->status() == v1::CASE_STATUS_SENT_TO_CA : !case_answered;
  if (enrollments_ != nullptr && may_have_enrollment) {
    enrollment = BestEffort(enrollments_->GetEnrollment(a->id), "enrollment", a->id);
  }
  SopView merged = SopStatus::Merge(own, kase ? &*kase : nullptr,
                                    enrollment ? &*enrollment : nullptr);
  Fill(*a, merged, out);
  return absl::OkStatus();
}

absl::Status IntakeManager::List(const Principal& caller,
                                 const v1::ListApplicationsRequest& request,
                                 v1::ListApplicationsResponse* out) {
  FieldViolations v;
  ListFilter f;
  if (request.page_size() < 0) v.Add("page_size", "must not be negative");
  f.limit = request.page_size() == 0 ? kDefaultPageSize
                                     : std::min(request.page_size(), kMaxPageSize);
  if (!request.page_token().empty()) {
    if (!DecodePageToken(request.page_token(), &f.cursor_created_micros, &f.cursor_id)) {
      v.Add("page_token", "is not a token this service issued");
    }
    f.has_cursor = true;
  }
  switch (request.status()) {
    case v1::APPLICATION_STATUS_UNSPECIFIED: break;
    case v1::APPLICATION_STATUS_SUBMITTED: f.status = "SUBMITTED"; break;
    case v1::APPLICATION_STATUS_WITHDRAWN: f.status = "WITHDRAWN"; break;
    default:
      v.Add("status",
            "the list filters on intake's own status: SUBMITTED or WITHDRAWN (GetApplication "
            "shows the status across all steps)");
  }
  if (absl::Status s = CheckText(request.unit(), 200, false); !s.ok()) {
    v.AddIfError("unit", s);
  }
  f.unit = request.unit();
  if (OnlyAsApplicant(caller, kReadAny)) {
    // An applicant sees only their own applications, whatever nik they ask for.
    if (caller.nik.empty()) {
      return absl::PermissionDeniedError("the applicant's token carries no nik");
    }
    f.nik = caller.nik;
  } else {
    if (!request.nik().empty()) v.AddIfError("nik", CheckNik(request.nik()));
    f.nik = request.nik();
  }
  if (!v.empty()) return v.ToStatus("the list request is invalid");

  f.limit += 1;  // one more tells whether there is a next page
  absl::StatusOr<std::vector<ApplicationRecord>> rows = store_->List(f);
  if (!rows.ok()) return rows.status();
  out->Clear();
  int page = f.limit - 1;
  for (int i = 0; i < static_cast<int>(rows->size()) && i < page; ++i) {
    const ApplicationRecord& a = (*rows)[i];
    Fill(a, OwnView(a), out->add_applications());
  }
  if (static_cast<int>(rows->size()) > page) {
    const ApplicationRecord& last = (*rows)[page - 1];
    out->set_next_page_token(EncodePageToken(absl::ToUnixMicros(last.created_at), last.id));
  }
  return absl::OkStatus();
}

absl::Status IntakeManager::GetDocument(const Principal& caller,
                                        const v1::GetDocumentRequest& request,
                                        v1::Document* out) {
  FieldViolations v;
  if (!IsUuid(request.application_id())) {
    v.Add("application_id", "must be an application id (UUID)");
  }
  if (request.kind() < 1 || request.kind() > 4) {
    v.Add("kind", "must be REQUEST_LETTER, BSRE_FORM, KTP_COPY or SK_COPY");
  }
  if (!v.empty()) return v.ToStatus("the document request is invalid");
  absl::StatusOr<ApplicationRecord> a =
      LoadOwned(caller, request.application_id(), kDocumentsAny, "application_id");
  if (!a.ok()) return a.status();
  absl::StatusOr<DocumentRecord> d = store_->GetDocument(a->id, request.kind());
  if (!d.ok()) return d.status();
  out->Clear();
  out->set_kind(static_cast<v1::DocumentKind>(d->kind));
  out->set_filename(d->filename);
  out->set_content_type(d->content_type);
  out->set_content(std::move(d->content));
  out->set_sha256(d->sha256);
  out->set_size_bytes(d->size_bytes);
  out->set_version(d->version);
  *out->mutable_uploaded_at() = ToProto(d->uploaded_at);
  return absl::OkStatus();
}

absl::Status IntakeManager::Resubmit(const Principal& caller,
                                     const v1::ResubmitDocumentsRequest& request,
                                     v1::Application* out) {
  absl::StatusOr<ApplicationRecord> a =
      LoadOwned(caller, request.application_id(), kChangeAny, "application_id");
  if (!a.ok()) return a.status();
  if (absl::Status s = rules_.CheckResubmission(request); !s.ok()) return s;
  // The same resubmission again (its request_id) is answered without asking anyone.
  if (request.request_id().empty() || request.request_id() != a->last_resubmit_key) {
    // Only a RETURNED application takes new documents; disposition knows whether it is.
    if (cases_ == nullptr) return Unreachable(absl::UnavailableError("no client"));
    absl::StatusOr<std::optional<v1::Case>> kase = cases_->GetCase(a->id);
    if (!kase.ok()) return Unreachable(kase.status());
    if (absl::Status s = SopStatus::CheckCanResubmit(OwnStatus(a->status),
                                                     kase->has_value() ? &**kase : nullptr);
        !s.ok()) {
      return s;
    }
  }
  absl::Time now = TruncateToMicros(clock_->Now());
  std::string role = ActingRole(caller, kChangeAny);
  std::vector<DocumentRecord> docs = ToRecords(request.documents(), now);
  std::vector<std::string> kinds;
  for (const DocumentRecord& d : docs) {
    kinds.push_back(DocumentKindName(static_cast<v1::DocumentKind>(d.kind)));
  }
  TimelineRecord t{.step = v1::STEP_SUBMISSION, .action = "RESUBMITTED", .actor_sub = caller.sub,
                   .actor_role = role, .note = absl::StrJoin(kinds, ","), .at = now};
  AuditNote audit{.actor_sub = caller.sub, .actor_role = role, .action = "RESUBMITTED"};
  std::string id = a->id;
  absl::StatusOr<ApplicationRecord> updated = store_->Resubmit(
      id, docs, request.request_id(), t, audit, [&id](int n) {
        // Routing resumes at the step that returned it (disposition's ResumeCase).
        v1::ResumeCaseRequest resume;
        resume.set_application_id(id);
        resume.set_request_id(absl::StrCat("intake:resume:", id, ":", n));
        return OutboxItem{kResumeCaseTopic, resume.request_id(), resume.SerializeAsString()};
      });
  if (!updated.ok()) return updated.status();
  // Answer with the whole view, as GetApplication would.
  return Get(caller, id, out);
}

absl::Status IntakeManager::Withdraw(const Principal& caller,
                                     const v1::WithdrawApplicationRequest& request,
                                     v1::Application* out) {
  absl::StatusOr<ApplicationRecord> a =
      LoadOwned(caller, request.application_id(), kChangeAny, "application_id");
  if (!a.ok()) return a.status();
  if (absl::Status s = rules_.CheckWithdrawal(request); !s.ok()) return s;
  if (OwnStatus(a->status) == v1::APPLICATION_STATUS_WITHDRAWN) {
    return SopStatus::CheckCanWithdraw(v1::APPLICATION_STATUS_WITHDRAWN, nullptr, nullptr);
  }
  // Only before SENT_TO_CA: disposition knows how far the case went.
  if (cases_ == nullptr) return Unreachable(absl::UnavailableError("no client"));
  absl::StatusOr<std::optional<v1::Case>> kase = cases_->GetCase(a->id);
  if (!kase.ok()) return Unreachable(kase.status());
  if (absl::Status s = SopStatus::CheckCanWithdraw(
          OwnStatus(a->status), kase->has_value() ? &**kase : nullptr, nullptr);
      !s.ok()) {
    return s;
  }
  absl::Time now = TruncateToMicros(clock_->Now());
  std::string role = ActingRole(caller, kChangeAny);
  TimelineRecord t{.step = v1::STEP_SUBMISSION, .action = "WITHDRAWN", .actor_sub = caller.sub,
                   .actor_role = role, .note = request.reason(), .at = now};
  AuditNote audit{.actor_sub = caller.sub, .actor_role = role, .action = "WITHDRAWN"};
  audit.details["reason"] = request.reason();
  v1::WithdrawCaseRequest withdraw;
  withdraw.set_application_id(a->id);
  withdraw.set_request_id(absl::StrCat("intake:withdraw:", a->id));
  withdraw.set_reason(request.reason());
  absl::StatusOr<ApplicationRecord> updated = store_->Withdraw(
      a->id, request.reason(), t, audit,
      {kWithdrawCaseTopic, withdraw.request_id(), withdraw.SerializeAsString()});
  if (!updated.ok()) return updated.status();
  return Get(caller, a->id, out);
}

}  // namespace sertel::intake
