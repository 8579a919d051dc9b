// SOP step 1's rules on the applicant: each field against common/field_rules.h (the limits the
// later steps impose, e.g. the name is the certificate's CN, so at most 64 characters), the NIK
// and the NIP against their structure and against each other (both encode the birth date and
// the sex), and the unit against the unit registry. Every problem is a bilingual field
// violation, all of them at once. Plain C++ on records.
//
//   FieldViolations v;
//   CheckApplicant(input.applicant, units, today, v);
#pragma once

#include "absl/time/civil_time.h"
#include "common/field_violations.h"
#include "intake_records.h"
#include "unit_registry.h"

namespace sertel::intake {

// Adds every violation of `a` to `v` under "applicant.<field>". `today` (in Jakarta) bounds the
// birth and appointment dates.
void CheckApplicant(const ApplicantRecord& a, const UnitRegistry& units, absl::CivilDay today,
                    FieldViolations& v);

}  // namespace sertel::intake
