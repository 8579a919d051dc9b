// common/sealed_box.h: AES-256-GCM that opens only under its key and associated data, never
// reuses a nonce, and reads key files in the three documented forms.
#include "common/sealed_box.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace sertel {
namespace {

const std::string kKey = std::string(32, '\x07');

TEST(SealedBoxTest, SealsAndOpensUnderTheSameAssociatedData) {
  absl::StatusOr<SealedBox> box = SealedBox::FromKey(kKey);
  ASSERT_TRUE(box.ok());
  absl::StatusOr<std::string> sealed = box->Seal("ABCD-EFGH", "notification-1");
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->find("ABCD-EFGH"), std::string::npos);
  EXPECT_EQ(sealed->size(), 1 + 12 + 9 + 16);
  absl::StatusOr<std::string> opened = box->Open(*sealed, "notification-1");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "ABCD-EFGH");
}

TEST(SealedBoxTest, OtherAssociatedDataOtherKeyOrTamperingDoNotOpen) {
  SealedBox box = *SealedBox::FromKey(kKey);
  std::string sealed = *box.Seal("secret", "row-1");
  EXPECT_EQ(box.Open(sealed, "row-2").status().code(), absl::StatusCode::kFailedPrecondition);
  SealedBox other = *SealedBox::FromKey(std::string(32, 'z'));
  EXPECT_EQ(other.Open(sealed, "row-1").status().code(), absl::StatusCode::kFailedPrecondition);
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string edited = sealed;
    edited[i] = static_cast<char>(edited[i] ^ 0x80);
    EXPECT_FALSE(box.Open(edited, "row-1").ok()) << "byte " << i;
  }
  EXPECT_FALSE(box.Open(sealed.substr(0, 20), "row-1").ok());
  EXPECT_FALSE(box.Open("", "row-1").ok());
}

TEST(SealedBoxTest, TwoSealsOfOneValueDiffer) {
  SealedBox box = *SealedBox::FromKey(kKey);
  EXPECT_NE(*box.Seal("same", "ad"), *box.Seal("same", "ad"));
}

TEST(SealedBoxTest, EmptyPlaintextRoundTrips) {
  SealedBox box = *SealedBox::FromKey(kKey);
  absl::StatusOr<std::string> opened = box.Open(*box.Seal("", "ad"), "ad");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "");
}

TEST(SealedBoxTest, KeyMaterialRawHexOrBase64) {
  std::string hex = absl::BytesToHexString(kKey);
  std::string b64 = absl::Base64Escape(kKey);
  for (const std::string& material : {kKey, hex, hex + "\n", b64, "  " + b64 + "\n"}) {
    absl::StatusOr<SealedBox> box = SealedBox::FromKeyMaterial(material);
    ASSERT_TRUE(box.ok()) << material;
    // The same key whatever its form: a value sealed under one opens under the others.
    EXPECT_TRUE(SealedBox::FromKey(kKey)->Open(*box->Seal("x", "ad"), "ad").ok());
  }
  EXPECT_EQ(SealedBox::FromKeyMaterial("too short").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(SealedBox::FromKey(std::string(31, 'a')).ok());
}

TEST(SealedBoxTest, EphemeralBoxesHaveTheirOwnKeys) {
  SealedBox a = *SealedBox::Ephemeral();
  SealedBox b = *SealedBox::Ephemeral();
  std::string sealed = *a.Seal("x", "ad");
  EXPECT_TRUE(a.Open(sealed, "ad").ok());
  EXPECT_FALSE(b.Open(sealed, "ad").ok());
}

TEST(SealedBoxTest, AMovedFromBoxRefusesInsteadOfUsingAnEmptyKey) {
  SealedBox a = *SealedBox::FromKey(kKey);
  SealedBox b = std::move(a);
  EXPECT_TRUE(b.Seal("x", "ad").ok());
  EXPECT_EQ(a.Seal("x", "ad").status().code(), absl::StatusCode::kFailedPrecondition);  // NOLINT
}

}  // namespace
}  // namespace sertel
