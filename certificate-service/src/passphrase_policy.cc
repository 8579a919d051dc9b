#include "passphrase_policy.h"

#include <openssl/crypto.h>

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace sertel::certificate {
namespace {

// The most common passwords of 10+ characters in public breach lists, plus Indonesian
// favourites; compared case-insensitively against the whole passphrase.
constexpr const char* kCommon[] = {
    "1234567890",   "12345678910",   "123456789a",    "0987654321",    "1q2w3e4r5t",
    "1qaz2wsx3edc", "qwertyuiop",    "qwerty12345",   "qwerty123!",    "qwerty123456",
    "password1",    "password12",    "password123",   "password123!",  "password1234",
    "passw0rd123",  "p@ssw0rd123",   "p@ssw0rd123!",  "p@ssword123",   "passw0rd!23",
    "iloveyou12",   "iloveyou123",   "abcdefghij",    "abcd123456",    "abc1234567",
    "admin12345",   "admin123456",   "admin12345!",   "administrator", "welcome123",
    "welcome123!",  "welcome@123",   "letmein123",    "football123",   "princess123",
    "sunshine123",  "superman123",   "1234567890a",   "aa12345678",    "zxcvbnm123",
    "asdfghjkl1",   "indonesia1",    "indonesia123",  "indonesia45",   "indonesia@123",
    "bismillah1",   "bismillah123",  "bismillah123!", "alhamdulillah", "sayangku123",
    "rahasia123",   "rahasia123!",   "jakarta123",    "jakarta123!",   "merdeka1945",
    "merahputih1",  "garuda12345",   "pancasila45",   "kominfo123",    "kominfo123!",
    "Sertifikat1!", "sertifikat123", "pemkot12345",   "pegawai12345",  "Pa$$w0rd123",
};

bool ContainsFolded(const std::string& haystack_lower, absl::string_view needle) {
  if (needle.empty()) return false;
  return haystack_lower.find(absl::AsciiStrToLower(needle)) != std::string::npos;
}

std::string DigitsOnly(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) out.push_back(c);
  }
  return out;
}

// Birth-date spellings an attacker would try: DDMMYYYY, YYYYMMDD, DDMMYY, YYMMDD.
std::vector<std::string> BirthDateForms(const PassphraseContext& c) {
  std::string dd, mm, yyyy, yy;
  if (c.nip.size() == 18 && DigitsOnly(c.nip) == c.nip) {
    yyyy = c.nip.substr(0, 4);
    mm = c.nip.substr(4, 2);
    dd = c.nip.substr(6, 2);
    yy = yyyy.substr(2);
  } else if (c.nik.size() == 16 && DigitsOnly(c.nik) == c.nik) {
    int day = std::stoi(c.nik.substr(6, 2));
    if (day > 40) day -= 40;  // women: day + 40
    dd = absl::StrCat(day < 10 ? "0" : "", day);
    mm = c.nik.substr(8, 2);
    yy = c.nik.substr(10, 2);
  } else {
    return {};
  }
  std::vector<std::string> forms = {dd + mm + yy, yy + mm + dd};
  if (!yyyy.empty()) {
    forms.push_back(dd + mm + yyyy);
    forms.push_back(yyyy + mm + dd);
  }
  return forms;
}

}  // namespace

std::vector<std::string> PassphrasePolicy::Check(absl::string_view passphrase,
                                                 const PassphraseContext& context) const {
  std::vector<std::string> broken;
  // Characters, not bytes: count UTF-8 lead bytes.
  size_t chars = 0;
  for (unsigned char c : passphrase) chars += (c & 0xC0) != 0x80;
  if (chars < kMinLength) {
    broken.push_back(absl::StrCat("must be at least ", kMinLength, " characters long"));
  }
  // A NUL would cut the passphrase short where it is handed to C (the legacy PKCS#12 path), and
  // no control character can be typed reliably on every client.
  for (unsigned char c : passphrase) {
    if (c < 0x20 || c == 0x7f) {
      broken.push_back("must not contain control characters (tab, newline, NUL, ...)");
      break;
    }
  }
  bool lower = false, upper = false, digit = false, symbol = false;
  for (unsigned char c : passphrase) {
    if (std::islower(c))
      lower = true;
    else if (std::isupper(c))
      upper = true;
    else if (std::isdigit(c))
      digit = true;
    else
      symbol = true;
  }
  if (lower + upper + digit + symbol < kMinClasses) {
    broken.push_back(absl::StrCat("must mix at least ", kMinClasses,
                                  " of: lower-case letters, upper-case letters, digits, symbols"));
  }
  std::string folded = absl::AsciiStrToLower(passphrase);
  std::string digits = DigitsOnly(passphrase);
  if (ContainsFolded(folded, context.nik) && context.nik.size() >= 6) {
    broken.push_back("must not contain the NIK");
  }
  if (ContainsFolded(folded, context.nip) && context.nip.size() >= 6) {
    broken.push_back("must not contain the NIP");
  }
  for (const std::string& form : BirthDateForms(context)) {
    // Separators ("12-05-1990") are ignored by looking at the digits only.
    if (digits.find(form) != std::string::npos) {
      broken.push_back("must not contain the birth date");
      break;
    }
  }
  for (absl::string_view part :
       absl::StrSplit(context.full_name, absl::ByAnyChar(" .,'-"), absl::SkipEmpty())) {
    if (part.size() >= 3 && ContainsFolded(folded, part)) {
      broken.push_back("must not contain a part of the holder's name");
      break;
    }
  }
  for (const char* common : kCommon) {
    if (folded == absl::AsciiStrToLower(common)) {
      broken.push_back("is one of the most common passwords");
      break;
    }
  }
  // The copies made here are the passphrase too.
  OPENSSL_cleanse(folded.data(), folded.size());
  OPENSSL_cleanse(digits.data(), digits.size());
  return broken;
}

}  // namespace sertel::certificate
