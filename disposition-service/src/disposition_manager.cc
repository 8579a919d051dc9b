#include "disposition_manager.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/field_violations.h"
#include "common/sla_window.h"
#include "common/sop.h"
#include "disposition_validation.h"

namespace sertel::disposition {
namespace {

using Seen = std::optional<SeenRequest>;

Actor ActorOf(const Principal& p) { return Actor{.sub = p.sub, .roles = p.roles, .nik = p.nik}; }

// A page token is bound to the inbox it pages: one step's token cannot page another's. A caller
// without a step gets a scope no token was made for (and PERMISSION_DENIED after the checks).
std::string InboxScope(std::optional<int> step) {
  return step.has_value() ? absl::StrCat("inbox:step=", *step) : "inbox:none";
}

// The SLA rows of steps 1..last_step in order, a zero row where `found` has none.
std::vector<StepSla> EveryStep(const std::vector<StepSla>& found, int last_step) {
  std::vector<StepSla> out;
  for (int step = 1; step <= last_step; ++step) {
    StepSla row;
    row.step = step;
    for (const StepSla& s : found) {
      if (s.step == step) row = s;
    }
    out.push_back(row);
  }
  return out;
}

}  // namespace

absl::StatusOr<CaseRecord> DispositionManager::OpenCase(const Principal& caller,
                                                        const OpenInput& in) {
  if (absl::Status s = ValidateOpen(in); !s.ok()) return s;
  return store_->Apply(in.application_id, in.request_id,
                       [&](const CaseRecord* current, const Seen& seen) {
                         return chain_.Open(current, seen, in, ActorOf(caller));
                       });
}

absl::StatusOr<CaseRecord> DispositionManager::ResumeCase(const Principal& caller,
                                                          const std::string& id,
                                                          const std::string& request_id) {
  if (absl::Status s = ValidateRequestKey(id, request_id, ""); !s.ok()) return s;
  return store_->Apply(id, request_id, [&](const CaseRecord* current, const Seen& seen) {
    return chain_.Resume(current, seen, id, request_id, ActorOf(caller));
  });
}

absl::StatusOr<CaseRecord> DispositionManager::WithdrawCase(const Principal& caller,
                                                            const std::string& id,
                                                            const std::string& request_id,
                                                            const std::string& reason) {
  if (absl::Status s = ValidateRequestKey(id, request_id, reason); !s.ok()) return s;
  return store_->Apply(id, request_id, [&](const CaseRecord* current, const Seen& seen) {
    return chain_.Withdraw(current, seen, id, request_id, reason, ActorOf(caller));
  });
}

absl::StatusOr<CaseRecord> DispositionManager::GetCase(const std::string& id) {
  if (absl::Status s = ValidateGetCase(id); !s.ok()) return s;
  return store_->Get(id);
}

absl::StatusOr<CaseRecord> DispositionManager::Forward(const Principal& caller,
                                                       const std::string& id,
                                                       int64_t expected_version,
                                                       const std::string& note) {
  if (absl::Status s = ValidateForward(id, expected_version, note); !s.ok()) return s;
  return store_->Apply(id, "", [&](const CaseRecord* current, const Seen&) {
    return chain_.Forward(current, expected_version, ActorOf(caller), note);
  });
}

absl::StatusOr<CaseRecord> DispositionManager::Verify(const Principal& caller,
                                                      const std::string& id,
                                                      int64_t expected_version,
                                                      const Checklist& checklist,
                                                      const std::string& note) {
  if (absl::Status s = ValidateVerify(id, expected_version, checklist, note); !s.ok()) return s;
  return store_->Apply(id, "", [&](const CaseRecord* current, const Seen&) {
    return chain_.Verify(current, expected_version, ActorOf(caller), checklist, note);
  });
}

absl::StatusOr<CaseRecord> DispositionManager::Return(const Principal& caller,
                                                      const std::string& id,
                                                      int64_t expected_version,
                                                      const std::string& reason,
                                                      const std::vector<int>& kinds) {
  if (absl::Status s = ValidateReturn(id, expected_version, reason, kinds); !s.ok()) return s;
  std::vector<std::string> names;
  for (int k : kinds) names.push_back(*DocumentKindName(k));
  return store_->Apply(id, "", [&](const CaseRecord* current, const Seen&) {
    return chain_.Return(current, expected_version, ActorOf(caller), reason, names);
  });
}

absl::StatusOr<CaseRecord> DispositionManager::Reject(const Principal& caller,
                                                      const std::string& id,
                                                      int64_t expected_version,
                                                      const std::string& reason) {
  if (absl::Status s = ValidateReject(id, expected_version, reason); !s.ok()) return s;
  return store_->Apply(id, "", [&](const CaseRecord* current, const Seen&) {
    return chain_.Reject(current, expected_version, ActorOf(caller), reason);
  });
}

std::optional<InboxCursor> DispositionManager::DecodeCursor(std::optional<int> step,
                                                            const std::string& token) const {
  absl::StatusOr<std::vector<std::string>> fields =
      page_tokens_->Decode(InboxScope(step), token, /*expected_fields=*/2);
  int64_t micros = 0;
  if (!fields.ok() || !absl::SimpleAtoi((*fields)[0], &micros)) return std::nullopt;
  return InboxCursor{.step_entered_at = absl::FromUnixMicros(micros),
                     .application_id = (*fields)[1]};
}

std::string DispositionManager::EncodeCursor(int step, const CaseRecord& last) const {
  return page_tokens_->Encode(
      InboxScope(step),
      {absl::StrCat(absl::ToUnixMicros(last.step_entered_at)), last.application_id});
}

absl::StatusOr<InboxPage> DispositionManager::ListInbox(const Principal& caller, int page_size,
                                                        const std::string& page_token) {
  const std::optional<int> step = DispositionChain::InboxStep(caller.roles);
  FieldViolations v;
  if (page_size < 0) v.Add("page_size", "must not be negative");
  std::optional<InboxCursor> after;
  if (!page_token.empty()) {
    after = DecodeCursor(step, page_token);
    if (!after.has_value()) v.Add("page_token", "is not a token this service issued");
  }
  if (!v.empty()) return v.ToStatus("the ListInbox request is invalid");
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
    page.next_page_token = EncodeCursor(*step, page.cases.back());
  }
  return page;
}

absl::StatusOr<SlaResult> DispositionManager::GetSlaReport(std::optional<absl::Time> from,
                                                           std::optional<absl::Time> to) {
  absl::StatusOr<SlaWindow> window = ResolveSlaWindow(from, to, clock_->Now());
  if (!window.ok()) return window.status();
  SlaResult r;
  r.from = window->from;
  r.to = window->to;
  absl::StatusOr<std::vector<StepSla>> found =
      store_->SlaReport(r.from, r.to, DispositionChain::StandardTime(1));
  if (!found.ok()) return found.status();
  int last_step = DispositionChain::kLastStep;  // without the certificate service: steps 1-5
  if (later_steps_) {
    absl::StatusOr<std::vector<StepSla>> later = later_steps_(r.from, r.to);
    if (!later.ok()) {
      return absl::UnavailableError(
          absl::StrCat("steps 6-7 come from the certificate service, which did not answer: ",
                       later.status().message()));
    }
    for (const StepSla& s : *later) {
      if (s.step == 6 || s.step == 7) found->push_back(s);
    }
    last_step = kLastSopStep;
  }
  r.steps = EveryStep(*found, last_step);
  return r;
}

}  // namespace sertel::disposition
