// Unit tests for common/validators.h: NIK, NIP, phone, email, free text and full names.
#include "common/validators.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sertel {
namespace {

using ::testing::HasSubstr;

// All date rules read this "today", so the tests do not depend on when they run.
const absl::CivilDay kToday(2025, 6, 1);

struct Case {
  std::string input;
  bool valid;
  std::string why;  // printed when the case fails
};

void ExpectInvalid(const absl::Status& status, absl::string_view message_part) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(std::string(message_part)));
}

// ---- NIK ----

TEST(NikTest, AcceptsValidAndRejectsInvalidStructures) {
  const std::vector<Case> cases = {
      {"3171234501900001", true, "Jakarta Selatan, woman born 05-01-1990"},
      {"3273011508850003", true, "Kota Bandung, man born 15-08-1985"},
      {"1101010101000001", true, "Aceh, the lowest province code"},
      {"2171010101000001", true, "Kepulauan Riau (21)"},
      {"9201010101000001", true, "province 92 (one of the Papua codes)"},
      {"9671010101000001", true, "new Papua province 96"},
      {"3171997112990001", true, "woman born 31-12-1999 (DD+40 = 71)"},
      {"1071010101000001", false, "province 10 does not exist"},
      {"2071010101000001", false, "province 20 does not exist"},
      {"3771010101000001", false, "province 37 does not exist"},
      {"9771010101000001", false, "province 97 does not exist"},
      {"0071010101000001", false, "province 00"},
      {"3100010101000001", false, "regency 00"},
      {"3171000101000001", false, "district 00"},
      {"3171010001000001", false, "birth day 00"},
      {"3171013201000001", false, "birth day 32"},
      {"3171014001000001", false, "birth day 40 (neither man nor woman)"},
      {"3171017201000001", false, "birth day 72 (31+41)"},
      {"3171010100000001", false, "birth month 00"},
      {"3171010113000001", false, "birth month 13"},
      {"3171013104900001", false, "31 April does not exist"},
      {"3171017104900001", false, "31 April for a woman does not exist"},
      {"3171010101000000", false, "serial 0000"},
      {"317101010100001", false, "15 digits"},
      {"31710101010000011", false, "17 digits"},
      {"", false, "empty"},
      {"31710101010O0001", false, "letter O instead of zero"},
      {"3171 01010100001", false, "a space"},
      {"+171010101000001", false, "a sign"},
      {"3171010101000001 ", false, "trailing space"},
  };
  for (const Case& c : cases) {
    const absl::Status status = ValidateNik(c.input, kToday);
    EXPECT_EQ(status.ok(), c.valid) << c.why << " [" << c.input << "]: " << status;
    if (!c.valid) {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.why;
    }
  }
}

TEST(NikTest, ParsesRegionBirthDateAndGender) {
  absl::StatusOr<NikInfo> man = ParseNik("3273011508850003", kToday);
  ASSERT_TRUE(man.ok()) << man.status();
  EXPECT_EQ(man->province, 32);
  EXPECT_EQ(man->regency, 73);
  EXPECT_EQ(man->district, 1);
  EXPECT_EQ(man->birth_date, absl::CivilDay(1985, 8, 15));
  EXPECT_FALSE(man->female);

  absl::StatusOr<NikInfo> woman = ParseNik("3171234501900001", kToday);
  ASSERT_TRUE(woman.ok()) << woman.status();
  EXPECT_EQ(woman->district, 23);
  EXPECT_EQ(woman->birth_date, absl::CivilDay(1990, 1, 5));
  EXPECT_TRUE(woman->female);
}

TEST(NikTest, FebruaryTwentyNinthOnlyInLeapYears) {
  absl::StatusOr<NikInfo> y2000 = ParseNik("3171012902000001", kToday);
  ASSERT_TRUE(y2000.ok()) << y2000.status();
  EXPECT_EQ(y2000->birth_date, absl::CivilDay(2000, 2, 29));

  absl::StatusOr<NikInfo> y1996_woman = ParseNik("3171016902960001", kToday);
  ASSERT_TRUE(y1996_woman.ok()) << y1996_woman.status();
  EXPECT_EQ(y1996_woman->birth_date, absl::CivilDay(1996, 2, 29));
  EXPECT_TRUE(y1996_woman->female);

  ExpectInvalid(ValidateNik("3171012902010001", kToday),
                "NIK birth date 290201 is not a real date");
  ExpectInvalid(ValidateNik("3171016902970001", kToday), "not a real date");
  ExpectInvalid(ValidateNik("3171013102990001", kToday),
                "NIK birth date 310299 is not a real date");
}

