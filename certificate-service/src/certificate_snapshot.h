// What CheckCertificate and VerifyDocument need, in memory (issue 22: the call that grows
// without bound never touches PostgreSQL): every certificate we issued with its holder as the
// enrollment names them (by serial), and the latest enrollment's holder of each NIK. The issuing
// CA chain is parsed once by the CA itself. SnapshotListener (snapshot_listener.h) loads it and
// keeps it current; readers take an immutable version and never wait for a writer.
//
// Bounded staleness: a version is "fresh as of" the moment the listener last confirmed that
// every change committed before it was applied. A reader asks Current(now): when that moment is
// older than `max_staleness` (the database or the listener is gone), the answer is UNAVAILABLE
// rather than a revocation missed. Freshness is measured on the steady clock (MonotonicClock: a
// wall-clock step can neither make an old version look fresh nor a fresh one stale), not on the
// domain clock that decides validity (tests move that one by years).
//
//   CertificateSnapshot snapshot(absl::Seconds(10));
//   absl::StatusOr<CertificateSnapshot::Version> v = snapshot.Current();
//   const SnapshotCertificate* c = (*v)->Find(serial);
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "certificate_records.h"
#include "common/clock.h"
#include "sharded_index.h"

namespace sertel::certificate {

// A certificate of ours (certificate_pem left empty: the caller holds the certificate) and the
// holder its enrollment names.
struct SnapshotCertificate {
  CertificateRecord certificate{};
  HolderRecord holder{};
};

// What the store reads for the snapshot: all of it, or the rows of some NIKs.
struct SnapshotRows {
  std::vector<SnapshotCertificate> certificates{};
  std::vector<HolderRecord> latest_holders{};  // one per NIK: its latest enrollment's holder
};

class SnapshotData {
 public:
  // Null when the serial (lowercase hex, no leading zeros) is not one of ours.
  const SnapshotCertificate* Find(const std::string& serial) const;
  // The latest enrollment's holder of `nik`, if any.
  const HolderRecord* LatestHolder(const std::string& nik) const;
  size_t certificates() const { return by_serial_.size(); }

 private:
  friend class CertificateSnapshot;
  // The rows read, replacing what is held under the same serial or NIK.
  void Upsert(SnapshotRows rows);
  ShardedIndex<SnapshotCertificate> by_serial_;
  ShardedIndex<HolderRecord> latest_by_nik_;
};

class CertificateSnapshot {
 public:
  using Version = std::shared_ptr<const SnapshotData>;

  explicit CertificateSnapshot(absl::Duration max_staleness,
                               const Clock* clock = MonotonicClock::Default())
      : max_staleness_(max_staleness), clock_(clock) {}

  // The current version; UNAVAILABLE before the first load or when it was not confirmed fresh
  // within the last max_staleness.
  absl::StatusOr<Version> Current() const;
  // The freshness clock's time (what the listener confirms).
  absl::Time Now() const { return clock_->Now(); }

  // Writers (ReplaceAll, ReplaceNiks) must be serialized by the caller (SnapshotListener's
  // reload lock): the next version is built from the current one without the readers' lock.
  // Replaces everything (a full reload read at `as_of`).
  void ReplaceAll(SnapshotRows rows, absl::Time as_of);
  // Replaces the rows of the NIKs `rows` was read for (certificates are never deleted, so the
  // certificates read are upserted; a NIK without a latest holder in `rows` loses it).
  void ReplaceNiks(const std::vector<std::string>& niks, SnapshotRows rows);
  // Every change committed before `as_of` is applied (a version is not copied for it).
  void ConfirmFresh(absl::Time as_of);
  absl::Time fresh_as_of() const;

  absl::Duration max_staleness() const { return max_staleness_; }

 private:
  // Publishes `next` (copy-on-write: readers keep the version they took).
  void Publish(std::shared_ptr<SnapshotData> next) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sets the freshness gauge (wall-clock seconds) for a confirmation at `as_of`.
  void ReportFreshness(absl::Time as_of) const;

  const absl::Duration max_staleness_;
  const Clock* clock_;
  mutable absl::Mutex mu_;
  Version current_ ABSL_GUARDED_BY(mu_);
  absl::Time fresh_as_of_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace sertel::certificate
