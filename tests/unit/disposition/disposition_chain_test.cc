// The disposition chain's rules without a database: which role acts at which step, the contract's
// order of checks, the transitions of SOP steps 2-5, the timeline entries with their waiting time
// against the SOP's 15 minutes (FakeClock), the outbox items a decision owes, input checks naming
// every bad field, the idempotency of the service calls, and the inbox refusing page tokens it
// did not issue.
#include "disposition_chain.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/field_rules.h"
#include "common/field_violations.h"
#include "common/notification_order.h"
#include "common/page_token.h"
#include "common/progress_report.h"
#include "disposition_manager.h"
#include "disposition_payloads.h"
#include "disposition_validation.h"
#include "gtest/gtest.h"
#include "sertel/v1/certificate.pb.h"
#include "sertel/v1/intake.pb.h"
#include "sertel/v1/notification.pb.h"

namespace sertel::disposition {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

OpenInput MakeOpen(const std::string& id, const std::string& key, const std::string& name,
                   const std::string& email) {
  OpenInput in;
  in.application_id = id;
  in.request_id = key;
  in.applicant.full_name = name;
  in.applicant.email = email;
  return in;
}

Actor As(Role r, const std::string& sub = "official") { return Actor{.sub = sub, .roles = {r}}; }

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  for (const FieldViolation& v : FieldViolations::FromStatus(s)) out.push_back(v.field);
  return out;
}

class ChainTest : public ::testing::Test {
 protected:
  CaseRecord Opened() {
    OpenInput in = MakeOpen("app-1", "intake:open:app-1", "Siti Aminah", "siti@example.go.id");
    absl::StatusOr<CaseChange> ch =
        chain_.Open(nullptr, std::nullopt, in, As(Role::kService, "intake"));
    EXPECT_TRUE(ch.ok()) << ch.status();
    return ch->after;
  }
  // The case after `change`, as the store would hand it back.
  static CaseRecord After(const absl::StatusOr<CaseChange>& ch) {
    EXPECT_TRUE(ch.ok()) << ch.status();
    return ch->after;
  }
  CaseRecord AtStep(int step) {
    CaseRecord c = Opened();
    while (c.current_step < step) {
      c = After(chain_.Forward(&c, c.version, As(*DispositionChain::RoleForStep(c.current_step)),
                               "lanjut"));
    }
    return c;
  }

  FakeClock clock_{kT0};
  DispositionChain chain_{&clock_};
};

TEST(ChainRoles, EachStepHasTheSopsRole) {
  EXPECT_EQ(DispositionChain::RoleForStep(2), Role::kHeadOfAgency);
  EXPECT_EQ(DispositionChain::RoleForStep(3), Role::kHeadOfDivision);
  EXPECT_EQ(DispositionChain::RoleForStep(4), Role::kHeadOfSection);
  EXPECT_EQ(DispositionChain::RoleForStep(5), Role::kVerifier);
  EXPECT_FALSE(DispositionChain::RoleForStep(1).has_value());
  EXPECT_FALSE(DispositionChain::RoleForStep(6).has_value());
  EXPECT_EQ(DispositionChain::StepForRole(Role::kHeadOfSection), 4);
  EXPECT_FALSE(DispositionChain::StepForRole(Role::kAuditor).has_value());
  EXPECT_EQ(DispositionChain::InboxStep({Role::kVerifier, Role::kHeadOfDivision}), 3);
  EXPECT_FALSE(DispositionChain::InboxStep({Role::kAuditor, Role::kApplicant}).has_value());
}

TEST(ChainRoles, StandardTimesAreTheSops) {
  for (int step = 1; step <= 5; ++step) {
    EXPECT_EQ(DispositionChain::StandardTime(step), absl::Minutes(15)) << step;
  }
  EXPECT_EQ(DispositionChain::StandardTime(6), absl::Minutes(10));
  EXPECT_EQ(DispositionChain::StandardTime(7), absl::Minutes(10));
}

TEST_F(ChainTest, OpenStartsAtStepTwoWithAnOpenedEntryAndDueInFifteenMinutes) {
  CaseRecord c = Opened();
  EXPECT_EQ(c.status, CaseStatus::kInReview);
  EXPECT_EQ(c.current_step, 2);
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.opened_at, kT0);
  EXPECT_EQ(DispositionChain::DueAt(c), kT0 + absl::Minutes(15));
}

