// MIME for the email channel: the subject is RFC 2047 encoded and decodes back to the UTF-8 text,
// the body is quoted-printable with short lines, the PKCS#12 travels base64 as
// application/x-pkcs12 with its exact bytes, the Message-ID is the notification's, and header
// injection through an address is refused.
#include "mime_message.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace sertel::notification {
namespace {

std::string DecodeEncodedWords(const std::string& header_value) {
  std::string out;
  for (absl::string_view word : absl::StrSplit(header_value, "\r\n ")) {
    EXPECT_TRUE(absl::StartsWith(word, "=?UTF-8?B?")) << word;
    EXPECT_TRUE(absl::EndsWith(word, "?=")) << word;
    EXPECT_LE(word.size(), 75u);
    word.remove_prefix(10);
    word.remove_suffix(2);
    std::string decoded;
    EXPECT_TRUE(absl::Base64Unescape(word, &decoded));
    out += decoded;
  }
  return out;
}

std::string QpDecode(absl::string_view qp) {
  std::string out;
  for (size_t i = 0; i < qp.size(); ++i) {
    if (qp[i] == '=' && i + 2 < qp.size() && qp[i + 1] == '\r' && qp[i + 2] == '\n') {
      i += 2;
    } else if (qp[i] == '=' && i + 2 < qp.size()) {
      out += absl::HexStringToBytes(qp.substr(i + 1, 2));
      i += 2;
    } else {
      out += qp[i];
    }
  }
  return out;
}

TEST(MimeMessageTest, LongUtf8SubjectRoundTripsThroughEncodedWords) {
  std::string subject =
      "Sertifikat elektronik Anda — permohonan 3171-ÄÖÜ-ünïcødé ✓ " + std::string(80, 'x') + " ✓✓✓";
  std::string encoded = MimeMessage::EncodeHeaderText(subject);
  EXPECT_EQ(DecodeEncodedWords(encoded), subject);
}

TEST(MimeMessageTest, QuotedPrintableKeepsLinesShortAndDecodesBack) {
  std::string body = "Yth. Budi,\n\nKode aktivasi: K7Q2-M9XD\n" + std::string(200, 'a') +
                     " é=ü\n.leading dot\ntrailing space \n";
  std::string qp = MimeMessage::QuotedPrintable(body);
  for (absl::string_view line : absl::StrSplit(qp, "\r\n")) EXPECT_LE(line.size(), 76u) << line;
  EXPECT_TRUE(absl::StrContains(qp, "\r\nKode aktivasi: K7Q2-M9XD\r\n"));
  std::string decoded = QpDecode(qp);
  std::string expected = absl::StrReplaceAll(body, {{"\n", "\r\n"}});
  EXPECT_EQ(decoded, expected);
  EXPECT_FALSE(absl::StrContains(qp, "\r\n.")) << "a leading dot must be encoded";
}

TEST(MimeMessageTest, AttachmentTravelsBase64AsPkcs12WithItsExactBytes) {
  std::string p12;
  for (int i = 0; i < 3000; ++i) p12.push_back(static_cast<char>(i * 7));
  MimeMessage m;
  m.from = "sertel@diskominfo.example.go.id";
  m.to = "budi@example.go.id";
  m.subject = "Sertifikat elektronik Anda";
  m.body = "Yth. Budi,\nTerlampir.";
  m.message_id = MimeMessage::MessageIdFor("0b9e2f6c-1111-4222-8333-444455556666");
  m.date = absl::FromUnixSeconds(1700000000);
  m.attachments.push_back({"app-1.p12", "application/x-pkcs12", p12});
  absl::StatusOr<std::string> wire = m.Build();
  ASSERT_TRUE(wire.ok()) << wire.status();
  EXPECT_TRUE(
      absl::StrContains(*wire, "Message-ID: <0b9e2f6c-1111-4222-8333-444455556666@sertel>\r\n"));
  EXPECT_TRUE(absl::StrContains(*wire, "To: budi@example.go.id\r\n"));
  EXPECT_TRUE(absl::StrContains(*wire, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
  EXPECT_TRUE(absl::StrContains(*wire, "Content-Type: text/plain; charset=UTF-8\r\n"));
  EXPECT_TRUE(absl::StrContains(*wire, "Content-Type: application/x-pkcs12; name=\"app-1.p12\""));
  EXPECT_TRUE(absl::StrContains(*wire, "Content-Disposition: attachment; filename=\"app-1.p12\""));
  size_t start = wire->find("filename=\"app-1.p12\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
  ASSERT_NE(start, std::string::npos);
  start = wire->find("\r\n\r\n", start) + 4;
  size_t end = wire->find("--=_sertel_", start);
  std::string b64 = absl::StrReplaceAll(wire->substr(start, end - start), {{"\r\n", ""}});
  std::string decoded;
  ASSERT_TRUE(absl::Base64Unescape(b64, &decoded));
  EXPECT_EQ(decoded, p12);
  EXPECT_TRUE(absl::EndsWith(*wire, "--\r\n"));
}

TEST(MimeMessageTest, AddressWithALineBreakIsRefused) {
  MimeMessage m;
  m.from = "sertel@example.go.id";
  m.to = "budi@example.go.id\r\nBcc: all@example.go.id";
  m.message_id = "<x@sertel>";
  EXPECT_EQ(m.Build().status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sertel::notification
