// The rules of SOP step 1 on what an applicant hands in: the applicant's identity and exactly
// the four documents (request letter, BSrE form, KTP copy, SK copy), each really a PDF, JPEG or
// PNG and within the size limit. Every problem is reported at once as a field violation, named
// as the API names the field. Plain C++ on the input records: no gRPC, no SQL, no protobuf.
//
//   SubmissionRules rules({.max_document_bytes = 5 << 20}, &unit_registry);
//   absl::Status s = rules.CheckSubmission(input);
//   std::string hash = SubmissionRules::CanonicalHash(input);   // for idempotency
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "intake_records.h"
#include "unit_registry.h"

namespace sertel::intake {

class SubmissionRules {
 public:
  struct Options {
    int64_t max_document_bytes = 5 << 20;
  };
  // `units` (the unit registry, unit_registry.h) outlives the rules.
  SubmissionRules(Options options, const UnitRegistry* units) : options_(options), units_(units) {}

  // INVALID_ARGUMENT listing every bad field. (Whether the caller may apply for this NIK at all
  // is the manager's question, asked first: PERMISSION_DENIED.)
  absl::Status CheckSubmission(const SubmissionInput& input) const;
  // A resubmission: one or more documents, each kind at most once, same content rules.
  absl::Status CheckResubmission(const ResubmissionInput& input) const;
  absl::Status CheckWithdrawal(const WithdrawalInput& input) const;

  // SHA-256 (hex) over a canonical form of the request (stored as request_hash: it must not
  // change): the same request sent again hashes the same whatever the order of its documents; any
  // change of a field or byte changes it.
  static std::string CanonicalHash(const SubmissionInput& input);

  int64_t max_document_bytes() const { return options_.max_document_bytes; }

 private:
  Options options_;
  const UnitRegistry* units_;
};

// Lowercase hex SHA-256.
std::string Sha256Hex(absl::string_view bytes);
// "REQUEST_LETTER", "BSRE_FORM", "KTP_COPY", "SK_COPY" (the enum name without its prefix).
std::string DocumentKindName(int kind);
// A request_id / idempotency key: 1-128 characters of [A-Za-z0-9._:-].
absl::Status CheckRequestId(absl::string_view id, bool required);

}  // namespace sertel::intake
