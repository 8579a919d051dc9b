// Field rules for what applicants type in; see validators.h.
#include "common/validators.h"

#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sertel {
namespace {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// `s` holds only digits (checked by the caller) and is short enough not to overflow.
int DigitsToInt(absl::string_view s) {
  int value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  return value;
}

// True when year/month/day name a day that exists (CivilDay normalises 31 Feb to 3 Mar).
bool IsRealDate(int64_t year, int month, int day, absl::CivilDay* out) {
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  const absl::CivilDay d(year, month, day);
  if (d.year() != year || d.month() != month || d.day() != day) return false;
  *out = d;
  return true;
}

// Kemendagri province codes, including the provinces carved out of Papua in 2022 (93-96).
bool IsProvinceCode(int code) {
  return (code >= 11 && code <= 19) || code == 21 || (code >= 31 && code <= 36) ||
         (code >= 51 && code <= 53) || (code >= 61 && code <= 65) || (code >= 71 && code <= 76) ||
         (code >= 81 && code <= 82) || (code >= 91 && code <= 96);
}

// Describes a character for an error message without echoing more than one character of input.
std::string DescribeChar(char32_t cp) {
  if (cp > 0x20 && cp < 0x7F) return absl::StrCat("'", std::string(1, static_cast<char>(cp)), "'");
  if (cp == ' ') return "a space";
  return absl::StrFormat("U+%04X", static_cast<uint32_t>(cp));
}

bool IsControl(char32_t cp) { return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F); }

// Decodes one UTF-8 sequence at `*pos` (RFC 3629): rejects stray continuation bytes, overlong
// forms, UTF-16 surrogates and anything above U+10FFFF. Advances `*pos` on success.
bool DecodeUtf8(absl::string_view s, size_t* pos, char32_t* cp) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(*pos);
  if (b0 < 0x80) {
    *cp = b0;
    *pos += 1;
    return true;
  }
  size_t len;
  char32_t value;
  unsigned char lo = 0x80;  // allowed range of the second byte
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    value = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    value = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates D800..DFFF
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    value = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return false;  // continuation byte, C0/C1 (overlong) or F5..FF
  }
  if (*pos + len > s.size()) return false;
  for (size_t i = 1; i < len; ++i) {
    const unsigned char b = byte(*pos + i);
    if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return false;
    value = (value << 6) | (b & 0x3F);
  }
  *cp = value;
  *pos += len;
  return true;
}

}  // namespace

absl::CivilDay CivilDayInJakarta(absl::Time t) {
  static const absl::TimeZone kWib = absl::FixedTimeZone(7 * 60 * 60);
  return absl::ToCivilDay(t, kWib);
}

absl::StatusOr<NikInfo> ParseNik(absl::string_view nik, absl::CivilDay today) {
  if (nik.size() != 16 || !AllDigits(nik)) {
    return absl::InvalidArgumentError("NIK must be exactly 16 digits");
  }
  NikInfo info;
  info.province = DigitsToInt(nik.substr(0, 2));
  info.regency = DigitsToInt(nik.substr(2, 2));
  info.district = DigitsToInt(nik.substr(4, 2));
  if (!IsProvinceCode(info.province)) {
    return absl::InvalidArgumentError(
        absl::StrCat("NIK province code ", nik.substr(0, 2), " is not an Indonesian province"));
  }
  if (info.regency == 0) {
    return absl::InvalidArgumentError("NIK regency/city code (digits 3-4) must not be 00");
  }
  if (info.district == 0) {
    return absl::InvalidArgumentError("NIK district code (digits 5-6) must not be 00");
  }
  const absl::string_view ddmmyy = nik.substr(6, 6);
  int day = DigitsToInt(ddmmyy.substr(0, 2));
  const int month = DigitsToInt(ddmmyy.substr(2, 2));
  const int yy = DigitsToInt(ddmmyy.substr(4, 2));
  // Women's NIKs carry the birth day plus 40.
  if (day > 40) {
    info.female = true;
    day -= 40;
  }
  if (day < 1 || day > 31) {
    return absl::InvalidArgumentError(
        absl::StrCat("NIK birth day ", ddmmyy.substr(0, 2), " is not 01-31 (or 41-71 for women)"));
  }
  if (month < 1 || month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("NIK birth month ", ddmmyy.substr(2, 2), " is not 01-12"));
  }
  // The latest century that does not put the birth date after today.
  const int64_t century = (yy <= today.year() % 100) ? today.year() - today.year() % 100
                                                     : today.year() - today.year() % 100 - 100;
  absl::CivilDay birth;
  bool real = IsRealDate(century + yy, month, day, &birth);
  if (real && birth > today) real = IsRealDate(century - 100 + yy, month, day, &birth);
  if (!real) {
    return absl::InvalidArgumentError(
        absl::StrCat("NIK birth date ", ddmmyy, " is not a real date"));
  }
  info.birth_date = birth;
  if (nik.substr(12, 4) == "0000") {
    return absl::InvalidArgumentError("NIK serial number (last 4 digits) must not be 0000");
  }
  return info;
}