TEST_F(ChainTest, OpenIsIdempotentOnRequestIdAndOnApplication) {
  CaseRecord c = Opened();
  OpenInput in = MakeOpen("app-1", "another-key", "X", "x@example.go.id");
  absl::StatusOr<CaseChange> again = chain_.Open(&c, std::nullopt, in, As(Role::kService));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->kind, CaseChange::Kind::kNone);
  absl::StatusOr<CaseChange> repeat =
      chain_.Open(&c, SeenRequest{"app-1", "OPEN"}, in, As(Role::kService));
  ASSERT_TRUE(repeat.ok());
  EXPECT_EQ(repeat->kind, CaseChange::Kind::kNone);
  // The same key for another application is a reuse, not a repeat.
  absl::StatusOr<CaseChange> reuse =
      chain_.Open(nullptr, SeenRequest{"app-9", "OPEN"}, in, As(Role::kService));
  EXPECT_TRUE(absl::IsAlreadyExists(reuse.status())) << reuse.status();
}

TEST_F(ChainTest, FullChainForwardsTwoToFiveThenVerifySendsToCa) {
  CaseRecord c = Opened();
  for (int step = 2; step <= 4; ++step) {
    clock_.Advance(absl::Minutes(10));
    absl::StatusOr<CaseChange> ch =
        chain_.Forward(&c, c.version, As(*DispositionChain::RoleForStep(step)), "teruskan");
    ASSERT_TRUE(ch.ok()) << ch.status();
    EXPECT_EQ(ch->after.current_step, step + 1);
    EXPECT_EQ(ch->after.version, c.version + 1);
    EXPECT_EQ(ch->expected_version, c.version);
    EXPECT_EQ(ch->after.step_entered_at, clock_.Now());
    ASSERT_TRUE(ch->entry.has_value());
    EXPECT_EQ(ch->entry->step, step);
    EXPECT_EQ(ch->entry->action, "FORWARDED");
    EXPECT_EQ(ch->entry->note, "teruskan");
    EXPECT_EQ(ch->entry->duration, absl::Minutes(10));
    EXPECT_TRUE(ch->entry->within_standard);
    EXPECT_TRUE(ch->entry->counts_for_sla);
    c = ch->after;
  }
  clock_.Advance(absl::Minutes(20));
  Checklist all{true, true, true, true, true};
  absl::StatusOr<CaseChange> v = chain_.Verify(&c, c.version, As(Role::kVerifier), all, "");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->after.status, CaseStatus::kSentToCa);
  EXPECT_EQ(v->after.current_step, 5);
  EXPECT_TRUE(v->after.checklist_confirmed);
  EXPECT_EQ(v->entry->duration, absl::Minutes(20));
  EXPECT_EQ(v->entry->standard_duration, absl::Minutes(15));
  EXPECT_FALSE(v->entry->within_standard);
  EXPECT_EQ(v->entry->actor_role, "VERIFIER");
  EXPECT_EQ(v->audit->action, "VERIFIED");
}

TEST_F(ChainTest, WaitingExactlyTheStandardTimeIsWithinIt) {
  CaseRecord c = Opened();
  clock_.Advance(absl::Minutes(15));
  absl::StatusOr<CaseChange> ch = chain_.Forward(&c, 1, As(Role::kHeadOfAgency), "");
  ASSERT_TRUE(ch.ok());
  EXPECT_TRUE(ch->entry->within_standard);
  clock_.Advance(absl::Minutes(15) + absl::Seconds(1));
  CaseRecord d = ch->after;
  absl::StatusOr<CaseChange> late = chain_.Forward(&d, d.version, As(Role::kHeadOfDivision), "");
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->entry->within_standard);
}

