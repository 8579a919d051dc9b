// Property: what the field rules accept at step 1, the certificate's subject accepts at step 6.
// Random names and OUs from an alphabet of the unusual (multi-byte letters of several scripts,
// four-byte code points, apostrophes, titles, spaces) at every length around the bound: each one
// the rule lets through must go into an X.509 subject as OpenSSL builds it (its ASN.1 string
// table holds CN and OU to 64 characters), and each one OpenSSL refuses the rule refuses first.
#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <random>
#include <string>
#include <vector>

#include "common/field_rules.h"
#include "gtest/gtest.h"

namespace sertel {
namespace {

// True when OpenSSL takes `value` (UTF-8) as the subject entry `nid`.
bool OpenSslSubjectTakes(int nid, const std::string& value) {
  X509_NAME* name = X509_NAME_new();
  if (name == nullptr) return false;
  const int ok = X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                            reinterpret_cast<const unsigned char*>(value.data()),
                                            static_cast<int>(value.size()), -1, 0);
  X509_NAME_free(name);
  return ok == 1;
}

std::string RandomValue(std::mt19937& rng, size_t chars) {
  static const std::vector<std::string> kAlphabet = {
      "a",
      "Z",
      " ",
      ".",
      ",",
      "'",
      "-",
      "\xC3\xA9",
      "\xC3\x91",
      "\xC3\x9F",  // e-acute, N-tilde, sharp s
      "\xD9\x85",
      "\xE7\x8E\x8B",
      "\xE0\xA4\x85",      // Arabic, CJK, Devanagari
      "\xF0\x9D\x90\x80",  // a four-byte letter
  };
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  std::string out = "A";  // a letter first, so that names are names
  for (size_t i = 1; i < chars; ++i) out += kAlphabet[pick(rng)];
  return out;
}

void CheckProperty(const FieldRule& rule, int nid) {
  std::mt19937 rng(20261202);
  int accepted = 0;
  int refused = 0;
  for (size_t chars = 1; chars <= rule.max_chars + 8; ++chars) {
    for (int round = 0; round < 20; ++round) {
      const std::string value = RandomValue(rng, chars);
      const bool rule_ok = !CheckField("f", rule, value, true).has_value();
      const bool openssl_ok = OpenSslSubjectTakes(nid, value);
      if (rule_ok) {
        ++accepted;
        EXPECT_TRUE(openssl_ok) << "step 1 accepts what the certificate refuses: " << value;
      }
      if (!openssl_ok) {
        ++refused;
        EXPECT_FALSE(rule_ok) << "the certificate refuses what step 1 accepted: " << value;
      }
    }
  }
  // Both sides of the bound were tried.
  EXPECT_GT(accepted, 100);
  EXPECT_GT(refused, 20);
}

TEST(FieldRulesPropertyTest, EveryNameStepOneAcceptsIsACommonNameOpenSslAccepts) {
  CheckProperty(field_rules::kFullName, NID_commonName);
}

TEST(FieldRulesPropertyTest, EveryOuTheRegistryAcceptsIsAnOuOpenSslAccepts) {
  CheckProperty(field_rules::kCertificateOu, NID_organizationalUnitName);
}

}  // namespace
}  // namespace sertel
