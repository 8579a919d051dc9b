// CheckCertificate's per-call cost without the database was OpenSSL's (issue 22's profile:
// PEM decoding, d2i, the CA signature check and re-encoding, with OpenSSL 3's locks and
// allocations, two thirds of the service's cycles). What those steps find about a certificate
// never changes while the process lives: its bytes are its bytes and the issuing CAs are fixed
// at start. So a certificate that passed them - one PEM block, exactly the certificate, signed by
// an issuing CA of ours - is remembered by its exact PEM text with the facts read from it and its
// canonical PEM. Only such certificates go in (nothing an outsider makes can fill the cache), and
// everything that does change (the clock: validity; the records: revocation, holder) is still
// judged on every call. Bounded by `capacity`; when full an arbitrary entry makes room.
//
//   VerifiedCertificateCache cache(1024);
//   if (auto hit = cache.Find(pem)) ... (*hit)->facts ...
//   cache.Insert(pem, VerifiedCertificate{facts, canonical_pem});
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "certificate_matcher.h"

namespace sertel::certificate {

struct VerifiedCertificate {
  CertificateFacts facts{};
  std::string canonical_pem{};  // the DER re-encoded as PEM (what an answer carries)
};

class VerifiedCertificateCache {
 public:
  explicit VerifiedCertificateCache(size_t capacity) : capacity_(capacity) {}

  // The entry for exactly these PEM bytes, or null.
  std::shared_ptr<const VerifiedCertificate> Find(const std::string& pem) const;
  void Insert(const std::string& pem, VerifiedCertificate verified);
  void Clear();
  size_t size() const;
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }

 private:
  const size_t capacity_;
  mutable std::atomic<uint64_t> hits_{0};
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const VerifiedCertificate>> entries_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace sertel::certificate
