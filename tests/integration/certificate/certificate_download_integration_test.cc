// Issue 18: the handover by one-time link, against real PostgreSQL and real TLS (curl against
// the certificate service's HTTPS download listener). The WhatsApp message carries the link,
// never the keystore; the link gives the sealed PKCS#12 once (it opens with the owner's
// passphrase), then 410; an unknown, malformed or expired token is 404; a revocation ends it; a
// HEAD or a link preview does not use it up; every download is audited; an address that asks
// too often is refused; a handover by WhatsApp without the download service is refused and
// changes nothing; only the token's hash is stored, and the outbox holds the link sealed.
#include <openssl/sha.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "certificate-service/src/download_link.h"
#include "certificate-service/src/download_route.h"
#include "common/http_listener.h"
#include "tests/integration/certificate/certificate_fixture.h"

namespace sertel::certificate::testing {
namespace {

class CertificateDownloadTest : public CertificateIntegrationTest {
 protected:
  void StartListener(DownloadRoute::Options options = {.path_prefix = "/unduh"},
                     HandoverManager* handover = nullptr) {
    route_ = std::make_unique<DownloadRoute>(handover != nullptr ? handover : &managers_->handover,
                                             options, &clock_);
    listener_ =
        std::make_unique<HttpListener>(HttpListenerOptions{.address = "127.0.0.1:0",
                                                           .tls_cert_file = pki_.server_cert_path(),
                                                           .tls_key_file = pki_.server_key_path(),
                                                           .max_body_bytes = 4096,
                                                           .what = "keystore download"});
    route_->Register(*listener_);
    ASSERT_TRUE(listener_->Start().ok());
  }
  void TearDown() override {
    if (listener_) listener_->Stop();
  }

  // The link the holder received for `app` (the notification service got it unsealed).
  std::string DeliveredLink(const std::string& app) {
    DeliverOutbox();
    for (const auto& r : notifications_.sent(v1::NOTIFICATION_TEMPLATE_CERTIFICATE_HANDOVER)) {
      if (r.application_id() == app && r.params().count("download_url")) {
        return r.params().at("download_url");
      }
    }
    ADD_FAILURE() << "no link delivered for " << app;
    return "";
  }
  static std::string TokenOf(const std::string& link) { return link.substr(link.rfind('/') + 1); }

  // GET (or HEAD) over TLS: the HTTP status; the body in `file`, the headers in `file`.h.
  std::string Fetch(const std::string& path, const std::string& file,
                    const std::string& extra = "") {
    std::string out;
    RunCommand(
        absl::StrCat("curl -s --cacert ", pki_.ca_cert_path(), " ", extra, " -D ", file, ".h -o ",
                     file, " -w '%{http_code}' https://127.0.0.1:", listener_->port(), path),
        &out);
    return out;
  }

  std::unique_ptr<DownloadRoute> route_;
  std::unique_ptr<HttpListener> listener_;
};

TEST_F(CertificateDownloadTest, AWhatsAppHandoverCarriesALinkThatGivesTheKeystoreOnce) {
  Issue("app-1");
  StartListener();
  v1::Enrollment e;
  ASSERT_TRUE(HandOver("app-1", v1::CHANNEL_WHATSAPP, &e).ok());
  EXPECT_EQ(e.status(), v1::ENROLLMENT_STATUS_HANDED_OVER);
  std::string link = DeliveredLink("app-1");
  auto sent = notifications_.sent(v1::NOTIFICATION_TEMPLATE_CERTIFICATE_HANDOVER);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].channel(), v1::CHANNEL_WHATSAPP);
  EXPECT_EQ(sent[0].attachments_size(), 0) << "never the keystore in a WhatsApp message";
  EXPECT_EQ(sent[0].fallback_email(), "siti.aminah@kota.go.id");
  EXPECT_TRUE(sent[0].params().count("download_expires_at"));
  ASSERT_TRUE(absl::StartsWith(link, "https://127.0.0.1/unduh/")) << link;
  const std::string token = TokenOf(link);
  ASSERT_TRUE(IsDownloadTokenShaped(token)) << token;

