// Proof of use at step 6 (issue 21). The SOP's warning: a certificate that does not match its
// owner leaves the owner unable to sign documents electronically. Comparing fields is not
// enough; so, right after issuance, while the new private key is still in memory, the service
// signs a fixed test document with it (CMS / CAdES-BES detached, SHA-256, the ESS
// signing-certificate-v2 attribute) and verifies that signature as a validator would: against
// our issuing chain, for signing use, the signer being the holder. HandOver refuses without a
// PASSED report.
//
//   ProofReport r = ProofOfUse::Run(key, cert, ca.chain(), holder, now);
//   if (absl::Status s = ProofOfUse::RequirePassed(r); !s.ok()) ...
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "certificate_authority.h"
#include "certificate_records.h"
#include "openssl_util.h"

namespace sertel::certificate {

class ProofOfUse {
 public:
  // The checks, in the order they run.
  static constexpr absl::string_view kKeyMatchesCertificate = "KEY_MATCHES_CERTIFICATE";
  static constexpr absl::string_view kKeyUsage = "KEY_USAGE";
  static constexpr absl::string_view kSignatureCreated = "SIGNATURE_CREATED";
  static constexpr absl::string_view kSigningCertificateAttribute = "SIGNING_CERTIFICATE_ATTRIBUTE";
  static constexpr absl::string_view kSignatureVerified = "SIGNATURE_VERIFIED";
  static constexpr absl::string_view kSignerIsHolder = "SIGNER_IS_HOLDER";
  // Every check of a complete report, in order (RequirePassed wants them all).
  static constexpr std::array<absl::string_view, 6> kAllChecks = {
      kKeyMatchesCertificate,       kKeyUsage,          kSignatureCreated,
      kSigningCertificateAttribute, kSignatureVerified, kSignerIsHolder};

  // The test document every proof signs (fixed, so that a report means the same everywhere).
  static constexpr absl::string_view kTestDocument =
      "sertel proof of use: this test document is signed with a new certificate's key before "
      "the certificate is handed over to its holder.\n";

  // Signs kTestDocument with `key` as `cert` and verifies the signature against `chain` (our
  // issuing CA first) at `now`. Never fails: a failure is a FAILED report naming the check.
  static ProofReport Run(EVP_PKEY* key, X509* cert, const std::vector<X509Ptr>& chain,
                         const HolderIdentity& holder, absl::Time now);

  // OK for a PASSED report; FAILED_PRECONDITION naming the failed checks otherwise, or saying
  // there is none (a certificate issued before proofs existed).
  static absl::Status RequirePassed(const std::optional<ProofReport>& report);

  // The stored form (a JSON object: passed, checked_at, checks[{name, passed, detail}]).
  static std::string ToJson(const ProofReport& report);
  static absl::StatusOr<ProofReport> FromJson(absl::string_view json);
};

}  // namespace sertel::certificate
