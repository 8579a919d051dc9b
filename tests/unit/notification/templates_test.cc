// The Bahasa Indonesia templates: every template renders with its parameters, the activation code
// stands on a line of its own, nothing ever mentions a passphrase value, and an unknown template
// or a missing / stray / malformed parameter is INVALID_ARGUMENT naming every field.
#include "templates.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "common/field_rules.h"
#include "common/field_violations.h"
#include "gtest/gtest.h"
#include "whatsapp_templates.h"

namespace sertel::notification {
namespace {

std::set<std::string> Fields(const absl::Status& s) {
  std::set<std::string> out;
  for (const auto& v : FieldViolations::FromStatus(s)) out.insert(v.field);
  return out;
}

TemplateParams ActivationParams() {
  return {{"full_name", "Budi Santoso"},
          {"application_id", "app-1"},
          {"activation_code", "K7Q2-M9XD-4TPA"},
          {"expires_at", "2025-06-01T03:00:00Z"}};
}

TEST(TemplatesTest, EveryTemplateRendersInIndonesianWithItsParameters) {
  for (const TemplateSpec& spec : AllTemplates()) {
    TemplateParams params;
    for (const std::string& key : spec.required_params) {
      params[key] =
          (key == "expires_at" || key == "not_after") ? "2026-01-31T17:00:00Z" : "nilai-" + key;
    }
    absl::StatusOr<RenderedMessage> m = RenderTemplate(spec.name, params);
    ASSERT_TRUE(m.ok()) << spec.name << ": " << m.status();
    EXPECT_FALSE(m->subject.empty());
    EXPECT_TRUE(absl::StartsWith(m->body, "Yth. nilai-full_name,")) << spec.name;
    EXPECT_TRUE(absl::StrContains(m->body, "Dinas Komunikasi dan Informatika")) << spec.name;
    EXPECT_FALSE(absl::StrContains(m->body, "{{")) << spec.name << " left a placeholder";
    EXPECT_FALSE(absl::StrContains(m->subject, "{{")) << spec.name;
    const WhatsAppTemplateSpec* wa = FindWhatsAppTemplate(spec.name);
    ASSERT_NE(wa, nullptr) << spec.name;
    EXPECT_EQ(m->whatsapp_body_values.size(), wa->body_params.size());
  }
}

TemplateParams HandoverByLinkParams() {
  return {{"full_name", "Budi Santoso"},
          {"application_id", "app-1"},
          {"serial", "1a2b"},
          {"not_after", "2027-12-31T16:59:00Z"},
          {"download_url",
           "https://sertel.kota.go.id/unduh/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd"},
          {"download_expires_at", "2026-12-04T03:00:00Z"}};
}

TEST(TemplatesTest, AHandoverByLinkCarriesTheLinkAndTheButtonTakesItsToken) {
  absl::StatusOr<RenderedMessage> m =
      RenderTemplate("CERTIFICATE_HANDOVER", HandoverByLinkParams());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(absl::StrContains(
      m->body, "\nhttps://sertel.kota.go.id/unduh/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd\n"))
      << m->body;
  EXPECT_TRUE(absl::StrContains(m->body, "hanya dapat dipakai satu kali")) << m->body;
  EXPECT_FALSE(absl::StrContains(m->body, "terlampir")) << "no attachment is promised";
  EXPECT_EQ(m->whatsapp_button_value, "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd");
  EXPECT_EQ(m->whatsapp_body_values.size(), 4u);
  EXPECT_FALSE(absl::StrContains(absl::StrJoin(m->whatsapp_body_values, " "), "unduh"))
      << "the link is only in the button";
}

TEST(TemplatesTest, ALinkNeedsItsExpiryAndHttps) {
  TemplateParams p = HandoverByLinkParams();
  p.erase("download_expires_at");
  EXPECT_EQ(CheckTemplateParams("CERTIFICATE_HANDOVER", p).code(),
            absl::StatusCode::kInvalidArgument);
  p = HandoverByLinkParams();
  p["download_url"] = "http://sertel.kota.go.id/unduh/x";
  EXPECT_EQ(CheckTemplateParams("CERTIFICATE_HANDOVER", p).code(),
            absl::StatusCode::kInvalidArgument);
  for (const char* bad : {"http://127.0.0.1.evil.example/unduh/x", "https://user@host/unduh/x",
                          "https://sertel.kota.go.id", "javascript:alert(1)"}) {
    p = HandoverByLinkParams();
    p["download_url"] = bad;
    EXPECT_EQ(CheckTemplateParams("CERTIFICATE_HANDOVER", p).code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  p = HandoverByLinkParams();
  p["download_url"] = "http://127.0.0.1:8443/unduh/tok";
  EXPECT_TRUE(CheckTemplateParams("CERTIFICATE_HANDOVER", p).ok()) << "loopback, for the tests";
  p = HandoverByLinkParams();
  p.erase("download_url");
  EXPECT_EQ(CheckTemplateParams("CERTIFICATE_HANDOVER", p).code(),
            absl::StatusCode::kInvalidArgument)
      << "an expiry without a link";
}

TEST(TemplatesTest, TheActivationCodeGoesToWhatsAppAsTheCopyCodeTemplateWants) {
  absl::StatusOr<RenderedMessage> m = RenderTemplate("ACTIVATION_CODE", ActivationParams());
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->whatsapp_body_values.size(), 1u);
  EXPECT_EQ(m->whatsapp_body_values[0], "K7Q2-M9XD-4TPA");
  EXPECT_EQ(m->whatsapp_button_value, "K7Q2-M9XD-4TPA");
}

TEST(TemplatesTest, ActivationCodeIsOnALineOfItsOwn) {
  absl::StatusOr<RenderedMessage> m = RenderTemplate("ACTIVATION_CODE", ActivationParams());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(absl::StrContains(m->body, "\nKode aktivasi: K7Q2-M9XD-4TPA\n")) << m->body;
  EXPECT_FALSE(absl::StrContains(m->subject, "K7Q2")) << "the code must not be in the subject";
  // The expiry is shown in WIB (UTC+7) with an Indonesian month.
  EXPECT_TRUE(absl::StrContains(m->body, "1 Juni 2025 10.00 WIB")) << m->body;
}

TEST(TemplatesTest, HandoverNamesTheSerialAndNeverCarriesAPassphraseValue) {
  TemplateParams p = {{"full_name", "Siti"},
                      {"application_id", "app-7"},
                      {"serial", "1A2B3C"},
                      {"not_after", "2027-12-31T16:59:00Z"}};
  absl::StatusOr<RenderedMessage> m = RenderTemplate("CERTIFICATE_HANDOVER", p);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(absl::StrContains(m->body, "1A2B3C"));
  EXPECT_TRUE(absl::StrContains(m->body, "31 Desember 2027 23.59 WIB"));
  // Issue 21: only a certificate whose test signature verified is handed over; the notice says so.
  EXPECT_TRUE(absl::StrContains(m->body, "tanda tangan uji yang\nberhasil diverifikasi"))
      << m->body;
  // A passphrase parameter is refused outright, so it can never reach a message.
  p["passphrase"] = "rahasia-sekali";
  absl::Status s = CheckTemplateParams("CERTIFICATE_HANDOVER", p);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Fields(s).count("params.passphrase"));
  EXPECT_FALSE(absl::StrContains(s.ToString(), "rahasia-sekali"));
}

TEST(TemplatesTest, ReturnedListsMissingDocumentsByTheirIndonesianNames) {
  absl::StatusOr<RenderedMessage> m =
      RenderTemplate("APPLICATION_RETURNED", {{"full_name", "A"},
                                              {"application_id", "x"},
                                              {"reason", "KTP buram"},
                                              {"missing_documents", "KTP_COPY,SK_COPY"}});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(absl::StrContains(m->body, "fotokopi KTP, fotokopi SK terakhir")) << m->body;
  EXPECT_TRUE(absl::StrContains(m->body, "Alasan: KTP buram"));
}

TEST(TemplatesTest, UnknownTemplateIsInvalidArgument) {
  absl::StatusOr<RenderedMessage> m = RenderTemplate("NO_SUCH_TEMPLATE", {});
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Fields(m.status()).count("template"));
}

TEST(TemplatesTest, EveryMissingParameterIsNamedAtOnce) {
  absl::Status s = CheckTemplateParams("ACTIVATION_CODE", {{"full_name", "Budi"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s), (std::set<std::string>{"params.application_id", "params.activation_code",
                                              "params.expires_at"}));
}

TEST(TemplatesTest, EmptyValuesControlCharactersAndBadDatesAreRefused) {
  TemplateParams p = ActivationParams();
  p["full_name"] = "";
  p["application_id"] = "a\nBcc: evil@example.com";
  p["expires_at"] = "besok";
  absl::Status s = CheckTemplateParams("ACTIVATION_CODE", p);
  EXPECT_EQ(Fields(s), (std::set<std::string>{"params.full_name", "params.application_id",
                                              "params.expires_at"}));
}

TEST(TemplatesTest, ValuesAreNotExpandedAsPlaceholders) {
  TemplateParams p = ActivationParams();
  p["full_name"] = "{{activation_code}}";
  absl::StatusOr<RenderedMessage> m = RenderTemplate("ACTIVATION_CODE", p);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(absl::StartsWith(m->body, "Yth. {{activation_code}},")) << m->body;
}

TEST(TemplatesTest, WhatsAppBodyValuesFollowTheDeclaredOrder) {
  absl::StatusOr<RenderedMessage> m =
      RenderTemplate("CERTIFICATE_HANDOVER", HandoverByLinkParams());
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->whatsapp_body_values.size(), 4u);
  EXPECT_EQ(m->whatsapp_body_values[0], "Budi Santoso");
  EXPECT_EQ(m->whatsapp_body_values[2], "1a2b");
  EXPECT_EQ(m->whatsapp_body_values[3], "31 Desember 2027 23.59 WIB");
}

TemplateParams ReturnedParams(const std::string& reason) {
  return {{"full_name", "Siti Nurhaliza"},
          {"application_id", "app-1"},
          {"reason", reason},
          {"missing_documents", "KTP_COPY"}};
}

TEST(TemplatesTest, AMultiLineReasonIsRenderedWithItsLineBreaks) {
  absl::StatusOr<RenderedMessage> m =
      RenderTemplate("APPLICATION_RETURNED", ReturnedParams("KTP buram.\n\tSK belum dilegalisir."));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(absl::StrContains(m->body, "Alasan: KTP buram.\n\tSK belum dilegalisir.\n"))
      << m->body;
  // WhatsApp template parameters take no line break, tab or run of spaces: one line.
  EXPECT_EQ(m->whatsapp_body_values[2], "KTP buram. SK belum dilegalisir.");
}

TEST(TemplatesTest, EveryReasonDispositionAcceptsIsANoticeParameter) {
  // The largest and most unusual reason field_rules::kReason lets through at step 2-5: it must
  // never be refused here (the notice would be lost).
  std::string reason;
  while (CountCodePoints(reason) + 3 <= field_rules::kReason.max_chars) {
    reason += "\xC3\xA9\n'";  // e-acute, a line break, an apostrophe
  }
  ASSERT_FALSE(CheckField("reason", field_rules::kReason, reason, true).has_value());
  EXPECT_TRUE(
      CheckTemplateParams("APPLICATION_REJECTED",
                          {{"full_name", "Budi"}, {"application_id", "a"}, {"reason", reason}})
          .ok());
  EXPECT_TRUE(RenderTemplate("APPLICATION_RETURNED", ReturnedParams(reason)).ok());
}

TEST(TemplatesTest, OnlyReasonsMayBreakLinesAndCarriageReturnsNever) {
  TemplateParams p = ReturnedParams("baris satu\r\nbaris dua");
  p["full_name"] = "Siti\nBcc: evil@example.com";
  std::vector<FieldViolation> v =
      FieldViolations::FromStatus(CheckTemplateParams("APPLICATION_RETURNED", p));
  ASSERT_EQ(v.size(), 2u);
  for (const FieldViolation& one : v) {
    EXPECT_EQ(one.reason, "LINE_BREAK") << one.field;
    EXPECT_FALSE(one.description_id.empty()) << one.field;  // Bahasa Indonesia too
  }
}

}  // namespace
}  // namespace sertel::notification
