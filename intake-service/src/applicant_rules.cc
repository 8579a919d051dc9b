#include "applicant_rules.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/field_rules.h"
#include "common/validators.h"

namespace sertel::intake {
namespace {

// A structural check of common/validators.h as a bilingual violation: the validator's precise
// English reason, and the rule in Bahasa Indonesia.
void AddIdentityError(FieldViolations& v, const std::string& field, absl::string_view value,
                      const absl::Status& status, absl::string_view reason,
                      absl::string_view rule_id) {
  if (value.empty()) {
    v.Add({field, "must not be empty", "REQUIRED", "wajib diisi"});
  } else if (!status.ok()) {
    v.Add({field, std::string(status.message()), std::string(reason), std::string(rule_id)});
  }
}

std::string Day(absl::CivilDay d) {
  return absl::StrFormat("%02d-%02d-%04d", d.day(), d.month(), d.year());
}

// The NIK's birth date has a two-digit year (common/validators.h guesses the century); the
// NIP's has four. They agree when day, month and the year's last two digits agree.
bool SameBirthDate(absl::CivilDay from_nik, absl::CivilDay from_nip) {
  return from_nik.day() == from_nip.day() && from_nik.month() == from_nip.month() &&
         from_nik.year() % 100 == from_nip.year() % 100;
}

// NIK and NIP both encode the birth date and the sex (the NIK's day of birth has 40 added for
// women; the NIP's first eight digits are the birth date, its fifteenth digit the sex). A
// mismatch is a violation on both fields: either may be the mistyped one.
void CheckNikAgreesWithNip(const NikInfo& nik, const NipInfo& nip, FieldViolations& v) {
  std::string en;
  std::string id;
  if (!SameBirthDate(nik.birth_date, nip.birth_date)) {
    en = absl::StrCat("the birth date in the NIK (", Day(nik.birth_date),
                      ") differs from the one in the NIP (", Day(nip.birth_date), ")");
    id = absl::StrCat("tanggal lahir pada NIK (", Day(nik.birth_date),
                      ") berbeda dengan tanggal lahir pada NIP (", Day(nip.birth_date), ")");
  } else if (nik.female != nip.female) {
    const char* nik_sex_en = nik.female ? "female" : "male";
    const char* nip_sex_en = nip.female ? "female" : "male";
    en = absl::StrCat("the NIK says ", nik_sex_en, " (day of birth ",
                      nik.female ? "plus 40" : "as is", ") but the NIP says ", nip_sex_en,
                      " (its fifteenth digit)");
    id = absl::StrCat("NIK menyatakan ", nik.female ? "perempuan" : "laki-laki",
                      " tetapi NIP menyatakan ", nip.female ? "perempuan" : "laki-laki",
                      " (digit ke-15)");
  } else {
    return;
  }
  v.Add({"applicant.nik", en, "NIK_NIP_MISMATCH", id});
  v.Add({"applicant.nip", en, "NIK_NIP_MISMATCH", id});
}

void CheckUnit(absl::string_view code, const UnitRegistry& units, FieldViolations& v) {
  if (std::optional<FieldViolation> bad =
          CheckField("applicant.unit", field_rules::kUnitCode, code, /*required=*/true)) {
    v.Add(*std::move(bad));
    return;
  }
  if (units.Find(code) == nullptr) {
    v.Add(
        {"applicant.unit",
         absl::StrCat("\"", code,
                      "\" is not a unit code of the registry (IntakeService.ListUnits)"),
         "UNKNOWN_UNIT",
         absl::StrCat("\"", code, "\" bukan kode unit yang terdaftar (IntakeService.ListUnits)")});
  }
}

}  // namespace

void CheckApplicant(const ApplicantRecord& a, const UnitRegistry& units, absl::CivilDay today,
                    FieldViolations& v) {
  absl::StatusOr<NikInfo> nik = ParseNik(a.nik, today);
  AddIdentityError(v, "applicant.nik", a.nik, nik.status(), "INVALID_NIK",
                   "NIK harus 16 digit: kode wilayah, tanggal lahir (tanggal +40 untuk "
                   "perempuan) dan nomor urut yang sah");
  absl::StatusOr<NipInfo> nip = ParseNip(a.nip, today);
  AddIdentityError(v, "applicant.nip", a.nip, nip.status(), "INVALID_NIP",
                   "NIP harus 18 digit: tanggal lahir, TMT CPNS, jenis kelamin dan nomor urut "
                   "yang sah");
  if (nik.ok() && nip.ok()) CheckNikAgreesWithNip(*nik, *nip, v);
  v.AddIf(CheckField("applicant.full_name", field_rules::kFullName, a.full_name, true));
  AddIdentityError(v, "applicant.email", a.email, ValidateEmail(a.email), "INVALID_EMAIL",
                   "alamat email tidak sah");
  AddIdentityError(v, "applicant.phone", a.phone, ValidateIndonesianPhone(a.phone), "INVALID_PHONE",
                   "nomor ponsel harus dalam bentuk E.164, +62 diikuti 8 sampai 13 digit");
  CheckUnit(a.unit, units, v);
  v.AddIf(CheckField("applicant.position", field_rules::kPosition, a.position, true));
}

}  // namespace sertel::intake
