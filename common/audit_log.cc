#include "common/audit_log.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/pem.h"
#include "common/pg_pool.h"
#include "common/sql_query.h"
#include "common_queries.h"

namespace sertel {
namespace {

void AppendField(std::string* out, absl::string_view field) {
  // Length-prefixed, so no two different rows share a canonical form.
  absl::StrAppend(out, field.size(), ":", field, ";");
}

std::string Bytes(const pqxx::field& f) {
  pqxx::binarystring b(f);
  return b.str();
}

const std::string& GenesisHash() {
  static const std::string* kZeros = new std::string(32, '\0');
  return *kZeros;
}

// `seq`: the row's place in the chain (its own column once linked).
std::string RowCanonical(const pqxx::row& row, int64_t seq) {
  return AuditLog::CanonicalRow(
      seq, row["at_micros"].as<int64_t>(), row["actor_sub"].as<std::string>(),
      row["actor_role"].as<std::string>(), row["action"].as<std::string>(),
      row["entity_type"].as<std::string>(), row["entity_id"].as<std::string>(),
      row["details"].as<std::string>(), row["nonce"].is_null() ? "" : Bytes(row["nonce"]));
}

AuditHead HeadOf(const pqxx::result& r) {
  return AuditHead{.seq = r[0]["last_seq"].as<int64_t>(),
                   .hash = Bytes(r[0]["last_hash"]),
                   .keyed = r[0]["keyed"].as<bool>()};
}

// Walks the chain in `tx` from row 1, in pages, recomputing each hash with `hash`; calls
// `on_row(seq, prev, recomputed)` for every row that links. Fills `v` with the first break.
template <typename Tx>
std::string WalkChain(
    Tx& tx, const std::function<std::string(const std::string&, const std::string&)>& hash,
    AuditVerification& v,
    const std::function<void(int64_t, const std::string&, const std::string&)>& on_row = nullptr) {
  std::string expected_prev = GenesisHash();
  int64_t expected_seq = 1;
  auto broken = [&v](int64_t seq, std::string problem) {
    v.ok = false;
    v.first_broken_seq = seq;
    v.problem = std::move(problem);
  };
  constexpr int kPage = 5000;  // streamed so a long chain does not sit in memory at once
  int64_t after = 0;
  while (v.ok) {
    pqxx::result rows = RunQuery(tx, common::queries::kSelectAuditRows, after, kPage);
    for (const auto& row : rows) {
      int64_t seq = row["seq"].as<int64_t>();
      if (seq != expected_seq) {
        broken(expected_seq,
               absl::StrCat("row ", expected_seq, " is missing (next row is ", seq, ")"));
        break;
      }
      std::string prev = Bytes(row["prev_hash"]);
      if (prev != expected_prev) {
        broken(seq, absl::StrCat("row ", seq, " does not link to the row before it"));
        break;
      }
      std::string recomputed = hash(prev, RowCanonical(row, seq));
      if (recomputed != Bytes(row["hash"])) {
        broken(seq, absl::StrCat("row ", seq, " was altered: its hash does not match its content"));
        break;
      }
      if (on_row) on_row(seq, prev, recomputed);
      expected_prev = recomputed;
      ++expected_seq;
      ++v.rows_checked;
      after = seq;
    }
    if (rows.size() < static_cast<size_t>(kPage)) break;
  }
  return expected_prev;
}

void CheckHead(const AuditHead& head, int64_t rows, const std::string& last_hash,
               AuditVerification& v) {
  if (!v.ok) return;
  if (head.seq != rows || head.hash != last_hash) {
    v.ok = false;
    v.first_broken_seq = rows + 1;
    v.problem = absl::StrCat("the chain ends at row ", rows, " but its head says row ", head.seq,
                             ": rows at the end were deleted or the head was moved");
  }
}

}  // namespace

AuditLog::AuditLog(std::string key, const Clock* clock) : key_(std::move(key)), clock_(clock) {}

AuditLog::~AuditLog() { OPENSSL_cleanse(key_.data(), key_.size()); }

absl::StatusOr<std::string> AuditLog::LoadKey(const std::string& path) {
  absl::StatusOr<std::string> key = ReadFile(path);
  if (!key.ok()) return key.status();
  if (key->size() < kMinKeyBytes) {
    OPENSSL_cleanse(key->data(), key->size());
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": an audit key has at least ", kMinKeyBytes, " bytes (openssl rand -out F 32)"));
  }
  return key;
}

