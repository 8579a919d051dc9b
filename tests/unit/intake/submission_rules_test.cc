// SOP step 1's input rules: the four documents exactly once, real PDF/JPEG/PNG bytes within the
// size limit, valid identity fields, the applicant's own NIK, and every problem at once; the
// canonical hash behind idempotency.
#include "submission_rules.h"

#include <set>

#include "common/field_violations.h"
#include "field_checks.h"
#include "gtest/gtest.h"
#include "intake_proto.h"
#include "tests/unit/intake/test_applications.h"

namespace sertel::intake {
namespace {

using namespace testdata;

std::set<std::string> Fields(const absl::Status& s) {
  std::set<std::string> out;
  for (const auto& v : FieldViolations::FromStatus(s)) out.insert(v.field);
  return out;
}

const SubmissionRules kRules({.max_document_bytes = 1024}, &SampleUnits());

TEST(SubmissionRulesTest, AValidRequestPasses) {
  EXPECT_TRUE(kRules.CheckSubmission(FromProto(ValidRequest())).ok());
}

TEST(SubmissionRulesTest, EveryBadFieldIsReportedAtOnce) {
  v1::SubmitApplicationRequest r = ValidRequest();
  r.set_request_id("has space");
  r.mutable_applicant()->set_nik("123");
  r.mutable_applicant()->set_nip("199001012015033001");  // gender digit 3
  r.mutable_applicant()->set_email("not-an-email");
  r.mutable_applicant()->set_phone("081234567890");
  r.mutable_applicant()->set_full_name("Siti\x01");
  r.mutable_applicant()->set_unit("");
  r.mutable_applicant()->set_position(std::string(201, 'a'));
  r.set_note(std::string(1001, 'n'));
  absl::Status s = kRules.CheckSubmission(FromProto(r));
  ASSERT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_EQ(Fields(s),
            (std::set<std::string>{"request_id", "applicant.nik", "applicant.nip",
                                   "applicant.email", "applicant.phone", "applicant.full_name",
                                   "applicant.unit", "applicant.position", "note"}));
}

TEST(SubmissionRulesTest, MissingAndDuplicatedKindsAreNamed) {
  v1::SubmitApplicationRequest r = ValidRequest();
  r.mutable_documents(3)->set_kind(v1::DOCUMENT_KIND_KTP_COPY);  // SK missing, KTP twice
  absl::Status s = kRules.CheckSubmission(FromProto(r));
  EXPECT_EQ(Fields(s), (std::set<std::string>{"documents[3].kind", "documents"}));
  EXPECT_NE(s.ToString().find("SK_COPY"), std::string::npos) << s;
}

TEST(SubmissionRulesTest, ContentIsJudgedByItsBytesNotItsName) {
  v1::SubmitApplicationRequest r = ValidRequest();
  r.mutable_documents(0)->set_content("MZ\x90\x00 this is an exe named surat.pdf");
  r.mutable_documents(1)->set_content_type("image/png");  // but it is a PDF
  r.mutable_documents(2)->clear_content();
  r.mutable_documents(3)->set_content(Png(2048));  // over the 1024-byte test limit
  absl::Status s = kRules.CheckSubmission(FromProto(r));
  EXPECT_EQ(Fields(s), (std::set<std::string>{"documents[0].content", "documents[1].content_type",
                                              "documents[2].content", "documents[3].content"}));
  EXPECT_NE(s.ToString().find("1024"), std::string::npos) << s;
}

TEST(SubmissionRulesTest, UnknownKindAndPathInFilenameAreRejected) {
  v1::SubmitApplicationRequest r = ValidRequest();
  r.mutable_documents(0)->set_kind(static_cast<v1::DocumentKind>(9));
  r.mutable_documents(1)->set_filename("../../etc/passwd");
  std::set<std::string> f = Fields(kRules.CheckSubmission(FromProto(r)));
  EXPECT_TRUE(f.count("documents[0].kind"));
  EXPECT_TRUE(f.count("documents[1].filename"));
}

TEST(SubmissionRulesTest, ResubmissionNeedsAtLeastOneDocumentEachKindOnce) {
  v1::ResubmitDocumentsRequest r;
  EXPECT_EQ(Fields(kRules.CheckResubmission(FromProto(r))), std::set<std::string>{"documents"});
  *r.add_documents() = Doc(v1::DOCUMENT_KIND_KTP_COPY, Jpeg());
  EXPECT_TRUE(kRules.CheckResubmission(FromProto(r)).ok());
  *r.add_documents() = Doc(v1::DOCUMENT_KIND_KTP_COPY, Jpeg());
  EXPECT_EQ(Fields(kRules.CheckResubmission(FromProto(r))),
            std::set<std::string>{"documents[1].kind"});
}

TEST(SubmissionRulesTest, CanonicalHashIgnoresDocumentOrderButNotContent) {
  v1::SubmitApplicationRequest a = ValidRequest();
  v1::SubmitApplicationRequest b = a;
  b.mutable_documents()->SwapElements(0, 3);
  EXPECT_EQ(SubmissionRules::CanonicalHash(FromProto(a)),
            SubmissionRules::CanonicalHash(FromProto(b)));
  b.mutable_documents(0)->mutable_content()->back() ^= 1;
  EXPECT_NE(SubmissionRules::CanonicalHash(FromProto(a)),
            SubmissionRules::CanonicalHash(FromProto(b)));
  v1::SubmitApplicationRequest c = a;
  c.mutable_applicant()->set_phone("+6281234567891");
  EXPECT_NE(SubmissionRules::CanonicalHash(FromProto(a)),
            SubmissionRules::CanonicalHash(FromProto(c)));
}

// The hash is stored as request_hash: a request sent again after an upgrade must hash the same.
TEST(SubmissionRulesTest, CanonicalHashKeepsItsStoredFormat) {
  v1::SubmitApplicationRequest r;
  r.set_request_id("req-golden");
  *r.mutable_applicant() = ValidApplicant();
  // The applicant as the golden value was taken (before units became codes): the format of the
  // stored hash must not change, whatever the test data of the day.
  r.mutable_applicant()->set_unit("Dinas Komunikasi dan Informatika");
  r.set_note("Mohon diproses");
  *r.add_documents() = Doc(v1::DOCUMENT_KIND_KTP_COPY, "abc", "ktp.jpg");
  r.mutable_documents(0)->set_content_type("image/jpeg");
  *r.add_documents() = Doc(v1::DOCUMENT_KIND_REQUEST_LETTER, "%PDF", "surat.pdf");
  EXPECT_EQ(SubmissionRules::CanonicalHash(FromProto(r)),
            "72bd18c949804303503259e20c19b5fe21288395352b11150657bc4ba4c15677");
}

TEST(FieldChecksTest, NikStructure) {
  EXPECT_TRUE(CheckNik("3171014101900001").ok());  // woman: day 41 = 1st
  EXPECT_TRUE(CheckNik("3171010101900001").ok());
  EXPECT_FALSE(CheckNik("317101410190000").ok());   // 15 digits
  EXPECT_FALSE(CheckNik("0171014101900001").ok());  // province 01
  EXPECT_FALSE(CheckNik("3171013201900001").ok());  // day 32
  EXPECT_FALSE(CheckNik("3171010113900001").ok());  // month 13
  EXPECT_FALSE(CheckNik("3171010101900000").ok());  // serial 0000
  EXPECT_FALSE(CheckNik("31710101019000a1").ok());
}

TEST(FieldChecksTest, NipStructure) {
  EXPECT_TRUE(CheckNip("199001012015032001").ok());
  EXPECT_FALSE(CheckNip("199002302015032001").ok());  // 30 Feb
  EXPECT_FALSE(CheckNip("199001012015132001").ok());  // month 13
  EXPECT_FALSE(CheckNip("199001012015033001").ok());  // gender 3
  EXPECT_FALSE(CheckNip("199001012015031000").ok());  // serial 000
}

TEST(FieldChecksTest, PhoneEmailAndText) {
  EXPECT_TRUE(CheckPhone("+6281234567890").ok());
  EXPECT_FALSE(CheckPhone("+6581234567").ok());
  EXPECT_FALSE(CheckPhone("+62081234567").ok());
  EXPECT_TRUE(CheckEmail("a.b+c@x.go.id").ok());
  EXPECT_FALSE(CheckEmail("a@@x.id").ok());
  EXPECT_FALSE(CheckEmail("a@localhost").ok());
  EXPECT_FALSE(CheckEmail("a..b@x.id").ok());
  EXPECT_TRUE(CheckText("Dinas Kominfo", 200, true).ok());
  EXPECT_FALSE(CheckText("line\nbreak", 200, true).ok());
  EXPECT_TRUE(CheckText("line\nbreak", 200, true, /*multiline=*/true).ok());
  EXPECT_FALSE(CheckText("\xC3\x28", 200, true).ok());        // malformed UTF-8
  EXPECT_TRUE(CheckText("\xC3\xA9t\xC3\xA9", 3, true).ok());  // counted in characters
  EXPECT_TRUE(CheckFullName("Dr. Ni Luh Putu Ayu-Dewi, S.Kom").ok());
  EXPECT_FALSE(CheckFullName("Robert'); DROP TABLE--;").ok());
}

TEST(FieldChecksTest, SniffsByBytes) {
  EXPECT_EQ(SniffDocumentType(Pdf()), "application/pdf");
  EXPECT_EQ(SniffDocumentType(Jpeg()), "image/jpeg");
  EXPECT_EQ(SniffDocumentType(Png()), "image/png");
  EXPECT_EQ(SniffDocumentType("GIF89a"), "");
  EXPECT_EQ(SniffDocumentType(""), "");
}

}  // namespace
}  // namespace sertel::intake