TEST(NikTest, TwoDigitYearPicksTheLatestCenturyNotInTheFuture) {
  struct {
    std::string nik;
    absl::CivilDay birth;
  } cases[] = {
      {"3171010101250001", absl::CivilDay(2025, 1, 1)},  // this year, already past
      {"3171010106250001", absl::CivilDay(2025, 6, 1)},  // today
      {"3171010207250001", absl::CivilDay(1925, 7, 2)},  // later this year: last century
      {"3171010101260001", absl::CivilDay(1926, 1, 1)},  // YY above this year
      {"3171010101990001", absl::CivilDay(1999, 1, 1)},
      {"3171010101000001", absl::CivilDay(2000, 1, 1)},
  };
  for (const auto& c : cases) {
    absl::StatusOr<NikInfo> info = ParseNik(c.nik, kToday);
    ASSERT_TRUE(info.ok()) << c.nik << ": " << info.status();
    EXPECT_EQ(info->birth_date, c.birth) << c.nik;
  }
}

TEST(NikTest, ErrorMessagesSayWhatIsWrong) {
  ExpectInvalid(ValidateNik("12345", kToday), "NIK must be exactly 16 digits");
  ExpectInvalid(ValidateNik("1071010101000001", kToday), "province code 10");
  ExpectInvalid(ValidateNik("3100010101000001", kToday), "regency/city code");
  ExpectInvalid(ValidateNik("3171000101000001", kToday), "district code");
  ExpectInvalid(ValidateNik("3171017201000001", kToday), "birth day 72");
  ExpectInvalid(ValidateNik("3171010113000001", kToday), "birth month 13");
  ExpectInvalid(ValidateNik("3171010101000000", kToday), "must not be 0000");
}

TEST(NikTest, OverloadWithoutTodayUsesTheClock) {
  EXPECT_TRUE(ValidateNik("3273011508850003").ok());
  EXPECT_FALSE(ValidateNik("3273011508850000").ok());
  EXPECT_TRUE(ParseNik("3171234501900001").ok());
}

// ---- NIP ----

TEST(NipTest, AcceptsValidAndRejectsInvalidStructures) {
  const std::vector<Case> cases = {
      {"198503152010011002", true, "man born 1985-03-15, CPNS 2010-01"},
      {"199001012015032001", true, "woman born 1990-01-01, CPNS 2015-03"},
      {"194001011960011001", true, "born in 1940, the earliest year"},
      {"199012312008011001", true, "appointed in the year of the 18th birthday"},
      {"198503152025061002", true, "appointed this month"},
      {"200002292020011001", true, "born on 29 Feb 2000"},
      {"193912312000011001", false, "born before 1940"},
      {"198513152010011002", false, "birth month 13"},
      {"198502302010011002", false, "30 February"},
      {"190102292020011001", false, "29 Feb 1901"},
      {"198500152010011002", false, "birth day 00"},
      {"203001012050011001", false, "born in the future"},
      {"198503152010131002", false, "appointment month 13"},
      {"198503152010001002", false, "appointment month 00"},
      {"198503152025071002", false, "appointed next month"},
      {"199001012007121001", false, "appointed at 17"},
      {"198503152010010002", false, "gender digit 0"},
      {"198503152010013002", false, "gender digit 3"},
      {"198503152010011000", false, "serial 000"},
      {"19850315201001100", false, "17 digits"},
      {"1985031520100110021", false, "19 digits"},
      {"19850315 010011002", false, "space"},
      {"198503152010011O02", false, "letter O"},
      {"", false, "empty"},
  };
  for (const Case& c : cases) {
    const absl::Status status = ValidateNip(c.input, kToday);
    EXPECT_EQ(status.ok(), c.valid) << c.why << " [" << c.input << "]: " << status;
    if (!c.valid) {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.why;
    }
  }
}

TEST(NipTest, ParsesBirthAppointmentAndGender) {
  absl::StatusOr<NipInfo> info = ParseNip("199001012015032001", kToday);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->birth_date, absl::CivilDay(1990, 1, 1));
  EXPECT_EQ(info->appointed, absl::CivilMonth(2015, 3));
  EXPECT_TRUE(info->female);
  absl::StatusOr<NipInfo> man = ParseNip("198503152010011002", kToday);
  ASSERT_TRUE(man.ok()) << man.status();
  EXPECT_FALSE(man->female);
}

