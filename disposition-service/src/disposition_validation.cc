#include "disposition_validation.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/field_rules.h"
#include "common/field_violations.h"
#include "common/validators.h"

namespace sertel::disposition {
namespace {

void CheckId(FieldViolations& v, const std::string& field, absl::string_view value) {
  if (value.empty()) {
    v.Add(field, "is required");
  } else if (value.size() > kMaxIdChars) {
    v.Add(field, absl::StrCat("must be at most ", kMaxIdChars, " characters"));
  } else {
    v.AddIfError(field, ValidateText(value, kMaxIdChars, /*allow_newlines=*/false));
  }
}

void CheckVersion(FieldViolations& v, int64_t expected_version) {
  if (expected_version < 1) v.Add("expected_version", "is required (the version you saw, >= 1)");
}

// An official's note or reason: the field rules' (common/field_rules.h), bilingual violations,
// the limits every later step (the timeline, the applicant's notice) accepts. Line breaks are
// kept as written and reach the notice unchanged.
void CheckText(FieldViolations& v, const std::string& field, const FieldRule& rule,
               absl::string_view text, bool required) {
  v.AddIf(CheckField(field, rule, text, required));
}

// What every official's action names: the case and the version the official saw.
void CheckCaseVersion(FieldViolations& v, absl::string_view application_id,
                      int64_t expected_version) {
  CheckId(v, "application_id", application_id);
  CheckVersion(v, expected_version);
}

absl::Status Verdict(const FieldViolations& v, absl::string_view summary) {
  if (!v.empty()) return v.ToStatus(summary);
  return absl::OkStatus();
}

// An official's action whose only input besides the case is one text (Forward's note, Reject's
// reason).
absl::Status ValidateActionText(absl::string_view application_id, int64_t expected_version,
                                const std::string& field, const FieldRule& rule,
                                absl::string_view text, bool required, absl::string_view summary) {
  FieldViolations v;
  CheckCaseVersion(v, application_id, expected_version);
  CheckText(v, field, rule, text, required);
  return Verdict(v, summary);
}

}  // namespace

absl::Status ValidateOpen(const OpenInput& in) {
  FieldViolations v;
  CheckId(v, "application_id", in.application_id);
  CheckId(v, "request_id", in.request_id);
  // The chain shows who applies and notifies them (Return/Reject), so a name and an address
  // are needed; intake has validated the rest at step 1.
  if (in.applicant.full_name.empty()) {
    v.Add("applicant.full_name", "is required");
  } else {
    v.AddIfError("applicant.full_name", ValidateText(in.applicant.full_name, 128, false));
  }
  if (in.applicant.email.empty()) {
    v.Add("applicant.email", "is required");
  } else {
    v.AddIfError("applicant.email", ValidateEmail(in.applicant.email));
  }
  return Verdict(v, "the OpenCase request is invalid");
}

absl::Status ValidateRequestKey(absl::string_view application_id, absl::string_view request_id,
                                absl::string_view reason) {
  FieldViolations v;
  CheckId(v, "application_id", application_id);
  CheckId(v, "request_id", request_id);
  CheckText(v, "reason", field_rules::kReason, reason, /*required=*/false);
  return Verdict(v, "the request is invalid");
}

absl::Status ValidateGetCase(absl::string_view application_id) {
  FieldViolations v;
  if (application_id.empty()) v.Add("application_id", "is required");
  return Verdict(v, "the GetCase request is invalid");
}

absl::Status ValidateForward(absl::string_view application_id, int64_t expected_version,
                             absl::string_view note) {
  return ValidateActionText(application_id, expected_version, "note", field_rules::kNote, note,
                            /*required=*/false, "the Forward request is invalid");
}

absl::Status ValidateVerify(absl::string_view application_id, int64_t expected_version,
                            const Checklist& checklist, absl::string_view note) {
  FieldViolations v;
  CheckCaseVersion(v, application_id, expected_version);
  // SOP step 5: the verifier checks the completeness of the application; every item must be
  // confirmed, and each one that is not is named.
  constexpr absl::string_view kUnconfirmed = "must be confirmed before the request goes to the CA";
  if (!checklist.request_letter_ok) v.Add("checklist.request_letter_ok", std::string(kUnconfirmed));
  if (!checklist.bsre_form_ok) v.Add("checklist.bsre_form_ok", std::string(kUnconfirmed));
  if (!checklist.ktp_copy_ok) v.Add("checklist.ktp_copy_ok", std::string(kUnconfirmed));
  if (!checklist.sk_copy_ok) v.Add("checklist.sk_copy_ok", std::string(kUnconfirmed));
  if (!checklist.identity_matches_documents) {
    v.Add("checklist.identity_matches_documents", std::string(kUnconfirmed));
  }
  CheckText(v, "note", field_rules::kNote, note, /*required=*/false);
  return Verdict(v, "the Verify request is invalid");
}

absl::Status ValidateReturn(absl::string_view application_id, int64_t expected_version,
                            absl::string_view reason, const std::vector<int>& kinds) {
  FieldViolations v;
  CheckCaseVersion(v, application_id, expected_version);
  CheckText(v, "reason", field_rules::kReason, reason, /*required=*/true);
  if (kinds.empty()) v.Add("missing_documents", "name at least one document to resubmit");
  std::set<int> seen;
  for (size_t i = 0; i < kinds.size(); ++i) {
    std::string field = absl::StrCat("missing_documents[", i, "]");
    if (!DocumentKindName(kinds[i]).has_value()) {
      v.Add(field, "must be REQUEST_LETTER, BSRE_FORM, KTP_COPY or SK_COPY");
    } else if (!seen.insert(kinds[i]).second) {
      v.Add(field, "is listed twice");
    }
  }
  return Verdict(v, "the Return request is invalid");
}

absl::Status ValidateReject(absl::string_view application_id, int64_t expected_version,
                            absl::string_view reason) {
  return ValidateActionText(application_id, expected_version, "reason", field_rules::kReason,
                            reason, /*required=*/true, "the Reject request is invalid");
}

}  // namespace sertel::disposition
