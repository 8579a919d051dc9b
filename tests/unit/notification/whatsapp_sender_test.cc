// The WhatsApp channel without a network: the template message has the shape the Cloud API
// requires (digits-only "to", template name and language from the table or configuration, the
// body parameters in order, the button's one parameter, never a document), and each of the API's
// answers has its policy: retry (no sooner than Retry-After), give up, fall back to email, the
// dead-letter alarm, or a pause of the channel.
#include "whatsapp_sender.h"

#include "common/rate_limiter.h"
#include "gtest/gtest.h"
#include "whatsapp_templates.h"

namespace sertel::notification {
namespace {

OutgoingMessage Handover() {
  OutgoingMessage m;
  m.notification_id = "n1";
  m.recipient = "+6281234567890";
  m.template_name = "CERTIFICATE_HANDOVER";
  m.rendered.whatsapp_body_values = {"Budi", "app-1", "1A2B", "31 Desember 2027 23.59 WIB"};
  m.rendered.whatsapp_button_value = "tok_en-43";
  return m;
}

std::string GraphError(int code) {
  return R"({"error":{"message":"m","type":"OAuthException","code":)" + std::to_string(code) +
         R"(,"fbtrace_id":"x"}})";
}

TEST(WhatsAppSenderTest, HandoverIsATemplateWithTheLinksTokenAsItsUrlButton) {
  WhatsAppSender sender({.phone_number_id = "123"});
  absl::StatusOr<nlohmann::json> j = sender.BuildTemplateMessage(Handover());
  ASSERT_TRUE(j.ok()) << j.status();
  EXPECT_EQ((*j)["messaging_product"], "whatsapp");
  EXPECT_EQ((*j)["to"], "6281234567890");
  EXPECT_EQ((*j)["type"], "template");
  EXPECT_EQ((*j)["template"]["name"], "sertel_serah_terima");
  EXPECT_EQ((*j)["template"]["language"]["code"], "id");
  const nlohmann::json& comps = (*j)["template"]["components"];
  ASSERT_EQ(comps.size(), 2u);
  EXPECT_EQ(comps[0]["type"], "body");
  ASSERT_EQ(comps[0]["parameters"].size(), 4u);
  EXPECT_EQ(comps[0]["parameters"][3]["text"], "31 Desember 2027 23.59 WIB");
  EXPECT_EQ(comps[1]["type"], "button");
  EXPECT_EQ(comps[1]["sub_type"], "url");
  EXPECT_EQ(comps[1]["index"], "0");
  EXPECT_EQ(comps[1]["parameters"][0]["text"], "tok_en-43");
  EXPECT_EQ(j->dump().find("document"), std::string::npos) << "never a document header";
}

TEST(WhatsAppSenderTest, AMessageWithAnAttachmentOrWithoutItsButtonValueIsRefused) {
  WhatsAppSender sender({.phone_number_id = "123"});
  OutgoingMessage m = Handover();
  m.attachments.push_back({"app-1.p12", "application/x-pkcs12", "bytes"});
  EXPECT_TRUE(IsPermanentDeliveryError(sender.BuildTemplateMessage(m).status()));
  m = Handover();
  m.rendered.whatsapp_button_value.clear();
  EXPECT_TRUE(IsPermanentDeliveryError(sender.BuildTemplateMessage(m).status()));
}

TEST(WhatsAppSenderTest, TextOnlyTemplateHasOnlyItsBody) {
  WhatsAppSender sender({.phone_number_id = "123"});
  OutgoingMessage m = Handover();
  m.template_name = "SUBMISSION_RECEIVED";
  m.rendered.whatsapp_body_values = {"Budi", "app-1"};
  m.rendered.whatsapp_button_value.clear();
  absl::StatusOr<nlohmann::json> j = sender.BuildTemplateMessage(m);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["template"]["name"], "sertel_permohonan_diterima");
  ASSERT_EQ((*j)["template"]["components"].size(), 1u);
  EXPECT_EQ((*j)["template"]["components"][0]["type"], "body");
}

TEST(WhatsAppSenderTest, TemplateNamesComeFromTheTableOrConfiguration) {
  auto t =
      ParseWhatsAppTemplates("CERTIFICATE_HANDOVER=serah_terima_v2:id, ACTIVATION_CODE=kode:en_US");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->at("CERTIFICATE_HANDOVER").name, "serah_terima_v2");
  EXPECT_EQ(t->at("ACTIVATION_CODE").language, "en_US");
  EXPECT_EQ(t->at("EXPIRY_REMINDER").name, "sertel_pengingat_kedaluwarsa");  // the table's
  EXPECT_FALSE(ParseWhatsAppTemplates("NO_SUCH=x:id").ok());
  EXPECT_FALSE(ParseWhatsAppTemplates("CERTIFICATE_HANDOVER=missing_language").ok());
}

TEST(WhatsAppSenderTest, RateLimitsAndServerErrorsAreRetried) {
  for (auto [status, code] : std::vector<std::pair<long, int>>{{429, 130429},
                                                               {400, 130429},
                                                               {400, 4},
                                                               {400, 80007},
                                                               {400, 131048},
                                                               {400, 131056},
                                                               {503, 2},
                                                               {500, 1},
                                                               {500, 0},
                                                               {502, 0},
                                                               {429, 0}}) {
    absl::Status s = WhatsAppSender::ClassifyResponse(
                         status, code == 0 ? "<html>bad gateway</html>" : GraphError(code))
                         .status();
    EXPECT_FALSE(s.ok());
    EXPECT_FALSE(IsPermanentDeliveryError(s)) << status << " " << code << ": " << s;
    EXPECT_EQ(FailurePolicyOf(s), FailurePolicy::kNone);
  }
}