TEST(NipTest, ErrorMessagesSayWhatIsWrong) {
  ExpectInvalid(ValidateNip("1985", kToday), "NIP must be exactly 18 digits");
  ExpectInvalid(ValidateNip("198502302010011002", kToday),
                "NIP birth date 19850230 is not a real date");
  ExpectInvalid(ValidateNip("193912312000011001", kToday), "before 1940");
  ExpectInvalid(ValidateNip("203001012050011001", kToday),
                "NIP birth date 20300101 is in the future");
  ExpectInvalid(ValidateNip("198503152025071002", kToday), "in the future");
  ExpectInvalid(ValidateNip("199001012007121001", kToday), "less than 18 years");
  ExpectInvalid(ValidateNip("198503152010013002", kToday), "1 (male) or 2 (female)");
  ExpectInvalid(ValidateNip("198503152010011000", kToday), "must not be 000");
}

TEST(NipTest, OverloadWithoutTodayUsesTheClock) {
  EXPECT_TRUE(ValidateNip("198503152010011002").ok());
  EXPECT_FALSE(ValidateNip("198503152010011000").ok());
  EXPECT_TRUE(ParseNip("199001012015032001").ok());
}

// ---- Phone ----

TEST(PhoneTest, AcceptsOnlyE164IndonesianMobiles) {
  const std::vector<Case> cases = {
      {"+6281234567890", true, "typical Telkomsel number"},
      {"+6281234567", true, "8 digits after 62, the shortest"},
      {"+628123456789012", true, "13 digits after 62, the longest (E.164 max 15)"},
      {"+6285712345678", true, "another operator prefix"},
      {"+628123456", false, "7 digits after 62"},
      {"+6281234567890123", false, "14 digits after 62"},
      {"081234567890", false, "national form with leading 0"},
      {"6281234567890", false, "no plus"},
      {"+62081234567890", false, "+62 then the national 0"},
      {"+622112345678", false, "Jakarta landline (021)"},
      {"+14155550123", false, "not Indonesia"},
      {"+62 812 3456 7890", false, "spaces"},
      {"+62812-3456-7890", false, "dashes"},
      {"+62", false, "country code only"},
      {"", false, "empty"},
  };
  for (const Case& c : cases) {
    const absl::Status status = ValidateIndonesianPhone(c.input);
    EXPECT_EQ(status.ok(), c.valid) << c.why << " [" << c.input << "]: " << status;
    if (!c.valid) {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.why;
    }
  }
}

TEST(PhoneTest, ErrorMessagesExplainTheForm) {
  ExpectInvalid(ValidateIndonesianPhone("081234567890"), "+62");
  ExpectInvalid(ValidateIndonesianPhone("+62812"), "8 to 13 digits");
  ExpectInvalid(ValidateIndonesianPhone("+622112345678"), "mobile");
}

// ---- Email ----

TEST(EmailTest, AcceptsPracticalAddressesAndRejectsMalformedOnes) {
  const std::string local64(64, 'a');
  const std::string local65(65, 'a');
  // 252 characters, so that "a@" + it is 254, the longest allowed address.
  const std::string label63(63, 'b');
  const std::string domain252 =
      absl::StrCat(label63, ".", label63, ".", label63, ".", std::string(57, 'c'), ".id");
  const std::vector<Case> cases = {
      {"budi.santoso@jakarta.go.id", true, "ordinary government address"},
      {"a@b.co", true, "shortest sensible"},
      {"first+tag@sub.example.com", true, "plus tag"},
      {"o'brien@example.org", true, "apostrophe is atext"},
      {"x_y-z@my-domain.id", true, "underscore, hyphens"},
      {"Budi.Santoso@Jakarta.GO.ID", true, "upper case"},
      {"1234@123.example.com", true, "digits in labels"},
      {local64 + "@example.com", true, "64-character local part"},
      {"a@" + domain252, true, "254 characters in total"},
      {"", false, "empty"},
      {"no-at.example.com", false, "no @"},
      {"@example.com", false, "empty local part"},
      {"a@", false, "empty domain"},
      {"a@localhost", false, "domain without a dot"},
      {".a@example.com", false, "leading dot"},
      {"a.@example.com", false, "trailing dot in local part"},
      {"a..b@example.com", false, "double dot in local part"},
      {"a@example..com", false, "empty label"},
      {"a@.example.com", false, "leading dot in domain"},
      {"a@example.com.", false, "trailing dot in domain"},
      {"a@-example.com", false, "label starting with a hyphen"},
      {"a@example-.com", false, "label ending with a hyphen"},
      {"a@example.c", false, "one-letter TLD"},
      {"a@example.c0m", false, "digit in TLD"},
      {"a@192.168.1.1", false, "IP address"},
      {"a@exa_mple.com", false, "underscore in domain"},
      {"a b@example.com", false, "space"},
      {"a@b@example.com", false, "two @"},
      {"\"a\"@example.com", false, "quoted local part is not supported"},
      {"a(b)@example.com", false, "comment characters"},
      {"j\xC3\xB6rg@example.com", false, "non-ASCII local part"},
      {"budi@ex\xC3\xA4mple.com", false, "non-ASCII domain (use punycode)"},
      {"a\x01@example.com", false, "control character"},
      {"a@example.com\n", false, "trailing newline"},
      {local65 + "@example.com", false, "65-character local part"},
      {"ab@" + domain252, false, "255 characters in total"},
      {"a@" + std::string(64, 'b') + ".com", false, "64-character label"},
  };
  ASSERT_EQ(("a@" + domain252).size(), 254u);
  for (const Case& c : cases) {
    const absl::Status status = ValidateEmail(c.input);
    EXPECT_EQ(status.ok(), c.valid) << c.why << " [" << c.input << "]: " << status;
    if (!c.valid) {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.why;
    }
  }
}

