// How far an application went after step 1, as intake mirrors it from the reports disposition
// (the case, SOP steps 2-5) and certificate (the enrollment, steps 5-7) send through their
// outboxes (IntakeService.RecordProgress): per source, a report is applied only when its version
// is newer than the last one applied, so a late or repeated report changes nothing; the status
// across the SOP is derived from intake's own status and both reports by SopStatus::Merge, the
// same rule GetApplication applies to the live answers. Pure rules on records: no SQL, no gRPC.
//
//   if (absl::Status s = CheckProgressReport(input); !s.ok()) return s;
//   if (ApplyProgressReport(input, &after.progress)) Rederive(&after);
#pragma once

#include <optional>

#include "absl/status/status.h"
#include "intake_records.h"

namespace sertel::intake {

// INVALID_ARGUMENT naming every bad field: application_id a UUID, a known source, version >= 1,
// a status the source can report (the case: IN_REVIEW, RETURNED, REJECTED, SENT_TO_CA,
// WITHDRAWN; the enrollment: AWAITING_PASSPHRASE, ISSUED, HANDED_OVER, REVOKED), a step 1-7 and
// the time of the change.
absl::Status CheckProgressReport(const ProgressInput& in);

// Applies `in` (checked) to `mirror` when its version is newer than the stored one of its
// source; false, and nothing changed, for an older or equal one.
bool ApplyProgressReport(const ProgressInput& in, ProgressMirror* mirror);

// The case and the enrollment as last reported (nullopt: no report yet), without timelines.
std::optional<CaseView> MirroredCase(const ApplicationRecord& a);
std::optional<EnrollmentView> MirroredEnrollment(const ApplicationRecord& a);

// Sets a->sop_status and a->sop_step from intake's own status and the mirror: the
// certificate's report wins over the case's, which wins over intake's SUBMITTED; intake's
// WITHDRAWN stays unless the certificate reported (SopStatus::Merge).
void Rederive(ApplicationRecord* a);

}  // namespace sertel::intake