TEST(WhatsAppSenderTest, ARateLimitCarriesItsRetryAfter) {
  absl::Status s = WhatsAppSender::ClassifyResponse(429, GraphError(130429), "120").status();
  ASSERT_TRUE(absl::IsResourceExhausted(s)) << s;
  ASSERT_TRUE(RetryDelayOf(s).has_value());
  EXPECT_EQ(*RetryDelayOf(s), absl::Seconds(120));
  // An HTTP-date Retry-After is left to the backoff.
  EXPECT_FALSE(RetryDelayOf(WhatsAppSender::ClassifyResponse(429, GraphError(130429),
                                                             "Wed, 21 Oct 2026 07:28:00 GMT")
                                .status())
                   .has_value());
}

TEST(WhatsAppSenderTest, EachFinalErrorHasItsPolicy) {
  struct Case {
    long status;
    int code;
    FailurePolicy policy;
  };
  for (const Case& c : std::vector<Case>{{400, 131026, FailurePolicy::kFallBackToEmail},
                                         {400, 131047, FailurePolicy::kFallBackToEmail},
                                         {400, 132000, FailurePolicy::kDeadLetter},
                                         {404, 132001, FailurePolicy::kDeadLetter},
                                         {400, 132012, FailurePolicy::kDeadLetter},
                                         {401, 190, FailurePolicy::kPauseChannel},
                                         {400, 131030, FailurePolicy::kNone},
                                         {400, 131009, FailurePolicy::kNone},
                                         {400, 100, FailurePolicy::kNone},
                                         {403, 10, FailurePolicy::kNone},
                                         {400, 0, FailurePolicy::kNone}}) {
    absl::Status s = WhatsAppSender::ClassifyResponse(c.status, GraphError(c.code)).status();
    EXPECT_TRUE(IsPermanentDeliveryError(s)) << c.status << " " << c.code << ": " << s;
    EXPECT_EQ(FailurePolicyOf(s), c.policy) << c.code;
  }
}

TEST(WhatsAppSenderTest, AnAcceptedMessageGivesItsWamid) {
  absl::StatusOr<SendReceipt> r = WhatsAppSender::ClassifyResponse(
      200, R"({"messaging_product":"whatsapp","messages":[{"id":"wamid.HBg"}]})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->provider_message_id, "wamid.HBg");
  // A 200 without an id cannot be tracked: retried, never taken as sent.
  EXPECT_FALSE(WhatsAppSender::ClassifyResponse(200, "{}").ok());
}

TEST(WhatsAppSenderTest, ErrorTextNamesTheCodeButNeverTheToken) {
  WhatsAppSender sender({.phone_number_id = "123", .token = "SECRET-TOKEN"});
  absl::Status s = WhatsAppSender::ClassifyResponse(401, GraphError(190)).status();
  EXPECT_NE(s.message().find("error 190"), absl::string_view::npos) << s;
  EXPECT_EQ(s.message().find("SECRET-TOKEN"), absl::string_view::npos);
}

TEST(WhatsAppSenderTest, TheTemplateTableParsesAndCoversEveryTemplate) {
  ASSERT_TRUE(CheckWhatsAppTemplateTable().ok()) << CheckWhatsAppTemplateTable();
  const WhatsAppTemplateSpec* code = FindWhatsAppTemplate("ACTIVATION_CODE");
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code->category, "AUTHENTICATION");
  EXPECT_EQ(code->button, WhatsAppButton::kCopyCode);
  EXPECT_EQ(FindWhatsAppTemplate("CERTIFICATE_HANDOVER")->button, WhatsAppButton::kUrl);
  // What the table refuses: an AUTHENTICATION template with more than the code, an unknown
  // parameter, a missing template.
  EXPECT_FALSE(ParseWhatsAppTemplateTable(
                   R"({"templates":[{"sertel_template":"ACTIVATION_CODE","name":"k","language":"id",
                       "category":"AUTHENTICATION","body_params":["full_name","activation_code"],
                       "button":{"type":"COPY_CODE","param":"activation_code"}}]})")
                   .ok());
  EXPECT_FALSE(ParseWhatsAppTemplateTable(
                   R"({"templates":[{"sertel_template":"EXPIRY_REMINDER","name":"k","language":"id",
                       "category":"UTILITY","body_params":["password"]}]})")
                   .ok());
  EXPECT_FALSE(ParseWhatsAppTemplateTable(R"({"templates":[]})").ok());
  EXPECT_EQ(UrlButtonSuffix("https://sertel.kota.go.id/unduh/abc_DEF-1"), "abc_DEF-1");
}

TEST(WhatsAppSenderTest, LoopbackIsRecognisedForPlainHttp) {
  EXPECT_TRUE(IsLoopbackUrl("http://127.0.0.1:8080"));
  EXPECT_TRUE(IsLoopbackUrl("http://localhost/x"));
  EXPECT_TRUE(IsLoopbackUrl("smtp://[::1]:25"));
  EXPECT_FALSE(IsLoopbackUrl("http://127.0.0.1.evil.example:80"));
  EXPECT_FALSE(IsLoopbackUrl("http://graph.facebook.com"));
  EXPECT_FALSE(IsLoopbackUrl("http://localhost@evil.example/"));
}

}  // namespace
}  // namespace sertel::notification
