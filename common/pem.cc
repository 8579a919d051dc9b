#include "common/pem.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace sertel {
namespace {

// A read-only memory BIO over `data` (no copy); OpenSSL takes an int length.
BioPtr MemBio(absl::string_view data) {
  if (data.size() > static_cast<size_t>(INT_MAX)) return nullptr;
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) return "";
  return std::string(data, static_cast<size_t>(len));
}

// Never lets OpenSSL prompt on the terminal for the passphrase of an encrypted key.
int RefusePassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return -1; }

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

absl::StatusOr<std::string> ReadFile(absl::string_view path) {
  const std::string p(path);
  int fd = open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return absl::Status(absl::ErrnoToStatusCode(err), absl::StrCat(p, ": ", std::strerror(err)));
  }
  absl::Cleanup close_fd = [fd] { close(fd); };
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    return absl::Status(absl::ErrnoToStatusCode(err), absl::StrCat(p, ": ", std::strerror(err)));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(p, ": not a regular file"));
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxReadFileBytes) {
    return absl::FailedPreconditionError(
        absl::StrCat(p, ": larger than ", kMaxReadFileBytes, " bytes"));
  }
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  char buf[64 << 10];
  while (true) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      return absl::Status(absl::ErrnoToStatusCode(err), absl::StrCat(p, ": ", std::strerror(err)));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    // The file may have grown since fstat.
    if (out.size() > kMaxReadFileBytes) {
      return absl::FailedPreconditionError(
          absl::StrCat(p, ": larger than ", kMaxReadFileBytes, " bytes"));
    }
  }
  return out;
}

absl::StatusOr<EvpPkeyPtr> LoadPublicKeyPem(absl::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (bio == nullptr) return absl::InvalidArgumentError("public key PEM too large");
  if (absl::StrContains(pem, "-----BEGIN CERTIFICATE-----")) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, RefusePassphrase, nullptr));
    if (cert == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("certificate PEM does not parse: ", OpenSslErrorString()));
    }
    EvpPkeyPtr key(X509_get_pubkey(cert.get()));
    if (key == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("certificate holds no usable public key: ", OpenSslErrorString()));
    }
    return key;
  }
  EvpPkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, RefusePassphrase, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("public key PEM does not parse: ", OpenSslErrorString()));
  }
  return key;
}

absl::StatusOr<EvpPkeyPtr> LoadPrivateKeyPem(absl::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (bio == nullptr) return absl::InvalidArgumentError("private key PEM too large");
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, RefusePassphrase, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("private key PEM does not parse (or is encrypted): ", OpenSslErrorString()));
  }
  return key;
}

absl::StatusOr<X509Ptr> LoadCertificatePem(absl::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (bio == nullptr) return absl::InvalidArgumentError("certificate PEM too large");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, RefusePassphrase, nullptr));
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("certificate PEM does not parse: ", OpenSslErrorString()));
  }
  return cert;
}

absl::StatusOr<std::vector<X509Ptr>> LoadCertificateChainPem(absl::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (bio == nullptr) return absl::InvalidArgumentError("certificate PEM too large");
  std::vector<X509Ptr> chain;
  ERR_clear_error();
  while (true) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, RefusePassphrase, nullptr));
    if (cert == nullptr) {
      // The normal end of the bundle is "no start line"; anything else is a broken entry.
      unsigned long err = ERR_peek_last_error();
      if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
        ERR_clear_error();
        break;
      }
      return absl::InvalidArgumentError(absl::StrCat("certificate ", chain.size() + 1,
                                                     " does not parse: ", OpenSslErrorString()));
    }
    chain.push_back(std::move(cert));
  }
  if (chain.empty()) return absl::InvalidArgumentError("no certificate in PEM");
  return chain;
}

std::string ToPem(EVP_PKEY* public_key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || public_key == nullptr || PEM_write_bio_PUBKEY(bio.get(), public_key) != 1) {
    ERR_clear_error();
    return "";
  }
  return BioContents(bio.get());
}

std::string CertificateToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || cert == nullptr || PEM_write_bio_X509(bio.get(), cert) != 1) {
    ERR_clear_error();
    return "";
  }
  return BioContents(bio.get());
}

std::string Base64UrlEncode(absl::string_view data) {
  // absl's web-safe alphabet is RFC 4648 §5 and it writes no padding.
  return absl::WebSafeBase64Escape(data);
}

absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text) {
  for (char c : text) {
    if (!IsBase64UrlChar(c)) {
      return absl::InvalidArgumentError("invalid base64url character");
    }
  }
  if (text.size() % 4 == 1) return absl::InvalidArgumentError("invalid base64url length");
  std::string out;
  if (!absl::WebSafeBase64Unescape(text, &out)) {
    return absl::InvalidArgumentError("invalid base64url");
  }
  // Non-zero unused bits in the last character would give a second spelling of the same
  // bytes; re-encoding catches it.
  if (absl::WebSafeBase64Escape(out) != text) {
    return absl::InvalidArgumentError("non-canonical base64url");
  }
  return out;
}

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    ERR_clear_error();
    return "";
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string OpenSslErrorString() {
  std::string out;
  unsigned long err;
  while ((err = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

}  // namespace sertel
