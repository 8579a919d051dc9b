// common/uuid.h: version-4 UUIDs, distinct, and a strict shape check.
#include "common/uuid.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace sertel {
namespace {

TEST(UuidTest, NewUuidsAreVersion4AndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewUuid();
    ASSERT_TRUE(IsUuid(id)) << id;
    EXPECT_EQ(id[14], '4') << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(UuidTest, IsUuidRefusesOtherShapes) {
  EXPECT_TRUE(IsUuid("3F0C9A4E-8D1B-4C7A-9E2F-0A1B2C3D4E5F"));
  for (const char* bad :
       {"", "3f0c9a4e8d1b4c7a9e2f0a1b2c3d4e5f", "3f0c9a4e-8d1b-4c7a-9e2f-0a1b2c3d4e5",
        "3f0c9a4e-8d1b-4c7a-9e2f-0a1b2c3d4e5fa", "3f0c9a4e_8d1b-4c7a-9e2f-0a1b2c3d4e5f",
        "zf0c9a4e-8d1b-4c7a-9e2f-0a1b2c3d4e5f", "' OR 1=1 --------------------------"}) {
    EXPECT_FALSE(IsUuid(bad)) << bad;
  }
}

}  // namespace
}  // namespace sertel
