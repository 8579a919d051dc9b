// What waits for an operator about one application: the newest call a service owed another that
// failed for good (a DEAD outbox row; at the notification service, a FAILED delivery). Every
// answer about an application carries it (Application, Case and Enrollment `attention`), until
// the row is retried (OutboxAdminService.RetryOutboxMessage) and delivered. Plain records and
// SQL; attention_proto.h maps them to sertel.v1.Attention.
//
//   std::optional<AttentionRecord> a = OutboxAttention(tx, "disposition", application_id);
//   OutboxAttentionReader own(&pool, "intake");          // an AttentionReader
//   absl::StatusOr<std::optional<AttentionRecord>> b = own.AttentionFor(application_id);
#pragma once

#include <optional>
#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sertel {

class PgPool;

// sertel.v1.Attention as a plain record.
struct AttentionRecord {
  std::string service;    // whose outbox holds the row: "intake", "disposition", ...
  std::string what;       // the row's topic, e.g. "certificate.StartEnrollment"
  absl::Time at;          // when it was given up
  std::string error;      // the last error, as the downstream service answered it
  std::string outbox_id;  // the row's id in that service (RetryOutboxMessage)

  bool operator==(const AttentionRecord&) const = default;
};

// Answers the attention of an application, from this service's schema or from another service.
class AttentionReader {
 public:
  virtual ~AttentionReader() = default;
  // nullopt when nothing about `application_id` waits for an operator.
  virtual absl::StatusOr<std::optional<AttentionRecord>> AttentionFor(
      const std::string& application_id) const = 0;
};

// The newest DEAD row about `application_id` in the outbox of the schema `tx` works in (which
// belongs to `service`); nullopt when there is none. Throws libpqxx exceptions like every store
// call.
std::optional<AttentionRecord> OutboxAttention(pqxx::transaction_base& tx,
                                               absl::string_view service,
                                               const std::string& application_id);

// The same for several applications at once (a page of cases), by application id; applications
// without a DEAD row are absent.
absl::flat_hash_map<std::string, AttentionRecord> OutboxAttentions(
    pqxx::transaction_base& tx, absl::string_view service,
    const std::vector<std::string>& application_ids);

// The text form of a PostgreSQL text[] literal of `values` ({"a","b"}), every element quoted, for
// a parameter cast with ::text[] (libpqxx 6.4 has no array parameters).
std::string PgTextArray(const std::vector<std::string>& values);

// OutboxAttention over a pool, as an AttentionReader (intake reads its own outbox this way).
class OutboxAttentionReader final : public AttentionReader {
 public:
  OutboxAttentionReader(PgPool* pool, std::string service)
      : pool_(pool), service_(std::move(service)) {}
  absl::StatusOr<std::optional<AttentionRecord>> AttentionFor(
      const std::string& application_id) const override;

 private:
  PgPool* pool_;
  std::string service_;
};

}  // namespace sertel
