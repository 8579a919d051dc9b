#include "pbkdf2_sha256.h"

// SHA256_Init/Update/Transform are deprecated in OpenSSL 3 in favour of EVP, but they are the
// only public way to run the (SHA-NI/AVX2) block function on a saved state, which is the point.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace sertel::certificate {
namespace {

constexpr size_t kDigest = 32;  // SHA-256 output (u)
constexpr size_t kBlock = 64;   // SHA-256 block (v)

// Writes the state words of `c` as the big-endian digest.
inline void StateToBytes(const SHA256_CTX& c, unsigned char* out) {
  for (int i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<unsigned char>(c.h[i] >> 24);
    out[4 * i + 1] = static_cast<unsigned char>(c.h[i] >> 16);
    out[4 * i + 2] = static_cast<unsigned char>(c.h[i] >> 8);
    out[4 * i + 3] = static_cast<unsigned char>(c.h[i]);
  }
}

// A block holding a 32-byte message after `prefix_bytes` already hashed, padded per FIPS 180-4:
// 0x80, zeros, the total length in bits (big-endian) in the last 8 bytes.
inline void PadDigestBlock(unsigned char* block, uint64_t prefix_bytes) {
  std::memset(block + kDigest, 0, kBlock - kDigest);
  block[kDigest] = 0x80;
  uint64_t bits = (prefix_bytes + kDigest) * 8;
  for (int i = 0; i < 8; ++i) block[kBlock - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
}

}  // namespace

void Pbkdf2HmacSha256(absl::string_view password, absl::string_view salt, uint32_t iterations,
                      unsigned char* out, size_t out_len) {
  // HMAC key: the password, or its hash when longer than a block (RFC 2104).
  unsigned char key[kBlock] = {0};
  if (password.size() > kBlock) {
    SHA256(reinterpret_cast<const unsigned char*>(password.data()), password.size(), key);
  } else {
    std::memcpy(key, password.data(), password.size());
  }
  unsigned char pad[kBlock];
  SHA256_CTX inner, outer;  // the states after the ipad and opad blocks
  for (size_t i = 0; i < kBlock; ++i) pad[i] = key[i] ^ 0x36;
  SHA256_Init(&inner);
  SHA256_Update(&inner, pad, kBlock);
  for (size_t i = 0; i < kBlock; ++i) pad[i] = key[i] ^ 0x5c;
  SHA256_Init(&outer);
  SHA256_Update(&outer, pad, kBlock);

  alignas(16) unsigned char in_block[kBlock];   // U_{j-1}, padded, hashed after ipad
  alignas(16) unsigned char out_block[kBlock];  // inner digest, padded, hashed after opad
  PadDigestBlock(in_block, kBlock);
  PadDigestBlock(out_block, kBlock);
  std::string first(salt);
  first.append(4, '\0');
  unsigned char t[kDigest];
  for (uint32_t block_index = 1; out_len > 0; ++block_index) {
    // U_1 = HMAC(P, S || INT(i)), with the same precomputed states.
    first[salt.size()] = static_cast<char>(block_index >> 24);
    first[salt.size() + 1] = static_cast<char>(block_index >> 16);
    first[salt.size() + 2] = static_cast<char>(block_index >> 8);
    first[salt.size() + 3] = static_cast<char>(block_index);
    SHA256_CTX c = inner;
    SHA256_Update(&c, first.data(), first.size());
    SHA256_Final(out_block, &c);
    PadDigestBlock(out_block, kBlock);
    c = outer;
    SHA256_Transform(&c, out_block);
    StateToBytes(c, in_block);
    std::memcpy(t, in_block, kDigest);
    // U_j = HMAC(P, U_{j-1}): two block transforms; T ^= U_j.
    for (uint32_t j = 1; j < iterations; ++j) {
      c = inner;
      SHA256_Transform(&c, in_block);
      StateToBytes(c, out_block);
      c = outer;
      SHA256_Transform(&c, out_block);
      StateToBytes(c, in_block);
      for (size_t k = 0; k < kDigest; ++k) t[k] ^= in_block[k];
    }
    size_t n = std::min(out_len, kDigest);
    std::memcpy(out, t, n);
    out += n;
    out_len -= n;
  }
  OPENSSL_cleanse(key, sizeof key);
  OPENSSL_cleanse(pad, sizeof pad);
  OPENSSL_cleanse(in_block, sizeof in_block);
  OPENSSL_cleanse(out_block, sizeof out_block);
  OPENSSL_cleanse(t, sizeof t);
  OPENSSL_cleanse(&inner, sizeof inner);
  OPENSSL_cleanse(&outer, sizeof outer);
  OPENSSL_cleanse(first.data(), first.size());
}

void Pkcs12KdfSha256(absl::string_view bmp_password, absl::string_view salt, unsigned char id,
                     uint32_t iterations, unsigned char* out, size_t out_len) {
  // RFC 7292 B.2: D = v bytes of ID; I = S || P, each repeated to a multiple of v bytes.
  auto repeat = [](absl::string_view s) {
    std::vector<unsigned char> r;
    if (s.empty()) return r;
    size_t len = kBlock * ((s.size() + kBlock - 1) / kBlock);
    r.resize(len);
    for (size_t i = 0; i < len; ++i) r[i] = static_cast<unsigned char>(s[i % s.size()]);
    return r;
  };
  std::vector<unsigned char> i_buf = repeat(salt);
  std::vector<unsigned char> p = repeat(bmp_password);
  i_buf.insert(i_buf.end(), p.begin(), p.end());
  OPENSSL_cleanse(p.data(), p.size());
  unsigned char d[kBlock];
  std::memset(d, id, kBlock);

  SHA256_CTX iv;
  SHA256_Init(&iv);
  alignas(16) unsigned char a_block[kBlock];
  unsigned char b[kBlock];
  while (true) {
    // A_i = H^r(D || I): the first hash over everything, then r-1 one-block hashes of A.
    SHA256_CTX c = iv;
    SHA256_Update(&c, d, kBlock);
    SHA256_Update(&c, i_buf.data(), i_buf.size());
    SHA256_Final(a_block, &c);
    PadDigestBlock(a_block, 0);
    for (uint32_t j = 1; j < iterations; ++j) {
      c = iv;
      SHA256_Transform(&c, a_block);
      StateToBytes(c, a_block);
    }
    size_t n = std::min(out_len, kDigest);
    std::memcpy(out, a_block, n);
    out += n;
    out_len -= n;
    if (out_len == 0) break;
    // B = A_i repeated to v bytes; each v-byte block I_j = (I_j + B + 1) mod 2^(8v).
    for (size_t k = 0; k < kBlock; ++k) b[k] = a_block[k % kDigest];
    for (size_t j = 0; j < i_buf.size(); j += kBlock) {
      unsigned int carry = 1;
      for (size_t k = kBlock; k-- > 0;) {
        carry += i_buf[j + k] + b[k];
        i_buf[j + k] = static_cast<unsigned char>(carry);
        carry >>= 8;
      }
    }
  }
  OPENSSL_cleanse(i_buf.data(), i_buf.size());
  OPENSSL_cleanse(a_block, sizeof a_block);
  OPENSSL_cleanse(b, sizeof b);
}

}  // namespace sertel::certificate
