// The passphrase policy (each rule), the activation codes (alphabet, keyed hash, constant-time
// match, outbox seal) and the configuration (every bad variable at once).
#include <set>

#include "absl/strings/match.h"
#include "activation_code.h"
#include "certificate_config.h"
#include "gtest/gtest.h"
#include "passphrase_policy.h"

namespace sertel::certificate {
namespace {

// NIK of a woman born 1 January 1990 (day 01 + 40 = 41); NIP with birth date 1990-01-01.
const PassphraseContext kContext = {"3171014101900001", "199001012015032001", "Siti Aminah Putri"};
constexpr const char* kGood = "Kuda-Lari#2024x";

bool Has(const std::vector<std::string>& broken, absl::string_view text) {
  for (const std::string& b : broken) {
    if (absl::StrContains(b, text)) return true;
  }
  return false;
}

TEST(PassphrasePolicyTest, AcceptsAStrongPassphrase) {
  EXPECT_TRUE(PassphrasePolicy().Check(kGood, kContext).empty());
}

TEST(PassphrasePolicyTest, RejectsShortPassphrase) {
  auto broken = PassphrasePolicy().Check("Ku#2024x", kContext);
  EXPECT_TRUE(Has(broken, "at least 10 characters"));
  EXPECT_EQ(broken.size(), 1u);
}

// A NUL would cut the passphrase short in the legacy PKCS#12 path (C strings); no control
// character is accepted.
TEST(PassphrasePolicyTest, RejectsControlCharacters) {
  for (std::string bad :
       {std::string("Kuda-Lari#2024x\0tail", 20), std::string("Kuda-Lari\t#2024x"),
        std::string("Kuda-Lari#2024x\n"), std::string("Kuda\x7fLari#2024x")}) {
    EXPECT_TRUE(Has(PassphrasePolicy().Check(bad, kContext), "control characters")) << bad.size();
  }
}

TEST(PassphrasePolicyTest, CountsCharactersNotBytes) {
  // 9 characters, 18 bytes.
  EXPECT_TRUE(Has(PassphrasePolicy().Check("ÄÖÜäöü#1x", kContext), "at least 10"));
}

TEST(PassphrasePolicyTest, RejectsTooFewCharacterClasses) {
  auto broken = PassphrasePolicy().Check("kudalarikencang", kContext);
  EXPECT_TRUE(Has(broken, "at least 3 of"));
  EXPECT_EQ(broken.size(), 1u);
  EXPECT_TRUE(PassphrasePolicy().Check("kudalariKENCANG7", kContext).empty());
}

TEST(PassphrasePolicyTest, RejectsTheNik) {
  EXPECT_TRUE(Has(PassphrasePolicy().Check("Ab#3171014101900001", kContext), "NIK"));
}

TEST(PassphrasePolicyTest, RejectsTheNip) {
  EXPECT_TRUE(Has(PassphrasePolicy().Check("Ab#199001012015032001", kContext), "NIP"));
}

TEST(PassphrasePolicyTest, RejectsTheBirthDateInCommonSpellings) {
  for (const char* p : {"Kuda#01011990x", "Kuda#1990-01-01x", "Kuda#01/01/1990", "Kuda#010190xy"}) {
    EXPECT_TRUE(Has(PassphrasePolicy().Check(p, kContext), "birth date")) << p;
  }
  // Without a NIP the NIK's date (day - 40 for women) is used.
  PassphraseContext nik_only = {kContext.nik, "", kContext.full_name};
  EXPECT_TRUE(Has(PassphrasePolicy().Check("Kuda#010190xy", nik_only), "birth date"));
}

TEST(PassphrasePolicyTest, RejectsNamePartsCaseInsensitively) {
  EXPECT_TRUE(Has(PassphrasePolicy().Check("AMINAH#2024xyz", kContext), "name"));
  EXPECT_TRUE(Has(PassphrasePolicy().Check("xx-putri-2024X", kContext), "name"));
}

TEST(PassphrasePolicyTest, RejectsCommonPasswords) {
  auto broken = PassphrasePolicy().Check("P@ssw0rd123!", kContext);
  EXPECT_TRUE(Has(broken, "common"));
  EXPECT_EQ(broken.size(), 1u);
}

TEST(PassphrasePolicyTest, ReportsEveryBrokenRuleAtOnceAndNeverThePassphrase) {
  auto broken = PassphrasePolicy().Check("siti", kContext);
  EXPECT_TRUE(Has(broken, "at least 10"));
  EXPECT_TRUE(Has(broken, "at least 3 of"));
  EXPECT_TRUE(Has(broken, "name"));
  for (const std::string& b : broken) EXPECT_FALSE(absl::StrContains(b, "siti")) << b;
}

const std::string kKey(32, 'k');

TEST(ActivationCodesTest, RefusesAShortKey) {
  EXPECT_FALSE(ActivationCodes::FromKey("short").ok());
  EXPECT_TRUE(ActivationCodes::FromKey(kKey).ok());
}

TEST(ActivationCodesTest, CodesUseTheUnambiguousAlphabetAndDiffer) {
  ActivationCodes codes(kKey);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string c = codes.Generate();
    ASSERT_EQ(c.size(), 8u);
    for (char ch : c) EXPECT_NE(ActivationCodes::kAlphabet.find(ch), absl::string_view::npos) << c;
    seen.insert(c);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(ActivationCodesTest, MatchesOnlyTheRightCodeUnderTheRightKey) {
  ActivationCodes codes(kKey);
  std::string hash = codes.Hash("K7QM2XPA");
  EXPECT_EQ(hash.size(), 32u);
  EXPECT_TRUE(codes.Matches("K7QM2XPA", hash));
  EXPECT_TRUE(codes.Matches("k7qm-2xpa", hash));  // typed loosely
  EXPECT_FALSE(codes.Matches("K7QM2XPB", hash));
  EXPECT_FALSE(codes.Matches("", hash));
  EXPECT_FALSE(ActivationCodes(std::string(32, 'x')).Matches("K7QM2XPA", hash));
}

constexpr const char* kRequestId = "certificate:activation:app-1:1";

TEST(ActivationCodesTest, OutboxSealHidesTheCodeAndDetectsTampering) {
  ActivationCodes codes(kKey);
  absl::StatusOr<std::string> sealed_or = codes.SealForOutbox("K7QM2XPA", kRequestId);
  ASSERT_TRUE(sealed_or.ok()) << sealed_or.status();
  std::string sealed = *sealed_or;
  EXPECT_FALSE(absl::StrContains(sealed, "K7QM2XPA"));
  EXPECT_EQ(*codes.OpenFromOutbox(sealed, kRequestId), "K7QM2XPA");
  std::string tampered = sealed;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(codes.OpenFromOutbox(tampered, kRequestId).ok());
  EXPECT_FALSE(ActivationCodes(std::string(32, 'x')).OpenFromOutbox(sealed, kRequestId).ok());
}

TEST(ActivationCodesTest, OutboxSealOpensOnlyForTheMessageItWasSealedFor) {
  ActivationCodes codes(kKey);
  absl::StatusOr<std::string> sealed = codes.SealForOutbox("K7QM2XPA", kRequestId);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  absl::StatusOr<std::string> moved =
      codes.OpenFromOutbox(*sealed, "certificate:activation:app-2:1");
  EXPECT_EQ(moved.status().code(), absl::StatusCode::kInvalidArgument);
  // Two seals of one code differ (a fresh nonce each time).
  EXPECT_NE(*sealed, *codes.SealForOutbox("K7QM2XPA", kRequestId));
  // Not a sealed value at all (the outbox row goes DEAD rather than being retried).
  EXPECT_EQ(codes.OpenFromOutbox("K7QM2XPA", kRequestId).status().code(),
            absl::StatusCode::kInvalidArgument);
}

EnvReader FakeEnv(std::map<std::string, std::string> vars) {
  auto holder = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return EnvReader([holder](const char* name) -> const char* {
    auto it = holder->find(name);
    return it == holder->end() ? nullptr : it->second.c_str();
  });
}

TEST(CertificateConfigTest, DefaultsWhenOnlyTheRequiredFilesAreGiven) {
  EnvReader env = FakeEnv({{"SERTEL_CERTIFICATE_CA_KEY", "/k"},
                           {"SERTEL_CERTIFICATE_CA_CERT", "/c"},
                           {"SERTEL_CERTIFICATE_ACTIVATION_KEY_FILE", "/a"}});
  CertificateConfig c = CertificateConfig::FromEnv(env);
  ASSERT_TRUE(env.Finish().ok()) << env.Finish();
  EXPECT_EQ(c.validity, absl::Hours(24 * 730));
  EXPECT_EQ(c.key_algorithm, KeyAlgorithm::kRsa2048);
  EXPECT_EQ(c.activation_ttl, absl::Hours(72));
  EXPECT_EQ(c.keystore_retention, absl::Hours(24 * 30));
  EXPECT_EQ(c.organization, "Pemerintah Kota");
  EXPECT_EQ(c.pkcs12_iterations, 600000);
  EXPECT_FALSE(c.pkcs12_legacy);
  EXPECT_EQ(c.snapshot_max_staleness, absl::Seconds(10));
  EXPECT_EQ(c.snapshot_reload, absl::Minutes(5));
}

// Issue 18: the download links' settings go together, and a keystore is served over TLS (plain
// HTTP only on loopback, bound to loopback).
TEST(CertificateConfigTest, DownloadLinksNeedTheirListenerAndTls) {
  std::map<std::string, std::string> base = {{"SERTEL_CERTIFICATE_CA_KEY", "/k"},
                                             {"SERTEL_CERTIFICATE_CA_CERT", "/c"},
                                             {"SERTEL_CERTIFICATE_ACTIVATION_KEY_FILE", "/a"}};
  auto with = [&](std::map<std::string, std::string> more) {
    std::map<std::string, std::string> all = base;
    all.insert(more.begin(), more.end());
    return FakeEnv(all);
  };
  EnvReader good =
      with({{"SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL", "https://sertel.kota.go.id/unduh"},
            {"SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS", "0.0.0.0:8443"},
            {"SERTEL_CERTIFICATE_DOWNLOAD_TLS_CERT", "/d.pem"},
            {"SERTEL_CERTIFICATE_DOWNLOAD_TLS_KEY", "/d-key.pem"},
            {"SERTEL_CERTIFICATE_CODE_CHANNELS", "email,whatsapp"}});
  CertificateConfig c = CertificateConfig::FromEnv(good);
  ASSERT_TRUE(good.Finish().ok()) << good.Finish();
  EXPECT_EQ(c.download_ttl, absl::Hours(24));
  EXPECT_TRUE(c.code_by_whatsapp);
  struct Bad {
    std::map<std::string, std::string> vars;
    const char* names;
  };
  for (const Bad& bad : std::vector<Bad>{
           {{{"SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL", "http://sertel.kota.go.id/unduh"},
             {"SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS", "0.0.0.0:8443"}},
            "SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL"},
           {{{"SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL", "http://127.0.0.1.evil.example/unduh"},
             {"SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS", "0.0.0.0:8443"}},
            "loopback host"},
           {{{"SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL", "https://sertel.kota.go.id/un(duh"},
             {"SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS", "0.0.0.0:8443"},
             {"SERTEL_CERTIFICATE_DOWNLOAD_TLS_CERT", "/d.pem"},
             {"SERTEL_CERTIFICATE_DOWNLOAD_TLS_KEY", "/d-key.pem"}},
            "its path"},
           {{{"SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL", "http://127.0.0.1:8443/unduh"},
             {"SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS", "0.0.0.0:8443"}},
            "loopback only"},
           {{{"SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS", "0.0.0.0:8443"}},
            "needs SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL"},
           {{{"SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL", "https://sertel.kota.go.id/unduh"}},
            "needs SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS"},
           {{{"SERTEL_CERTIFICATE_CODE_CHANNELS", "email,sms"}}, "unknown channel"}}) {
    EnvReader env = with(bad.vars);
    CertificateConfig::FromEnv(env);
    absl::Status s = env.Finish();
    EXPECT_FALSE(s.ok()) << bad.names;
    EXPECT_TRUE(absl::StrContains(s.message(), bad.names)) << s;
  }
  EnvReader loopback =
      with({{"SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL", "http://127.0.0.1:8443/unduh"},
            {"SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS", "127.0.0.1:8443"}});
  CertificateConfig::FromEnv(loopback);
  EXPECT_TRUE(loopback.Finish().ok()) << loopback.Finish();
}

TEST(CertificateConfigTest, ReportsEveryBadVariableAtOnce) {
  EnvReader env = FakeEnv({{"SERTEL_CERTIFICATE_VALIDITY", "two years"},
                           {"SERTEL_CERTIFICATE_KEY_ALGORITHM", "DSA-1024"},
                           {"SERTEL_CERTIFICATE_ACTIVATION_TTL", "-5h"},
                           // Below the listener's 1 s heartbeat a replica would refuse checks.
                           {"SERTEL_CERTIFICATE_SNAPSHOT_MAX_STALENESS", "1s"},
                           {"SERTEL_CERTIFICATE_SNAPSHOT_RELOAD", "often"}});
  CertificateConfig::FromEnv(env);
  absl::Status s = env.Finish();
  ASSERT_FALSE(s.ok());
  for (const char* name :
       {"SERTEL_CERTIFICATE_CA_KEY", "SERTEL_CERTIFICATE_CA_CERT",
        "SERTEL_CERTIFICATE_ACTIVATION_KEY_FILE", "SERTEL_CERTIFICATE_VALIDITY",
        "SERTEL_CERTIFICATE_KEY_ALGORITHM", "SERTEL_CERTIFICATE_ACTIVATION_TTL",
        "SERTEL_CERTIFICATE_SNAPSHOT_MAX_STALENESS", "SERTEL_CERTIFICATE_SNAPSHOT_RELOAD"}) {
    EXPECT_TRUE(absl::StrContains(s.message(), name)) << name << " missing in " << s;
  }
}

TEST(CertificateConfigTest, ParsesDaysAndAbslDurations) {
  absl::Duration d;
  EXPECT_TRUE(ParseDays("730d", &d));
  EXPECT_EQ(d, absl::Hours(24 * 730));
  EXPECT_TRUE(ParseDays("72h", &d));
  EXPECT_EQ(d, absl::Hours(72));
  EXPECT_FALSE(ParseDays("0d", &d));
  EXPECT_FALSE(ParseDays("d", &d));
}

}  // namespace
}  // namespace sertel::certificate
