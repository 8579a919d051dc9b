// Idempotency keys without a database: the request_id's shape, the canonical form (no two
// requests share one), the keyed hash (RFC 4231's known answer), and the verdict on an earlier
// call under the same key (new, replay, another request, still being issued, a stale claim).
#include "request_keys.h"

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace sertel::certificate {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

TEST(RequestKeysTest, ARequestIdIsOneTo128CharactersOfTheContractsAlphabet) {
  EXPECT_TRUE(CheckRequestId("", /*required=*/false).ok());
  EXPECT_EQ(CheckRequestId("", /*required=*/true).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckRequestId("desk-3:handover.2024_01", true).ok());
  EXPECT_TRUE(CheckRequestId(std::string(128, 'a'), true).ok());
  EXPECT_EQ(CheckRequestId(std::string(129, 'a'), true).code(), absl::StatusCode::kInvalidArgument);
  for (const char* bad : {"a b", "a/b", "a\nb", "kunci\xc3\xa9", "a;b"}) {
    EXPECT_EQ(CheckRequestId(bad, false).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(RequestKeysTest, TheCanonicalFormSeparatesFieldsUnambiguously) {
  EXPECT_NE(CanonicalRequest("HandOver", {"ab", "c"}), CanonicalRequest("HandOver", {"a", "bc"}));
  EXPECT_NE(CanonicalRequest("HandOver", {"a;1:b"}), CanonicalRequest("HandOver", {"a", "b"}));
  EXPECT_NE(CanonicalRequest("HandOver", {"app-1"}),
            CanonicalRequest("RevokeCertificate", {"app-1"}));
  EXPECT_EQ(CanonicalRequest("X", {"app-1", "1"}), "1:X;5:app-1;1:1;");
}

TEST(RequestKeysTest, TheKeyedHashIsHmacSha256) {
  // RFC 4231, test case 2.
  absl::StatusOr<std::string> h = KeyedRequestHash("Jefe", "what do ya want for nothing?");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(absl::BytesToHexString(*h),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

RequestKey Key(const std::string& hash = std::string(32, 'a')) {
  return {.rpc = "SetPassphrase", .request_id = "k-1", .request_hash = hash};
}

TEST(RequestKeysTest, TheVerdictOnAnEarlierCallUnderTheSameKey) {
  EXPECT_EQ(*JudgeRequest(nullptr, Key(), "", kNow), RequestVerdict::kNew);

  SeenRequest done{.request_hash = std::string(32, 'a'), .application_id = "app-1", .done = true};
  EXPECT_EQ(*JudgeRequest(&done, Key(), "", kNow), RequestVerdict::kReplay);
  absl::Status other = JudgeRequest(&done, Key(std::string(32, 'b')), "", kNow).status();
  EXPECT_EQ(other.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(other.message().find("k-1"), absl::string_view::npos) << other;

  SeenRequest claimed{.request_hash = std::string(32, 'a'),
                      .application_id = "app-1",
                      .done = false,
                      .claim = "c-1",
                      .claimed_at = kNow - absl::Seconds(10)};
  // Another call of the same request while the first is issuing: try again later.
  EXPECT_EQ(JudgeRequest(&claimed, Key(), "", kNow).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(JudgeRequest(&claimed, Key(), "c-2", kNow).status().code(), absl::StatusCode::kAborted);
  // The claimant itself goes on.
  EXPECT_EQ(*JudgeRequest(&claimed, Key(), "c-1", kNow), RequestVerdict::kNew);
  // Another request under a claimed key is still another request.
  EXPECT_EQ(JudgeRequest(&claimed, Key(std::string(32, 'b')), "c-1", kNow).status().code(),
            absl::StatusCode::kAlreadyExists);
  // A claim left behind by a call that never finished is taken over.
  EXPECT_EQ(*JudgeRequest(&claimed, Key(), "", claimed.claimed_at + kRequestClaimLifetime),
            RequestVerdict::kNew);
}

}  // namespace
}  // namespace sertel::certificate
