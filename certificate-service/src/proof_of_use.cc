#include "proof_of_use.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "certificate_matcher.h"
#include "nlohmann/json.hpp"

namespace sertel::certificate {
namespace {

struct EssSigningCertV2Deleter {
  void operator()(ESS_SIGNING_CERT_V2* p) const { ESS_SIGNING_CERT_V2_free(p); }
};
struct Asn1StringDeleter {
  void operator()(ASN1_STRING* p) const { ASN1_STRING_free(p); }
};

// CMS_CADES makes CMS_verify compare the ESS signing-certificate(-v2) attribute's hash with the
// signer's certificate, as a CAdES validator does (OpenSSL 3.0: only with this flag).
constexpr unsigned kVerifyFlags = CMS_DETACHED | CMS_BINARY | CMS_CADES;

BioPtr TestDocumentBio() {
  return BioPtr(BIO_new_mem_buf(ProofOfUse::kTestDocument.data(),
                                static_cast<int>(ProofOfUse::kTestDocument.size())));
}

// CAdES-BES's signing-certificate-v2 attribute (RFC 5035): the SHA-256 of the signer's
// certificate among the signed attributes, so the signature names the certificate it was made
// with.
bool AddSigningCertificateV2(CMS_SignerInfo* si, X509* cert) {
  std::unique_ptr<ESS_SIGNING_CERT_V2, EssSigningCertV2Deleter> sc(
      OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), cert, nullptr, /*set_issuer_serial=*/0));
  if (sc == nullptr) return false;
  unsigned char* der = nullptr;
  const int len = i2d_ESS_SIGNING_CERT_V2(sc.get(), &der);
  if (len <= 0) return false;
  std::unique_ptr<ASN1_STRING, Asn1StringDeleter> seq(ASN1_STRING_new());
  const bool set = seq != nullptr && ASN1_STRING_set(seq.get(), der, len) == 1;
  OPENSSL_free(der);
  return set && CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2,
                                            V_ASN1_SEQUENCE, seq.get(), -1) == 1;
}

// The detached CMS signature over the test document, DER-encoded; "" with `error` set.
std::string SignTestDocument(EVP_PKEY* key, X509* cert, std::string* error) {
  const unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
  if (cms == nullptr) {
    *error = "CMS_sign: " + OpenSslErrorString();
    return "";
  }
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), cert, key, EVP_sha256(), flags);
  if (si == nullptr) {
    *error = "the key cannot sign as this certificate: " + OpenSslErrorString();
    return "";
  }
  if (!AddSigningCertificateV2(si, cert)) {
    *error = "signing-certificate-v2 attribute: " + OpenSslErrorString();
    return "";
  }
  BioPtr data = TestDocumentBio();
  if (data == nullptr || CMS_final(cms.get(), data.get(), nullptr, flags) != 1) {
    *error = "CMS_final: " + OpenSslErrorString();
    return "";
  }
  unsigned char* der = nullptr;
  const int len = i2d_CMS_ContentInfo(cms.get(), &der);
  if (len <= 0) {
    *error = "i2d_CMS_ContentInfo: " + OpenSslErrorString();
    return "";
  }
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

// Our chain as the validator's trust: the issuing CA is an anchor (partial chain), the purpose
// is S/MIME signing (the profile's emailProtection), the time is `now`.
X509StorePtr TrustStore(const std::vector<X509Ptr>& chain, absl::Time now) {
  X509StorePtr store(X509_STORE_new());
  if (store == nullptr) return nullptr;
  for (const X509Ptr& c : chain) {
    if (X509_STORE_add_cert(store.get(), c.get()) != 1) return nullptr;
  }
  X509_VERIFY_PARAM* param = X509_STORE_get0_param(store.get());
  if (X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN) != 1 ||
      X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SMIME_SIGN) != 1) {
    return nullptr;
  }
  X509_VERIFY_PARAM_set_time(param, absl::ToTimeT(now));
  return store;
}

class ReportBuilder {
 public:
  explicit ReportBuilder(absl::Time now) { report_.checked_at = now; }
  bool Check(absl::string_view name, bool passed, std::string detail = "") {
    report_.checks.push_back(
        {.name = std::string(name), .passed = passed, .detail = passed ? "" : std::move(detail)});
    return passed;
  }
  // A check that could not run because an earlier one failed.
  void NotRun(absl::string_view name, absl::string_view after) {
    Check(name, false, absl::StrCat("not run: ", after, " failed"));
  }
  ProofReport Finish() {
    report_.passed = !report_.checks.empty();
    for (const ProofCheck& c : report_.checks) report_.passed = report_.passed && c.passed;
    return std::move(report_);
  }

 private:
  ProofReport report_;
};

}  // namespace

