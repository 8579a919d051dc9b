// Roles and service identities: names parse both ways; a set holds exactly what was put in; a
// SPIFFE ID names a service only in exactly our form; a role table may not name SERVICE.
#include "common/auth.h"

#include "gtest/gtest.h"
#include "sertel/v1/audit.pb.h"

namespace sertel {
namespace {

TEST(AuthTest, EveryRoleNameRoundTrips) {
  for (int i = 0; i < kRoleCount; ++i) {
    Role r = static_cast<Role>(i);
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  }
  EXPECT_FALSE(ParseRole("ADMIN").has_value());
  EXPECT_FALSE(ParseRole("applicant").has_value());  // names are exact
}

TEST(AuthTest, RoleSetContainsOnlyItsRoles) {
  RoleSet s = {Role::kApplicant, Role::kOperator};
  EXPECT_TRUE(s.Contains(Role::kApplicant));
  EXPECT_FALSE(s.Contains(Role::kVerifier));
  EXPECT_TRUE(s.Intersects({Role::kOperator, Role::kAuditor}));
  EXPECT_FALSE(s.Intersects(kOfficials));
  EXPECT_EQ(s.ToString(), "APPLICANT,OPERATOR");
}

TEST(AuthTest, EverySpiffeIdRoundTrips) {
  for (int i = 0; i < kServiceCount; ++i) {
    ServiceId s = static_cast<ServiceId>(i);
    EXPECT_EQ(ParseSpiffeId(SpiffeId(s)), s);
    EXPECT_EQ(ParseServiceName(EnumName(s)), s);
  }
  EXPECT_EQ(SpiffeId(ServiceId::kCertificate), "spiffe://sertel/certificate");
}

TEST(AuthTest, OnlyOurExactSpiffeIdsNameAService) {
  for (const char* uri :
       {"spiffe://other/intake", "spiffe://sertel/intake/extra", "spiffe://sertel/Intake",
        "spiffe://sertel/", "spiffe://sertel/sertelctl", "https://sertel/intake", "intake",
        "spiffe://sertel//intake", " spiffe://sertel/intake"}) {
    EXPECT_FALSE(ParseSpiffeId(uri).has_value()) << uri;
  }
}

TEST(AuthTest, AccessNamesRolesAndServices) {
  EXPECT_EQ(Access({Role::kOperator}, {ServiceId::kIntake}).ToString(),
            "OPERATOR and the intake service");
  EXPECT_EQ(ServicesOnly({ServiceId::kIntake, ServiceId::kDisposition}).ToString(),
            "the intake, disposition service");
  EXPECT_EQ(Access().ToString(), "nobody");
}

TEST(AuthTest, RoleTableNamingTheServiceRoleIsRefused) {
  ASSERT_NE(v1::VerifyAuditChainRequest::descriptor(), nullptr);  // links audit.proto's pool
  Authenticator authn(nullptr);
  Authorizer flat(&authn, "sertel.v1.AuditService",
                  {{"VerifyAuditChain", {Role::kAuditor, Role::kService}},
                   {"SignAuditCheckpoint", {Role::kAuditor}}});
  absl::Status s = flat.CheckCoversService();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("SERVICE"), std::string::npos) << s;
  Authorizer named(&authn, "sertel.v1.AuditService",
                   {{"VerifyAuditChain", {{Role::kAuditor}, {ServiceId::kIntake}}},
                    {"SignAuditCheckpoint", {Role::kAuditor}}});
  EXPECT_TRUE(named.CheckCoversService().ok());
}

}  // namespace
}  // namespace sertel