namespace {

// `tag`, then `first` (a linked row's seq, an unlinked row's nonce) and the row's content, each
// field length-prefixed.
std::string Canonical(absl::string_view tag, absl::string_view first, int64_t at_micros,
                      const std::string& actor_sub, const std::string& actor_role,
                      const std::string& action, const std::string& entity_type,
                      const std::string& entity_id, const std::string& details) {
  std::string out(tag);
  const std::string at = absl::StrCat(at_micros);
  for (absl::string_view field :
       {first, absl::string_view(at), absl::string_view(actor_sub), absl::string_view(actor_role),
        absl::string_view(action), absl::string_view(entity_type), absl::string_view(entity_id),
        absl::string_view(details)}) {
    AppendField(&out, field);
  }
  return out;
}

}  // namespace

std::string AuditLog::CanonicalRow(int64_t seq, int64_t at_micros, const std::string& actor_sub,
                                   const std::string& actor_role, const std::string& action,
                                   const std::string& entity_type, const std::string& entity_id,
                                   const std::string& details, const std::string& nonce) {
  if (nonce.empty()) {  // a row from before migration C007
    return Canonical("sertel.audit.v1;", absl::StrCat(seq), at_micros, actor_sub, actor_role,
                     action, entity_type, entity_id, details);
  }
  // The nonce is linked too: a linked row whose nonce was cleared (to write a copy of it with
  // that nonce, which the chainer would link again) no longer verifies.
  std::string out = Canonical("sertel.audit.v2;", absl::StrCat(seq), at_micros, actor_sub,
                              actor_role, action, entity_type, entity_id, details);
  AppendField(&out, nonce);
  return out;
}

std::string AuditLog::PendingCanonical(const std::string& nonce, int64_t at_micros,
                                       const std::string& actor_sub, const std::string& actor_role,
                                       const std::string& action, const std::string& entity_type,
                                       const std::string& entity_id, const std::string& details) {
  return Canonical("sertel.audit.unlinked.v1;", nonce, at_micros, actor_sub, actor_role, action,
                   entity_type, entity_id, details);
}

std::string AuditLog::ChainHash(const std::string& prev_hash,
                                const std::string& canonical_row) const {
  return Mac(prev_hash + canonical_row);
}

std::string AuditLog::Mac(const std::string& input) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
           &len) == nullptr) {
    // Without a MAC the row cannot be written: the transaction fails (store calls throw).
    throw std::runtime_error("HMAC-SHA-256 failed: " + OpenSslErrorString());
  }
  return std::string(reinterpret_cast<char*>(mac), len);
}

std::string AuditLog::LegacyChainHash(const std::string& prev_hash,
                                      const std::string& canonical_row) {
  std::string input = prev_hash + canonical_row;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed: " + OpenSslErrorString());
  }
  return std::string(reinterpret_cast<char*>(digest), len);
}

void AuditLog::Append(pqxx::work& tx, const AuditEntry& entry) const {
  int64_t at = absl::ToUnixMicros(clock_->Now());
  std::string details =
      entry.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // The nonce makes every row's MAC its own: a copy of a row (another id) is a second row with
  // the same nonce, which the unique index refuses.
  std::string nonce(16, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), static_cast<int>(nonce.size())) !=
      1) {
    throw std::runtime_error("RAND_bytes failed: " + OpenSslErrorString());
  }
  std::string mac = Mac(PendingCanonical(nonce, at, entry.actor_sub, entry.actor_role, entry.action,
                                         entry.entity_type, entry.entity_id, details));
  pqxx::binarystring nonce_bin(nonce), mac_bin(mac);
  RunQuery(tx, common::queries::kInsertAuditRow, at, entry.actor_sub, entry.actor_role,
           entry.action, entry.entity_type, entry.entity_id, details, nonce_bin, mac_bin);
}