ProofReport ProofOfUse::Run(EVP_PKEY* key, X509* cert, const std::vector<X509Ptr>& chain,
                            const HolderIdentity& holder, absl::Time now) {
  ReportBuilder r(now);
  ERR_clear_error();
  r.Check(kKeyMatchesCertificate,
          key != nullptr && cert != nullptr && X509_check_private_key(cert, key) == 1,
          "the private key is not the certificate's key");
  if (cert == nullptr) {
    for (size_t i = 1; i < kAllChecks.size(); ++i) r.NotRun(kAllChecks[i], kKeyMatchesCertificate);
    return r.Finish();
  }
  const CertificateFacts facts = CertificateMatcher::ReadFacts(cert);
  r.Check(kKeyUsage, facts.digital_signature && facts.non_repudiation,
          absl::StrCat("key usage lacks", facts.digital_signature ? "" : " digitalSignature",
                       facts.non_repudiation ? "" : " nonRepudiation"));

  std::string error;
  const std::string der = key == nullptr ? "" : SignTestDocument(key, cert, &error);
  if (!r.Check(kSignatureCreated, !der.empty(), key == nullptr ? "no private key" : error)) {
    r.NotRun(kSigningCertificateAttribute, kSignatureCreated);
    r.NotRun(kSignatureVerified, kSignatureCreated);
    r.NotRun(kSignerIsHolder, kSignatureCreated);
    return r.Finish();
  }

  // Verified from its encoded form, as a receiving validator sees it.
  BioPtr in(BIO_new_mem_buf(der.data(), static_cast<int>(der.size())));
  CmsPtr cms(in == nullptr ? nullptr : d2i_CMS_bio(in.get(), nullptr));
  STACK_OF(CMS_SignerInfo)* infos = cms == nullptr ? nullptr : CMS_get0_SignerInfos(cms.get());
  CMS_SignerInfo* si = infos != nullptr && sk_CMS_SignerInfo_num(infos) == 1
                           ? sk_CMS_SignerInfo_value(infos, 0)
                           : nullptr;
  r.Check(kSigningCertificateAttribute,
          si != nullptr &&
              CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1) >= 0,
          "the signature carries no signing-certificate-v2 attribute");

  ERR_clear_error();
  X509StorePtr store = TrustStore(chain, now);
  BioPtr data = TestDocumentBio();
  const bool verified =
      cms != nullptr && store != nullptr && data != nullptr &&
      CMS_verify(cms.get(), nullptr, store.get(), data.get(), nullptr, kVerifyFlags) == 1;
  if (!r.Check(kSignatureVerified, verified,
               store == nullptr
                   ? "our CA chain could not be loaded as a trust store: " + OpenSslErrorString()
                   : "the test signature does not verify against our CA for signing "
                     "use: " +
                         OpenSslErrorString())) {
    r.NotRun(kSignerIsHolder, kSignatureVerified);
    return r.Finish();
  }
  STACK_OF(X509)* signers = CMS_get0_signers(cms.get());
  X509* signer =
      signers != nullptr && sk_X509_num(signers) == 1 ? sk_X509_value(signers, 0) : nullptr;
  std::vector<std::string> wrong;
  if (signer == nullptr || X509_cmp(signer, cert) != 0) {
    wrong.push_back("the signature names another certificate");
  } else {
    for (const Finding& f :
         CertificateMatcher::CompareHolder(CertificateMatcher::ReadFacts(signer), holder)) {
      wrong.push_back(absl::StrCat(FindingCodeName(f.code), ": ", f.message));
    }
  }
  sk_X509_free(signers);
  r.Check(kSignerIsHolder, wrong.empty(), absl::StrJoin(wrong, "; "));
  return r.Finish();
}

absl::Status ProofOfUse::RequirePassed(const std::optional<ProofReport>& report) {
  if (!report.has_value()) {
    return absl::FailedPreconditionError(
        "the certificate has no proof-of-use report (issued before test signatures were made): "
        "revoke it and issue a new one");
  }
  // The verdict is worked out again from the checks, never taken from the stored flag: every
  // check this release makes must be there, in order, and passed.
  std::vector<std::string> failed;
  for (const ProofCheck& c : report->checks) {
    if (!c.passed) failed.push_back(absl::StrCat(c.name, " (", c.detail, ")"));
  }
  bool complete = report->checks.size() == kAllChecks.size();
  for (size_t i = 0; complete && i < kAllChecks.size(); ++i) {
    complete = report->checks[i].name == kAllChecks[i];
  }
  if (report->passed && complete && failed.empty()) return absl::OkStatus();
  if (failed.empty()) failed.push_back("the report does not hold every check passed");
  return absl::FailedPreconditionError(
      absl::StrCat("the certificate's test signature failed: ", absl::StrJoin(failed, ", "),
                   "; it must not be handed over"));
}

std::string ProofOfUse::ToJson(const ProofReport& report) {
  nlohmann::json checks = nlohmann::json::array();
  for (const ProofCheck& c : report.checks) {
    checks.push_back({{"name", c.name}, {"passed", c.passed}, {"detail", c.detail}});
  }
  return nlohmann::json{
      {"passed", report.passed},
      {"checked_at", absl::FormatTime(absl::RFC3339_full, report.checked_at, absl::UTCTimeZone())},
      {"checks", std::move(checks)}}
      .dump();
}

absl::StatusOr<ProofReport> ProofOfUse::FromJson(absl::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("passed") || !j["passed"].is_boolean() ||
      !j.contains("checks") || !j["checks"].is_array() || !j.contains("checked_at") ||
      !j["checked_at"].is_string()) {
    return absl::DataLossError("a stored proof-of-use report is not readable");
  }
  ProofReport r;
  r.passed = j["passed"].get<bool>();
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, j["checked_at"].get<std::string>(), &r.checked_at,
                       &err)) {
    return absl::DataLossError("a stored proof-of-use report has a bad time");
  }
  for (const nlohmann::json& c : j["checks"]) {
    if (!c.is_object() || !c.value("name", nlohmann::json()).is_string() ||
        !c.value("passed", nlohmann::json()).is_boolean() ||
        (c.contains("detail") && !c["detail"].is_string())) {
      return absl::DataLossError("a stored proof-of-use check is not readable");
    }
    r.checks.push_back({.name = c["name"].get<std::string>(),
                        .passed = c["passed"].get<bool>(),
                        .detail = c.value("detail", std::string())});
  }
  return r;
}

}  // namespace sertel::certificate
