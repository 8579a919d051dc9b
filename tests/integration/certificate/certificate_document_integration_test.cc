// VerifyDocument against real signers (issue 21): the keystore the service sealed at step 6 is
// imported into an NSS database with pk12util under the owner's passphrase (as Firefox,
// Thunderbird or LibreOffice would) and a PDF is signed with poppler's pdfsig. The service
// answers TOTAL_PASSED for the holder's NIK and names the holder; a byte changed in the signed
// range is TOTAL_FAILED; a PDF signed by a self-made certificate is NOT_ISSUED_BY_CA; after a
// revocation the check reports it; another expected NIK, what is not a PDF and an oversized
// PDF are refused or flagged; a PDF nobody signed is INDETERMINATE.
#include "absl/strings/match.h"
#include "tests/harness/sample_documents.h"
#include "tests/integration/certificate/certificate_fixture.h"

namespace sertel::certificate::testing {
namespace {

// RSA holders: pdfsig reserves the signature's room by a trial signature, and an ECDSA
// signature's DER length varies by a byte or two.
class DocumentVerificationTest : public CertificateIntegrationTest {
 protected:
  void SetUp() override { Build(KeyAlgorithm::kRsa2048); }

  // The PDF signed with the keystore handed out for `app` (DownloadKeystore, as the owner).
  std::string SignWithTheKeystore(const std::string& app) {
    v1::DownloadKeystoreRequest req;
    req.set_application_id(app);
    v1::DownloadKeystoreResponse ks;
    EXPECT_TRUE(stub_->DownloadKeystore(Ctx(Token("VERIFIER")).get(), req, &ks).ok());
    dir_.Write("holder.p12", ks.pkcs12());
    dir_.Write("passphrase.txt", kPassphrase);
    return SignWithNss("pk12util -i holder.p12 -d sql:nss -w passphrase.txt");
  }

