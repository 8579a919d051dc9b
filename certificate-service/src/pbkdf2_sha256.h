// The two password derivations a PKCS#12 keystore costs, with SHA-256, done directly on the
// SHA-256 compression function: PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2; the key bag's PBES2
// key) and the PKCS#12 KDF (RFC 7292 appendix B.2; the MAC key). Bit-exact with OpenSSL's
// PKCS5_PBKDF2_HMAC and PKCS12_key_gen_uni (tests/unit/certificate/pkcs12_kdf_test.cc), but the
// iteration loop is one (PKCS#12 KDF) or two (PBKDF2) SHA256 block transforms on precomputed
// states, with no allocation, EVP dispatch or context copy per iteration, which is where
// OpenSSL 3's provider loop spends most of its time. The iteration count is never lowered.
//
//   unsigned char key[32];
//   Pbkdf2HmacSha256(passphrase, salt, 600000, key, sizeof key);
#pragma once

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace sertel::certificate {

// PBKDF2-HMAC-SHA256(password, salt, iterations) -> out[0, out_len). iterations >= 1.
void Pbkdf2HmacSha256(absl::string_view password, absl::string_view salt, uint32_t iterations,
                      unsigned char* out, size_t out_len);

// The PKCS#12 KDF with SHA-256 (u = 32, v = 64). `bmp_password` is the password as OpenSSL's
// OPENSSL_utf82uni makes it (UTF-16BE with a trailing 0x0000); `id` 1 = key, 2 = IV, 3 = MAC.
// iterations >= 1.
void Pkcs12KdfSha256(absl::string_view bmp_password, absl::string_view salt, unsigned char id,
                     uint32_t iterations, unsigned char* out, size_t out_len);

}  // namespace sertel::certificate