  // Only the hash is stored; the outbox row held the link sealed.
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificate.download_links"), "1");
  EXPECT_EQ(Scalar("SELECT encode(token_hash, 'hex') FROM certificate.download_links"),
            absl::BytesToHexString(HashDownloadToken(token)));
  EXPECT_EQ(Scalar(absl::StrCat("SELECT count(*) FROM certificate.outbox WHERE position('", token,
                                "'::bytea in payload) > 0")),
            "0");

  // A HEAD and a link preview learn only that a page is there; the link stays unused.
  EXPECT_EQ(Fetch("/unduh/" + token, dir_.File("head"), "-I"), "200");
  EXPECT_EQ(Fetch("/unduh/" + token, dir_.File("preview"), "-A 'WhatsApp/2.23.20.0 A'"), "200");
  EXPECT_TRUE(absl::StrContains(ReadText(dir_.File("preview") + ".h"), "text/plain"))
      << "a page, not the keystore";
  EXPECT_TRUE(absl::StrContains(ReadText(dir_.File("preview")), "Sertifikat elektronik"));

  std::string p12 = dir_.File("holder.p12");
  ASSERT_EQ(Fetch("/unduh/" + token, p12, "-A 'Mozilla/5.0'"), "200");
  std::string headers = ReadText(p12 + ".h");
  EXPECT_TRUE(absl::StrContains(headers, "Content-Disposition: attachment; filename=\"app-1.p12\""))
      << headers;
  EXPECT_TRUE(absl::StrContains(headers, "application/x-pkcs12")) << headers;
  EXPECT_TRUE(absl::StrContains(headers, "Cache-Control: no-store")) << headers;
  std::string out;
  EXPECT_EQ(RunCommand(absl::StrCat("openssl pkcs12 -in ", p12, " -nokeys -passin pass:'",
                                    kPassphrase, "' -out ", dir_.File("cert.pem")),
                       &out),
            0)
      << "the keystore opens with the owner's passphrase: " << out;
  EXPECT_NE(RunCommand(absl::StrCat("openssl pkcs12 -in ", p12,
                                    " -nokeys -passin pass:wrong -out /dev/null"),
                       &out),
            0);

  // Once: then 410, and the download is in the audit chain with where and by what.
  EXPECT_EQ(Fetch("/unduh/" + token, dir_.File("again")), "410");
  EXPECT_EQ(Scalar("SELECT used_user_agent FROM certificate.download_links"), "Mozilla/5.0");
  EXPECT_EQ(Scalar("SELECT used_from FROM certificate.download_links"), "127.0.0.1");
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificate.audit_log WHERE action = "
                   "'KEYSTORE_DOWNLOADED' AND details LIKE '%\"by_link\":true%' AND details "
                   "LIKE '%Mozilla/5.0%'"),
            "1");
}

TEST_F(CertificateDownloadTest, UnknownMalformedAndExpiredTokensAre404) {
  Issue("app-1");
  StartListener();
  v1::Enrollment e;
  // By email on request: the link instead of the attachment.
  ASSERT_TRUE(
      HandOver("app-1", v1::CHANNEL_EMAIL, &e, "VERIFIER", "", /*download_link=*/true).ok());
  std::string token = TokenOf(DeliveredLink("app-1"));
  auto sent = notifications_.sent(v1::NOTIFICATION_TEMPLATE_CERTIFICATE_HANDOVER);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].attachments_size(), 0);
  std::string unknown = token;
  unknown[0] = unknown[0] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Fetch("/unduh/" + unknown, dir_.File("u")), "404");
  EXPECT_EQ(Fetch("/unduh/short", dir_.File("s")), "404");
  EXPECT_EQ(Fetch("/unduh/" + token + "%27%20OR%201=1", dir_.File("q")), "404");
  EXPECT_EQ(Fetch("/elsewhere/" + token, dir_.File("e")), "404");
  clock_.Advance(absl::Hours(24) + absl::Seconds(1));  // SERTEL_CERTIFICATE_DOWNLOAD_TTL
  EXPECT_EQ(Fetch("/unduh/" + token, dir_.File("late")), "404");
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificate.download_links WHERE used_at IS NOT NULL"),
            "0");
}

