#include "disposition_roles.h"

namespace sertel::disposition {

const RoleTable& DispositionRoles() {
  static const RoleTable kTable = {
      // Intake's calls.
      {"OpenCase", ServicesOnly(kIntakeOnly)},
      {"ResumeCase", ServicesOnly(kIntakeOnly)},
      {"WithdrawCase", ServicesOnly(kIntakeOnly)},
      // The officials' work at their step.
      {"ListInbox", kStepRoles},
      {"Forward", kForwardRoles},
      {"Verify", kVerifyRoles},
      {"Return", kStepRoles},
      {"Reject", kStepRoles},
      // Reads.
      {"GetCase", {kCaseReaderRoles, kIntakeOnly}},
      {"GetSlaReport", kSlaReaderRoles},
  };
  return kTable;
}

}  // namespace sertel::disposition
