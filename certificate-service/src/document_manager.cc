#include "document_manager.h"

#include "absl/strings/str_cat.h"
#include "certificate_inputs.h"
#include "common/field_violations.h"
#include "enrollment_lifecycle.h"

namespace sertel::certificate {
namespace {

int Severity(Indication i) {
  switch (i) {
    case Indication::kTotalFailed:
      return 2;
    case Indication::kIndeterminate:
      return 1;
    case Indication::kTotalPassed:
      return 0;
  }
  return 1;
}

bool Has(const std::vector<Finding>& f, FindingCode code) {
  for (const Finding& x : f) {
    if (x.code == code) return true;
  }
  return false;
}

void Conclude(SignatureReport& r, Indication i, std::string sub) {
  r.indication = i;
  r.sub_indication = std::move(sub);
}

// The verdict from what was found, worst first (EN 319 102-1's order: format and cryptography,
// then the certificate's chain, revocation and validity, then the caller's constraints).
void Judge(SignatureReport& r) {
  const std::vector<Finding>& f = r.findings;
  if (!r.covers_whole_document || Has(f, FindingCode::kMalformed)) {
    return Conclude(r, Indication::kTotalFailed, "FORMAT_FAILURE");
  }
  if (!r.intact) return Conclude(r, Indication::kTotalFailed, "HASH_FAILURE");
  if (!r.signer_facts.has_value()) {
    return Conclude(r, Indication::kIndeterminate, "NO_SIGNING_CERTIFICATE_FOUND");
  }
  if (!r.issued_by_ca) return Conclude(r, Indication::kIndeterminate, "NO_CERTIFICATE_CHAIN_FOUND");
  if (Has(f, FindingCode::kRevoked)) {
    // Revoked before the time the signature claims: it was never valid. After it: without a
    // proof of existence (a timestamp) the claim cannot be trusted.
    if (r.status_at_signing_time == CertificateStatus::kRevoked) {
      return Conclude(r, Indication::kTotalFailed, "REVOKED");
    }
    return Conclude(r, Indication::kIndeterminate, "REVOKED_NO_POE");
  }
  if (Has(f, FindingCode::kExpired) || Has(f, FindingCode::kNotYetValid)) {
    return Conclude(r, Indication::kIndeterminate, "OUT_OF_BOUNDS_NO_POE");
  }
  if (Has(f, FindingCode::kKeyUsageMissing)) {
    return Conclude(r, Indication::kIndeterminate, "CHAIN_CONSTRAINTS_FAILURE");
  }
  if (!f.empty()) return Conclude(r, Indication::kIndeterminate, "SIG_CONSTRAINTS_FAILURE");
  Conclude(r, Indication::kTotalPassed, "");
}

}  // namespace

absl::StatusOr<DocumentReport> DocumentManager::VerifyDocument(const std::string& pdf,
                                                               const std::string& expected_nik) {
  FieldViolations v;
  if (pdf.empty()) v.Add("pdf", "is required");
  if (pdf.size() > kMaxPdfBytes)
    v.Add("pdf", absl::StrCat("is larger than ", kMaxPdfBytes >> 20, " MiB"));
  // CheckCertificate's rule: the signer's check below would refuse it anyway.
  if (!expected_nik.empty() && !IsNikShaped(expected_nik)) {
    v.Add("expected_nik", "must be 16 digits");
  }
  if (!v.empty()) return v.ToStatus("the document cannot be verified");
  absl::StatusOr<std::vector<PdfSignature>> sigs = ReadPdfSignatures(pdf);
  if (!sigs.ok()) return sigs.status();

  const absl::Time now = clock_->Now();
  DocumentReport out;
  if (sigs->empty()) {
    out.indication = Indication::kIndeterminate;
    out.sub_indication = "NO_SIGNATURE_FOUND";
    return out;
  }
  out.indication = Indication::kTotalPassed;
  for (const PdfSignature& s : *sigs) {
    absl::StatusOr<SignatureReport> r = VerifySignature(pdf, s, expected_nik, now);
    if (!r.ok()) return r.status();  // a dependency (our records) failed: UNAVAILABLE, ...
    if (Severity(r->indication) > Severity(out.indication)) {
      out.indication = r->indication;
      out.sub_indication = r->sub_indication;
    }
    out.signatures.push_back(*std::move(r));
  }
  return out;
}

absl::StatusOr<SignatureReport> DocumentManager::VerifySignature(const std::string& pdf,
                                                                 const PdfSignature& s,
                                                                 const std::string& expected_nik,
                                                                 absl::Time now) {
  SignatureReport r;
  r.field_name = s.field_name;
  r.sub_filter = s.sub_filter;
  r.covers_whole_document = s.covers_whole_document;
  if (!s.covers_whole_document) {
    r.findings.push_back({FindingCode::kMalformed, s.coverage_problem});
  }
  SignatureIntegrity integrity = VerifyIntegrity(pdf, s);
  r.intact = integrity.intact;
  r.signing_time = integrity.signing_time;
  // A broken signature is `intact` false (HASH_FAILURE), not a format problem.
  if (!integrity.format_ok) r.findings.push_back({FindingCode::kMalformed, integrity.problem});
  if (integrity.signer != nullptr) {
    r.signer_facts = CertificateMatcher::ReadFacts(integrity.signer.get());
    r.signer_pem = CertificateToPem(integrity.signer.get());
    // The same rules as CheckCertificate: our CA, validity now, revocation, the holder.
    absl::StatusOr<CheckOutcome> check = checks_->CheckCertificate(r.signer_pem, expected_nik);
    if (!check.ok()) return check.status();
    r.issued_by_ca = !Has(check->findings, FindingCode::kNotIssuedByCa);
    for (Finding& f : check->findings) r.findings.push_back(std::move(f));
    if (check->certificate.has_value()) {
      r.signer_record = check->certificate;
      r.status_now = EnrollmentLifecycle::StatusAt(check->certificate->certificate, now);
      if (r.signing_time.has_value()) {
        r.status_at_signing_time =
            EnrollmentLifecycle::StatusAt(check->certificate->certificate, *r.signing_time);
      }
    }
  }
  Judge(r);
  return r;
}

}  // namespace sertel::certificate
