// What OutboxAdminService's two calls do, between the handler and the backend (records, never
// protos): the input checks (every bad field at once), the keyset page with a signed token bound
// to the filters, and the retry rule (only a DEAD row goes back, audited as OUTBOX_RETRIED with
// the operator's reason). Nothing is ever deleted.
//
//   OutboxAdminManager m(&backend, runtime.page_tokens());
//   absl::StatusOr<OutboxPage> p = m.List({.state = OutboxState::kDead});
//   absl::StatusOr<OutboxRow> r = m.Retry(caller, "42", "unit name fixed in the registry");
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/change_records.h"
#include "common/outbox_admin.h"
#include "common/page_token.h"

namespace sertel {

// ListOutboxMessages' request.
struct OutboxListInput {
  OutboxState state = OutboxState::kAny;
  std::string application_id{};  // "" = any
  int page_size = 0;             // 0: the default
  std::string page_token{};
};

class OutboxAdminManager {
 public:
  static constexpr int kDefaultPageSize = 50;
  static constexpr int kMaxPageSize = 500;

  OutboxAdminManager(OutboxAdminBackend* backend,
                     const PageTokenCodec* page_tokens = PageTokenCodec::ProcessDefault())
      : backend_(backend), page_tokens_(page_tokens) {}

  // Newest first. A page token is good only for the list (service and filters) that issued it.
  absl::StatusOr<OutboxPage> List(const OutboxListInput& in) const;

  // `id`: the row's decimal id (INVALID_ARGUMENT otherwise); `reason` at most
  // field_rules::kReason. NOT_FOUND, FAILED_PRECONDITION when the row is not DEAD.
  absl::StatusOr<OutboxRow> Retry(const Principal& caller, const std::string& id,
                                  const std::string& reason) const;

  // The retry rule, pure: the audit entry of putting `current` back, or FAILED_PRECONDITION when
  // it is not DEAD (a PENDING row is already being tried; a DELIVERED one is done).
  static absl::StatusOr<AuditEntry> DecideRetry(const OutboxRow& current, const Principal& caller,
                                                const std::string& reason);

  OutboxAdminBackend* backend() const { return backend_; }

 private:
  std::string Scope(const OutboxListInput& in) const;

  OutboxAdminBackend* backend_;
  const PageTokenCodec* page_tokens_;
};

}  // namespace sertel
