#include "disposition_manager.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "case_proto.h"
#include "common/field_violations.h"
#include "common/sop.h"
#include "sertel/v1/certificate.pb.h"
#include "sertel/v1/notification.pb.h"

namespace sertel::disposition {
namespace {

Actor ActorOf(const Principal& p) { return Actor{.sub = p.sub, .roles = p.roles}; }

// The applicant hears about a return or a rejection by email (applicant.email).
OutboxItem Notify(const CaseRecord& c, const std::string& request_id,
                  v1::NotificationTemplate tmpl,
                  std::vector<std::pair<std::string, std::string>> params) {
  v1::SendNotificationRequest r;
  r.set_request_id(request_id);
  r.set_application_id(c.application_id);
  r.set_channel(v1::CHANNEL_EMAIL);
  r.set_recipient(c.applicant.email);
  r.set_template_(tmpl);
  auto& map = *r.mutable_params();
  map["full_name"] = c.applicant.full_name;
  map["application_id"] = c.application_id;
  for (auto& [k, v] : params) map[k] = v;
  return OutboxItem{kSendNotificationTopic, request_id, r.SerializeAsString()};
}

}  // namespace

absl::StatusOr<CaseRecord> DispositionManager::OpenCase(const Principal& caller,
                                                        const OpenInput& in) {
  if (absl::Status s = DispositionChain::ValidateOpen(in); !s.ok()) return s;
  return store_->Apply(in.application_id, in.request_id,
                       [&](const CaseRecord* current, const std::optional<SeenRequest>& seen) {
                         return chain_.Open(current, seen, in, ActorOf(caller));
                       });
}

absl::StatusOr<CaseRecord> DispositionManager::ResumeCase(const Principal& caller,
                                                          const std::string& id,
                                                          const std::string& request_id) {
  if (absl::Status s = DispositionChain::ValidateRequestKey(id, request_id, ""); !s.ok()) return s;
  return store_->Apply(id, request_id,
                       [&](const CaseRecord* current, const std::optional<SeenRequest>& seen) {
                         return chain_.Resume(current, seen, id, request_id, ActorOf(caller));
                       });
}

absl::StatusOr<CaseRecord> DispositionManager::WithdrawCase(const Principal& caller,
                                                            const std::string& id,
                                                            const std::string& request_id,
                                                            const std::string& reason) {
  if (absl::Status s = DispositionChain::ValidateRequestKey(id, request_id, reason); !s.ok()) {
    return s;
  }
  return store_->Apply(id, request_id,
                       [&](const CaseRecord* current, const std::optional<SeenRequest>& seen) {
                         return chain_.Withdraw(current, seen, id, request_id, reason,
                                                ActorOf(caller));
                       });
}

absl::StatusOr<CaseRecord> DispositionManager::GetCase(const std::string& id) {
  FieldViolations v;
  if (id.empty()) v.Add("application_id", "is required");
  if (!v.empty()) return v.ToStatus("the GetCase request is invalid");
  return store_->Get(id);
}

absl::StatusOr<CaseRecord> DispositionManager::Forward(const Principal& caller,
                                                       const std::string& id,
                                                       int64_t expected_version,
                                                       const std::string& note) {
  if (absl::Status s = DispositionChain::ValidateForward(id, expected_version, note); !s.ok()) {
    return s;
  }
  return store_->Apply(id, "", [&](const CaseRecord* current, const std::optional<SeenRequest>&) {
    return chain_.Forward(current, expected_version, ActorOf(caller), note);
  });
}

absl::StatusOr<CaseRecord> DispositionManager::Verify(const Principal& caller,
                                                      const std::string& id,
                                                      int64_t expected_version,
                                                      const Checklist& checklist,
                                                      const std::string& note) {
  if (absl::Status s = DispositionChain::ValidateVerify(id, expected_version, checklist, note);
      !s.ok()) {
    return s;
  }
  return store_->Apply(
      id, "",
      [&](const CaseRecord* current,
          const std::optional<SeenRequest>&) -> absl::StatusOr<CaseChange> {
        absl::StatusOr<CaseChange> ch =
            chain_.Verify(current, expected_version, ActorOf(caller), checklist, note);
        if (!ch.ok()) return ch;
        // SOP step 5: "sends it to the BSrE service" - through the outbox, in this same
        // transaction, retried until the certificate service takes it.
        v1::StartEnrollmentRequest r;
        r.set_application_id(id);
        *r.mutable_applicant() = ToProto(ch->after.applicant);
        r.set_request_id(absl::StrCat("disposition:enroll:", id));
        ch->outbox.push_back({kStartEnrollmentTopic, r.request_id(), r.SerializeAsString()});
        return ch;
      });
}

absl::StatusOr<CaseRecord> DispositionManager::Return(const Principal& caller,
                                                      const std::string& id,
                                                      int64_t expected_version,
                                                      const std::string& reason,
                                                      const std::vector<int>& kinds) {
  if (absl::Status s = DispositionChain::ValidateReturn(id, expected_version, reason, kinds);
      !s.ok()) {
    return s;
  }
  std::vector<std::string> names;
  for (int k : kinds) names.push_back(*DispositionChain::DocumentKindName(k));
  return store_->Apply(
      id, "",
      [&](const CaseRecord* current,
          const std::optional<SeenRequest>&) -> absl::StatusOr<CaseChange> {
        absl::StatusOr<CaseChange> ch =
            chain_.Return(current, expected_version, ActorOf(caller), reason, names);
        if (!ch.ok()) return ch;
        ch->outbox.push_back(
            Notify(ch->after,
                   absl::StrCat("disposition:returned:", id, ":", ch->after.version),
                   v1::NOTIFICATION_TEMPLATE_APPLICATION_RETURNED,
                   {{"reason", reason}, {"missing_documents", absl::StrJoin(names, ",")}}));
        return ch;
      });
}

absl::StatusOr<CaseRecord> DispositionManager::Reject(const Principal& caller,
                                                      const std::string& id,
                                                      int64_t expected_version,
                                                      const std::string& reason) {
  if (absl::Status s = DispositionChain::ValidateReject(id, expected_version, reason); !s.ok()) {
    return s;
  }
  return store_->Apply(
      id, "",
      [&](const CaseRecord* current,
          const std::optional<SeenRequest>&) -> absl::StatusOr<CaseChange> {
        absl::StatusOr<CaseChange> ch =
            chain_.Reject(current, expected_version, ActorOf(caller), reason);
        if (!ch.ok()) return ch;
        ch->outbox.push_back(Notify(ch->after, absl::StrCat("disposition:rejected:", id),
                                    v1::NOTIFICATION_TEMPLATE_APPLICATION_REJECTED,
                                    {{"reason", reason}}));
        return ch;
      });
}

std::string DispositionManager::EncodePageToken(const InboxCursor& cursor) {
  return absl::WebSafeBase64Escape(absl::StrCat(absl::ToUnixMicros(cursor.step_entered_at), ":",
                                                cursor.application_id));
}

absl::StatusOr<InboxCursor> DispositionManager::DecodePageToken(const std::string& token) {
  std::string raw;
  auto bad = [] { return InvalidField("page_token", "is not a token this service issued"); };
  if (!absl::WebSafeBase64Unescape(token, &raw)) return bad();
  size_t colon = raw.find(':');
  int64_t micros = 0;
  if (colon == std::string::npos || colon + 1 >= raw.size() ||
      !absl::SimpleAtoi(absl::string_view(raw).substr(0, colon), &micros)) {
    return bad();
  }
  return InboxCursor{.step_entered_at = absl::FromUnixMicros(micros),
                     .application_id = raw.substr(colon + 1)};
}

absl::StatusOr<InboxPage> DispositionManager::ListInbox(const Principal& caller, int page_size,
                                                        const std::string& page_token) {
  FieldViolations v;
  if (page_size < 0) v.Add("page_size", "must not be negative");
  std::optional<InboxCursor> after;
  if (!page_token.empty()) {
    absl::StatusOr<InboxCursor> c = DecodePageToken(page_token);
    if (c.ok()) {
      after = *c;
    } else {
      v.Add("page_token", "is not a token this service issued");
    }
  }
  if (!v.empty()) return v.ToStatus("the ListInbox request is invalid");
  std::optional<int> step = DispositionChain::InboxStep(caller.roles);
  if (!step.has_value()) {
    return absl::PermissionDeniedError("only the role of a step (2-5) has an inbox");
  }
  const int size = page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize);
  // One row more than asked tells whether there is a next page.
  absl::StatusOr<std::vector<CaseRecord>> rows = store_->Inbox(*step, after, size + 1);
  if (!rows.ok()) return rows.status();
  InboxPage page;
  page.cases = std::move(*rows);
  if (static_cast<int>(page.cases.size()) > size) {
    page.cases.resize(size);
    const CaseRecord& last = page.cases.back();
    page.next_page_token = EncodePageToken({last.step_entered_at, last.application_id});
  }
  return page;
}

