#include "request_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace sertel::certificate {
namespace {

constexpr size_t kMaxRequestIdChars = 128;

bool IsRequestIdChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
         c == '-';
}

}  // namespace

absl::Status CheckRequestId(absl::string_view request_id, bool required) {
  if (request_id.empty()) {
    return required ? absl::InvalidArgumentError("is required") : absl::OkStatus();
  }
  if (request_id.size() > kMaxRequestIdChars) {
    return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxRequestIdChars, " characters"));
  }
  for (char c : request_id) {
    if (!IsRequestIdChar(c)) {
      return absl::InvalidArgumentError("may contain only A-Z, a-z, 0-9 and . _ : -");
    }
  }
  return absl::OkStatus();
}

std::string CanonicalRequest(absl::string_view rpc,
                             std::initializer_list<absl::string_view> fields) {
  std::string out = absl::StrCat(rpc.size(), ":", rpc, ";");
  for (absl::string_view f : fields) absl::StrAppend(&out, f.size(), ":", f, ";");
  return out;
}

absl::StatusOr<std::string> KeyedRequestHash(absl::string_view key, absl::string_view canonical) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), out,
           &len) == nullptr ||
      len != 32) {
    return absl::InternalError("HMAC-SHA256 of the request failed");
  }
  return std::string(reinterpret_cast<char*>(out), len);
}

absl::StatusOr<std::optional<RequestKey>> MakeRequestKey(
    CertificateStore* store, absl::string_view rpc, const std::string& request_id,
    std::initializer_list<absl::string_view> payload) {
  if (request_id.empty()) return std::optional<RequestKey>();
  absl::StatusOr<std::string> key = store->RequestHashKey();
  if (!key.ok()) return key.status();
  std::string canonical = CanonicalRequest(rpc, payload);
  absl::Cleanup wipe = [&canonical] { OPENSSL_cleanse(canonical.data(), canonical.size()); };
  absl::StatusOr<std::string> hash = KeyedRequestHash(*key, canonical);
  if (!hash.ok()) return hash.status();
  return std::optional<RequestKey>(RequestKey{
      .rpc = std::string(rpc), .request_id = request_id, .request_hash = *std::move(hash)});
}

absl::StatusOr<RequestVerdict> JudgeRequest(const SeenRequest* seen, const RequestKey& key,
                                            absl::string_view own_claim, absl::Time now) {
  if (seen == nullptr) return RequestVerdict::kNew;
  if (seen->request_hash != key.request_hash) {
    return absl::AlreadyExistsError(absl::StrCat("request_id \"", key.request_id,
                                                 "\" was used for another ", key.rpc, " request"));
  }
  if (seen->done) return RequestVerdict::kReplay;
  if (!own_claim.empty() && seen->claim == own_claim) return RequestVerdict::kNew;
  if (now - seen->claimed_at < kRequestClaimLifetime) {
    return absl::AbortedError(
        absl::StrCat("the same ", key.rpc, " request (request_id \"", key.request_id,
                     "\") is being processed; try again in a moment for its answer"));
  }
  return RequestVerdict::kNew;  // a claim left behind by a call that never finished
}

absl::StatusOr<RequestVerdict> CheckEarlierRequest(CertificateStore* store,
                                                   const std::optional<RequestKey>& key,
                                                   absl::Time now) {
  if (!key.has_value()) return RequestVerdict::kNew;
  absl::StatusOr<std::optional<SeenRequest>> seen = store->FindRequest(*key);
  if (!seen.ok()) return seen.status();
  return JudgeRequest(seen->has_value() ? &**seen : nullptr, *key, "", now);
}

RequestWrite DoneRequest(const RequestKey& key, const std::string& application_id, absl::Time now) {
  return {.key = key, .application_id = application_id, .done = true, .claim = "", .at = now};
}

absl::StatusOr<EnrollmentRecord> ApplyWithKey(
    CertificateStore* store, const std::string& application_id,
    const std::optional<RequestKey>& key, absl::string_view own_claim, bool mark_done,
    absl::Time now, bool* replayed, const CertificateStore::Decide& decide, const CrlSigner* crl) {
  *replayed = false;
  if (!key.has_value()) return store->Apply(application_id, decide, crl);
  return store->Apply(
      application_id, *key,
      [&](const EnrollmentRecord* current,
          const SeenRequest* seen) -> absl::StatusOr<EnrollmentChange> {
        absl::StatusOr<RequestVerdict> verdict = JudgeRequest(seen, *key, own_claim, now);
        if (!verdict.ok()) return verdict.status();
        if (*verdict == RequestVerdict::kReplay) {
          if (current == nullptr) return absl::NotFoundError("no enrollment");
          *replayed = true;
          return EnrollmentChange{.kind = EnrollmentChange::Kind::kNone, .after = *current};
        }
        absl::StatusOr<EnrollmentChange> change = decide(current);
        if (change.ok() && mark_done) change->request = DoneRequest(*key, application_id, now);
        return change;
      },
      crl);
}

}  // namespace sertel::certificate
