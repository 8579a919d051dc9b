#include "fast_kdf.h"

// SHA256_Init/Update/Final/Transform are deprecated in OpenSSL 3 in favour of EVP, but they are the
// only public way to run the (SHA-NI/AVX2) block function on a saved state, which is the point.
// Nothing outside this file includes <openssl/sha.h> for them.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace sertel::certificate::fast_kdf {
namespace {

constexpr size_t kDigest = 32;  // SHA-256 output (u)
constexpr size_t kBlock = 64;   // SHA-256 block (v)

absl::Status Failed(const char* what) {
  return absl::InternalError(absl::StrCat("fast_kdf: ", what, " failed"));
}

// The one wrapper around SHA256_CTX, and the only code in the service that knows its layout.
// SHA256_CTX is the public struct SHA256state_st of <openssl/sha.h> (callers allocate it, so its
// layout is part of OpenSSL's ABI); h[0..7] are the chaining value H(i) of FIPS 180-4 6.2.2, the
// only field read here (ChainingValue). Everything else goes through OpenSSL's own functions:
// SHA256_Init/Update/Final (return codes checked) and SHA256_Transform, which compresses one
// 64-byte block into h[] without padding or length bookkeeping (it returns void and cannot fail).
// FastKdfSelfTest() (kdf_self_test.h) checks the whole construction against OpenSSL at start-up.
class Sha256State {
 public:
  Sha256State() = default;
  Sha256State(const Sha256State&) = default;
  Sha256State& operator=(const Sha256State&) = default;
  ~Sha256State() { OPENSSL_cleanse(&ctx_, sizeof ctx_); }

  absl::Status Init() { return SHA256_Init(&ctx_) == 1 ? absl::OkStatus() : Failed("SHA256_Init"); }
  absl::Status Update(const void* data, size_t len) {
    return SHA256_Update(&ctx_, data, len) == 1 ? absl::OkStatus() : Failed("SHA256_Update");
  }
  // Pads, writes the 32-byte digest; the state is spent.
  absl::Status Final(unsigned char* digest) {
    return SHA256_Final(digest, &ctx_) == 1 ? absl::OkStatus() : Failed("SHA256_Final");
  }
  // *this = `from` with one more 64-byte block compressed in. The caller pads (PadDigestBlock).
  void TransformFrom(const Sha256State& from, const unsigned char* block) {
    ctx_ = from.ctx_;
    SHA256_Transform(&ctx_, block);
  }
  // H(i) as 32 big-endian bytes: the digest, when the last block compressed held the padding.
  void ChainingValue(unsigned char* out) const {
    for (int i = 0; i < 8; ++i) {
      out[4 * i] = static_cast<unsigned char>(ctx_.h[i] >> 24);
      out[4 * i + 1] = static_cast<unsigned char>(ctx_.h[i] >> 16);
      out[4 * i + 2] = static_cast<unsigned char>(ctx_.h[i] >> 8);
      out[4 * i + 3] = static_cast<unsigned char>(ctx_.h[i]);
    }
  }