TEST_F(ChainTest, WrongRoleAtEveryStepIsPermissionDenied) {
  const Role step_roles[] = {Role::kHeadOfAgency, Role::kHeadOfDivision, Role::kHeadOfSection,
                             Role::kVerifier};
  for (int step = 2; step <= 5; ++step) {
    CaseRecord c = AtStep(step);
    for (Role r : step_roles) {
      if (r == *DispositionChain::RoleForStep(step)) continue;
      absl::Status s = chain_.Return(&c, c.version, As(r), "kurang", {"KTP_COPY"}).status();
      EXPECT_TRUE(absl::IsPermissionDenied(s)) << "step " << step << " role " << RoleName(r);
      s = chain_.Reject(&c, c.version, As(r), "tidak").status();
      EXPECT_TRUE(absl::IsPermissionDenied(s)) << "step " << step << " role " << RoleName(r);
    }
    for (Role r : {Role::kAuditor, Role::kOperator, Role::kApplicant, Role::kService}) {
      EXPECT_TRUE(absl::IsPermissionDenied(chain_.Forward(&c, c.version, As(r), "").status()));
    }
  }
}

TEST_F(ChainTest, ChecksRunInTheContractsOrder) {
  CaseRecord c = AtStep(3);
  const Actor wrong = As(Role::kHeadOfAgency);
  // Missing beats everything.
  EXPECT_TRUE(absl::IsNotFound(chain_.Forward(nullptr, 99, wrong, "").status()));
  // A stale version beats the wrong role: the loser of a race learns its view is stale.
  EXPECT_TRUE(absl::IsAborted(chain_.Forward(&c, c.version - 1, wrong, "").status()));
  // The wrong role beats the wrong step.
  EXPECT_TRUE(absl::IsPermissionDenied(
      chain_.Verify(&c, c.version, wrong, Checklist{true, true, true, true, true}, "").status()));
  // The right role at the wrong step.
  EXPECT_TRUE(absl::IsFailedPrecondition(
      DispositionChain::CheckAction(&c, c.version, {Role::kHeadOfDivision}, CaseAction::kVerify)));
}

// Abuse: an official who applied themselves tries to push their own request through their step
// (and the verifier to send their own to the CA). Another holder of the role may act.
TEST_F(ChainTest, AnOfficialCannotActOnTheirOwnApplication) {
  for (int step = DispositionChain::kFirstStep; step <= DispositionChain::kLastStep; ++step) {
    CaseRecord c = AtStep(step);
    c.applicant.nik = "3171014101900001";
    Actor self = As(*DispositionChain::RoleForStep(step), "self");
    self.nik = c.applicant.nik;
    absl::Status s =
        step == DispositionChain::kLastStep
            ? chain_.Verify(&c, c.version, self, Checklist{true, true, true, true, true}, "")
                  .status()
            : chain_.Forward(&c, c.version, self, "").status();
    EXPECT_TRUE(absl::IsPermissionDenied(s)) << step << ": " << s;
    EXPECT_NE(s.message().find("own application"), std::string::npos) << s;
    EXPECT_TRUE(absl::IsPermissionDenied(chain_.Reject(&c, c.version, self, "tolak").status()));
    Actor colleague = As(*DispositionChain::RoleForStep(step), "colleague");
    colleague.nik = "3171014101900099";
    EXPECT_TRUE(chain_.Return(&c, c.version, colleague, "lengkapi", {}).ok()) << step;
  }
}

TEST_F(ChainTest, VerifyBeforeStepFiveAndForwardAtStepFiveAreFailedPrecondition) {
  CaseRecord c3 = AtStep(3);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      chain_
          .Verify(&c3, c3.version,
                  Actor{.sub = "x", .roles = {Role::kHeadOfDivision, Role::kVerifier}},
                  Checklist{true, true, true, true, true}, "")
          .status()));
  CaseRecord c5 = AtStep(5);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      chain_.Forward(&c5, c5.version, As(Role::kVerifier), "").status()));
}

