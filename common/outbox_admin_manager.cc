#include "common/outbox_admin_manager.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/field_rules.h"
#include "common/field_violations.h"
#include "common/uuid.h"

namespace sertel {
namespace {

// The id an operator names: a positive decimal number, nothing else (no sign, no spaces).
bool ParseRowId(const std::string& text, int64_t* id) {
  if (text.empty() || text.size() > 19) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(text, id) && *id > 0;
}

}  // namespace

std::string OutboxAdminManager::Scope(const OutboxListInput& in) const {
  return absl::StrCat("outbox:", backend_->service(), ":state=", OutboxStateName(in.state),
                      ":application=", in.application_id);
}

absl::StatusOr<OutboxPage> OutboxAdminManager::List(const OutboxListInput& in) const {
  FieldViolations v;
  if (in.page_size < 0) v.Add("page_size", "must not be negative");
  const int state = static_cast<int>(in.state);
  if (state < static_cast<int>(OutboxState::kAny) || state > static_cast<int>(OutboxState::kDead)) {
    v.Add("state", "must be PENDING, DELIVERED, DEAD or unspecified (any)");
  }
  if (!in.application_id.empty() && !IsUuid(in.application_id)) {
    v.Add("application_id", "must be an application id (a UUID)");
  }
  int64_t before_id = 0;
  if (!in.page_token.empty()) {
    // Bound to the service and the filters: a token of another list does not page this one.
    absl::StatusOr<std::vector<std::string>> fields =
        page_tokens_->Decode(Scope(in), in.page_token, /*expected_fields=*/1);
    if (!fields.ok() || !ParseRowId((*fields)[0], &before_id)) {
      v.Add("page_token", "is not a token this service issued for this list");
    }
  }
  if (!v.empty()) return v.ToStatus("the ListOutboxMessages request is invalid");
  const int size = in.page_size == 0 ? kDefaultPageSize : std::min(in.page_size, kMaxPageSize);
  // One row more than asked tells whether there is a next page.
  absl::StatusOr<std::vector<OutboxRow>> rows = backend_->List({.state = in.state,
                                                                .application_id = in.application_id,
                                                                .before_id = before_id,
                                                                .limit = size + 1});
  if (!rows.ok()) return rows.status();
  OutboxPage page;
  page.rows = *std::move(rows);
  if (static_cast<int>(page.rows.size()) > size) {
    page.rows.resize(size);
    page.next_page_token = page_tokens_->Encode(Scope(in), {absl::StrCat(page.rows.back().id)});
  }
  return page;
}

absl::StatusOr<OutboxRow> OutboxAdminManager::Retry(const Principal& caller, const std::string& id,
                                                    const std::string& reason) const {
  FieldViolations v;
  int64_t row_id = 0;
  if (!ParseRowId(id, &row_id)) {
    v.Add("id", "must be an outbox row's id: a positive decimal number (OutboxMessage.id)");
  }
  v.AddIf(CheckField("reason", field_rules::kReason, reason, /*required=*/false));
  if (!v.empty()) return v.ToStatus("the RetryOutboxMessage request is invalid");
  return backend_->Retry(
      row_id, [&](const OutboxRow& current) { return DecideRetry(current, caller, reason); });
}

absl::StatusOr<AuditEntry> OutboxAdminManager::DecideRetry(const OutboxRow& current,
                                                           const Principal& caller,
                                                           const std::string& reason) {
  if (current.state != OutboxState::kDead) {
    return absl::FailedPreconditionError(
        absl::StrCat("outbox row ", current.id, " of ", current.service, " is ",
                     OutboxStateName(current.state), ", not DEAD: only a DEAD row is retried"));
  }
  return AuditEntry{
      .actor_sub = caller.sub,
      .actor_role = caller.Has(Role::kOperator) ? "OPERATOR" : caller.roles.ToString(),
      .action = "OUTBOX_RETRIED",
      .entity_type = "outbox",
      .entity_id = absl::StrCat(current.id),
      .details = {{"topic", current.topic},
                  {"application_id", current.application_id},
                  {"reason", reason},
                  {"attempts", current.attempts},
                  {"last_error", current.last_error},
                  {"retries", current.retries + 1}}};
}

}  // namespace sertel