TEST(EmailTest, ErrorMessagesSayWhatIsWrong) {
  ExpectInvalid(ValidateEmail("a@localhost"), "at least two parts");
  ExpectInvalid(ValidateEmail("a..b@example.com"), "two dots");
  ExpectInvalid(ValidateEmail("a(b@example.com"), "'('");
  ExpectInvalid(ValidateEmail("a@example.c"), "top-level domain");
  ExpectInvalid(ValidateEmail("a b@example.com"), "spaces");
}

// ---- Free text ----

TEST(TextTest, AcceptsValidUtf8AndRejectsControlsAndBadEncodings) {
  struct TextCase {
    std::string text;
    size_t max;
    bool allow_newlines;
    bool valid;
    std::string why;
  };
  const std::vector<TextCase> cases = {
      {"", 10, false, true, "empty text"},
      {"Mohon segera diproses", 100, false, true, "plain ASCII"},
      {"Caf\xC3\xA9 \xE2\x98\x95 \xF0\x9D\x84\x9E", 100, false, true, "2-, 3- and 4-byte forms"},
      {"baris 1\nbaris 2\tkolom", 100, true, true, "newline and tab when allowed"},
      {"baris 1\nbaris 2", 100, false, false, "newline when not allowed"},
      {"kolom\tkolom", 100, false, false, "tab when not allowed"},
      {"baris 1\r\nbaris 2", 100, true, false, "carriage return"},
      {"bell\x07", 100, true, false, "BEL"},
      {std::string("nul\0byte", 8), 100, true, false, "NUL"},
      {"del\x7F", 100, true, false, "DEL"},
      {"esc\x1B[31m", 100, true, false, "ANSI escape"},
      {"nel\xC2\x85", 100, true, false, "C1 control U+0085"},
      {"\xC3\xA9\xC3\xA9\xC3\xA9", 3, false, true, "3 code points in 6 bytes fit 3"},
      {"\xC3\xA9\xC3\xA9\xC3\xA9", 2, false, false, "3 code points exceed 2"},
      {"\xF0\x9F\x98\x80", 1, false, true, "an emoji is one code point"},
      {"abcd", 4, false, true, "exactly the maximum"},
      {"abcde", 4, false, false, "one over the maximum"},
      {"\xC0\xAF", 100, false, false, "overlong '/' (2 bytes)"},
      {"\xC1\x81", 100, false, false, "overlong 'A'"},
      {"\xE0\x80\xAF", 100, false, false, "overlong '/' (3 bytes)"},
      {"\xF0\x80\x80\xAF", 100, false, false, "overlong '/' (4 bytes)"},
      {"\xED\xA0\x80", 100, false, false, "UTF-16 surrogate U+D800"},
      {"\xED\xBF\xBF", 100, false, false, "UTF-16 surrogate U+DFFF"},
      {"\xED\x9F\xBF", 100, false, true, "U+D7FF, just below the surrogates"},
      {"\xF4\x8F\xBF\xBF", 100, false, true, "U+10FFFF, the last code point"},
      {"\xF4\x90\x80\x80", 100, false, false, "above U+10FFFF"},
      {"\xF5\x80\x80\x80", 100, false, false, "F5 lead byte"},
      {"\x80", 100, false, false, "stray continuation byte"},
      {"ab\xC3", 100, false, false, "truncated sequence at the end"},
      {"\xE2\x82", 100, false, false, "truncated 3-byte sequence"},
      {"\xC3\x28", 100, false, false, "bad continuation byte"},
      {"\xFF\xFE", 100, false, false, "FF FE"},
  };
  for (const TextCase& c : cases) {
    const absl::Status status = ValidateText(c.text, c.max, c.allow_newlines);
    EXPECT_EQ(status.ok(), c.valid) << c.why << ": " << status;
    if (!c.valid) {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.why;
    }
  }
}

