// The page-token codec (common/page_token.h): any token decodes to an error or to fields, never
// a crash; and fields taken from the input survive Encode then Decode exactly (a token longer
// than kMaxTokenChars is refused instead).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/page_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const sertel::PageTokenCodec codec = sertel::PageTokenCodec::FromKey(std::string(32, 'k'));
  const std::string input(reinterpret_cast<const char*>(data), size);
  (void)codec.Decode("ListInbox", input);
  (void)codec.Decode("ListInbox", input, 2);
  std::vector<std::string> fields = absl::StrSplit(input, '\n');
  std::string token = codec.Encode("ListApplications", fields);
  auto back = codec.Decode("ListApplications", token, static_cast<int>(fields.size()));
  if (token.size() > sertel::PageTokenCodec::kMaxTokenChars) {
    if (back.ok()) std::abort();  // too long to be read back: refused, never misread
    return 0;
  }
  if (!back.ok() || *back != fields) std::abort();
  if (codec.Decode("ListInbox", token).ok()) std::abort();  // bound to its scope
  return 0;
}
