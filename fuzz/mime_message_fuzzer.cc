// The email builder (notification-service/src/mime_message.h) with every field taken from the
// input: an address with a line break is refused (header injection), and whatever it builds is
// a well-formed message: CRLF line ends only, no line longer than RFC 5322's 998 characters, and
// exactly one header block whose header names are the builder's own.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "mime_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  sertel::notification::MimeMessage m;
  m.from = in.ConsumeRandomLengthString(100);
  m.from_name = in.ConsumeRandomLengthString(100);
  m.to = in.ConsumeRandomLengthString(100);
  m.subject = in.ConsumeRandomLengthString(300);
  m.message_id = sertel::notification::MimeMessage::MessageIdFor(in.ConsumeRandomLengthString(60));
  m.date = absl::FromUnixSeconds(in.ConsumeIntegralInRange<int64_t>(0, 4102444800));
  int attachments = in.ConsumeIntegralInRange(0, 2);
  for (int i = 0; i < attachments; ++i) {
    m.attachments.push_back({in.ConsumeRandomLengthString(80), "application/x-pkcs12",
                             in.ConsumeRandomLengthString(2000)});
  }
  m.body = in.ConsumeRemainingBytesAsString();
  absl::StatusOr<std::string> wire = m.Build();
  if (!wire.ok()) return 0;
  for (size_t i = 0; i < wire->size(); ++i) {
    char ch = (*wire)[i];
    if (ch == '\n' && (i == 0 || (*wire)[i - 1] != '\r')) std::abort();                 // a bare LF
    if (ch == '\r' && (i + 1 == wire->size() || (*wire)[i + 1] != '\n')) std::abort();  // bare CR
  }
  size_t end = wire->find("\r\n\r\n");
  if (end == std::string::npos) std::abort();
  static const std::set<std::string> kOwn = {
      "From",       "To",           "Subject",      "Date",
      "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"};
  for (absl::string_view line : absl::StrSplit(wire->substr(0, end), "\r\n")) {
    if (line.size() > 998) std::abort();
    if (line.empty() || line[0] == ' ' || line[0] == '\t') continue;  // a folded continuation
    size_t colon = line.find(':');
    if (colon == absl::string_view::npos || kOwn.count(std::string(line.substr(0, colon))) == 0) {
      std::abort();  // a header the input smuggled in
    }
  }
  for (absl::string_view line : absl::StrSplit(absl::string_view(*wire).substr(end + 4), "\r\n")) {
    if (line.size() > 998) std::abort();
  }
  return 0;
}
