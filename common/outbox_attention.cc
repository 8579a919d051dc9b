#include "common/outbox_attention.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/pg_pool.h"
#include "common/sql_query.h"
#include "common_queries.h"

namespace sertel {
namespace {

// A row of select_outbox_attention(s).
AttentionRecord ReadAttention(const pqxx::row& r, absl::string_view service) {
  AttentionRecord a;
  a.service = std::string(service);
  a.what = r["topic"].as<std::string>();
  a.error = r["last_error"].as<std::string>();
  a.outbox_id = absl::StrCat(r["id"].as<int64_t>());
  // finished_at is set whenever a row goes DEAD (C005); a row made DEAD before it has none.
  a.at = r["finished_at_us"].is_null() ? absl::UnixEpoch()
                                       : absl::FromUnixMicros(r["finished_at_us"].as<int64_t>());
  return a;
}

}  // namespace

std::optional<AttentionRecord> OutboxAttention(pqxx::transaction_base& tx,
                                               absl::string_view service,
                                               const std::string& application_id) {
  if (application_id.empty()) return std::nullopt;
  pqxx::result r = RunQuery(tx, common::queries::kSelectOutboxAttention, application_id);
  if (r.empty()) return std::nullopt;
  return ReadAttention(r[0], service);
}

absl::flat_hash_map<std::string, AttentionRecord> OutboxAttentions(
    pqxx::transaction_base& tx, absl::string_view service,
    const std::vector<std::string>& application_ids) {
  absl::flat_hash_map<std::string, AttentionRecord> out;
  if (application_ids.empty()) return out;
  for (const pqxx::row& r :
       RunQuery(tx, common::queries::kSelectOutboxAttentions, PgTextArray(application_ids))) {
    out.emplace(r["application_id"].as<std::string>(), ReadAttention(r, service));
  }
  return out;
}

std::string PgTextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      // Inside a quoted element only the quote and the backslash need escaping.
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

absl::StatusOr<std::optional<AttentionRecord>> OutboxAttentionReader::AttentionFor(
    const std::string& application_id) const {
  using Result = std::optional<AttentionRecord>;
  return pool_->ReadOne<Result>([&](pqxx::nontransaction& tx) -> absl::StatusOr<Result> {
    return OutboxAttention(tx, service_, application_id);
  });
}

}  // namespace sertel
