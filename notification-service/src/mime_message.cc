#include "mime_message.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace sertel::notification {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool IsSafeAddress(absl::string_view address) {
  if (address.empty()) return false;
  for (unsigned char c : address) {
    if (c < 0x21 || c > 0x7e || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') {
      return false;
    }
  }
  return true;
}

bool IsPlainAscii(absl::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// A file name safe inside a quoted MIME parameter.
std::string SafeFilename(absl::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    out.push_back(ok ? static_cast<char>(c) : '_');
  }
  if (out.empty()) out = "attachment";
  return out;
}

std::string SafeContentType(absl::string_view type) {
  for (unsigned char c : type) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '.' || c == '-' || c == '+';
    if (!ok) return "application/octet-stream";
  }
  if (type.find('/') == absl::string_view::npos) return "application/octet-stream";
  return std::string(type);
}

}  // namespace

std::string MimeMessage::MessageIdFor(absl::string_view notification_id) {
  return absl::StrCat("<", notification_id, "@sertel>");
}

std::string MimeMessage::EncodeHeaderText(absl::string_view utf8) {
  // "=?UTF-8?B?" + 60 base64 characters + "?=" = 72 <= 75 (RFC 2047 section 2); 60 characters
  // carry 45 bytes.
  constexpr size_t kMaxChunk = 45;
  std::string out;
  size_t pos = 0;
  if (utf8.empty()) return "";
  while (pos < utf8.size()) {
    size_t end = std::min(utf8.size(), pos + kMaxChunk);
    // Back off to a character boundary (continuation bytes are 10xxxxxx), RFC 2047 section 5.
    while (end < utf8.size() && end > pos &&
           (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (end == pos) end = std::min(utf8.size(), pos + kMaxChunk);  // malformed input
    if (!out.empty()) out += "\r\n ";
    absl::StrAppend(&out, "=?UTF-8?B?", absl::Base64Escape(utf8.substr(pos, end - pos)), "?=");
    pos = end;
  }
  return out;
}

std::string MimeMessage::QuotedPrintable(absl::string_view text) {
  std::string out;
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  for (size_t li = 0; li < lines.size(); ++li) {
    absl::string_view line = lines[li];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string encoded_line;
    size_t width = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(line[i]);
      bool last = i + 1 == line.size();
      std::string token;
      bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
      // A leading '.' is encoded too, so no SMTP server can mistake a line for the end of DATA.
      if (i == 0 && c == '.') literal = false;
      if (literal) {
        token.push_back(static_cast<char>(c));
      } else {
        token = {'=', kHex[c >> 4], kHex[c & 0xF]};
      }
      if (width + token.size() > 75) {  // 75 + the soft break "=" = 76
        encoded_line += "=\r\n";
        width = 0;
      }
      encoded_line += token;
      width += token.size();
    }
    out += encoded_line;
    if (li + 1 < lines.size()) out += "\r\n";
  }
  return out;
}

std::string MimeMessage::Base64Lines(absl::string_view bytes) {
  std::string b64 = absl::Base64Escape(bytes);
  std::string out;
  out.reserve(b64.size() + b64.size() / 76 * 2 + 2);
  for (size_t i = 0; i < b64.size(); i += 76) {
    out.append(b64, i, 76);
    out += "\r\n";
  }
  return out;
}

absl::StatusOr<std::string> MimeMessage::Build() const {
  if (!IsSafeAddress(from)) return absl::InvalidArgumentError("invalid From address");
  if (!IsSafeAddress(to)) return absl::InvalidArgumentError("invalid To address");
  if (message_id.size() < 3 || message_id.front() != '<' || message_id.back() != '>' ||
      !IsSafeAddress(absl::string_view(message_id).substr(1, message_id.size() - 2))) {
    return absl::InvalidArgumentError("invalid Message-ID");
  }
  std::string out;
  std::string from_header = from;
  if (!from_name.empty()) {
    std::string name = IsPlainAscii(from_name) && from_name.find('"') == std::string::npos &&
                               from_name.find('\\') == std::string::npos
                           ? absl::StrCat("\"", from_name, "\"")
                           : EncodeHeaderText(from_name);
    from_header = absl::StrCat(name, " <", from, ">");
  }
  absl::StrAppend(
      &out, "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", date, absl::UTCTimeZone()),
      "\r\n");
  absl::StrAppend(&out, "From: ", from_header, "\r\n");
  absl::StrAppend(&out, "To: ", to, "\r\n");
  absl::StrAppend(&out, "Subject: ", EncodeHeaderText(subject), "\r\n");
  absl::StrAppend(&out, "Message-ID: ", message_id, "\r\n");
  absl::StrAppend(&out, "MIME-Version: 1.0\r\n");
  std::string text_part_headers =
      "Content-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n";
  std::string text_body = QuotedPrintable(body);
  if (attachments.empty()) {
    absl::StrAppend(&out, text_part_headers, "\r\n", text_body, "\r\n");
    return out;
  }
  // "=_" never occurs in quoted-printable or base64 output, so the boundary cannot collide.
  std::string boundary = absl::StrCat("=_sertel_", message_id.substr(1, message_id.size() - 2));
  for (char& c : boundary) {
    if (c == '@') c = '_';
  }
  absl::StrAppend(&out, "Content-Type: multipart/mixed; boundary=\"", boundary, "\"\r\n\r\n");
  absl::StrAppend(&out, "This is a MIME message.\r\n");
  absl::StrAppend(&out, "--", boundary, "\r\n", text_part_headers, "\r\n", text_body, "\r\n");
  for (const Attachment& a : attachments) {
    std::string name = SafeFilename(a.filename);
    absl::StrAppend(&out, "--", boundary, "\r\n");
    absl::StrAppend(&out, "Content-Type: ", SafeContentType(a.content_type), "; name=\"", name,
                    "\"\r\n");
    absl::StrAppend(&out, "Content-Disposition: attachment; filename=\"", name, "\"\r\n");
    absl::StrAppend(&out, "Content-Transfer-Encoding: base64\r\n\r\n");
    absl::StrAppend(&out, Base64Lines(a.content));
  }
  absl::StrAppend(&out, "--", boundary, "--\r\n");
  return out;
}

}  // namespace sertel::notification
