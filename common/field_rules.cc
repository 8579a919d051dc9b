#include "common/field_rules.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/utf8.h"

namespace sertel {
namespace {

FieldViolation Violation(std::string field, absl::string_view reason, std::string en,
                         std::string id) {
  return {std::move(field), std::move(en), std::string(reason), std::move(id)};
}

bool IsNameChar(char32_t cp) {
  // Any non-ASCII code point counts as a letter: names come in every script and with every
  // diacritic, and a table of Unicode letters would be large for little gain.
  return cp >= 0x80 || absl::ascii_isalpha(static_cast<unsigned char>(cp)) || cp == ' ' ||
         cp == '.' || cp == ',' || cp == '\'' || cp == '-';
}

bool IsCodeChar(char32_t cp) {
  return (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '-';
}

// The first character-level violation of `value` (already known not to be blank), or nullopt.
std::optional<FieldViolation> CheckCharacters(const std::string& field, const FieldRule& rule,
                                              absl::string_view value) {
  size_t chars = 0;
  bool has_letter = false;
  for (size_t pos = 0; pos < value.size();) {
    const size_t offset = pos;
    char32_t cp;
    if (!DecodeUtf8(value, &pos, &cp)) {
      return Violation(
          field, "INVALID_UTF8",
          absl::StrCat("is not valid UTF-8 (bad byte at offset ", offset, ")"),
          absl::StrCat("bukan teks UTF-8 yang sah (byte salah pada posisi ", offset, ")"));
    }
    ++chars;
    const bool multiline = rule.kind == TextKind::kMultiLine;
    if (cp == '\r' && multiline) {
      return Violation(field, "LINE_BREAK", "must use \\n line breaks, not \\r",
                       "pindah baris harus \\n, bukan \\r");
    }
    if ((cp == '\n' || cp == '\r' || cp == '\t') && !multiline) {
      const bool tab = cp == '\t';
      return Violation(
          field, "LINE_BREAK",
          absl::StrCat("must be a single line (it contains a ", tab ? "tab" : "line break", ")"),
          absl::StrCat("harus satu baris (berisi ", tab ? "tab" : "pindah baris", ")"));
    }
    if (IsControl(cp) && cp != '\n' && cp != '\t') {
      return Violation(
          field, "CONTROL_CHARACTER",
          absl::StrCat("contains the control character ", DescribeChar(cp), " at character ",
                       chars),
          absl::StrCat("berisi karakter kendali ", DescribeChar(cp), " pada karakter ke-", chars));
    }
    if (rule.kind == TextKind::kPersonName) {
      if (IsInvisibleFormat(cp)) {
        return Violation(field, "INVISIBLE_CHARACTER",
                         absl::StrCat("contains the invisible formatting character ",
                                      DescribeChar(cp), ", which could disguise the name"),
                         absl::StrCat("berisi karakter format tak terlihat ", DescribeChar(cp),
                                      " yang dapat menyamarkan nama"));
      }
      if (!IsNameChar(cp)) {
        return Violation(
            field, "NOT_A_NAME",
            absl::StrCat("may contain only letters, spaces and . , ' - but has ", DescribeChar(cp)),
            absl::StrCat("hanya boleh berisi huruf, spasi dan . , ' - tetapi berisi ",
                         DescribeChar(cp)));
      }
      has_letter =
          has_letter || (cp >= 0x80 || absl::ascii_isalpha(static_cast<unsigned char>(cp)));
    }
    if (rule.kind == TextKind::kCode && !IsCodeChar(cp)) {
      return Violation(
          field, "NOT_A_CODE",
          absl::StrCat("may contain only A-Z, 0-9 and - but has ", DescribeChar(cp)),
          absl::StrCat("hanya boleh berisi A-Z, 0-9 dan - tetapi berisi ", DescribeChar(cp)));
    }
  }
  if (rule.kind == TextKind::kPersonName && !has_letter) {
    return Violation(field, "NOT_A_NAME", "must contain letters", "harus berisi huruf");
  }
  return std::nullopt;
}

}  // namespace

size_t CountCodePoints(absl::string_view text) {
  size_t chars = 0;
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp;
    if (!DecodeUtf8(text, &pos, &cp)) return text.size();
    ++chars;
  }
  return chars;
}

std::optional<FieldViolation> CheckField(std::string field, const FieldRule& rule,
                                         absl::string_view value, bool required) {
  if (absl::StripAsciiWhitespace(value).empty()) {
    if (required)
      return Violation(std::move(field), "REQUIRED", "must not be empty", "wajib diisi");
    return CheckCharacters(field, rule, value);  // nothing, or a tab where one line is wanted
  }
  if (std::optional<FieldViolation> v = CheckCharacters(field, rule, value)) return v;
  const size_t chars = CountCodePoints(value);
  if (chars > rule.max_chars) {
    std::string en =
        absl::StrCat("is ", chars, " characters long; at most ", rule.max_chars, " are allowed");
    std::string id = absl::StrCat("panjangnya ", chars, " karakter; paling banyak ", rule.max_chars,
                                  " karakter");
    if (!rule.bound_en.empty()) absl::StrAppend(&en, ": ", rule.bound_en);
    if (!rule.bound_id.empty()) absl::StrAppend(&id, ": ", rule.bound_id);
    return Violation(std::move(field), "TOO_LONG", std::move(en), std::move(id));
  }
  return std::nullopt;
}

}  // namespace sertel
