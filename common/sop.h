// The SOP's seven steps and their standard times, the one place every service reads them from.
// SOP, "Mutu Baku" (quality standard): 1 the applicant submits the letter and the four items,
// 2 the head of agency, 3 the head of division and 4 the head of section review and disposition
// it, 5 the verifier checks completeness and sends it to the CA - 15 minutes each; 6 the owner
// comes in and enters the passphrase, 7 the verifier downloads the certificate and hands it
// over by email or WhatsApp - 10 minutes each.
//
//   absl::Time due = step_entered_at + SopStandardTime(current_step);
#pragma once

#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sertel {

inline constexpr int kFirstSopStep = 1;
inline constexpr int kLastSopStep = 7;

// The standard time of `step`; zero for a number that is not an SOP step.
constexpr absl::Duration SopStandardTime(int step) {
  if (step >= 1 && step <= 5) return absl::Minutes(15);
  if (step == 6 || step == 7) return absl::Minutes(10);
  return absl::ZeroDuration();
}

// SOP step 1's four required items (Kelengkapan), by their sertel.v1.DocumentKind number: the
// request letter, the BSrE request form, the KTP copy and the SK copy; nullopt for any other.
constexpr std::optional<absl::string_view> SopDocumentKindName(int kind) {
  switch (kind) {
    case 1:
      return "REQUEST_LETTER";
    case 2:
      return "BSRE_FORM";
    case 3:
      return "KTP_COPY";
    case 4:
      return "SK_COPY";
    default:
      return std::nullopt;
  }
}

}  // namespace sertel
