#include "submission_rules.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "applicant_rules.h"
#include "common/field_rules.h"
#include "common/field_violations.h"
#include "common/sop.h"
#include "common/validators.h"
#include "field_checks.h"

namespace sertel::intake {
namespace {

// sertel.v1.DocumentKind: REQUEST_LETTER, BSRE_FORM, KTP_COPY, SK_COPY.
constexpr std::array<int, 4> kRequiredKinds = {1, 2, 3, 4};

bool KnownKind(int kind) { return kind >= 1 && kind <= 4; }

std::string MiB(int64_t bytes) {
  if (bytes % (1 << 20) == 0) return absl::StrCat(bytes >> 20, " MiB");
  return absl::StrCat(bytes, " bytes");
}

// Checks documents[i]; `seen` collects the kinds, duplicates are reported on the later one.
void CheckDocuments(const std::vector<DocumentInput>& docs, int64_t max_bytes, FieldViolations& v,
                    std::vector<bool>& seen) {
  for (size_t i = 0; i < docs.size(); ++i) {
    const DocumentInput& d = docs[i];
    std::string f = absl::StrCat("documents[", i, "]");
    if (!KnownKind(d.kind)) {
      v.Add(f + ".kind", "must be REQUEST_LETTER, BSRE_FORM, KTP_COPY or SK_COPY");
    } else if (seen[d.kind]) {
      v.Add(f + ".kind", absl::StrCat(DocumentKindName(d.kind), " is given more than once"));
    } else {
      seen[d.kind] = true;
    }
    v.AddIf(CheckField(f + ".filename", field_rules::kFilename, d.filename, /*required=*/false));
    if (absl::StrContains(d.filename, "/") || absl::StrContains(d.filename, "\\")) {
      v.Add(f + ".filename", "must not contain a path");
    }
    const std::string& content = d.content;
    if (content.empty()) {
      v.Add(f + ".content", "is empty");
      continue;
    }
    if (static_cast<int64_t>(content.size()) > max_bytes) {
      v.Add(f + ".content", absl::StrCat("is ", content.size(), " bytes, over the limit of ",
                                         max_bytes, " bytes (", MiB(max_bytes), ")"));
      continue;
    }
    std::string sniffed = SniffDocumentType(content);
    if (sniffed.empty()) {
      v.Add(f + ".content", "is not a PDF, JPEG or PNG file (judged by its bytes)");
    } else if (!d.content_type.empty() && absl::AsciiStrToLower(d.content_type) != sniffed &&
               !(sniffed == "image/jpeg" && absl::AsciiStrToLower(d.content_type) == "image/jpg")) {
      v.Add(f + ".content_type",
            absl::StrCat("says ", d.content_type, " but the content is ", sniffed));
    }
  }
}

void AppendField(std::string& out, absl::string_view value) {
  absl::StrAppend(&out, value.size(), ":", value, ";");
}

}  // namespace

std::string Sha256Hex(absl::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(md), len));
}

std::string DocumentKindName(int kind) {
  std::optional<absl::string_view> name = SopDocumentKindName(kind);
  return name ? std::string(*name) : absl::StrCat("UNKNOWN_", kind);
}

absl::Status CheckRequestId(absl::string_view id, bool required) {
  if (id.empty()) {
    return required ? absl::InvalidArgumentError("required") : absl::OkStatus();
  }
  if (id.size() > 128) return absl::InvalidArgumentError("longer than 128 characters");
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' &&
        c != '-') {
      return absl::InvalidArgumentError("may contain only A-Z a-z 0-9 . _ : -");
    }
  }
  return absl::OkStatus();
}

absl::Status SubmissionRules::CheckSubmission(const SubmissionInput& r) const {
  FieldViolations v;
  v.AddIfError("request_id", CheckRequestId(r.request_id, /*required=*/true));
  const ApplicantRecord& a = r.applicant;
  CheckApplicant(a, *units_, CivilDayInJakarta(absl::Now()), v);
  v.AddIf(CheckField("note", field_rules::kNote, r.note, /*required=*/false));

  // SOP step 1: the request letter, the BSrE form, a KTP copy and an SK copy, each exactly once.
  std::vector<bool> seen(5, false);
  CheckDocuments(r.documents, options_.max_document_bytes, v, seen);
  std::vector<std::string> missing;
  for (int k : kRequiredKinds) {
    if (!seen[k]) missing.push_back(DocumentKindName(k));
  }
  if (!missing.empty()) {
    v.Add("documents", absl::StrCat("missing ", absl::StrJoin(missing, ", "),
                                    " (SOP step 1 requires all four documents)"));
  }
  if (!v.empty()) return v.ToStatus("the application is invalid");
  return absl::OkStatus();
}

absl::Status SubmissionRules::CheckResubmission(const ResubmissionInput& r) const {
  FieldViolations v;
  v.AddIfError("request_id", CheckRequestId(r.request_id, /*required=*/false));
  if (r.documents.empty()) v.Add("documents", "at least one document is required");
  std::vector<bool> seen(5, false);
  CheckDocuments(r.documents, options_.max_document_bytes, v, seen);
  if (!v.empty()) return v.ToStatus("the resubmission is invalid");
  return absl::OkStatus();
}

absl::Status SubmissionRules::CheckWithdrawal(const WithdrawalInput& r) const {
  FieldViolations v;
  v.AddIf(CheckField("reason", field_rules::kReason, r.reason, /*required=*/false));
  if (!v.empty()) return v.ToStatus("the withdrawal is invalid");
  return absl::OkStatus();
}

std::string SubmissionRules::CanonicalHash(const SubmissionInput& r) {
  std::string out = "sertel.intake.submit.v1;";
  AppendField(out, r.request_id);
  const ApplicantRecord& a = r.applicant;
  for (const std::string* s :
       {&a.nik, &a.nip, &a.full_name, &a.email, &a.phone, &a.unit, &a.position}) {
    AppendField(out, *s);
  }
  AppendField(out, r.note);
  std::vector<std::string> docs;
  for (const DocumentInput& d : r.documents) {
    std::string one;
    AppendField(one, absl::StrCat(d.kind));
    AppendField(one, d.filename);
    AppendField(one, d.content_type);
    AppendField(one, Sha256Hex(d.content));
    docs.push_back(std::move(one));
  }
  std::sort(docs.begin(), docs.end());
  for (const std::string& d : docs) AppendField(out, d);
  return Sha256Hex(out);
}

}  // namespace sertel::intake
