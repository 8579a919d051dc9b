// The one opaque page token of every list RPC (ListApplications, ListInbox, ListNotifications):
// a versioned, signed cursor. The caller sees base64url bytes it cannot read, edit or move to
// another list: the token is bound to a `scope` (the list and its filters), carries a version
// byte so the layout can change, and an HMAC-SHA-256 tag (truncated to 128 bits) under the
// service's page-token key. Each service keeps its key in its own schema (migration
// C004__page_token_key.sql), so every replica reads the same key; ServiceRuntime loads it.
//
//   PageTokenCodec codec = PageTokenCodec::FromKey(key);
//   std::string token = codec.Encode("inbox:step=3", {"1732600000000000", id});
//   absl::StatusOr<std::vector<std::string>> cursor = codec.Decode("inbox:step=3", token);
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sertel {

class PageTokenCodec {
 public:
  static constexpr size_t kMinKeyBytes = 32;
  // The longest token Decode reads. The lists' keyset fields (a time and an id) make tokens of
  // well under 100 characters; a token Encode made longer than this is refused like any other
  // bad token (the fuzzer checks both halves: fuzz/page_token_fuzzer.cc).
  static constexpr size_t kMaxTokenChars = 2048;

  // `key` of at least kMinKeyBytes bytes (a shorter one is stretched by SHA-256 but refused by
  // FromKeyChecked); for tests and for ServiceRuntime after it read the schema's key.
  static PageTokenCodec FromKey(std::string key);
  static absl::StatusOr<PageTokenCodec> FromKeyChecked(std::string key);
  // A process-wide codec with a random key: the default for code built without a runtime
  // (unit and integration tests); tokens it makes are only good in this process.
  static const PageTokenCodec* ProcessDefault();

  std::string Encode(absl::string_view scope, const std::vector<std::string>& fields) const;
  // INVALID_ARGUMENT ("page_token is not valid ...") for anything this codec did not make for
  // this scope: bad base64, another version, a wrong tag, another scope, a wrong field count
  // (when `expected_fields` >= 0).
  absl::StatusOr<std::vector<std::string>> Decode(absl::string_view scope, absl::string_view token,
                                                  int expected_fields = -1) const;

 private:
  explicit PageTokenCodec(std::string key) : key_(std::move(key)) {}
  std::string Tag(absl::string_view scope, absl::string_view body) const;
  std::string key_;
};

}  // namespace sertel