bool AuditLog::UnlinkedRowIsOurs(const pqxx::row& row) const {
  std::string expected =
      Mac(PendingCanonical(Bytes(row["nonce"]), row["at_micros"].as<int64_t>(),
                           row["actor_sub"].as<std::string>(), row["actor_role"].as<std::string>(),
                           row["action"].as<std::string>(), row["entity_type"].as<std::string>(),
                           row["entity_id"].as<std::string>(), row["details"].as<std::string>()));
  std::string actual = row["row_mac"].is_null() ? "" : Bytes(row["row_mac"]);
  return actual.size() == expected.size() &&
         CRYPTO_memcmp(actual.data(), expected.data(), expected.size()) == 0;
}

absl::StatusOr<int> AuditLog::ChainPending(pqxx::work& tx, int max_rows) const {
  AuditHead head = HeadOf(RunQuery(tx, common::queries::kLockAuditHead));
  if (!head.keyed && head.seq > 0) {
    // A chain from before issue 16 is keyed by its command first; a head moved back to unkeyed
    // is tampering, never chained onto.
    return absl::FailedPreconditionError(
        "the audit chain is not keyed (<service> key-legacy-audit-chain); nothing is linked");
  }
  int linked = 0;
  int64_t after = 0;
  // Paged past rows without our MAC, so that forged rows cannot hold the genuine ones back.
  for (bool more = true; more && linked < max_rows;) {
    pqxx::result rows = RunQuery(tx, common::queries::kSelectUnlinkedAuditRows, after, max_rows);
    more = rows.size() == static_cast<size_t>(max_rows);
    for (const auto& row : rows) {
      const int64_t id = row["id"].as<int64_t>();
      after = id;
      if (!UnlinkedRowIsOurs(row)) {
        // Written by someone without the audit key: never taken into the chain; Verify names it.
        Metrics::Global().Increment("sertel_audit_forged_rows_total", {});
        continue;
      }
      const int64_t seq = head.seq + 1;
      std::string hash = ChainHash(head.hash, RowCanonical(row, seq));
      pqxx::binarystring prev_bin(head.hash), hash_bin(hash);
      if (RunQuery(tx, common::queries::kLinkAuditRow, id, seq, prev_bin, hash_bin)
              .affected_rows() != 1) {
        // Deleted or linked meanwhile by a writer outside the chainer: link nothing this round.
        throw std::runtime_error("an unlinked audit row vanished while it was being linked");
      }
      head.seq = seq;
      head.hash = std::move(hash);
      if (++linked == max_rows) break;
    }
  }
  if (linked > 0) {
    pqxx::binarystring head_bin(head.hash);
    RunQuery(tx, common::queries::kUpdateAuditHead, head.seq, head_bin);
  }
  return linked;
}

void AuditLog::CheckUnlinked(pqxx::transaction_base& tx, AuditVerification& v) const {
  int64_t after = 0;
  int64_t oldest_at = std::numeric_limits<int64_t>::max();
  for (;;) {
    pqxx::result rows = RunQuery(tx, common::queries::kSelectUnlinkedAuditRows, after, 5000);
    for (const auto& row : rows) {
      after = row["id"].as<int64_t>();
      oldest_at = std::min(oldest_at, row["at_micros"].as<int64_t>());
      if (!UnlinkedRowIsOurs(row)) {
        v.ok = false;
        v.first_broken_seq = v.head_seq + 1;
        v.problem = absl::StrCat("unlinked row id ", after,
                                 " does not carry the service's MAC: it was written or changed "
                                 "by someone without the audit key");
        return;
      }
      ++v.unlinked_rows;
    }
    if (rows.size() < 5000u) break;
  }
  if (v.unlinked_rows == 0) return;
  absl::Time since = absl::FromUnixMicros(oldest_at);
  if (clock_->Now() - since > kMaxUnlinkedAge) {
    v.ok = false;
    v.first_broken_seq = v.head_seq + 1;
    v.problem = absl::StrCat(v.unlinked_rows, " rows wait unlinked, the oldest since ",
                             absl::FormatTime(absl::RFC3339_sec, since, absl::UTCTimeZone()),
                             ": the chainer is not running");
  }
}