TEST(TextTest, ErrorMessagesSayWhatIsWrong) {
  ExpectInvalid(ValidateText("ab\xC0\xAF", 100, false), "not valid UTF-8 (bad byte at offset 2)");
  ExpectInvalid(ValidateText("bell\x07", 100, true), "U+0007");
  ExpectInvalid(ValidateText("a\nb", 100, false), "single line");
  ExpectInvalid(ValidateText("abcde", 4, false), "5 characters long; at most 4");
}

// ---- Full name ----

TEST(FullNameTest, AcceptsNamesInAnyScriptWithTitles) {
  const std::string e_acute = "\xC3\xA9";
  // The name is the certificate's CN: 64 characters (not bytes) at most (field_rules::kFullName).
  std::string name64;
  for (int i = 0; i < 64; ++i) name64 += e_acute;  // 64 code points, 128 bytes
  const std::vector<Case> cases = {
      {"Budi Santoso", true, "plain"},
      {"Dr. Ir. Siti Aminah, S.T., M.Kom.", true, "academic titles"},
      {"I Gusti Ngurah Rai", true, "Balinese name"},
      {"D'Arcy O'Neil-Smith", true, "apostrophes and hyphen"},
      {"\xC3\x91o\xC3\xB1o Mu\xC3\xB1oz", true, "Latin diacritics"},
      {"\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF", true, "Arabic script"},
      {"\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E", true, "Chinese characters"},
      {"  Budi  ", true, "surrounding spaces are trimmed"},
      {"Soekarno", true, "single name, common in Indonesia"},
      {name64, true, "64 code points"},
      {name64 + "a", false, "65 code points"},
      {std::string(65, 'a'), false, "65 ASCII letters"},
      {"", false, "empty"},
      {"    ", false, "only spaces"},
      {"...", false, "no letters"},
      {"Budi2", false, "digit"},
      {"Budi@Santoso", false, "@"},
      {"Budi_Santoso", false, "underscore"},
      {"Budi/Santoso", false, "slash"},
      {"Budi\tSantoso", false, "tab"},
      {"Budi\nSantoso", false, "newline"},
      {"\tBudi", false, "leading tab (only spaces are trimmed)"},
      {"Budi\xC2\x85", false, "C1 control"},
      {"Budi\xFF", false, "invalid UTF-8"},
      {"Budi\xC0\xA0", false, "overlong space"},
      {"<script>", false, "markup"},
  };
  for (const Case& c : cases) {
    const absl::Status status = ValidateFullName(c.input);
    EXPECT_EQ(status.ok(), c.valid) << c.why << ": " << status;
    if (!c.valid) {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.why;
    }
  }
}

TEST(FullNameTest, ErrorMessagesSayWhatIsWrong) {
  ExpectInvalid(ValidateFullName("   "), "must not be empty");
  ExpectInvalid(ValidateFullName("Budi2"), "'2'");
  ExpectInvalid(ValidateFullName(std::string(200, 'a')), "200 characters long; at most 64");
  ExpectInvalid(ValidateFullName("Budi\xFF"), "UTF-8");
}

// ---- All of them ----

TEST(ValidatorsTest, MessagesDoNotEchoHugeInput) {
  const std::string huge(100000, '9');
  const std::string huge_letters(100000, 'x');
  const std::vector<absl::Status> statuses = {
      ValidateNik(huge, kToday),
      ValidateNip(huge, kToday),
      ValidateIndonesianPhone("+62" + huge),
      ValidateEmail(huge_letters + "@example.com"),
      ValidateEmail("a@" + huge_letters + ".com"),
      ValidateText(huge_letters, 10, false),
      ValidateText(huge_letters + "\x01", 1000000, false),
      ValidateFullName(huge_letters),
      ValidateFullName(huge_letters + "1"),
  };
  for (const absl::Status& status : statuses) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_LT(status.message().size(), 200u) << status.message().substr(0, 300);
  }
}

TEST(ValidatorsTest, CivilDayInJakartaIsUtcPlusSeven) {
  // 2025-06-01T17:00:00Z is already 2 June in Jakarta.
  EXPECT_EQ(CivilDayInJakarta(absl::FromUnixSeconds(1748797200)), absl::CivilDay(2025, 6, 2));
  EXPECT_EQ(CivilDayInJakarta(absl::FromUnixSeconds(1748797199)), absl::CivilDay(2025, 6, 1));
}

}  // namespace
}  // namespace sertel
