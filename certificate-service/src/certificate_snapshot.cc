#include "certificate_snapshot.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/metrics.h"

namespace sertel::certificate {

const SnapshotCertificate* SnapshotData::Find(const std::string& serial) const {
  return by_serial_.Find(serial);
}

const HolderRecord* SnapshotData::LatestHolder(const std::string& nik) const {
  return latest_by_nik_.Find(nik);
}

absl::StatusOr<CertificateSnapshot::Version> CertificateSnapshot::Current() const {
  absl::Time now = clock_->Now();
  Version v;
  absl::Time fresh;
  {
    absl::MutexLock lock(&mu_);
    v = current_;
    fresh = fresh_as_of_;
  }
  if (v == nullptr) {
    return absl::UnavailableError("the certificate records are not loaded yet; try again");
  }
  if (now - fresh > max_staleness_) {
    return absl::UnavailableError(absl::StrCat(
        "the certificate records are not current (last confirmed ",
        absl::FormatDuration(absl::Trunc(now - fresh, absl::Seconds(1))), " ago); try again"));
  }
  return v;
}

void SnapshotData::Upsert(SnapshotRows rows) {
  for (SnapshotCertificate& c : rows.certificates) {
    std::string serial = c.certificate.serial;
    by_serial_.Put(serial, std::make_shared<const SnapshotCertificate>(std::move(c)));
  }
  for (HolderRecord& h : rows.latest_holders) {
    std::string nik = h.nik;
    latest_by_nik_.Put(nik, std::make_shared<const HolderRecord>(std::move(h)));
  }
}

void CertificateSnapshot::ReplaceAll(SnapshotRows rows, absl::Time as_of) {
  auto next = std::make_shared<SnapshotData>();
  next->Upsert(std::move(rows));
  absl::MutexLock lock(&mu_);
  Publish(std::move(next));
  fresh_as_of_ = std::max(fresh_as_of_, as_of);
  ReportFreshness(as_of);
}

void CertificateSnapshot::ReplaceNiks(const std::vector<std::string>& niks, SnapshotRows rows) {
  Version base;
  {
    absl::MutexLock lock(&mu_);
    base = current_;
  }
  // The copy is made without the readers' lock (writers are serialized by the caller). It
  // shares every shard with `base` and clones only those the NIKs' rows fall in.
  auto next =
      base == nullptr ? std::make_shared<SnapshotData>() : std::make_shared<SnapshotData>(*base);
  for (const std::string& nik : niks) next->latest_by_nik_.Erase(nik);
  next->Upsert(std::move(rows));
  absl::MutexLock lock(&mu_);
  Publish(std::move(next));
}

void CertificateSnapshot::ConfirmFresh(absl::Time as_of) {
  absl::MutexLock lock(&mu_);
  if (current_ == nullptr || as_of <= fresh_as_of_) return;
  fresh_as_of_ = as_of;
  ReportFreshness(as_of);
}

void CertificateSnapshot::ReportFreshness(absl::Time as_of) const {
  // The gauge is wall time (what a dashboard subtracts from now); as_of is on the freshness clock.
  absl::Time wall = absl::Now() - (clock_->Now() - as_of);
  Metrics::Global().SetGauge("sertel_certificate_snapshot_fresh_as_of_seconds", {},
                             absl::ToDoubleSeconds(wall - absl::UnixEpoch()));
}

absl::Time CertificateSnapshot::fresh_as_of() const {
  absl::MutexLock lock(&mu_);
  return fresh_as_of_;
}

void CertificateSnapshot::Publish(std::shared_ptr<SnapshotData> next) {
  Metrics::Global().SetGauge("sertel_certificate_snapshot_certificates", {},
                             static_cast<double>(next->by_serial_.size()));
  current_ = std::move(next);
}

}  // namespace sertel::certificate
