// The applicant's identity fields as step 1 checks them (common/validators.h): NIK, NIP, phone,
// email, names and free text. Whatever the bytes, each validator answers without crashing, and
// what it accepts is what a later step accepts too (a NIK that ParseNik accepts validates; a
// NIP likewise).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/time/civil_time.h"
#include "common/validators.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const absl::CivilDay today(2026, 12, 1);
  bool nik_parsed = sertel::ParseNik(input, today).ok();
  if (nik_parsed != sertel::ValidateNik(input, today).ok()) std::abort();
  bool nip_parsed = sertel::ParseNip(input, today).ok();
  if (nip_parsed != sertel::ValidateNip(input, today).ok()) std::abort();
  (void)sertel::ValidateIndonesianPhone(input);
  (void)sertel::ValidateEmail(input);
  (void)sertel::ValidateFullName(input);
  (void)sertel::ValidateText(input, 1000, true);
  (void)sertel::ValidateText(input, 64, false);
  return 0;
}