TEST_F(ChainTest, RejectedCaseAcceptsNothingMore) {
  CaseRecord c = AtStep(4);
  CaseRecord r = After(chain_.Reject(&c, c.version, As(Role::kHeadOfSection), "tidak berhak"));
  EXPECT_EQ(r.status, CaseStatus::kRejected);
  EXPECT_EQ(r.current_step, 4);
  const Actor kasi = As(Role::kHeadOfSection);
  EXPECT_TRUE(absl::IsFailedPrecondition(chain_.Forward(&r, r.version, kasi, "").status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(chain_.Reject(&r, r.version, kasi, "lagi").status()));
  EXPECT_TRUE(
      absl::IsFailedPrecondition(chain_.Return(&r, r.version, kasi, "x", {"SK_COPY"}).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      chain_.Resume(&r, std::nullopt, "app-1", "resume-1", As(Role::kService)).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      chain_.Withdraw(&r, std::nullopt, "app-1", "w-1", "", As(Role::kService)).status()));
}

TEST_F(ChainTest, ReturnThenResumeLandsOnTheStepThatReturnedIt) {
  CaseRecord c = AtStep(3);
  CaseRecord ret =
      After(chain_.Return(&c, c.version, As(Role::kHeadOfDivision), "KTP buram", {"KTP_COPY"}));
  EXPECT_EQ(ret.status, CaseStatus::kReturned);
  EXPECT_EQ(ret.current_step, 3);
  EXPECT_EQ(ret.missing_documents, std::vector<std::string>{"KTP_COPY"});
  clock_.Advance(absl::Hours(5));
  absl::StatusOr<CaseChange> res =
      chain_.Resume(&ret, std::nullopt, "app-1", "intake:resume:app-1:1", As(Role::kService));
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->after.status, CaseStatus::kInReview);
  EXPECT_EQ(res->after.current_step, 3);
  EXPECT_EQ(res->after.step_entered_at, clock_.Now());  // the step's 15 minutes start again
  EXPECT_TRUE(res->after.missing_documents.empty());
  EXPECT_FALSE(res->entry->counts_for_sla);
  EXPECT_EQ(res->request_kind, "RESUME");
  // The same resume again is a repeat; resuming a case in review with a new key is not allowed.
  CaseRecord resumed = res->after;
  absl::StatusOr<CaseChange> repeat =
      chain_.Resume(&resumed, SeenRequest{"app-1", "RESUME"}, "app-1", "intake:resume:app-1:1",
                    As(Role::kService));
  ASSERT_TRUE(repeat.ok());
  EXPECT_EQ(repeat->kind, CaseChange::Kind::kNone);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      chain_.Resume(&resumed, std::nullopt, "app-1", "other", As(Role::kService)).status()));
}

TEST_F(ChainTest, WithdrawClosesUntilSentToCaAndIsIdempotent) {
  CaseRecord c = AtStep(2);
  absl::StatusOr<CaseChange> w = chain_.Withdraw(&c, std::nullopt, "app-1", "intake:withdraw:app-1",
                                                 "salah", As(Role::kService));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->after.status, CaseStatus::kWithdrawn);
  CaseRecord closed = w->after;
  absl::StatusOr<CaseChange> again =
      chain_.Withdraw(&closed, std::nullopt, "app-1", "k2", "", As(Role::kService));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->kind, CaseChange::Kind::kNone);
  CaseRecord five = AtStep(5);
  CaseRecord sent = After(chain_.Verify(&five, five.version, As(Role::kVerifier),
                                        Checklist{true, true, true, true, true}, ""));
  absl::Status refused =
      chain_.Withdraw(&sent, std::nullopt, "app-1", "k3", "", As(Role::kService)).status();
  EXPECT_TRUE(absl::IsFailedPrecondition(refused)) << refused;
  // The caller is told what to do instead.
  EXPECT_NE(refused.message().find("revoke"), std::string::npos) << refused;
  CaseRecord rejected = After(chain_.Reject(&c, c.version, As(Role::kHeadOfAgency), "tidak"));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      chain_.Withdraw(&rejected, std::nullopt, "app-1", "k5", "", As(Role::kService)).status()));
}

