// Field rules for what applicants type in; see validators.h.
#include "common/validators.h"

#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/field_rules.h"
#include "common/utf8.h"

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
  const FieldRule rule{"text",    "teks",
                       max_chars, allow_newlines ? TextKind::kMultiLine : TextKind::kSingleLine,
                       "",        ""};
  std::optional<FieldViolation> v = CheckField("text", rule, text, /*required=*/false);
  if (!v) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("text ", v->description));
}

absl::Status ValidateFullName(absl::string_view name) {
  std::optional<FieldViolation> v =
      CheckField("full_name", field_rules::kFullName, name, /*required=*/true);
  if (!v) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("full name ", v->description));
}

}  // namespace sertel
