// The two password derivations a PKCS#12 keystore costs, with SHA-256, run directly on OpenSSL's
// SHA-256 block function: PBKDF2-HMAC-SHA256 (RFC 8018 5.2; the key bag's PBES2 key) and the
// PKCS#12 KDF (RFC 7292 appendix B.2; the MAC key). Bit-exact with OpenSSL's PKCS5_PBKDF2_HMAC and
// PKCS12_key_gen_uni (tests/unit/certificate/kdf_known_answer_test.cc, and FastKdfSelfTest() in
// kdf_self_test.h at start-up), but each iteration is one (PKCS#12 KDF) or two (PBKDF2) block
// transforms on precomputed states, with no allocation, EVP dispatch or context copy per
// iteration, which is where OpenSSL 3's provider loop spends most of its time. The iteration
// count is never lowered. This is the only hand-written crypto in the service; fast_kdf.cc is the
// only file that knows SHA256_CTX.
//
//   unsigned char key[32];
//   absl::Status s = fast_kdf::Pbkdf2HmacSha256(passphrase, salt, 600000, key);
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sertel::certificate::fast_kdf {

// PBKDF2-HMAC-SHA256(password, salt, iterations) -> out (dkLen = out.size()), RFC 8018 5.2.
// INVALID_ARGUMENT if iterations == 0, out is empty or longer than (2^32 - 1) * 32 bytes;
// INTERNAL if an OpenSSL call fails. On any error `out` is wiped.
absl::Status Pbkdf2HmacSha256(absl::string_view password, absl::string_view salt,
                              uint32_t iterations, absl::Span<unsigned char> out);

// RFC 7292 B.3: what a PKCS#12 KDF output is for (the "ID" byte that fills D).
enum class Pkcs12KdfPurpose : unsigned char { kKey = 1, kIv = 2, kMac = 3 };

// The PKCS#12 KDF with SHA-256 (u = 32, v = 64), RFC 7292 B.2. `bmp_password` is the password as
// OpenSSL's OPENSSL_utf82uni makes it (UTF-16BE with a trailing 0x0000), as PKCS12_key_gen_uni
// takes it. INVALID_ARGUMENT if iterations == 0, out is empty or `purpose` is not 1, 2 or 3;
// INTERNAL if an OpenSSL call fails. On any error `out` is wiped.
absl::Status Pkcs12KdfSha256(absl::string_view bmp_password, absl::string_view salt,
                             Pkcs12KdfPurpose purpose, uint32_t iterations,
                             absl::Span<unsigned char> out);

}  // namespace sertel::certificate::fast_kdf