  // Imports with `import` (run in dir_) into a new NSS database, signs SamplePdf() with the
  // key it holds (the certificate whose trust is u,u,u; its nickname may hold spaces).
  std::string SignWithNss(const std::string& import) {
    dir_.Write("in.pdf", sertel::testing::SamplePdf());
    std::string out;
    const std::string cmd = "set -e; cd " + dir_.path() +
                            "; rm -rf nss signed.pdf; mkdir nss;"
                            " certutil -N -d sql:nss --empty-password; " +
                            import +
                            "; nick=$(certutil -L -d sql:nss | grep 'u,u,u' | head -1 |"
                            " sed -E 's/[[:space:]]+[^[:space:]]+$//')"
                            "; pdfsig -add-signature -nssdir sql:nss -nick \"$nick\" in.pdf"
                            " signed.pdf";
    EXPECT_EQ(RunCommand(cmd, &out), 0) << out;
    std::ifstream in(dir_.File("signed.pdf"), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  grpc::Status Verify(const std::string& pdf, v1::DocumentVerification* out,
                      const std::string& nik = "") {
    v1::VerifyDocumentRequest req;
    req.set_pdf(pdf);
    req.set_expected_nik(nik);
    return stub_->VerifyDocument(Ctx(Token("AUDITOR")).get(), req, out);
  }
};

bool HasFinding(const v1::SignatureVerification& s, v1::FindingCode code) {
  for (const v1::Finding& f : s.findings()) {
    if (f.code() == code) return true;
  }
  return false;
}

TEST_F(DocumentVerificationTest, TheHoldersSignaturePassesAndAChangedByteFails) {
  v1::Certificate c = Issue("app-1");
  const std::string pdf = SignWithTheKeystore("app-1");
  ASSERT_FALSE(pdf.empty());
  v1::DocumentVerification v;
  ASSERT_TRUE(Verify(pdf, &v, c.nik()).ok());
  EXPECT_EQ(v.indication(), v1::INDICATION_TOTAL_PASSED) << v.DebugString();
  ASSERT_EQ(v.signatures_size(), 1);
  const v1::SignatureVerification& s = v.signatures(0);
  EXPECT_EQ(s.sub_filter(), "adbe.pkcs7.detached");
  EXPECT_TRUE(s.covers_whole_document());
  EXPECT_TRUE(s.intact());
  EXPECT_TRUE(s.issued_by_ca());
  EXPECT_EQ(s.signer().serial(), c.serial());
  EXPECT_EQ(s.signer().full_name(), c.full_name());
  EXPECT_EQ(s.signer().application_id(), "app-1") << "our record, not only the certificate";
  EXPECT_EQ(s.status_now(), v1::CERTIFICATE_STATUS_VALID);
  EXPECT_EQ(s.findings_size(), 0) << s.DebugString();

  // Another expected NIK: the signature is fine, the signer is not the one asked for.
  ASSERT_TRUE(Verify(pdf, &v, "3171014101900002").ok());
  EXPECT_EQ(v.indication(), v1::INDICATION_INDETERMINATE);
  EXPECT_EQ(v.sub_indication(), "SIG_CONSTRAINTS_FAILURE");
  EXPECT_TRUE(HasFinding(v.signatures(0), v1::FINDING_CODE_NIK_MISMATCH));

  // One byte of the page, inside the signed range.
  std::string changed = pdf;
  size_t at = changed.find("stream\n");
  ASSERT_NE(at, std::string::npos);
  changed[at + 8] = changed[at + 8] == 'x' ? 'y' : 'x';
  ASSERT_TRUE(Verify(changed, &v, c.nik()).ok());
  EXPECT_EQ(v.indication(), v1::INDICATION_TOTAL_FAILED);
  EXPECT_EQ(v.sub_indication(), "HASH_FAILURE");
  EXPECT_FALSE(v.signatures(0).intact());
}

// Issue 22's rule for the verification path: no database round trip per signature. With every
// pooled connection taken (a query would wait for one and fail UNAVAILABLE), the document still
// verifies from the in-memory snapshot, our record of the signer included.
TEST_F(DocumentVerificationTest, AVerificationNeedsNoDatabaseConnection) {
  v1::Certificate c = Issue("app-1");
  const std::string pdf = SignWithTheKeystore("app-1");
  ASSERT_FALSE(pdf.empty());
  std::vector<PgPool::Lease> taken = TakeAllConnections();
  v1::DocumentVerification v;
  grpc::Status s = Verify(pdf, &v, c.nik());
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(v.indication(), v1::INDICATION_TOTAL_PASSED) << v.DebugString();
  ASSERT_EQ(v.signatures_size(), 1);
  EXPECT_EQ(v.signatures(0).signer().application_id(), "app-1");
}

TEST_F(DocumentVerificationTest, ASelfMadeCertificateIsNotIssuedByOurCa) {
  Issue("app-1");
  std::string out;
  ASSERT_EQ(RunCommand("set -e; cd " + dir_.path() +
                           "; openssl req -x509 -newkey rsa:2048 -nodes -keyout self.key"
                           " -out self.pem -days 30 -subj '/CN=Siti Aminah/serialNumber="
                           "3171014101900001' -addext keyUsage=critical,digitalSignature,"
                           "nonRepudiation -addext extendedKeyUsage=emailProtection"
                           "; openssl pkcs12 -export -inkey self.key -in self.pem -name self"
                           " -passout pass:Uji-1 -out self.p12",
                       &out),
            0)
      << out;
  const std::string pdf = SignWithNss("pk12util -i self.p12 -d sql:nss -W Uji-1");
  v1::DocumentVerification v;
  ASSERT_TRUE(Verify(pdf, &v, "3171014101900001").ok());
  EXPECT_EQ(v.indication(), v1::INDICATION_INDETERMINATE);
  EXPECT_EQ(v.sub_indication(), "NO_CERTIFICATE_CHAIN_FOUND");
  ASSERT_EQ(v.signatures_size(), 1);
  EXPECT_TRUE(v.signatures(0).intact()) << "the signature itself is fine";
  EXPECT_FALSE(v.signatures(0).issued_by_ca());
  EXPECT_TRUE(HasFinding(v.signatures(0), v1::FINDING_CODE_NOT_ISSUED_BY_CA));
  EXPECT_EQ(v.signatures(0).findings_size(), 1) << "nothing about any holder";
}

TEST_F(DocumentVerificationTest, ARevocationIsReportedByTheNextCheck) {
  v1::Certificate c = Issue("app-1");
  const std::string pdf = SignWithTheKeystore("app-1");
  v1::Certificate revoked;
  clock_.Advance(absl::Minutes(1));  // revoked after it signed
  ASSERT_TRUE(Revoke(c.serial(), v1::REVOCATION_REASON_KEY_COMPROMISE, &revoked).ok());
  v1::DocumentVerification v;
  ASSERT_TRUE(Verify(pdf, &v, c.nik()).ok());
  EXPECT_NE(v.indication(), v1::INDICATION_TOTAL_PASSED);
  ASSERT_EQ(v.signatures_size(), 1);
  EXPECT_TRUE(HasFinding(v.signatures(0), v1::FINDING_CODE_REVOKED));
  EXPECT_EQ(v.signatures(0).status_now(), v1::CERTIFICATE_STATUS_REVOKED);
  // Signed before the revocation, with no timestamp to prove when: not a proven failure.
  EXPECT_TRUE(v.sub_indication() == "REVOKED_NO_POE" || v.sub_indication() == "REVOKED")
      << v.sub_indication();
}

TEST_F(DocumentVerificationTest, BadInputIsRefusedAndAnUnsignedPdfIsIndeterminate) {
  v1::DocumentVerification v;
  EXPECT_EQ(Verify("", &v).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Verify("not a pdf", &v).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Verify(sertel::testing::SamplePdf(), &v, "12345").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Verify(std::string(DocumentManager::kMaxPdfBytes + 1, 'x'), &v).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Verify(sertel::testing::SamplePdf(), &v).ok());
  EXPECT_EQ(v.indication(), v1::INDICATION_INDETERMINATE);
  EXPECT_EQ(v.sub_indication(), "NO_SIGNATURE_FOUND");
  EXPECT_EQ(v.signatures_size(), 0);
  // No token: refused before anything is read.
  v1::VerifyDocumentRequest req;
  req.set_pdf(sertel::testing::SamplePdf());
  EXPECT_EQ(stub_->VerifyDocument(Ctx("").get(), req, &v).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace sertel::certificate::testing