absl::StatusOr<NikInfo> ParseNik(absl::string_view nik) {
  return ParseNik(nik, CivilDayInJakarta(absl::Now()));
}

absl::Status ValidateNik(absl::string_view nik, absl::CivilDay today) {
  return ParseNik(nik, today).status();
}

absl::Status ValidateNik(absl::string_view nik) { return ParseNik(nik).status(); }

absl::StatusOr<NipInfo> ParseNip(absl::string_view nip, absl::CivilDay today) {
  if (nip.size() != 18 || !AllDigits(nip)) {
    return absl::InvalidArgumentError("NIP must be exactly 18 digits");
  }
  NipInfo info;
  const absl::string_view birth = nip.substr(0, 8);
  const int birth_year = DigitsToInt(birth.substr(0, 4));
  if (!IsRealDate(birth_year, DigitsToInt(birth.substr(4, 2)), DigitsToInt(birth.substr(6, 2)),
                  &info.birth_date)) {
    return absl::InvalidArgumentError(
        absl::StrCat("NIP birth date ", birth, " is not a real date"));
  }
  if (birth_year < 1940) {
    return absl::InvalidArgumentError(
        absl::StrCat("NIP birth year ", birth.substr(0, 4), " is before 1940"));
  }
  if (info.birth_date > today) {
    return absl::InvalidArgumentError(absl::StrCat("NIP birth date ", birth, " is in the future"));
  }
  const absl::string_view appointed = nip.substr(8, 6);
  const int appointed_year = DigitsToInt(appointed.substr(0, 4));
  const int appointed_month = DigitsToInt(appointed.substr(4, 2));
  if (appointed_month < 1 || appointed_month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("NIP appointment month ", appointed, " is not a real month"));
  }
  info.appointed = absl::CivilMonth(appointed_year, appointed_month);
  if (info.appointed > absl::CivilMonth(today)) {
    return absl::InvalidArgumentError(
        absl::StrCat("NIP appointment month ", appointed, " is in the future"));
  }
  // Candidates must be at least 18 (PP 11/2017 art. 23); the NIP only holds years and months, so
  // the check is on years.
  if (appointed_year < birth_year + 18) {
    return absl::InvalidArgumentError(absl::StrCat("NIP appointment year ", appointed.substr(0, 4),
                                                   " is less than 18 years after birth year ",
                                                   birth.substr(0, 4)));
  }
  const char gender = nip[14];
  if (gender != '1' && gender != '2') {
    return absl::InvalidArgumentError(absl::StrCat(
        "NIP gender digit (15th) must be 1 (male) or 2 (female), not ", nip.substr(14, 1)));
  }
  info.female = gender == '2';
  if (nip.substr(15, 3) == "000") {
    return absl::InvalidArgumentError("NIP serial number (last 3 digits) must not be 000");
  }
  return info;
}

absl::StatusOr<NipInfo> ParseNip(absl::string_view nip) {
  return ParseNip(nip, CivilDayInJakarta(absl::Now()));
}

absl::Status ValidateNip(absl::string_view nip, absl::CivilDay today) {
  return ParseNip(nip, today).status();
}

absl::Status ValidateNip(absl::string_view nip) { return ParseNip(nip).status(); }

absl::Status ValidateIndonesianPhone(absl::string_view phone) {
  constexpr absl::string_view kForm =
      "phone must be in E.164 form: +62 followed by 8 to 13 digits, e.g. +6281234567890";
  if (phone.size() >= 2 && phone[0] == '0' && phone[1] == '8') {
    return absl::InvalidArgumentError(
        "phone must start with +62 instead of the leading 0 (write 0812... as +62812...)");
  }
  if (phone.size() < 3 || phone.substr(0, 3) != "+62") {
    return absl::InvalidArgumentError(kForm);
  }
  const absl::string_view rest = phone.substr(3);
  if (rest.size() < 8 || rest.size() > 13 || !AllDigits(rest)) {
    return absl::InvalidArgumentError(kForm);
  }
  if (rest[0] != '8') {
    return absl::InvalidArgumentError(
        "phone must be a mobile number starting with +628: the certificate may be handed over "
        "by WhatsApp, which needs a mobile");
  }
  return absl::OkStatus();
}

namespace {

// The part before @ (RFC 5322 section 3.4.1 dot-atom).
absl::Status ValidateEmailLocalPart(absl::string_view local) {
  if (local.empty() || local.size() > 64) {
    return absl::InvalidArgumentError("email part before @ must be 1 to 64 characters");
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        "email part before @ must not start or end with a dot or have two dots in a row");
  }
  // RFC 5322 section 3.2.3 atext, plus the dots of dot-atom.
  constexpr absl::string_view kAtextSymbols = "!#$%&'*+-/=?^_`{|}~.";
  for (char c : local) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        kAtextSymbols.find(c) == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("email part before @ must not contain ",
                                                     DescribeChar(static_cast<unsigned char>(c))));
    }
  }
  return absl::OkStatus();
}