TEST_F(ChainTest, WithdrawBeforeTheCaseIsOpenedRecordsItWithdrawnAndOpenThenOpensNothing) {
  absl::StatusOr<CaseChange> w = chain_.Withdraw(
      nullptr, std::nullopt, "app-1", "intake:withdraw:app-1", "salah", As(Role::kService));
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->kind, CaseChange::Kind::kInsert);
  EXPECT_EQ(w->after.status, CaseStatus::kWithdrawn);
  EXPECT_EQ(w->request_kind, "WITHDRAW");
  ASSERT_TRUE(w->entry.has_value());
  EXPECT_EQ(w->entry->action, "WITHDRAWN");
  EXPECT_EQ(w->entry->step, 1);  // it never left step 1
  EXPECT_EQ(w->entry->note, "salah");
  ASSERT_TRUE(w->audit.has_value());
  EXPECT_EQ(w->audit->action, "WITHDRAWN");
  // OpenCase, delivered later by intake's outbox, answers the withdrawn case and opens nothing.
  CaseRecord withdrawn = w->after;
  OpenInput in = MakeOpen("app-1", "intake:open:app-1", "Siti Aminah", "siti@example.go.id");
  absl::StatusOr<CaseChange> open = chain_.Open(&withdrawn, std::nullopt, in, As(Role::kService));
  ASSERT_TRUE(open.ok()) << open.status();
  EXPECT_EQ(open->kind, CaseChange::Kind::kNone);
  EXPECT_TRUE(open->outbox.empty());
  // The withdrawal's repeat is answered; its key reused for another application is not.
  absl::StatusOr<CaseChange> repeat =
      chain_.Withdraw(&withdrawn, SeenRequest{"app-1", "WITHDRAW"}, "app-1",
                      "intake:withdraw:app-1", "salah", As(Role::kService));
  ASSERT_TRUE(repeat.ok());
  EXPECT_EQ(repeat->kind, CaseChange::Kind::kNone);
  EXPECT_TRUE(
      absl::IsAlreadyExists(chain_
                                .Withdraw(nullptr, SeenRequest{"app-1", "WITHDRAW"}, "app-2",
                                          "intake:withdraw:app-1", "", As(Role::kService))
                                .status()));
}

TEST(ChainValidation, VerifyNamesEveryUncheckedItem) {
  absl::Status s = ValidateVerify("app-1", 4, Checklist{true, false, true, false, false}, "");
  ASSERT_TRUE(absl::IsInvalidArgument(s));
  std::vector<std::string> f = Fields(s);
  std::sort(f.begin(), f.end());
  EXPECT_EQ(
      f, (std::vector<std::string>{"checklist.bsre_form_ok", "checklist.identity_matches_documents",
                                   "checklist.sk_copy_ok"}));
  EXPECT_TRUE(ValidateVerify("app-1", 4, Checklist{true, true, true, true, true}, "").ok());
}

TEST(ChainValidation, ReturnNeedsAReasonAndKnownDistinctDocuments) {
  std::vector<std::string> f = Fields(ValidateReturn("", 0, " ", {}));
  EXPECT_EQ(f, (std::vector<std::string>{"application_id", "expected_version", "reason",
                                         "missing_documents"}));
  f = Fields(ValidateReturn("a", 1, "buram", {3, 0, 3, 9}));
  EXPECT_EQ(f, (std::vector<std::string>{"missing_documents[1]", "missing_documents[2]",
                                         "missing_documents[3]"}));
  EXPECT_TRUE(ValidateReturn("a", 1, "buram", {3, 4}).ok());
}

TEST(ChainValidation, TextsAreBoundedAndRejectControlCharacters) {
  EXPECT_EQ(Fields(ValidateForward("a", 1, std::string(1001, 'x'))),
            std::vector<std::string>{"note"});
  EXPECT_EQ(Fields(ValidateReject("a", 1, std::string("x\x01y"))),
            std::vector<std::string>{"reason"});
  EXPECT_TRUE(ValidateForward("a", 1, "").ok());
}

// Notes and reasons follow the one table of field rules (common/field_rules.h): the same
// limits and the same bilingual violations as step 1 and the notices.
TEST(ChainValidation, NotesAndReasonsAreTheFieldRulesWithBilingualViolations) {
  auto only = [](const absl::Status& s) {
    std::vector<FieldViolation> v = FieldViolations::FromStatus(s);
    EXPECT_EQ(v.size(), 1u) << s;
    return v.empty() ? FieldViolation{} : v[0];
  };
  const std::string at_limit(field_rules::kNote.max_chars, 'x');
  EXPECT_TRUE(ValidateForward("a", 1, at_limit).ok());
  EXPECT_TRUE(ValidateVerify("a", 1, Checklist{true, true, true, true, true}, at_limit).ok());
  FieldViolation v = only(ValidateForward("a", 1, at_limit + "x"));
  EXPECT_EQ(v.field, "note");
  EXPECT_EQ(v.reason, "TOO_LONG");
  EXPECT_NE(v.description_id.find("paling banyak 1000"), std::string::npos) << v.description_id;
  v = only(ValidateVerify("a", 1, Checklist{true, true, true, true, true}, at_limit + "x"));
  EXPECT_EQ(v.field, "note");
  EXPECT_EQ(v.reason, "TOO_LONG");
  // 1000 characters of a multi-byte script are 1000 characters, not 3000 bytes.
  std::string aksara;
  for (size_t i = 0; i < field_rules::kReason.max_chars; ++i) aksara += "\xea\xa6\x84";  // U+A984
  EXPECT_TRUE(ValidateReject("a", 1, aksara).ok());
  v = only(ValidateReturn("a", 1, "baris satu\r\nbaris dua", {3}));
  EXPECT_EQ(v.field, "reason");
  EXPECT_EQ(v.reason, "LINE_BREAK");
  EXPECT_FALSE(v.description_id.empty());
  v = only(ValidateReject("a", 1, "  \n "));
  EXPECT_EQ(v.reason, "REQUIRED");
  EXPECT_EQ(v.description_id, "wajib diisi");
  v = only(ValidateRequestKey("a", "k", std::string(field_rules::kReason.max_chars + 1, 'r')));
  EXPECT_EQ(v.field, "reason");
  EXPECT_EQ(v.reason, "TOO_LONG");
}

