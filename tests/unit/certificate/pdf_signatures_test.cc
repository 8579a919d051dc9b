// The signatures of a PDF as real signers make them (issue 21): a key and certificate imported
// into an NSS database with pk12util (the library behind Firefox, Thunderbird and LibreOffice)
// and a PDF signed by poppler's pdfsig (adbe.pkcs7.detached; Debian 12's pdfsig 22.12 cannot
// yet sign ETSI.CAdES.detached: "-etsi is not supported yet with -add-signature").
// ReadPdfSignatures finds each signature and its byte ranges with qpdf; VerifyIntegrity accepts the
// untouched file and refuses one byte changed in the signed range; what is not a PDF is
// INVALID_ARGUMENT; a PDF nobody signed has no signature.
#include "pdf_signatures.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/harness/sample_documents.h"
#include "tests/unit/certificate/test_ca.h"

namespace sertel::certificate {
namespace {

using testing::RunCommand;
using testing::TempDir;
using testing::TestCa;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Signs SamplePdf() with a certificate of `ca` through NSS and pdfsig; returns the signed file.
std::string SignWithPdfsig(const TempDir& dir, const TestCa& ca) {
  // RSA: pdfsig reserves the signature's room by a trial signature, and an ECDSA signature's
  // DER length varies by a byte or two ("signDocument: unable update signature").
  EvpPkeyPtr key = testing::MakeKey("rsa-2048");
  X509Ptr cert = ca.Craft({.key = key.get()});
  dir.Write("holder.key", testing::KeyToPem(key.get()));
  dir.Write("holder.pem", CertificateToPem(cert.get()));
  dir.Write("in.pdf", sertel::testing::SamplePdf());
  const std::string d = dir.path();
  std::string out;
  const std::string cmd = "set -e; cd " + d +
                          "; openssl pkcs12 -export -inkey holder.key -in holder.pem -name holder"
                          " -passout pass:Uji-Rahasia-1 -out holder.p12"
                          "; mkdir -p nss; certutil -N -d sql:nss --empty-password"
                          "; pk12util -i holder.p12 -d sql:nss -W Uji-Rahasia-1"
                          "; pdfsig -add-signature -nssdir sql:nss -nick holder in.pdf signed.pdf";
  EXPECT_EQ(RunCommand(cmd, &out), 0) << out;
  return ReadAll(dir.File("signed.pdf"));
}

TEST(PdfSignaturesTest, ASignatureByPdfsigCoversTheFileAndVerifies) {
  {
    TempDir dir;
    TestCa ca = TestCa::Create(dir.path());
    const std::string pdf = SignWithPdfsig(dir, ca);
    ASSERT_FALSE(pdf.empty());
    absl::StatusOr<std::vector<PdfSignature>> sigs = ReadPdfSignatures(pdf);
    ASSERT_TRUE(sigs.ok()) << sigs.status();
    ASSERT_EQ(sigs->size(), 1u);
    const PdfSignature& s = (*sigs)[0];
    EXPECT_EQ(s.sub_filter, "adbe.pkcs7.detached");
    EXPECT_TRUE(s.covers_whole_document) << s.coverage_problem;
    EXPECT_FALSE(s.field_name.empty());
    SignatureIntegrity i = VerifyIntegrity(pdf, s);
    EXPECT_TRUE(i.format_ok);
    EXPECT_TRUE(i.intact) << i.problem;
    ASSERT_NE(i.signer, nullptr);
    EXPECT_EQ(NameEntry(X509_get_subject_name(i.signer.get()), NID_serialNumber),
              "3171014101900001");
  }
}

TEST(PdfSignaturesTest, OneByteChangedInTheSignedRangeBreaksTheSignature) {
  TempDir dir;
  TestCa ca = TestCa::Create(dir.path());
  std::string pdf = SignWithPdfsig(dir, ca);
  absl::StatusOr<std::vector<PdfSignature>> sigs = ReadPdfSignatures(pdf);
  ASSERT_TRUE(sigs.ok() && sigs->size() == 1u);
  // A byte of the page's content stream, inside the first signed range.
  size_t at = pdf.find("stream\n");
  ASSERT_NE(at, std::string::npos);
  ASSERT_LT(at + 8, static_cast<size_t>((*sigs)[0].byte_range[1]));
  pdf[at + 8] = pdf[at + 8] == 'x' ? 'y' : 'x';
  sigs = ReadPdfSignatures(pdf);
  ASSERT_TRUE(sigs.ok()) << sigs.status();
  ASSERT_EQ(sigs->size(), 1u);
  SignatureIntegrity i = VerifyIntegrity(pdf, (*sigs)[0]);
  EXPECT_TRUE(i.format_ok);
  EXPECT_FALSE(i.intact);
  EXPECT_TRUE(absl::StrContains(i.problem, "does not verify")) << i.problem;
}

TEST(PdfSignaturesTest, BytesAppendedAfterTheSignatureAreNotCovered) {
  TempDir dir;
  TestCa ca = TestCa::Create(dir.path());
  std::string pdf = SignWithPdfsig(dir, ca);
  pdf += "\n% appended after signing\n";
  absl::StatusOr<std::vector<PdfSignature>> sigs = ReadPdfSignatures(pdf);
  ASSERT_TRUE(sigs.ok()) << sigs.status();
  ASSERT_EQ(sigs->size(), 1u);
  EXPECT_FALSE((*sigs)[0].covers_whole_document);
  EXPECT_TRUE(absl::StrContains((*sigs)[0].coverage_problem, "end of the file"));
  EXPECT_FALSE(VerifyIntegrity(pdf, (*sigs)[0]).intact);
}

TEST(PdfSignaturesTest, WhatIsNotAPdfIsRefusedAndAnUnsignedPdfHasNoSignature) {
  EXPECT_TRUE(absl::IsInvalidArgument(ReadPdfSignatures("hello").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(ReadPdfSignatures("%PDF-1.7\n garbage").status()));
  absl::StatusOr<std::vector<PdfSignature>> none = ReadPdfSignatures(sertel::testing::SamplePdf());
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace sertel::certificate