// One label of the domain (RFC 1035 section 2.3.1: letters, digits, inner hyphens).
absl::Status ValidateDomainLabel(absl::string_view label) {
  if (label.empty() || label.size() > 63) {
    return absl::InvalidArgumentError(
        "email domain parts must be 1 to 63 characters (no leading, trailing or double dots)");
  }
  for (char c : label) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return absl::InvalidArgumentError(
          absl::StrCat("email domain may contain only letters, digits, hyphens and dots, not ",
                       DescribeChar(static_cast<unsigned char>(c))));
    }
  }
  if (label.front() == '-' || label.back() == '-') {
    return absl::InvalidArgumentError("email domain parts must not start or end with a hyphen");
  }
  return absl::OkStatus();
}

absl::Status ValidateEmailDomain(absl::string_view domain) {
  if (domain.find('.') == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        "email domain must have at least two parts, e.g. example.go.id");
  }
  absl::string_view last_label;
  for (absl::string_view rest = domain;;) {
    const size_t dot = rest.find('.');
    const absl::string_view label = rest.substr(0, dot);
    if (absl::Status s = ValidateDomainLabel(label); !s.ok()) return s;
    last_label = label;
    if (dot == absl::string_view::npos) break;
    rest = rest.substr(dot + 1);
  }
  if (last_label.size() < 2) {
    return absl::InvalidArgumentError("email top-level domain must be at least 2 letters");
  }
  for (char c : last_label) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("email top-level domain must be letters only");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateEmail(absl::string_view email) {
  if (email.empty()) return absl::InvalidArgumentError("email must not be empty");
  if (email.size() > 254) {
    return absl::InvalidArgumentError("email must be at most 254 characters");
  }
  for (char c : email) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      return absl::InvalidArgumentError(
          "email must be ASCII (give an internationalised domain in punycode, xn--...)");
    }
    if (u <= 0x20 || u == 0x7F) {
      return absl::InvalidArgumentError("email must not contain spaces or control characters");
    }
  }
  const size_t at = email.find('@');
  if (at == absl::string_view::npos) {
    return absl::InvalidArgumentError("email must have the form name@example.go.id");
  }
  if (absl::Status s = ValidateEmailLocalPart(email.substr(0, at)); !s.ok()) return s;
  return ValidateEmailDomain(email.substr(at + 1));
}

absl::Status ValidateText(absl::string_view text, size_t max_chars, bool allow_newlines) {
  size_t chars = 0;
  for (size_t pos = 0; pos < text.size();) {
    const size_t offset = pos;
    char32_t cp;
    if (!DecodeUtf8(text, &pos, &cp)) {
      return absl::InvalidArgumentError(
          absl::StrCat("text is not valid UTF-8 (bad byte at offset ", offset, ")"));
    }
    ++chars;
    if (cp == '\n' || cp == '\r') {
      if (!allow_newlines || cp == '\r') {
        return absl::InvalidArgumentError(
            allow_newlines ? "text must use \\n line breaks, not \\r"
                           : "text must be a single line (it contains a line break)");
      }
    } else if (cp == '\t') {
      if (!allow_newlines) {
        return absl::InvalidArgumentError("text must be a single line (it contains a tab)");
      }
    } else if (IsControl(cp)) {
      return absl::InvalidArgumentError(absl::StrCat("text contains the control character ",
                                                     DescribeChar(cp), " at character ", chars));
    }
  }
  if (chars > max_chars) {
    return absl::InvalidArgumentError(
        absl::StrCat("text is ", chars, " characters long; at most ", max_chars, " are allowed"));
  }
  return absl::OkStatus();
}

absl::Status ValidateFullName(absl::string_view name) {
  constexpr size_t kMaxChars = 128;
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  if (name.empty()) return absl::InvalidArgumentError("full name must not be empty");
  size_t chars = 0;
  bool has_letter = false;
  for (size_t pos = 0; pos < name.size();) {
    char32_t cp;
    if (!DecodeUtf8(name, &pos, &cp)) {
      return absl::InvalidArgumentError("full name is not valid UTF-8");
    }
    ++chars;
    if (IsControl(cp)) {
      return absl::InvalidArgumentError(
          absl::StrCat("full name must not contain the control character ", DescribeChar(cp)));
    }
    // Any non-ASCII code point counts as a letter: names come in every script and with every
    // diacritic, and a table of Unicode letters would be large for little gain.
    const bool letter = cp >= 0x80 || absl::ascii_isalpha(static_cast<unsigned char>(cp));
    has_letter = has_letter || letter;
    if (!letter && cp != ' ' && cp != '.' && cp != ',' && cp != '\'' && cp != '-') {
      return absl::InvalidArgumentError(absl::StrCat(
          "full name may contain only letters, spaces and . , ' - but has ", DescribeChar(cp)));
    }
  }
  if (!has_letter) return absl::InvalidArgumentError("full name must contain letters");
  if (chars > kMaxChars) {
    return absl::InvalidArgumentError(absl::StrCat(
        "full name is ", chars, " characters long; at most ", kMaxChars, " are allowed"));
  }
  return absl::OkStatus();
}

}  // namespace sertel