// Two downloads with one token at once: the link is locked, exactly one gets the file.
TEST_F(CertificateDownloadTest, TwoDownloadsAtOnceGiveTheKeystoreOnce) {
  Issue("app-1");
  StartListener();
  v1::Enrollment e;
  ASSERT_TRUE(HandOver("app-1", v1::CHANNEL_WHATSAPP, &e).ok());
  std::string token = TokenOf(DeliveredLink("app-1"));
  std::string out;
  std::string url = absl::StrCat("https://127.0.0.1:", listener_->port(), "/unduh/", token);
  ASSERT_EQ(RunCommand(absl::StrCat("for i in 1 2 3 4; do curl -s --cacert ", pki_.ca_cert_path(),
                                    " -o /dev/null -w '%{http_code}\\n' ", url, " & done; wait"),
                       &out),
            0);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 4) << out;
  size_t served = 0, gone = 0;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    if (line == "200") ++served;
    if (line == "410") ++gone;
  }
  EXPECT_EQ(served, 1u) << out;
  EXPECT_EQ(gone, 3u) << out;
}

TEST_F(CertificateDownloadTest, ARevocationEndsTheLink) {
  v1::Certificate c = Issue("app-1");
  StartListener();
  v1::Enrollment e;
  ASSERT_TRUE(HandOver("app-1", v1::CHANNEL_WHATSAPP, &e).ok());
  std::string token = TokenOf(DeliveredLink("app-1"));
  v1::Certificate revoked;
  ASSERT_TRUE(Revoke(c.serial(), v1::REVOCATION_REASON_KEY_COMPROMISE, &revoked).ok());
  EXPECT_EQ(Fetch("/unduh/" + token, dir_.File("r")), "410");
}

TEST_F(CertificateDownloadTest, AnAddressThatAsksTooOftenIsRefused) {
  StartListener({.path_prefix = "/unduh", .burst = 3, .refill = absl::Minutes(1)});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Fetch("/unduh/x", dir_.File("n")), "404");
  EXPECT_EQ(Fetch("/unduh/x", dir_.File("n")), "429");
  EXPECT_TRUE(absl::StrContains(ReadText(dir_.File("n") + ".h"), "Retry-After: 60"));
}

// The database out of reach (its only connection taken): 503, nothing used up; the same link
// works once the database answers again.
TEST_F(CertificateDownloadTest, TheDatabaseDownIs503AndTheLinkStaysGood) {
  Issue("app-1");
  v1::Enrollment e;
  ASSERT_TRUE(HandOver("app-1", v1::CHANNEL_WHATSAPP, &e).ok());
  std::string token = TokenOf(DeliveredLink("app-1"));
  std::unique_ptr<PgPool> one = db_.OutagePool("certificate");
  CertificateStore store(one.get(), audit_.get());
  HandoverManager handover(&store, ca_.get(), codes_.get(), settings_, &clock_);
  StartListener({.path_prefix = "/unduh"}, &handover);
  {
    absl::StatusOr<PgPool::Lease> held = one->Acquire();
    ASSERT_TRUE(held.ok()) << held.status();
    EXPECT_EQ(Fetch("/unduh/" + token, dir_.File("down")), "503");
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificate.download_links WHERE used_at IS NOT NULL"),
            "0");
  EXPECT_EQ(Fetch("/unduh/" + token, dir_.File("up")), "200");
}

// Without SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL a WhatsApp handover cannot carry the keystore:
// refused before anything is written.
TEST_F(CertificateDownloadTest, AWhatsAppHandoverWithoutTheDownloadServiceIsRefused) {
  Issue("app-1");
  HandoverManager without(store_.get(), ca_.get(), codes_.get(), ManagerSettings{}, &clock_);
  Principal verifier{.sub = "verifier-1", .nik = "", .roles = {Role::kVerifier}};
  absl::StatusOr<EnrollmentRecord> r = without.HandOver(verifier, "app-1", 2 /* WHATSAPP */);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL"));
  EXPECT_EQ(Enrollment("app-1").status(), v1::ENROLLMENT_STATUS_ISSUED);
  EXPECT_EQ(Scalar("SELECT count(*) FROM certificate.download_links"), "0");
}

}  // namespace
}  // namespace sertel::certificate::testing
