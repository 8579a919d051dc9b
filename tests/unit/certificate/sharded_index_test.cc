// The snapshot's copy-on-write index (sharded_index.h): a copy sees what its original held, a
// change to the copy is never seen by the original (a reader's version never moves), and the
// size follows inserts, replacements and erasures.
#include "sharded_index.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace sertel::certificate {
namespace {

std::shared_ptr<const std::string> Value(const std::string& v) {
  return std::make_shared<const std::string>(v);
}

TEST(ShardedIndexTest, ACopyChangesWithoutTouchingItsOriginal) {
  ShardedIndex<std::string> original;
  for (int i = 0; i < 1000; ++i) original.Put(absl::StrCat("k", i), Value(absl::StrCat("v", i)));
  ASSERT_EQ(original.size(), 1000u);

  ShardedIndex<std::string> copy(original);
  EXPECT_EQ(copy.size(), 1000u);
  ASSERT_NE(copy.Find("k7"), nullptr);
  EXPECT_EQ(*copy.Find("k7"), "v7");
  // Unchanged shards are shared: the very same value objects.
  EXPECT_EQ(copy.Find("k7"), original.Find("k7"));

  copy.Put("k7", Value("changed"));
  copy.Put("new", Value("n"));
  copy.Erase("k8");
  copy.Erase("absent");
  EXPECT_EQ(*copy.Find("k7"), "changed");
  EXPECT_EQ(*copy.Find("new"), "n");
  EXPECT_EQ(copy.Find("k8"), nullptr);
  EXPECT_EQ(copy.size(), 1000u);  // one added, one erased, one replaced

  EXPECT_EQ(*original.Find("k7"), "v7");
  EXPECT_EQ(original.Find("new"), nullptr);
  ASSERT_NE(original.Find("k8"), nullptr);
  EXPECT_EQ(original.size(), 1000u);

  // A copy of the copy, changed again, leaves the copy as it was.
  ShardedIndex<std::string> third(copy);
  third.Put("k7", Value("third"));
  EXPECT_EQ(*copy.Find("k7"), "changed");
  EXPECT_EQ(*third.Find("k7"), "third");
}

}  // namespace
}  // namespace sertel::certificate
