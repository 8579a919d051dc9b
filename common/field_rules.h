// The one table of field rules (docs/api.md, "Field limits"): every limit a value must meet on
// its whole way through the seven SOP steps, written once and enforced where the value enters
// (SOP step 1, an official's note) by the same rule objects that the later steps apply (the
// certificate's subject at step 6, the notices). What a later step would refuse, step 1 refuses
// first. A violation names its field in English and in Bahasa Indonesia, with a reason code.
//
//   FieldViolations v;
//   v.AddIf(CheckField("applicant.full_name", field_rules::kFullName, a.full_name, true));
//   v.AddIf(CheckField("note", field_rules::kNote, note, /*required=*/false));
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/field_violations.h"

namespace sertel {

enum class TextKind {
  kSingleLine,  // valid UTF-8, no control character, no line break, no tab
  kMultiLine,   // the same, but "\n" line breaks and tabs allowed (notes and reasons)
  kPersonName,  // letters of any script, spaces and . , ' - ; no digits, no invisible characters
  kCode,        // A-Z, 0-9 and '-' (a registry code)
};

struct FieldRule {
  absl::string_view what_en;  // "full name"
  absl::string_view what_id;  // "nama lengkap"
  size_t max_chars;           // Unicode code points, as X.520 and OpenSSL count them
  TextKind kind;
  absl::string_view bound_en;  // where max_chars comes from
  absl::string_view bound_id;
};

namespace field_rules {

// The applicant's name is the certificate's subject CN (SOP step 6): X.520's bound from step 1.
inline constexpr FieldRule kFullName{
    "full name",
    "nama lengkap",
    64,
    TextKind::kPersonName,
    "the name becomes the certificate's subject CN, which holds at most 64 characters (RFC 5280 "
    "ub-common-name)",
    "nama menjadi CN pada subjek sertifikat, yang memuat paling banyak 64 karakter (RFC 5280 "
    "ub-common-name)"};
// The unit's name in the certificate's subject OU (the unit registry's certificate_ou).
inline constexpr FieldRule kCertificateOu{
    "certificate OU",
    "OU sertifikat",
    64,
    TextKind::kSingleLine,
    "the certificate's subject OU holds at most 64 characters (RFC 5280 "
    "ub-organizational-unit-name)",
    "OU pada subjek sertifikat memuat paling banyak 64 karakter (RFC 5280 "
    "ub-organizational-unit-name)"};
// A unit's official name, as the registry and the notices carry it.
inline constexpr FieldRule kUnitName{
    "unit name",        "nama unit", 200, TextKind::kSingleLine, "the unit registry's limit",
    "batas daftar unit"};
// A unit's code in the unit registry; what Applicant.unit carries.
inline constexpr FieldRule kUnitCode{
    "unit code",        "kode unit", 32, TextKind::kCode, "the unit registry's limit",
    "batas daftar unit"};
// The applicant's position (jabatan) as in the SK.
inline constexpr FieldRule kPosition{"position",
                                     "jabatan",
                                     200,
                                     TextKind::kSingleLine,
                                     "the limit of the application record",
                                     "batas data permohonan"};
// The applicant's note, an official's disposition note (steps 2-5).
inline constexpr FieldRule kNote{"note",
                                 "catatan",
                                 1000,
                                 TextKind::kMultiLine,
                                 "the limit of the timeline and the notices",
                                 "batas riwayat dan pemberitahuan"};
// Why an application is returned, rejected or withdrawn; it reaches the applicant's notice.
inline constexpr FieldRule kReason{"reason",
                                   "alasan",
                                   1000,
                                   TextKind::kMultiLine,
                                   "the limit of the timeline and the notices",
                                   "batas riwayat dan pemberitahuan"};
// A document's file name (informational).
inline constexpr FieldRule kFilename{"file name",
                                     "nama berkas",
                                     255,
                                     TextKind::kSingleLine,
                                     "file systems' limit on a name",
                                     "batas nama berkas pada sistem berkas"};
// A parameter of a notice. It carries any of the values above, so it takes all of them.
inline constexpr FieldRule kNoticeParam{
    "notice parameter",   "parameter pemberitahuan",           2000,
    TextKind::kMultiLine, "the limit of a notice's parameter", "batas parameter pemberitahuan"};

static_assert(kNoticeParam.max_chars >= kReason.max_chars &&
                  kNoticeParam.max_chars >= kNote.max_chars &&
                  kNoticeParam.max_chars >= kUnitName.max_chars &&
                  kNoticeParam.max_chars >= kFullName.max_chars,
              "every value a notice carries must fit a notice parameter");

}  // namespace field_rules

// The violation of `value` against `rule` at `field`, or nullopt. A value that is empty once
// spaces are trimmed is a violation (REQUIRED) only when `required`. Reason codes: REQUIRED,
// TOO_LONG, INVALID_UTF8, CONTROL_CHARACTER, LINE_BREAK, INVISIBLE_CHARACTER, NOT_A_NAME,
// NOT_A_CODE.
std::optional<FieldViolation> CheckField(std::string field, const FieldRule& rule,
                                         absl::string_view value, bool required);

// The number of Unicode code points of valid UTF-8 `text` (bytes for invalid input).
size_t CountCodePoints(absl::string_view text);

}  // namespace sertel
