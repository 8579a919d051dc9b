#include "common/audit_checkpoint.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace sertel {
namespace {

void AppendField(std::string* out, absl::string_view field) {
  absl::StrAppend(out, field.size(), ":", field, ";");
}

absl::StatusOr<std::string> KeyId(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  if (len <= 0) return absl::InternalError("i2d_PUBKEY: " + OpenSslErrorString());
  std::string hex = Sha256Hex(absl::string_view(reinterpret_cast<char*>(der), len));
  OPENSSL_free(der);
  return hex.substr(0, 16);
}

}  // namespace

std::string AuditCheckpoint::Canonical() const {
  std::string out = "sertel.audit.checkpoint.v1;";
  AppendField(&out, service);
  AppendField(&out, absl::StrCat(seq));
  AppendField(&out, head_hash);
  AppendField(&out, absl::StrCat(absl::ToUnixSeconds(at)));
  AppendField(&out, key_id);
  return out;
}

nlohmann::json AuditCheckpoint::ToJson() const {
  return {{"service", service},
          {"seq", seq},
          {"head_hash", absl::BytesToHexString(head_hash)},
          {"at", absl::FormatTime(absl::RFC3339_sec, at, absl::UTCTimeZone())},
          {"signature", Base64UrlEncode(signature)},
          {"key_id", key_id}};
}

absl::StatusOr<AuditCheckpoint> AuditCheckpoint::FromJson(const nlohmann::json& j) {
  auto bad = [](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("checkpoint: ", what));
  };
  if (!j.is_object()) return bad("not a JSON object");
  for (const char* k : {"service", "head_hash", "at", "signature", "key_id"}) {
    if (!j.contains(k) || !j[k].is_string()) return bad(absl::StrCat("\"", k, "\" is missing"));
  }
  if (!j.contains("seq") || !j["seq"].is_number_integer()) return bad("\"seq\" is missing");
  AuditCheckpoint c;
  c.service = j["service"].get<std::string>();
  c.seq = j["seq"].get<int64_t>();
  const std::string hex = j["head_hash"].get<std::string>();
  if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return bad("\"head_hash\" must be 64 lowercase hex digits");
  }
  c.head_hash = absl::HexStringToBytes(hex);
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, j["at"].get<std::string>(), &c.at, &err)) {
    return bad("\"at\" is not an RFC 3339 time");
  }
  absl::StatusOr<std::string> sig = Base64UrlDecode(j["signature"].get<std::string>());
  if (!sig.ok()) return bad("\"signature\" is not base64url");
  c.signature = *sig;
  c.key_id = j["key_id"].get<std::string>();
  if (c.seq < 0) return bad("\"seq\" is negative");
  return c;
}

absl::StatusOr<std::unique_ptr<CheckpointSigner>> CheckpointSigner::FromPem(absl::string_view pem) {
  absl::StatusOr<EvpPkeyPtr> key = LoadPrivateKeyPem(pem);
  if (!key.ok()) return key.status();
  if (EVP_PKEY_get_base_id(key->get()) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError("the audit checkpoint key must be an Ed25519 private key");
  }
  absl::StatusOr<std::string> id = KeyId(key->get());
  if (!id.ok()) return id.status();
  return std::unique_ptr<CheckpointSigner>(new CheckpointSigner(std::move(*key), *id));
}

absl::StatusOr<std::unique_ptr<CheckpointSigner>> CheckpointSigner::LoadFile(
    const std::string& path) {
  absl::StatusOr<std::string> pem = ReadFile(path);
  if (!pem.ok()) return pem.status();
  absl::StatusOr<std::unique_ptr<CheckpointSigner>> s = FromPem(*pem);
  OPENSSL_cleanse(pem->data(), pem->size());
  if (!s.ok())
    return absl::Status(s.status().code(), absl::StrCat(path, ": ", s.status().message()));
  return s;
}

absl::StatusOr<AuditCheckpoint> CheckpointSigner::Sign(const std::string& service, int64_t seq,
                                                       const std::string& head_hash,
                                                       absl::Time at) const {
  AuditCheckpoint c{.service = service,
                    .seq = seq,
                    .head_hash = head_hash,
                    .at = absl::FromUnixSeconds(absl::ToUnixSeconds(at)),
                    .signature = "",
                    .key_id = key_id_};
  const std::string message = c.Canonical();
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t len = 0;
  if (ctx == nullptr || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    return absl::InternalError("signing an audit checkpoint: " + OpenSslErrorString());
  }
  c.signature.resize(len);
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(c.signature.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    return absl::InternalError("signing an audit checkpoint: " + OpenSslErrorString());
  }
  c.signature.resize(len);
  return c;
}

absl::Status CheckpointSigner::Check(const AuditCheckpoint& c) const {
  if (c.key_id != key_id_) {
    return absl::InvalidArgumentError(absl::StrCat("the checkpoint was signed by key ", c.key_id,
                                                   ", not this service's key ", key_id_));
  }
  const std::string message = c.Canonical();
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1) {
    return absl::InternalError("verifying an audit checkpoint: " + OpenSslErrorString());
  }
  int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(c.signature.data()),
                            c.signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size());
  if (ok != 1) {
    OpenSslErrorString();  // clears the queue
    return absl::InvalidArgumentError("the checkpoint's signature does not verify");
  }
  return absl::OkStatus();
}

}  // namespace sertel
