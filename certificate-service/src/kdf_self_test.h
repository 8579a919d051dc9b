// The start-up self-test of the hand-written KDFs (fast_kdf.h): a handful of fixed cases through
// the fast path and through OpenSSL's own PKCS5_PBKDF2_HMAC / PKCS12_key_gen_uni (and two pinned
// known answers), so a process whose fast path disagrees with OpenSSL never seals a keystore.
// Pkcs12Sealer::Seal refuses to seal unless it passes; main() should also check it before it
// serves, so such a process does not start at all:
//
//   if (absl::Status s = FastKdfSelfTest(); !s.ok()) return ServiceRuntime::ExitWith(s);
#pragma once

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "fast_kdf.h"

namespace sertel::certificate {

// The derivations under test, with fast_kdf.h's signatures. The defaults are the fast path;
// tests put a wrong one in to show the check catches it.
struct KdfUnderTest {
  std::function<absl::Status(absl::string_view password, absl::string_view salt,
                             uint32_t iterations, absl::Span<unsigned char> out)>
      pbkdf2_hmac_sha256 = fast_kdf::Pbkdf2HmacSha256;
  std::function<absl::Status(absl::string_view bmp_password, absl::string_view salt,
                             fast_kdf::Pkcs12KdfPurpose purpose, uint32_t iterations,
                             absl::Span<unsigned char> out)>
      pkcs12_kdf_sha256 = fast_kdf::Pkcs12KdfSha256;
};

// Runs every fixed case through `kdf` and through OpenSSL. OK if all agree (and match the pinned
// answers); otherwise FAILED_PRECONDITION naming the first case that differs or fails. A few
// milliseconds; no secret is involved (the inputs are fixed test strings).
absl::Status CheckKdfAgainstOpenssl(const KdfUnderTest& kdf);

// CheckKdfAgainstOpenssl({}) for the real fast path, run once per process (thread-safe); later
// calls return the first result.
absl::Status FastKdfSelfTest();

}  // namespace sertel::certificate
