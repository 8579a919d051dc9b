// The MAC of a PKCS#12 file (RFC 7292 section 4 and appendix B), placed by DER: OpenSSL 3.0 has
// no public way to put a MAC computed elsewhere into a PKCS12 object (PKCS12_set_mac derives its
// own key, on the slow path; PKCS12_get0_mac is read-only), so Pkcs12Sealer derives the MAC key on
// fast_kdf.h and this file writes MacData exactly as PKCS12_set_mac would, then parses the result
// back with OpenSSL as the proof that it is a well-formed PFX.
//
//   absl::StatusOr<std::string> der = PfxWithMac(safes, mac_key, 32, salt, 16, 600000);
#pragma once

#include <openssl/pkcs12.h>

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace sertel::certificate {

// The PFX holding the AuthenticatedSafe `safes` (RFC 7292 4.1), with the HMAC-SHA256 of its
// content under `mac_key` and the MacData (`salt`, `iterations`) that says how to derive that key
// again; the file's DER. INTERNAL when OpenSSL fails or the parsed file is not what was written.
absl::StatusOr<std::string> PfxWithMac(STACK_OF(PKCS7) * safes, const unsigned char* mac_key,
                                       size_t mac_key_len, const unsigned char* salt, int salt_len,
                                       int iterations);

}  // namespace sertel::certificate
