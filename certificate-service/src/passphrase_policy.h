// SOP step 6: the passphrase the owner types protects their private key, so it must not be
// guessable from what is known about them. Every rule that fails is reported (never the
// passphrase itself), so the owner can fix everything at once.
//
//   PassphrasePolicy policy;
//   std::vector<std::string> broken = policy.Check(passphrase, {.nik = ..., .nip = ...,
//                                                               .full_name = ...});
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace sertel::certificate {

struct PassphraseContext {
  std::string nik;        // 16 digits; DDMMYY birth date at positions 7-12 (+40 on the day: women)
  std::string nip;        // 18 digits; YYYYMMDD birth date first
  std::string full_name;  // its parts of 3+ letters must not appear
};

class PassphrasePolicy {
 public:
  static constexpr size_t kMinLength = 10;
  static constexpr int kMinClasses = 3;  // of lower case, upper case, digits, symbols

  // One human-readable description per broken rule; empty when the passphrase is acceptable.
  std::vector<std::string> Check(absl::string_view passphrase,
                                 const PassphraseContext& context) const;
};

}  // namespace sertel::certificate
