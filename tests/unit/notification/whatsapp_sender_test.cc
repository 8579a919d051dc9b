// The WhatsApp channel without a network: the template message has the shape the Cloud API
// requires (digits-only "to", template name and language from configuration, a header document
// referring to the uploaded media id only when there is an attachment, the body parameters in
// order), and the API's answers map to retry or give up.
#include "whatsapp_sender.h"

#include "gtest/gtest.h"

namespace sertel::notification {
namespace {

OutgoingMessage Handover() {
  OutgoingMessage m;
  m.notification_id = "n1";
  m.recipient = "+6281234567890";
  m.template_name = "CERTIFICATE_HANDOVER";
  m.rendered.whatsapp_body_values = {"Budi", "app-1", "1A2B", "31 Desember 2027 23.59 WIB"};
  m.attachments.push_back({"app-1.p12", "application/x-pkcs12", "bytes"});
  return m;
}

std::string GraphError(int code) {
  return R"({"error":{"message":"m","type":"OAuthException","code":)" + std::to_string(code) +
         R"(,"fbtrace_id":"x"}})";
}

TEST(WhatsAppSenderTest, TemplateMessageCarriesTheUploadedDocumentInItsHeader) {
  WhatsAppSender sender({.phone_number_id = "123"});
  absl::StatusOr<nlohmann::json> j =
      sender.BuildTemplateMessage(Handover(), "MEDIA-9", "app-1.p12");
  ASSERT_TRUE(j.ok()) << j.status();
  EXPECT_EQ((*j)["messaging_product"], "whatsapp");
  EXPECT_EQ((*j)["to"], "6281234567890");
  EXPECT_EQ((*j)["type"], "template");
  EXPECT_EQ((*j)["template"]["name"], "sertel_serah_terima");
  EXPECT_EQ((*j)["template"]["language"]["code"], "id");
  const nlohmann::json& comps = (*j)["template"]["components"];
  ASSERT_EQ(comps.size(), 2u);
  EXPECT_EQ(comps[0]["type"], "header");
  EXPECT_EQ(comps[0]["parameters"][0]["type"], "document");
  EXPECT_EQ(comps[0]["parameters"][0]["document"]["id"], "MEDIA-9");
  EXPECT_EQ(comps[0]["parameters"][0]["document"]["filename"], "app-1.p12");
  EXPECT_EQ(comps[1]["type"], "body");
  ASSERT_EQ(comps[1]["parameters"].size(), 4u);
  EXPECT_EQ(comps[1]["parameters"][3]["text"], "31 Desember 2027 23.59 WIB");
}

TEST(WhatsAppSenderTest, TextOnlyTemplateHasNoHeader) {
  WhatsAppSender sender({.phone_number_id = "123"});
  OutgoingMessage m = Handover();
  m.template_name = "SUBMISSION_RECEIVED";
  m.attachments.clear();
  m.rendered.whatsapp_body_values = {"Budi", "app-1"};
  absl::StatusOr<nlohmann::json> j = sender.BuildTemplateMessage(m, "", "");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["template"]["name"], "sertel_permohonan_diterima");
  ASSERT_EQ((*j)["template"]["components"].size(), 1u);
  EXPECT_EQ((*j)["template"]["components"][0]["type"], "body");
}

TEST(WhatsAppSenderTest, TemplateNamesComeFromConfiguration) {
  auto t =
      ParseWhatsAppTemplates("CERTIFICATE_HANDOVER=serah_terima_v2:id, ACTIVATION_CODE=kode:en_US");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->at("CERTIFICATE_HANDOVER").name, "serah_terima_v2");
  EXPECT_EQ(t->at("ACTIVATION_CODE").language, "en_US");
  EXPECT_EQ(t->at("EXPIRY_REMINDER").name, "sertel_pengingat_kedaluwarsa");  // default kept
  EXPECT_FALSE(ParseWhatsAppTemplates("NO_SUCH=x:id").ok());
  EXPECT_FALSE(ParseWhatsAppTemplates("CERTIFICATE_HANDOVER=missing_language").ok());
}

TEST(WhatsAppSenderTest, RateLimitsAndServerErrorsAreRetried) {
  for (auto [status, code] : std::vector<std::pair<long, int>>{{429, 130429},
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
        status, code == 0 ? "<html>bad gateway</html>" : GraphError(code));
    EXPECT_FALSE(s.ok());
    EXPECT_FALSE(IsPermanentDeliveryError(s)) << status << " " << code << ": " << s;
  }
}

TEST(WhatsAppSenderTest, InvalidRecipientTemplateParameterOrTokenIsPermanent) {
  for (auto [status, code] : std::vector<std::pair<long, int>>{{400, 131026},
                                                               {400, 131030},
                                                               {400, 131009},
                                                               {400, 132000},
                                                               {404, 132001},
                                                               {400, 132012},
                                                               {400, 100},
                                                               {401, 190},
                                                               {403, 10},
                                                               {400, 0}}) {
    absl::Status s = WhatsAppSender::ClassifyResponse(status, GraphError(code));
    EXPECT_TRUE(IsPermanentDeliveryError(s)) << status << " " << code << ": " << s;
  }
  EXPECT_TRUE(WhatsAppSender::ClassifyResponse(200, R"({"messages":[{"id":"w"}]})").ok());
}

TEST(WhatsAppSenderTest, ErrorTextNamesTheCodeButNeverTheToken) {
  WhatsAppSender sender({.phone_number_id = "123", .token = "SECRET-TOKEN"});
  absl::Status s = WhatsAppSender::ClassifyResponse(401, GraphError(190));
  EXPECT_NE(s.message().find("error 190"), absl::string_view::npos) << s;
  EXPECT_EQ(s.message().find("SECRET-TOKEN"), absl::string_view::npos);
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
