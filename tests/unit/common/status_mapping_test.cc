// One status mapping: field violations survive absl -> gRPC (google.rpc.BadRequest) -> absl, and
// an INTERNAL message never reaches the caller.
#include "common/field_violations.h"
#include "common/grpc_status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace sertel {
namespace {

TEST(StatusMappingTest, EveryFieldViolationTravelsAsBadRequest) {
  FieldViolations v;
  v.Add("applicant.nik", "NIK must be exactly 16 digits");
  v.Add("documents[2].content", "not a PDF, JPEG or PNG");
  grpc::Status g = ToGrpcStatus(v.ToStatus("the application is invalid"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(g.error_message().find("applicant.nik"), std::string::npos);
  google::rpc::Status rpc;
  ASSERT_TRUE(rpc.ParseFromString(g.error_details()));
  ASSERT_EQ(rpc.details_size(), 1);
  google::rpc::BadRequest bad;
  ASSERT_TRUE(rpc.details(0).UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 2);
  EXPECT_EQ(bad.field_violations(0).field(), "applicant.nik");
  EXPECT_EQ(bad.field_violations(1).description(), "not a PDF, JPEG or PNG");
}

TEST(StatusMappingTest, RoundTripKeepsCodeAndViolations) {
  FieldViolations v;
  v.Add("checklist.ktp_copy_ok", "must be confirmed");
  absl::Status back = FromGrpcStatus(ToGrpcStatus(v.ToStatus("incomplete")));
  EXPECT_TRUE(absl::IsInvalidArgument(back));
  std::vector<FieldViolation> got = FieldViolations::FromStatus(back);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].field, "checklist.ktp_copy_ok");
}

TEST(StatusMappingTest, ReasonAndIndonesianTextTravelAsReasonAndLocalizedMessage) {
  FieldViolations v;
  v.Add({"applicant.unit", "is not a unit code", "UNKNOWN_UNIT", "bukan kode unit"});
  grpc::Status g = ToGrpcStatus(v.ToStatus("invalid"));
  google::rpc::Status rpc;
  ASSERT_TRUE(rpc.ParseFromString(g.error_details()));
  google::rpc::BadRequest bad;
  ASSERT_TRUE(rpc.details(0).UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).reason(), "UNKNOWN_UNIT");
  EXPECT_EQ(bad.field_violations(0).localized_message().locale(), "id-ID");
  EXPECT_EQ(bad.field_violations(0).localized_message().message(), "bukan kode unit");
  std::vector<FieldViolation> back = FieldViolations::FromStatus(FromGrpcStatus(g));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].reason, "UNKNOWN_UNIT");
  EXPECT_EQ(back[0].description_id, "bukan kode unit");
}

TEST(StatusMappingTest, InternalMessageIsHiddenFromTheCaller) {
  grpc::Status g = ToGrpcStatus(absl::InternalError("ERROR: relation \"cases\" does not exist"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(g.error_message().find("relation"), std::string::npos);
}

TEST(StatusMappingTest, CodesMapOneToOne) {
  EXPECT_EQ(ToGrpcStatus(absl::AbortedError("stale")).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ToGrpcStatus(absl::FailedPreconditionError("x")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ToGrpcStatus(absl::PermissionDeniedError("x")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ToGrpcStatus(absl::OkStatus()).error_code(), grpc::StatusCode::OK);
  EXPECT_TRUE(ToGrpcStatus(absl::NotFoundError("x")).error_details().empty());
}

}  // namespace
}  // namespace sertel