TEST(ChainValidation, OpenNeedsIdsNameAndEmail) {
  std::vector<std::string> f = Fields(ValidateOpen(MakeOpen("", "", "", "not-an-email")));
  EXPECT_EQ(f, (std::vector<std::string>{"application_id", "request_id", "applicant.full_name",
                                         "applicant.email"}));
}

TEST_F(ChainTest, VerifyOwesStartEnrollmentWithTheApplicant) {
  CaseRecord five = AtStep(5);
  five.applicant.nik = "3171014101900001";
  absl::StatusOr<CaseChange> v = chain_.Verify(&five, five.version, As(Role::kVerifier),
                                               Checklist{true, true, true, true, true}, "");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->outbox.size(), 2u);  // StartEnrollment, then the progress report to intake
  EXPECT_EQ(v->outbox[0].topic, kStartEnrollmentTopic);
  EXPECT_EQ(v->outbox[0].application_id, "app-1");
  EXPECT_EQ(v->outbox[0].key, "disposition:enroll:app-1");
  v1::StartEnrollmentRequest r;
  ASSERT_TRUE(r.ParseFromString(v->outbox[0].payload));
  EXPECT_EQ(r.request_id(), "disposition:enroll:app-1");
  EXPECT_EQ(r.application_id(), "app-1");
  EXPECT_EQ(r.applicant().nik(), "3171014101900001");
  EXPECT_EQ(r.applicant().full_name(), "Siti Aminah");
  EXPECT_EQ(v->audit->entity_type, "case");
  EXPECT_EQ(v->audit->entity_id, "app-1");
}

TEST_F(ChainTest, ReturnAndRejectOweTheApplicantAnEmail) {
  CaseRecord c = AtStep(3);
  absl::StatusOr<CaseChange> ret =
      chain_.Return(&c, c.version, As(Role::kHeadOfDivision), "KTP buram", {"KTP_COPY", "SK_COPY"});
  ASSERT_TRUE(ret.ok()) << ret.status();
  ASSERT_EQ(ret->outbox.size(), 2u);  // the email, then the progress report to intake
  EXPECT_EQ(ret->outbox[0].topic, kSendNotificationTopic);
  EXPECT_EQ(ret->outbox[0].application_id, "app-1");
  EXPECT_EQ(ret->outbox[0].key, absl::StrCat("disposition:returned:app-1:", ret->after.version));
  v1::SendNotificationRequest n;
  ASSERT_TRUE(n.ParseFromString(ret->outbox[0].payload));
  EXPECT_EQ(n.request_id(), ret->outbox[0].key);
  EXPECT_EQ(n.channel(), v1::CHANNEL_EMAIL);
  EXPECT_EQ(n.recipient(), "siti@example.go.id");
  EXPECT_EQ(n.template_(), v1::NOTIFICATION_TEMPLATE_APPLICATION_RETURNED);
  EXPECT_EQ(n.params().at("full_name"), "Siti Aminah");
  EXPECT_EQ(n.params().at("application_id"), "app-1");
  EXPECT_EQ(n.params().at("reason"), "KTP buram");
  EXPECT_EQ(n.params().at("missing_documents"), "KTP_COPY,SK_COPY");

  absl::StatusOr<CaseChange> rej = chain_.Reject(&c, c.version, As(Role::kHeadOfDivision), "tidak");
  ASSERT_TRUE(rej.ok()) << rej.status();
  ASSERT_EQ(rej->outbox.size(), 2u);
  EXPECT_EQ(rej->outbox[0].key, "disposition:rejected:app-1");
  ASSERT_TRUE(n.ParseFromString(rej->outbox[0].payload));
  EXPECT_EQ(n.template_(), v1::NOTIFICATION_TEMPLATE_APPLICATION_REJECTED);
  EXPECT_EQ(n.params().at("reason"), "tidak");
  // Forward owes nobody anything but the progress report.
  absl::StatusOr<CaseChange> fwd = chain_.Forward(&c, c.version, As(Role::kHeadOfDivision), "");
  ASSERT_TRUE(fwd.ok());
  ASSERT_EQ(fwd->outbox.size(), 1u);
  EXPECT_EQ(fwd->outbox[0].topic, kRecordProgressTopic);
}