 private:
  SHA256_CTX ctx_{};
};

// Makes `block` hold, after the 32-byte message already in its first half, the FIPS 180-4 5.1.1
// padding for a message of `prefix_bytes` + 32 bytes: 0x80, zeros, the length in bits
// (big-endian) in the last 8 bytes.
inline void PadDigestBlock(unsigned char* block, uint64_t prefix_bytes) {
  std::memset(block + kDigest, 0, kBlock - kDigest);
  block[kDigest] = 0x80;
  uint64_t bits = (prefix_bytes + kDigest) * 8;
  for (int i = 0; i < 8; ++i) block[kBlock - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
}

// Scratch that holds key material; wiped on every exit.
struct Pbkdf2Scratch {
  ~Pbkdf2Scratch() {
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(in_block, sizeof in_block);
    OPENSSL_cleanse(out_block, sizeof out_block);
    OPENSSL_cleanse(t, sizeof t);
  }
  unsigned char key[kBlock] = {0};              // the HMAC key, then the ipad/opad block
  alignas(16) unsigned char in_block[kBlock];   // U_{j-1}, padded, hashed after ipad
  alignas(16) unsigned char out_block[kBlock];  // inner digest, padded, hashed after opad
  unsigned char t[kDigest];
  Sha256State inner, outer, work;  // the states after the ipad and opad blocks; the working one
};

absl::Status Pbkdf2Blocks(absl::string_view password, absl::string_view salt, uint32_t iterations,
                          absl::Span<unsigned char> out) {
  Pbkdf2Scratch s;
  // HMAC key: the password, or its hash when longer than a block (RFC 2104 section 2).
  if (password.size() > kBlock) {
    if (SHA256(reinterpret_cast<const unsigned char*>(password.data()), password.size(), s.key) ==
        nullptr) {
      return Failed("SHA256");
    }
  } else if (!password.empty()) {
    std::memcpy(s.key, password.data(), password.size());
  }
  for (size_t i = 0; i < kBlock; ++i) s.key[i] ^= 0x36;
  if (absl::Status st = s.inner.Init(); !st.ok()) return st;
  if (absl::Status st = s.inner.Update(s.key, kBlock); !st.ok()) return st;
  for (size_t i = 0; i < kBlock; ++i) s.key[i] ^= 0x36 ^ 0x5c;
  if (absl::Status st = s.outer.Init(); !st.ok()) return st;
  if (absl::Status st = s.outer.Update(s.key, kBlock); !st.ok()) return st;

  PadDigestBlock(s.in_block, kBlock);
  PadDigestBlock(s.out_block, kBlock);
  unsigned char* dst = out.data();
  size_t left = out.size();
  for (uint32_t block_index = 1; left > 0; ++block_index) {
    // U_1 = HMAC(P, S || INT(i)), on the same precomputed states.
    const unsigned char be_index[4] = {static_cast<unsigned char>(block_index >> 24),
                                       static_cast<unsigned char>(block_index >> 16),
                                       static_cast<unsigned char>(block_index >> 8),
                                       static_cast<unsigned char>(block_index)};
    Sha256State first = s.inner;
    if (absl::Status st = first.Update(salt.data(), salt.size()); !st.ok()) return st;
    if (absl::Status st = first.Update(be_index, sizeof be_index); !st.ok()) return st;
    if (absl::Status st = first.Final(s.out_block); !st.ok()) return st;
    PadDigestBlock(s.out_block, kBlock);
    s.work.TransformFrom(s.outer, s.out_block);
    s.work.ChainingValue(s.in_block);
    std::memcpy(s.t, s.in_block, kDigest);
    // U_j = HMAC(P, U_{j-1}): two block transforms; T ^= U_j.
    for (uint32_t j = 1; j < iterations; ++j) {
      s.work.TransformFrom(s.inner, s.in_block);
      s.work.ChainingValue(s.out_block);
      s.work.TransformFrom(s.outer, s.out_block);
      s.work.ChainingValue(s.in_block);
      for (size_t k = 0; k < kDigest; ++k) s.t[k] ^= s.in_block[k];
    }
    size_t n = std::min(left, kDigest);
    std::memcpy(dst, s.t, n);
    dst += n;
    left -= n;
  }
  return absl::OkStatus();
}

// RFC 7292 B.2 steps 2-3: `s` repeated to the next multiple of v bytes (empty stays empty).
void AppendRepeated(absl::string_view s, std::vector<unsigned char>* out) {
  if (s.empty()) return;
  size_t len = kBlock * ((s.size() + kBlock - 1) / kBlock);
  for (size_t i = 0; i < len; ++i) out->push_back(static_cast<unsigned char>(s[i % s.size()]));
}

struct Pkcs12Scratch {
  ~Pkcs12Scratch() {
    OPENSSL_cleanse(i_buf.data(), i_buf.size());
    OPENSSL_cleanse(a_block, sizeof a_block);
    OPENSSL_cleanse(b, sizeof b);
  }
  std::vector<unsigned char> i_buf;           // I = S || P, updated per output block
  alignas(16) unsigned char a_block[kBlock];  // A_i, padded
  unsigned char b[kBlock];
  Sha256State iv, work;  // H(0); the working state
};

absl::Status Pkcs12Blocks(absl::string_view bmp_password, absl::string_view salt, unsigned char id,
                          uint32_t iterations, absl::Span<unsigned char> out) {
  Pkcs12Scratch s;
  // D = v bytes of ID; I = S || P, each repeated to a multiple of v bytes. Reserved up front, so
  // no reallocation leaves an unwiped copy of P behind.
  auto rounded = [](size_t n) { return kBlock * ((n + kBlock - 1) / kBlock); };
  s.i_buf.reserve(rounded(salt.size()) + rounded(bmp_password.size()));
  AppendRepeated(salt, &s.i_buf);
  AppendRepeated(bmp_password, &s.i_buf);
  unsigned char d[kBlock];
  std::memset(d, id, kBlock);

  if (absl::Status st = s.iv.Init(); !st.ok()) return st;
  unsigned char* dst = out.data();
  size_t left = out.size();
  while (true) {
    // A_i = H^r(D || I): the first hash over everything, then r-1 one-block hashes of A.
    Sha256State first = s.iv;
    if (absl::Status st = first.Update(d, kBlock); !st.ok()) return st;
    if (absl::Status st = first.Update(s.i_buf.data(), s.i_buf.size()); !st.ok()) return st;
    if (absl::Status st = first.Final(s.a_block); !st.ok()) return st;
    PadDigestBlock(s.a_block, 0);
    for (uint32_t j = 1; j < iterations; ++j) {
      s.work.TransformFrom(s.iv, s.a_block);
      s.work.ChainingValue(s.a_block);
    }
    size_t n = std::min(left, kDigest);
    std::memcpy(dst, s.a_block, n);
    dst += n;
    left -= n;
    if (left == 0) break;
    // B = A_i repeated to v bytes; each v-byte block I_j = (I_j + B + 1) mod 2^(8v).
    for (size_t k = 0; k < kBlock; ++k) s.b[k] = s.a_block[k % kDigest];
    for (size_t j = 0; j < s.i_buf.size(); j += kBlock) {
      unsigned int carry = 1;
      for (size_t k = kBlock; k-- > 0;) {
        carry += s.i_buf[j + k] + s.b[k];
        s.i_buf[j + k] = static_cast<unsigned char>(carry);
        carry >>= 8;
      }
    }
  }
  return absl::OkStatus();
}

// Runs `derive`; on failure wipes `out`, so no caller can use a partial key.
template <typename F>
absl::Status WipeOnError(absl::Span<unsigned char> out, F derive) {
  absl::Status s = derive();
  if (!s.ok()) OPENSSL_cleanse(out.data(), out.size());
  return s;
}

}  // namespace

absl::Status Pbkdf2HmacSha256(absl::string_view password, absl::string_view salt,
                              uint32_t iterations, absl::Span<unsigned char> out) {
  return WipeOnError(out, [&] {
    if (iterations == 0) return absl::InvalidArgumentError("PBKDF2: iterations must be >= 1");
    if (out.empty()) return absl::InvalidArgumentError("PBKDF2: empty output");
    // RFC 8018 5.2 step 1: dkLen > (2^32 - 1) * hLen is "derived key too long".
    if (out.size() > uint64_t{0xffffffff} * kDigest) {
      return absl::InvalidArgumentError("PBKDF2: derived key too long");
    }
    return Pbkdf2Blocks(password, salt, iterations, out);
  });
}

absl::Status Pkcs12KdfSha256(absl::string_view bmp_password, absl::string_view salt,
                             Pkcs12KdfPurpose purpose, uint32_t iterations,
                             absl::Span<unsigned char> out) {
  return WipeOnError(out, [&] {
    const auto id = static_cast<unsigned char>(purpose);
    if (id < 1 || id > 3) return absl::InvalidArgumentError("PKCS#12 KDF: ID must be 1, 2 or 3");
    if (iterations == 0) {
      return absl::InvalidArgumentError("PKCS#12 KDF: iterations must be >= 1");
    }
    if (out.empty()) return absl::InvalidArgumentError("PKCS#12 KDF: empty output");
    return Pkcs12Blocks(bmp_password, salt, id, iterations, out);
  });
}

}  // namespace sertel::certificate::fast_kdf