absl::StatusOr<AuditVerification> AuditLog::Verify(
    pqxx::connection& conn, const std::optional<AuditCheckpoint>& checkpoint) const {
  AuditVerification v;
  try {
    // One snapshot for the head and the rows: appends committing meanwhile are not seen half.
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only> tx(
        conn);
    AuditHead head = HeadOf(RunQuery(tx, common::queries::kSelectAuditHead));
    v.head_seq = head.seq;
    v.head_hash = head.hash;
    if (!head.keyed && head.seq > 0) {
      v.ok = false;
      v.first_broken_seq = 1;
      v.problem = "the chain is not keyed (the service keys it at start); it proves nothing";
      return v;
    }
    std::string checkpoint_hash_seen;
    std::string last = WalkChain(
        tx, [this](const std::string& p, const std::string& c) { return ChainHash(p, c); }, v,
        [&](int64_t seq, const std::string&, const std::string& hash) {
          if (checkpoint.has_value() && seq == checkpoint->seq) checkpoint_hash_seen = hash;
        });
    CheckHead(head, v.rows_checked, last, v);
    if (v.ok) CheckUnlinked(tx, v);
    if (v.ok && checkpoint.has_value() && checkpoint->seq > 0) {
      if (v.rows_checked < checkpoint->seq) {
        v.ok = false;
        v.first_broken_seq = v.rows_checked + 1;
        v.problem =
            absl::StrCat("the chain has ", v.rows_checked, " rows but the checkpoint of ",
                         absl::FormatTime(absl::RFC3339_sec, checkpoint->at, absl::UTCTimeZone()),
                         " saw ", checkpoint->seq, ": rows at the end were deleted");
      } else if (checkpoint_hash_seen != checkpoint->head_hash) {
        v.ok = false;
        v.first_broken_seq = checkpoint->seq;
        v.problem = absl::StrCat("row ", checkpoint->seq,
                                 " differs from the signed checkpoint: the chain was rewritten");
      }
    }
    tx.commit();
    return v;
  } catch (const std::exception& e) {
    return PgErrorToStatus(e);
  }
}

absl::StatusOr<AuditHead> AuditLog::Head(pqxx::connection& conn) {
  try {
    pqxx::read_transaction tx(conn);
    return HeadOf(RunQuery(tx, common::queries::kSelectAuditHead));
  } catch (const std::exception& e) {
    return PgErrorToStatus(e);
  }
}

absl::Status AuditLog::KeyLegacyChain(pqxx::connection& conn) const {
  try {
    pqxx::work tx(conn);
    AuditHead head = HeadOf(RunQuery(tx, common::queries::kLockAuditHead));
    if (head.keyed || head.seq == 0) return absl::OkStatus();
    AuditVerification v;
    std::string last = WalkChain(tx, &AuditLog::LegacyChainHash, v);
    CheckHead(head, v.rows_checked, last, v);
    if (!v.ok) {
      return absl::FailedPreconditionError(
          absl::StrCat("the unkeyed audit chain is broken, so it is not re-keyed: ", v.problem));
    }
    // Re-key: walk again, now writing each row's keyed links.
    std::string prev = GenesisHash();
    int64_t after = 0;
    for (;;) {
      pqxx::result page = RunQuery(tx, common::queries::kSelectAuditRows, after, 5000);
      for (const auto& row : page) {
        std::string hash = ChainHash(prev, RowCanonical(row, row["seq"].as<int64_t>()));
        pqxx::binarystring prev_bin(prev), hash_bin(hash);
        after = row["seq"].as<int64_t>();
        RunQuery(tx, common::queries::kRekeyAuditRow, after, prev_bin, hash_bin);
        prev = hash;
      }
      if (page.size() < 5000u) break;
    }
    pqxx::binarystring head_bin(prev);
    RunQuery(tx, common::queries::kUpdateAuditHead, head.seq, head_bin);
    tx.commit();
    Log::Warn("audit_chain_keyed", {{"rows", head.seq}});
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return PgErrorToStatus(e);
  }
}

}  // namespace sertel
