// Field rules for what applicants type in (SOP step 1): NIK, NIP, phone, email, names and free
// text. Plain Abseil; every failure is INVALID_ARGUMENT with a short English reason that becomes
// a google.rpc.BadRequest field violation's description (see common/field_violations.h).
//
//   FieldViolations v;
//   v.AddIfError("applicant.nik", ValidateNik(a.nik()));
//   absl::StatusOr<NipInfo> nip = ParseNip(a.nip(), CivilDayInJakarta(clock->Now()));
//   if (nip.ok() && nip->female) { ... }
#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace sertel {

// The calendar day at `t` in Western Indonesia Time (WIB, UTC+7, no DST since 1964), where the
// city is. A fixed offset, so that no tzdata is needed inside the container.
absl::CivilDay CivilDayInJakarta(absl::Time t);

// What a NIK (Nomor Induk Kependudukan, the population number Dukcapil issues) encodes.
struct NikInfo {
  int province = 0;  // 11..96, e.g. 31 DKI Jakarta
  int regency = 0;   // kabupaten/kota within the province, 01..99
  int district = 0;  // kecamatan within the regency, 01..99
  absl::CivilDay birth_date;
  bool female = false;  // the birth day is written as DD+40 for women
};

// 16 digits: PP RR DD (province, regency/city, district), DDMMYY birth date (DD+40 for women),
// then a 4-digit serial that is not 0000. The two-digit year is read as 20YY when that is not
// after `today`, else as 19YY. `today` is injected so that tests are deterministic.
absl::StatusOr<NikInfo> ParseNik(absl::string_view nik, absl::CivilDay today);
absl::StatusOr<NikInfo> ParseNik(absl::string_view nik);  // today in Jakarta
absl::Status ValidateNik(absl::string_view nik, absl::CivilDay today);
absl::Status ValidateNik(absl::string_view nik);

// What a NIP (Nomor Induk Pegawai, the 18-digit civil-servant number of Perka BKN 22/2007)
// encodes.
struct NipInfo {
  absl::CivilDay birth_date;
  absl::CivilMonth appointed;  // TMT CPNS, the month the person became a candidate civil servant
  bool female = false;
};

// 18 digits: YYYYMMDD birth date (1940 or later, not in the future), YYYYMM appointment (a real
// month, not in the future, in a year at least 18 after the birth year), a gender digit (1 male,
// 2 female) and a 3-digit serial that is not 000.
absl::StatusOr<NipInfo> ParseNip(absl::string_view nip, absl::CivilDay today);
absl::StatusOr<NipInfo> ParseNip(absl::string_view nip);  // today in Jakarta
absl::Status ValidateNip(absl::string_view nip, absl::CivilDay today);
absl::Status ValidateNip(absl::string_view nip);

// E.164 (ITU-T E.164) Indonesian mobile number: "+62" then 8 to 13 digits, the first of which is
// 8. Only mobiles are accepted because the certificate may be handed over by WhatsApp, which
// needs a mobile number. No spaces or dashes: "+6281234567890".
absl::Status ValidateIndonesianPhone(absl::string_view phone);

// A pragmatic subset of RFC 5321/5322 addresses: at most 254 characters; a local part of 1-64
// RFC 5322 atext characters and single inner dots (no quoted strings); a domain of at least two
// dot-separated labels of 1-63 letters, digits and inner hyphens, the last one (TLD) alphabetic
// and at least 2 long. ASCII only: internationalised domains must be given in punycode.
absl::Status ValidateEmail(absl::string_view email);

// Free text (notes, reasons, unit and position names): valid UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF), no control characters (C0, DEL, C1) except '\n' and '\t'
// when `allow_newlines`, and at most `max_chars` Unicode code points. Empty text is valid; the
// caller decides whether a field is required.
absl::Status ValidateText(absl::string_view text, size_t max_chars, bool allow_newlines);

// A person's full name as it goes into the certificate's CN: not empty once leading and trailing
// spaces are dropped, at most 128 code points, valid UTF-8, and only letters (ASCII letters or any
// non-control code point from U+0080 on, so every script), spaces and . , ' - (enough for
// academic titles such as "Dr. Ir. Siti Aminah, S.T., M.Kom."). Digits are not allowed.
absl::Status ValidateFullName(absl::string_view name);

}  // namespace sertel
