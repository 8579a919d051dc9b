// The JWT verifier (common/jwt.h) on hostile input. The first byte chooses the mode:
//   even: the rest is a token as it arrives in the authorization header;
//   odd:  the rest is "<header JSON>\n<claims JSON>", signed here with the verifier's own key
//         (ES256), so that the claim checks - reached only after a valid signature - are fuzzed
//         too.
// Never a crash; a token is accepted only with the issuer, audience and times it must carry.
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/jwt.h"
#include "common/pem.h"

namespace {

struct Fixture {
  sertel::EvpPkeyPtr key;
  std::unique_ptr<sertel::JwtVerifier> verifier;
  sertel::FakeClock clock{absl::FromUnixSeconds(1800000000)};
};

const Fixture& Get() {
  static const Fixture* f = [] {
    auto* out = new Fixture();
    out->key.reset(EVP_EC_gen("P-256"));
    if (out->key == nullptr) std::abort();
    EVP_PKEY_up_ref(out->key.get());
    auto jwt_key = sertel::JwtKey::From(sertel::EvpPkeyPtr(out->key.get()), "k1");
    if (!jwt_key.ok()) std::abort();
    sertel::JwtKeySet keys;
    keys.push_back(*std::move(jwt_key));
    auto v = sertel::JwtVerifier::Create(
        std::make_shared<sertel::StaticJwtKeys>(std::move(keys)),
        {.issuer = "https://sso.kota.go.id/realms/sertel", .cache_capacity = 0}, &out->clock);
    if (!v.ok()) std::abort();
    out->verifier = *std::move(v);
    return out;
  }();
  return *f;
}

// ES256 over `input`: the DER signature turned into R || S (RFC 7518 section 3.4).
std::string SignEs256(EVP_PKEY* key, const std::string& input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t len = 0;
  if (ctx == nullptr || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1) {
    std::abort();
  }
  std::string der(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    std::abort();
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  if (sig == nullptr) std::abort();
  std::string raw(64, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + 32, 32) != 32) {
    std::abort();
  }
  ECDSA_SIG_free(sig);
  return raw;
}

std::string B64(const std::string& s) { return absl::WebSafeBase64Escape(s); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Fixture& f = Get();
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string token = rest;
  if (data[0] % 2 == 1) {
    size_t nl = rest.find('\n');
    std::string header =
        nl == std::string::npos ? R"({"alg":"ES256","kid":"k1"})" : rest.substr(0, nl);
    std::string claims = nl == std::string::npos ? rest : rest.substr(nl + 1);
    std::string input = absl::StrCat(B64(header), ".", B64(claims));
    token = absl::StrCat(input, ".", B64(SignEs256(f.key.get(), input)));
  }
  absl::StatusOr<sertel::JwtClaims> c = f.verifier->Verify(token);
  if (c.ok()) {
    // Accepted: it must be what the verifier is configured for, at the clock's time.
    const int64_t now = absl::ToUnixSeconds(f.clock.Now());
    if (c->iss != "https://sso.kota.go.id/realms/sertel" || c->exp < now - 30 ||
        c->nbf > now + 30) {
      std::abort();
    }
  } else if (c.status().code() != absl::StatusCode::kUnauthenticated) {
    std::abort();  // every refusal is UNAUTHENTICATED
  }
  return 0;
}
