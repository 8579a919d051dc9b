// common/page_token.h: a token round-trips only in the scope and under the key it was made
// with, and anything edited, truncated or foreign is INVALID_ARGUMENT.
#include "common/page_token.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sertel {
namespace {

using ::testing::ElementsAre;

const std::string kKey(32, 'k');

TEST(PageTokenTest, RoundTripsFieldsInTheirScope) {
  PageTokenCodec codec = PageTokenCodec::FromKey(kKey);
  std::string token = codec.Encode("inbox:step=3", {"1732600000000000", "", "a|b:c"});
  absl::StatusOr<std::vector<std::string>> fields = codec.Decode("inbox:step=3", token, 3);
  ASSERT_TRUE(fields.ok()) << fields.status();
  EXPECT_THAT(*fields, ElementsAre("1732600000000000", "", "a|b:c"));
}

TEST(PageTokenTest, TokenIsOpaqueBase64UrlWithoutTheFieldsInClear) {
  PageTokenCodec codec = PageTokenCodec::FromKey(kKey);
  std::string token = codec.Encode("s", {"secret-cursor"});
  EXPECT_EQ(token.find("secret-cursor"), std::string::npos);
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

TEST(PageTokenTest, AnotherScopeIsRefused) {
  PageTokenCodec codec = PageTokenCodec::FromKey(kKey);
  std::string token = codec.Encode("inbox:step=3", {"1"});
  absl::StatusOr<std::vector<std::string>> r = codec.Decode("inbox:step=4", token);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PageTokenTest, AnotherKeyIsRefused) {
  std::string token = PageTokenCodec::FromKey(kKey).Encode("s", {"1"});
  absl::StatusOr<std::vector<std::string>> r =
      PageTokenCodec::FromKey(std::string(32, 'x')).Decode("s", token);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PageTokenTest, EveryFlippedByteIsRefused) {
  PageTokenCodec codec = PageTokenCodec::FromKey(kKey);
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(codec.Encode("s", {"12345", "abc"}), &raw));
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string edited = raw;
    edited[i] = static_cast<char>(edited[i] ^ 0x01);
    EXPECT_EQ(codec.Decode("s", absl::WebSafeBase64Escape(edited)).status().code(),
              absl::StatusCode::kInvalidArgument)
        << "byte " << i;
  }
}

TEST(PageTokenTest, GarbageTruncationAndWrongShapeAreRefused) {
  PageTokenCodec codec = PageTokenCodec::FromKey(kKey);
  std::string token = codec.Encode("s", {"1", "2"});
  for (const std::string& bad : {std::string("not base64 !"), std::string(""),
                                 token.substr(0, token.size() / 2), std::string(4096, 'A')}) {
    EXPECT_EQ(codec.Decode("s", bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(codec.Decode("s", token, 3).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(codec.Decode("s", token, 2).ok());
}

TEST(PageTokenTest, ShortKeysAreRefusedWhenChecked) {
  EXPECT_FALSE(PageTokenCodec::FromKeyChecked("short").ok());
  EXPECT_TRUE(PageTokenCodec::FromKeyChecked(kKey).ok());
}

TEST(PageTokenTest, ProcessDefaultRoundTrips) {
  const PageTokenCodec* codec = PageTokenCodec::ProcessDefault();
  ASSERT_NE(codec, nullptr);
  EXPECT_EQ(codec, PageTokenCodec::ProcessDefault());
  EXPECT_TRUE(codec->Decode("s", codec->Encode("s", {"x"}), 1).ok());
}

}  // namespace
}  // namespace sertel
