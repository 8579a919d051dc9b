// An Internet message (RFC 5322) with MIME (RFC 2045-2047) for the email channel: UTF-8 subject as
// RFC 2047 encoded-words, a text/plain; charset=UTF-8 body in quoted-printable, attachments in
// base64 (the PKCS#12 as application/x-pkcs12), Date, From, To and a Message-ID that is the same
// on every retry (<notification-id@sertel>) so the receiving side can drop a duplicate.
//
//   MimeMessage m;
//   m.from = "sertel@example.go.id"; m.to = "budi@example.go.id";
//   m.subject = "Sertifikat elektronik Anda"; m.body = "Yth. Budi,\n...";
//   m.message_id = MimeMessage::MessageIdFor(notification_id);
//   m.date = clock->Now();
//   m.attachments.push_back({"a1.p12", "application/x-pkcs12", p12_bytes});
//   absl::StatusOr<std::string> wire = m.Build();   // CRLF line ends, ready for SMTP DATA
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sertel::notification {

class MimeMessage {
 public:
  struct Attachment {
    std::string filename;
    std::string content_type;
    std::string content;
  };

  std::string from;        // bare address
  std::string from_name;   // optional display name (UTF-8)
  std::string to;          // bare address
  std::string subject;     // UTF-8
  std::string body;        // UTF-8, "\n" or "\r\n" line ends
  std::string message_id;  // with angle brackets, e.g. "<id@sertel>"
  absl::Time date = absl::UnixEpoch();
  std::vector<Attachment> attachments;

  // INVALID_ARGUMENT when an address holds a line break or angle bracket (header injection).
  absl::StatusOr<std::string> Build() const;

  static std::string MessageIdFor(absl::string_view notification_id);
  // RFC 2047 "B" encoded-words of at most 75 characters, folded with CRLF SP; never splits a
  // UTF-8 character.
  static std::string EncodeHeaderText(absl::string_view utf8);
  // RFC 2045 quoted-printable, CRLF line ends, lines of at most 76 characters.
  static std::string QuotedPrintable(absl::string_view text);
  // Base64 in lines of 76 characters, CRLF line ends.
  static std::string Base64Lines(absl::string_view bytes);
};

}  // namespace sertel::notification
