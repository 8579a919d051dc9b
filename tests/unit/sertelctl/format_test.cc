// sertelctl's presentation rules without a server: enum spellings, exit codes, the readable
// form of a gRPC error with its field violations, tables and durations.
#include "format.h"

#include <gtest/gtest.h>

#include <sstream>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "sertel/v1/certificate.pb.h"
#include "sertel/v1/common.pb.h"

namespace sertel::ctl {
namespace {

TEST(EnumValuePrefix, FollowsBufStandardNaming) {
  EXPECT_EQ(EnumValuePrefix(v1::ApplicationStatus_descriptor()), "APPLICATION_STATUS_");
  EXPECT_EQ(EnumValuePrefix(v1::DocumentKind_descriptor()), "DOCUMENT_KIND_");
}

TEST(EnumLabel, DropsThePrefix) {
  EXPECT_EQ(EnumLabel(v1::ApplicationStatus_descriptor(), v1::APPLICATION_STATUS_HANDED_OVER),
            "HANDED_OVER");
  EXPECT_EQ(EnumLabel(v1::Step_descriptor(), v1::STEP_HEAD_OF_AGENCY_REVIEW),
            "HEAD_OF_AGENCY_REVIEW");
  EXPECT_EQ(EnumLabel(v1::Step_descriptor(), 99), "99");
}

TEST(ParseEnumValue, AcceptsThePeopleFriendlySpellings) {
  for (const char* text :
       {"ktp-copy", "KTP_COPY", "ktp_copy", "DOCUMENT_KIND_KTP_COPY", " Ktp-Copy "}) {
    absl::StatusOr<int> v = ParseEnumValue(v1::DocumentKind_descriptor(), text);
    ASSERT_TRUE(v.ok()) << text;
    EXPECT_EQ(*v, v1::DOCUMENT_KIND_KTP_COPY) << text;
  }
  EXPECT_EQ(*ParseEnumValue(v1::Channel_descriptor(), "whatsapp"), v1::CHANNEL_WHATSAPP);
  EXPECT_EQ(*ParseEnumValue(v1::RevocationReason_descriptor(), "key-compromise"),
            v1::REVOCATION_REASON_KEY_COMPROMISE);
}

TEST(ParseEnumValue, RefusesUnknownAndUnspecifiedNamingTheChoices) {
  absl::StatusOr<int> fax = ParseEnumValue(v1::Channel_descriptor(), "fax");
  ASSERT_FALSE(fax.ok());
  EXPECT_EQ(fax.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(fax.status().message().find("email|whatsapp"), std::string::npos);
  EXPECT_FALSE(ParseEnumValue(v1::Channel_descriptor(), "unspecified").ok());
  EXPECT_FALSE(ParseEnumValue(v1::Channel_descriptor(), "").ok());
}

TEST(ExitCodeFor, IsTenPlusTheGrpcCode) {
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::OK), kExitOk);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::INVALID_ARGUMENT), 13);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::PERMISSION_DENIED), 17);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::ABORTED), 20);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::UNAUTHENTICATED), 26);
  // Never one of the codes that mean something else.
  for (int c = 1; c <= 16; ++c) {
    int rc = ExitCodeFor(static_cast<grpc::StatusCode>(c));
    EXPECT_NE(rc, kExitNo);
    EXPECT_NE(rc, kExitUsage);
    EXPECT_NE(rc, kExitLocal);
  }
}

TEST(PrintRpcError, ListsEveryFieldViolation) {
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field("applicant.nik");
  v->set_description("must be 16 digits");
  v = bad.add_field_violations();
  v->set_field("documents[1].content");
  v->set_description("is not a PDF, JPEG or PNG");
  google::rpc::Status details;
  details.set_code(3);
  details.add_details()->PackFrom(bad);
  grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT, "the application is invalid",
                      details.SerializeAsString());
  std::ostringstream out;
  PrintRpcError(out, status);
  EXPECT_EQ(out.str(),
            "error: INVALID_ARGUMENT: the application is invalid\n"
            "  applicant.nik: must be 16 digits\n"
            "  documents[1].content: is not a PDF, JPEG or PNG\n");
}

TEST(PrintRpcError, WithoutDetailsIsOneLine) {
  std::ostringstream out;
  PrintRpcError(out, grpc::Status(grpc::StatusCode::ABORTED, "the case is at version 4"));
  EXPECT_EQ(out.str(), "error: ABORTED: the case is at version 4\n");
}

TEST(Table, PadsColumnsToTheWidestCell) {
  Table t({"STEP", "COUNT"});
  t.AddRow({"2 HEAD_OF_AGENCY_REVIEW", "1"});
  t.AddRow({"5", "12"});
  std::ostringstream out;
  t.Print(out);
  EXPECT_EQ(out.str(),
            "STEP                     COUNT\n"
            "2 HEAD_OF_AGENCY_REVIEW  1\n"
            "5                        12\n");
}

TEST(FormatDuration, ReadsLikeAPersonWouldSayIt) {
  google::protobuf::Duration d;
  EXPECT_EQ(FormatDuration(d), "-");
  EXPECT_EQ(FormatDuration(d, false), "0");
  d.set_nanos(481'700'000);
  EXPECT_EQ(FormatDuration(d), "481ms");
  d.set_seconds(12);
  d.set_nanos(345'000'000);
  EXPECT_EQ(FormatDuration(d), "12.3s");
  d.set_seconds(15 * 60);
  d.set_nanos(0);
  EXPECT_EQ(FormatDuration(d), "15m");
  d.set_seconds(3725);
  EXPECT_EQ(FormatDuration(d), "1h2m5s");
}

TEST(ToJson, UsesTheProtoFieldNames) {
  v1::Statistics s;
  s.set_holders_with_valid_certificate(2);
  EXPECT_NE(ToJson(s).find("\"holders_with_valid_certificate\": \"2\""), std::string::npos);
}

}  // namespace
}  // namespace sertel::ctl