absl::StatusOr<SlaResult> DispositionManager::GetSlaReport(std::optional<absl::Time> from,
                                                           std::optional<absl::Time> to) {
  SlaResult r;
  r.to = to.value_or(clock_->Now());
  r.from = from.value_or(r.to - absl::Hours(24 * 30));
  if (r.from >= r.to) return InvalidField("from", "must be before `to`");
  absl::StatusOr<std::vector<StepSla>> found = store_->SlaReport(r.from, r.to, DispositionChain::StandardTime(1));
  if (!found.ok()) return found.status();
  int last_step = 5;  // without the certificate service: steps 1-5
  if (later_steps_) {
    absl::StatusOr<std::vector<StepSla>> later = later_steps_(r.from, r.to);
    if (!later.ok()) {
      return absl::UnavailableError(absl::StrCat(
          "steps 6-7 come from the certificate service, which did not answer: ",
          later.status().message()));
    }
    for (const StepSla& s : *later) {
      if (s.step == 6 || s.step == 7) found->push_back(s);
    }
    last_step = kLastSopStep;
  }
  for (int step = 1; step <= last_step; ++step) {
    StepSla row;
    row.step = step;
    for (const StepSla& s : *found) {
      if (s.step == step) row = s;
    }
    r.steps.push_back(row);
  }
  return r;
}

}  // namespace sertel::disposition