// The report of `ch`'s progress: exactly one, for ch's case and version.
v1::RecordProgressRequest ProgressOf(const absl::StatusOr<CaseChange>& ch) {
  v1::RecordProgressRequest r;
  EXPECT_TRUE(ch.ok()) << ch.status();
  if (!ch.ok()) return r;
  int reports = 0;
  for (const OutboxItem& o : ch->outbox) {
    EXPECT_EQ(o.application_id, ch->after.application_id) << o.topic;  // every item names it
    if (o.topic != kRecordProgressTopic) continue;
    ++reports;
    EXPECT_TRUE(r.ParseFromString(o.payload));
    EXPECT_EQ(o.key, absl::StrCat("disposition:progress:", ch->after.application_id, ":",
                                  ch->after.version));
    EXPECT_EQ(r.request_id(), o.key);
  }
  EXPECT_EQ(reports, 1);
  EXPECT_EQ(r.application_id(), ch->after.application_id);
  EXPECT_EQ(r.source(), v1::PROGRESS_SOURCE_DISPOSITION);
  EXPECT_EQ(r.version(), ch->after.version);
  return r;
}

TEST_F(ChainTest, EveryChangeOfACaseReportsItsStatusStepAndVersionToIntake) {
  OpenInput in = MakeOpen("app-1", "intake:open:app-1", "Siti Aminah", "siti@example.go.id");
  absl::StatusOr<CaseChange> open = chain_.Open(nullptr, std::nullopt, in, As(Role::kService));
  v1::RecordProgressRequest r = ProgressOf(open);
  EXPECT_EQ(r.status(), v1::APPLICATION_STATUS_IN_REVIEW);
  EXPECT_EQ(r.current_step(), v1::STEP_HEAD_OF_AGENCY_REVIEW);
  EXPECT_EQ(r.at().seconds(), absl::ToUnixSeconds(kT0));
  CaseRecord c = open->after;

  absl::StatusOr<CaseChange> fwd = chain_.Forward(&c, c.version, As(Role::kHeadOfAgency), "");
  r = ProgressOf(fwd);
  EXPECT_EQ(r.status(), v1::APPLICATION_STATUS_IN_REVIEW);
  EXPECT_EQ(r.current_step(), v1::STEP_HEAD_OF_DIVISION_REVIEW);
  c = fwd->after;

  absl::StatusOr<CaseChange> ret =
      chain_.Return(&c, c.version, As(Role::kHeadOfDivision), "KTP buram", {"KTP_COPY"});
  r = ProgressOf(ret);
  EXPECT_EQ(r.status(), v1::APPLICATION_STATUS_RETURNED);
  EXPECT_EQ(r.current_step(), v1::STEP_HEAD_OF_DIVISION_REVIEW);
  c = ret->after;

  absl::StatusOr<CaseChange> resume =
      chain_.Resume(&c, std::nullopt, "app-1", "intake:resume:app-1:1", As(Role::kService));
  r = ProgressOf(resume);
  EXPECT_EQ(r.status(), v1::APPLICATION_STATUS_IN_REVIEW);
  EXPECT_EQ(r.current_step(), v1::STEP_HEAD_OF_DIVISION_REVIEW);
  c = resume->after;

  absl::StatusOr<CaseChange> withdraw =
      chain_.Withdraw(&c, std::nullopt, "app-1", "intake:withdraw:app-1", "", As(Role::kService));
  r = ProgressOf(withdraw);
  EXPECT_EQ(r.status(), v1::APPLICATION_STATUS_WITHDRAWN);
  EXPECT_EQ(r.current_step(), v1::STEP_HEAD_OF_DIVISION_REVIEW);

  CaseRecord five = AtStep(5);
  r = ProgressOf(chain_.Verify(&five, five.version, As(Role::kVerifier),
                               Checklist{true, true, true, true, true}, ""));
  EXPECT_EQ(r.status(), v1::APPLICATION_STATUS_SENT_TO_CA);
  EXPECT_EQ(r.current_step(), v1::STEP_VERIFICATION);
  r = ProgressOf(chain_.Reject(&five, five.version, As(Role::kVerifier), "bukan ASN"));
  EXPECT_EQ(r.status(), v1::APPLICATION_STATUS_REJECTED);
  EXPECT_EQ(r.current_step(), v1::STEP_VERIFICATION);

  r = ProgressOf(chain_.Withdraw(nullptr, std::nullopt, "app-2", "intake:withdraw:app-2", "",
                                 As(Role::kService)));
  EXPECT_EQ(r.status(), v1::APPLICATION_STATUS_WITHDRAWN);
  EXPECT_EQ(r.current_step(), v1::STEP_SUBMISSION);
  // A repeat changes nothing and reports nothing.
  EXPECT_TRUE(chain_.Open(&c, std::nullopt, in, As(Role::kService))->outbox.empty());
}

