#include "verified_certificate_cache.h"

namespace sertel::certificate {

std::shared_ptr<const VerifiedCertificate> VerifiedCertificateCache::Find(
    const std::string& pem) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(pem);
  if (it == entries_.end()) return nullptr;
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->second;
}

void VerifiedCertificateCache::Insert(const std::string& pem, VerifiedCertificate verified) {
  if (capacity_ == 0) return;
  auto entry = std::make_shared<const VerifiedCertificate>(std::move(verified));
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= capacity_ && !entries_.contains(pem)) entries_.erase(entries_.begin());
  entries_.insert_or_assign(pem, std::move(entry));
}

void VerifiedCertificateCache::Clear() {
  absl::MutexLock lock(&mu_);
  entries_.clear();
}

size_t VerifiedCertificateCache::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace sertel::certificate
