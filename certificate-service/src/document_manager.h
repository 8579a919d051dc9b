// VerifyDocument (issue 21): every signature of a signed PDF judged as a validator would, in
// ETSI TS 119 102-2 terms. The PDF's structure and each CMS signature's integrity come from
// pdf_signatures.h (qpdf, OpenSSL); the signer's certificate is judged by CheckManager, the
// same rules as CheckCertificate (our CA, validity, revocation, the holder it names); its status
// at the signing time comes from our record.
//
//   DocumentManager m(&checks, &clock);
//   absl::StatusOr<DocumentReport> r = m.VerifyDocument(pdf_bytes, "3171014101900001");
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "certificate_matcher.h"
#include "certificate_records.h"
#include "check_manager.h"
#include "common/clock.h"
#include "pdf_signatures.h"

namespace sertel::certificate {

enum class Indication { kTotalPassed = 1, kTotalFailed = 2, kIndeterminate = 3 };

struct SignatureReport {
  std::string field_name;
  std::string sub_filter;
  Indication indication = Indication::kIndeterminate;
  std::string sub_indication;  // "" when TOTAL_PASSED
  bool covers_whole_document = false;
  bool intact = false;
  bool issued_by_ca = false;
  std::optional<CertificateView> signer_record;  // ours: our record
  std::optional<CertificateFacts> signer_facts;  // what the signer's certificate says
  std::string signer_pem;
  std::optional<absl::Time> signing_time;
  std::optional<CertificateStatus> status_at_signing_time;
  std::optional<CertificateStatus> status_now;
  std::vector<Finding> findings;
};

struct DocumentReport {
  Indication indication = Indication::kIndeterminate;
  std::string sub_indication;
  std::vector<SignatureReport> signatures;
};

class DocumentManager {
 public:
  static constexpr size_t kMaxPdfBytes = 16 << 20;  // as sertelctl reads a file

  DocumentManager(CheckManager* checks, const Clock* clock) : checks_(checks), clock_(clock) {}

  // INVALID_ARGUMENT for an empty, oversized or unreadable PDF, or a malformed expected_nik.
  absl::StatusOr<DocumentReport> VerifyDocument(const std::string& pdf,
                                                const std::string& expected_nik);

 private:
  absl::StatusOr<SignatureReport> VerifySignature(const std::string& pdf, const PdfSignature& s,
                                                  const std::string& expected_nik, absl::Time now);

  CheckManager* checks_;
  const Clock* clock_;
};

}  // namespace sertel::certificate
