// Roles: names parse both ways; a RoleSet holds exactly what was put in.
#include "common/auth.h"

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace sertel
