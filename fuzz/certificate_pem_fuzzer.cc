// CheckCertificate's input (certificate-service/src/check_manager.cc): a PEM from anyone. The
// parse (LoadCertificateChainPem), then what CheckCertificate does with each certificate it
// finds - the facts it reads, the profile checks, the chain check against a CA and against a
// "retired" one, the match against a holder - never crashes on any bytes. A seed of real
// certificates (fuzz/corpus/certificate_pem) starts it off; the fuzzer's mutations reach the DER.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "certificate_matcher.h"
#include "common/pem.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sertel::certificate;
  const std::string pem(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<sertel::X509Ptr>> certs = sertel::LoadCertificateChainPem(pem);
  if (!certs.ok()) return 0;
  const absl::Time now = absl::FromUnixSeconds(1800000000);
  const HolderIdentity holder{"Siti Aminah", "3171014101900001", "siti@kota.go.id", "DISKOMINFO"};
  for (const sertel::X509Ptr& c : *certs) {
    CertificateFacts facts = CertificateMatcher::ReadFacts(c.get());
    (void)CertificateMatcher::CheckFacts(facts, now);
    (void)CertificateMatcher::CheckItself(c.get(), now);
    (void)CertificateMatcher::CompareHolder(facts, holder);
    // The first certificate as the CA of the others, and as a retired CA of itself.
    X509* first = (*certs)[0].get();
    (void)CertificateMatcher::IssuedByOurs(c.get(), first, {first});
    (void)CertificateMatcher::CheckAgainstCa(c.get(), *certs, now);
    (void)CertificateMatcher::VerifyMatches(c.get(), nullptr, *certs, holder, now);
    (void)sertel::CertificateToPem(c.get());
  }
  return 0;
}
