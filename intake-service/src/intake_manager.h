// SOP step 1 as intake-service does it: accepts an application with its four documents, keeps
// every document version, answers where the application stands across the whole SOP, and lets
// the applicant resubmit (when RETURNED) or withdraw (before SENT_TO_CA). Handlers call it with
// the authenticated caller (RPC roles were checked already); it returns absl::Status. No gRPC,
// no SQL: the store, the downstream readers and the clock are injected.
//
//   IntakeManager intake(&store, &case_client, &enrollment_client, SystemClock::Default(),
//                        {.max_document_bytes = 5 << 20});
//   absl::Status s = intake.Submit(caller, request, &application);
#pragma once

#include <string>

#include "absl/status/status.h"
#include "common/notification_client.h"  // kSendNotificationTopic
#include "common/auth.h"
#include "common/clock.h"
#include "downstream.h"
#include "intake_store.h"
#include "sertel/v1/intake.pb.h"
#include "sop_status.h"
#include "submission_rules.h"

namespace sertel::intake {

// Outbox topics (`<callee>.<Rpc>`); the payload is the serialized request.
inline constexpr char kOpenCaseTopic[] = "disposition.OpenCase";
inline constexpr char kResumeCaseTopic[] = "disposition.ResumeCase";
inline constexpr char kWithdrawCaseTopic[] = "disposition.WithdrawCase";

class IntakeManager {
 public:
  struct Options {
    int64_t max_document_bytes = 5 << 20;
  };
  IntakeManager(IntakeStore* store, CaseReader* cases, EnrollmentReader* enrollments,
                const Clock* clock, Options options);

  absl::Status Submit(const Principal& caller, const v1::SubmitApplicationRequest& request,
                      v1::Application* out);
  // Intake's view merged with the case and the enrollment (best effort: when they cannot be
  // asked, intake's own view).
  absl::Status Get(const Principal& caller, const std::string& id, v1::Application* out);
  // Intake's own status; newest first; keyset paging.
  absl::Status List(const Principal& caller, const v1::ListApplicationsRequest& request,
                    v1::ListApplicationsResponse* out);
  absl::Status GetDocument(const Principal& caller, const v1::GetDocumentRequest& request,
                           v1::Document* out);
  absl::Status Resubmit(const Principal& caller, const v1::ResubmitDocumentsRequest& request,
                        v1::Application* out);
  absl::Status Withdraw(const Principal& caller, const v1::WithdrawApplicationRequest& request,
                        v1::Application* out);

  // Keyset page tokens: base64url of "<created_at micros>|<id>".
  static std::string EncodePageToken(int64_t created_micros, const std::string& id);
  static bool DecodePageToken(const std::string& token, int64_t* created_micros, std::string* id);
  static bool IsUuid(absl::string_view s);

 private:
  absl::StatusOr<ApplicationRecord> LoadOwned(const Principal& caller, const std::string& id,
                                              RoleSet privileged, absl::string_view field);
  void Fill(const ApplicationRecord& a, const SopView& view, v1::Application* out) const;
  SopView OwnView(const ApplicationRecord& a) const;

  IntakeStore* store_;
  CaseReader* cases_;
  EnrollmentReader* enrollments_;
  const Clock* clock_;
  SubmissionRules rules_;
};

}  // namespace sertel::intake
