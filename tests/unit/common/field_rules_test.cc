// The one table of field rules: the limits a later step imposes hold from step 1, counted in
// characters as X.520 and OpenSSL count them, with every violation in English and in Bahasa
// Indonesia and a reason code; names refuse what would disguise them.
#include "common/field_rules.h"

#include <string>

#include "gtest/gtest.h"

namespace sertel {
namespace {

std::string Repeat(const std::string& unit, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += unit;
  return out;
}

TEST(FieldRulesTest, TheCertificateBoundsAreCharactersNotBytes) {
  // 64 two-byte letters (128 bytes) are a valid CN; the 65th character is not.
  const std::string name = Repeat("\xC3\xA9", 64);
  EXPECT_FALSE(CheckField("n", field_rules::kFullName, name, true).has_value());
  std::optional<FieldViolation> v = CheckField("n", field_rules::kFullName, name + "e", true);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->reason, "TOO_LONG");
  EXPECT_NE(v->description.find("65 characters long; at most 64"), std::string::npos);
  EXPECT_NE(v->description.find("CN"), std::string::npos);
  EXPECT_NE(v->description_id.find("paling banyak 64 karakter"), std::string::npos);
  EXPECT_TRUE(CheckField("ou", field_rules::kCertificateOu, Repeat("x", 65), true).has_value());
  EXPECT_FALSE(CheckField("ou", field_rules::kCertificateOu, Repeat("x", 64), true).has_value());
}

TEST(FieldRulesTest, TheRealUnitNameIsTooLongForTheOuButFitsTheRegistry) {
  const std::string dp3ap2kb =
      "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga "
      "Berencana";
  EXPECT_TRUE(CheckField("ou", field_rules::kCertificateOu, dp3ap2kb, true).has_value());
  EXPECT_FALSE(CheckField("name", field_rules::kUnitName, dp3ap2kb, true).has_value());
}

TEST(FieldRulesTest, NamesTakeEveryScriptAndTitlesButNoDigitsOrDisguise) {
  for (const char* ok : {"Siti Nurhaliza", "Dr. Ir. Siti Aminah, S.T., M.Kom.", "O'Neil-Tan",
                         "\xE6\x9D\x8E\xE5\xB0\x8F\xE9\xBE\x99", "Ni Luh Putu Ayu Widyaningsih"}) {
    EXPECT_FALSE(CheckField("n", field_rules::kFullName, ok, true).has_value()) << ok;
  }
  struct Bad {
    std::string value;
    const char* reason;
  };
  for (const Bad& bad : {Bad{"Budi2", "NOT_A_NAME"}, Bad{"Budi\nSantoso", "LINE_BREAK"},
                         Bad{"Budi\x07", "CONTROL_CHARACTER"}, Bad{"Budi\xFF", "INVALID_UTF8"},
                         Bad{"Budi\xE2\x80\xAE"
                             "ositnaS",
                             "INVISIBLE_CHARACTER"},  // RLO
                         Bad{"Bu\xE2\x80\x8B"
                             "di",
                             "INVISIBLE_CHARACTER"},  // ZWSP
                         Bad{"   ", "REQUIRED"}, Bad{".,-", "NOT_A_NAME"}}) {
    std::optional<FieldViolation> v = CheckField("n", field_rules::kFullName, bad.value, true);
    ASSERT_TRUE(v.has_value()) << bad.value;
    EXPECT_EQ(v->reason, bad.reason) << bad.value;
    EXPECT_FALSE(v->description.empty());
    EXPECT_FALSE(v->description_id.empty());
  }
}

TEST(FieldRulesTest, NotesAndReasonsKeepTheirLineBreaksButNoCarriageReturn) {
  EXPECT_FALSE(
      CheckField("note", field_rules::kNote, "Baris satu\n\tbaris dua", false).has_value());
  std::optional<FieldViolation> v =
      CheckField("note", field_rules::kNote, "Baris satu\r\nbaris dua", false);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->reason, "LINE_BREAK");
  EXPECT_FALSE(CheckField("note", field_rules::kNote, "", false).has_value());
  EXPECT_EQ(CheckField("note", field_rules::kReason, "  ", true)->reason, "REQUIRED");
}

TEST(FieldRulesTest, CodesAreUpperCaseLettersDigitsAndDashes) {
  EXPECT_FALSE(CheckField("u", field_rules::kUnitCode, "DP3AP2KB", true).has_value());
  EXPECT_EQ(CheckField("u", field_rules::kUnitCode, "Dinas Kesehatan", true)->reason, "NOT_A_CODE");
  EXPECT_EQ(CheckField("u", field_rules::kUnitCode, Repeat("A", 33), true)->reason, "TOO_LONG");
}

TEST(FieldRulesTest, ViolationsSurviveTheStatusPayloadWithBothLanguages) {
  FieldViolations v;
  v.AddIf(CheckField("applicant.full_name", field_rules::kFullName, Repeat("a", 70), true));
  v.AddIf(CheckField("note", field_rules::kNote, "ok", false));  // none
  std::vector<FieldViolation> back = FieldViolations::FromStatus(v.ToStatus("invalid"));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].field, "applicant.full_name");
  EXPECT_EQ(back[0].reason, "TOO_LONG");
  EXPECT_NE(back[0].description_id.find("karakter"), std::string::npos);
}

}  // namespace
}  // namespace sertel
