// Idempotency keys (`request_id`) of SetPassphrase, HandOver, RevokeCertificate and
// ResendActivationCode: the same key with the same request returns the first answer and does
// nothing again; the same key with another request is ALREADY_EXISTS. Keys are scoped per RPC.
// A request is compared by a keyed hash of its canonical form (HMAC-SHA256 under the schema's
// request_hash_key, migration V003), never stored in clear: a SetPassphrase request holds the
// passphrase and the activation code. The verdict on an earlier call is a pure decision; the
// store reads and writes the key in the transaction of the change (CertificateStore::Apply).
//
//   absl::StatusOr<std::optional<RequestKey>> key =
//       MakeRequestKey(store, "HandOver", request_id, {application_id, "EMAIL"});
//   absl::StatusOr<RequestVerdict> v = JudgeRequest(seen, **key, /*own_claim=*/"", now);
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "certificate_records.h"
#include "certificate_settings.h"
#include "certificate_store.h"

namespace sertel::certificate {

// How long a SetPassphrase's claim on its key holds; a claim older than this is taken over by
// the same request again, so that a crash between the claim and the issue does not block the
// key for good.
inline constexpr absl::Duration kRequestClaimLifetime = kIssuanceLifetime;

// A request_id: 1-128 characters of [A-Za-z0-9._:-] (the contract's idempotency key); empty is
// INVALID_ARGUMENT only when `required`.
absl::Status CheckRequestId(absl::string_view request_id, bool required);

// `rpc` and `fields`, each as "<bytes>:<value>;", so that no two different requests share a form.
std::string CanonicalRequest(absl::string_view rpc,
                             std::initializer_list<absl::string_view> fields);
// HMAC-SHA256 (raw, 32 bytes) of `canonical` under `key`; INTERNAL when OpenSSL fails.
absl::StatusOr<std::string> KeyedRequestHash(absl::string_view key, absl::string_view canonical);

// The key of a call; nullopt when `request_id` is empty (the call carries none). The canonical
// form, which may hold a passphrase, is wiped once hashed.
absl::StatusOr<std::optional<RequestKey>> MakeRequestKey(
    CertificateStore* store, absl::string_view rpc, const std::string& request_id,
    std::initializer_list<absl::string_view> payload);

enum class RequestVerdict {
  kNew,     // nothing under the key (or a stale claim, or our own claim): go on
  kReplay,  // the same request was done: answer as the first time, do nothing
};

// What `seen` (the earlier call under `key`, null for none) means for this call: ALREADY_EXISTS
// when it was another request; ABORTED while the same request is being issued by another call
// (a claim younger than kRequestClaimLifetime that is not `own_claim`).
absl::StatusOr<RequestVerdict> JudgeRequest(const SeenRequest* seen, const RequestKey& key,
                                            absl::string_view own_claim, absl::Time now);

// JudgeRequest on what the store holds now, before anything is locked: the contract checks a
// repeat before the enrollment's status (a repeated HandOver finds it HANDED_OVER). kNew when
// there is no key.
absl::StatusOr<RequestVerdict> CheckEarlierRequest(CertificateStore* store,
                                                   const std::optional<RequestKey>& key,
                                                   absl::Time now);

// The key row to write with a change: DONE for `application_id`.
RequestWrite DoneRequest(const RequestKey& key, const std::string& application_id, absl::Time now);

// CertificateStore::Apply for a call that may carry a key. Without one, `decide` as usual. With
// one, under the enrollment's lock: a repeat of a done request changes nothing and sets
// `*replayed` (the manager answers as the first time); another request under the key is
// ALREADY_EXISTS; otherwise `decide`, and when `mark_done` its change writes the key DONE in the
// same transaction (a SetPassphrase try writes its claim itself). `own_claim`: JudgeRequest's.
absl::StatusOr<EnrollmentRecord> ApplyWithKey(CertificateStore* store,
                                              const std::string& application_id,
                                              const std::optional<RequestKey>& key,
                                              absl::string_view own_claim, bool mark_done,
                                              absl::Time now, bool* replayed,
                                              const CertificateStore::Decide& decide,
                                              const CrlSigner* crl = nullptr);

}  // namespace sertel::certificate
