// Signed checkpoints of a service's audit chain (docs/security.md, "Audit"). A checkpoint says
// "on <at>, <service>'s chain had <seq> rows and its last hash was <head_hash>", signed with the
// service's Ed25519 checkpoint key (SERTEL_AUDIT_CHECKPOINT_KEY_FILE, never in the database).
// The service writes one to its JSON log every SERTEL_AUDIT_CHECKPOINT_INTERVAL and signs one on
// request (AuditService.SignAuditCheckpoint, `sertelctl audit checkpoint`), so a copy lives
// outside the database. Against a saved checkpoint, VerifyAuditChain detects what the keyed
// chain alone cannot: rows deleted from the end with the head moved back.
//
//   auto signer = CheckpointSigner::LoadFile("/etc/sertel/audit/checkpoint-key.pem");
//   AuditCheckpoint c = signer->Sign("intake", head.seq, head.hash, absl::Now());
//   absl::Status ok = signer->Check(c);  // signature and service name
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pem.h"
#include "nlohmann/json.hpp"

namespace sertel {

struct AuditCheckpoint {
  std::string service;    // "intake", ...
  int64_t seq = 0;        // rows in the chain
  std::string head_hash;  // the last row's hash (32 bytes; zeros for an empty chain)
  absl::Time at;          // when it was signed (second precision)
  std::string signature;  // Ed25519 over Canonical()
  std::string key_id;     // lowercase hex SHA-256 of the public key's DER, first 16 chars

  // The signed bytes: length-prefixed fields under a version tag.
  std::string Canonical() const;
  // {"service", "seq", "head_hash" (hex), "at" (RFC 3339), "signature" (base64url), "key_id"}:
  // the form sertelctl saves and tools/audit/verify_offline.py reads.
  nlohmann::json ToJson() const;
  static absl::StatusOr<AuditCheckpoint> FromJson(const nlohmann::json& j);
};

class CheckpointSigner {
 public:
  // An Ed25519 private key PEM (PKCS#8). INVALID_ARGUMENT for any other key type.
  static absl::StatusOr<std::unique_ptr<CheckpointSigner>> FromPem(absl::string_view pem);
  static absl::StatusOr<std::unique_ptr<CheckpointSigner>> LoadFile(const std::string& path);

  absl::StatusOr<AuditCheckpoint> Sign(const std::string& service, int64_t seq,
                                       const std::string& head_hash, absl::Time at) const;
  // OK when `c` carries this key's id and a valid signature; INVALID_ARGUMENT otherwise.
  absl::Status Check(const AuditCheckpoint& c) const;
  const std::string& key_id() const { return key_id_; }
  // "-----BEGIN PUBLIC KEY-----...": for verifying checkpoints offline.
  std::string PublicKeyPem() const { return ToPem(key_.get()); }

 private:
  CheckpointSigner(EvpPkeyPtr key, std::string key_id)
      : key_(std::move(key)), key_id_(std::move(key_id)) {}
  EvpPkeyPtr key_;
  std::string key_id_;
};

}  // namespace sertel