TEST_F(ChainTest, AMultiLineReasonTravelsUnchangedIntoTheNotice) {
  const std::string reason =
      "KTP tidak terbaca.\nMohon unggah ulang:\n\t- KTP (berwarna)\n\t- SK pengangkatan";
  EXPECT_TRUE(ValidateReturn("app-1", 3, reason, {3, 4}).ok());
  EXPECT_TRUE(ValidateReject("app-1", 3, reason).ok());
  CaseRecord c = AtStep(3);
  for (bool reject : {false, true}) {
    absl::StatusOr<CaseChange> ch =
        reject ? chain_.Reject(&c, c.version, As(Role::kHeadOfDivision), reason)
               : chain_.Return(&c, c.version, As(Role::kHeadOfDivision), reason, {"KTP_COPY"});
    ASSERT_TRUE(ch.ok()) << ch.status();
    v1::SendNotificationRequest n;
    ASSERT_TRUE(n.ParseFromString(ch->outbox[0].payload));
    EXPECT_EQ(n.params().at("reason"), reason);
    EXPECT_EQ(ch->entry->note, reason);
  }
}

// The inbox's page tokens, through the manager: anything it did not issue for the caller's inbox
// is INVALID_ARGUMENT on page_token, before the store is asked for anything (there is none here).
TEST(InboxPageToken, TokensNotIssuedForTheInboxAreRefusedBeforeAnyRead) {
  FakeClock clock(kT0);
  const PageTokenCodec codec = PageTokenCodec::FromKey(std::string(32, 'k'));
  DispositionManager manager(/*store=*/nullptr, &clock, nullptr, &codec);
  Principal kadis;
  kadis.sub = "kadis";
  kadis.roles = {Role::kHeadOfAgency};
  const std::vector<std::string> bad = {
      "!!!",                                              // not base64url
      "bm9jb2xvbg",                                       // the removed "<micros>:<id>" format
      codec.Encode("inbox:step=3", {"17", "app-1"}),      // another step's inbox
      codec.Encode("applications:status=", {"17", "x"}),  // another list
      codec.Encode("inbox:step=2", {"17"}),               // the right inbox, the wrong shape
      codec.Encode("inbox:step=2", {"soon", "app-1"}),    // not a time
      PageTokenCodec::FromKey(std::string(32, 'x')).Encode("inbox:step=2", {"17", "app-1"}),
  };
  for (const std::string& token : bad) {
    absl::StatusOr<InboxPage> page = manager.ListInbox(kadis, 10, token);
    ASSERT_TRUE(absl::IsInvalidArgument(page.status())) << token << ": " << page.status();
    EXPECT_EQ(Fields(page.status()), std::vector<std::string>{"page_token"}) << token;
  }
}

}  // namespace
}  // namespace sertel::disposition
