// The officials' inboxes (only the caller's step, oldest first, keyset-paged, due_at = arrival +
// 15 minutes), the query plan that keeps them fast among 200k closed cases (the partial index
// cases_inbox, never a sequential scan of cases), and the SLA report's figures for steps whose
// waiting times were set with the FakeClock.
#include <functional>
#include <iostream>

#include "disposition_fixture.h"
#include "disposition_queries.h"
#include "nlohmann/json.hpp"

namespace sertel::disposition::itest {
namespace {

grpc::Status List(v1::DispositionService::Stub* stub, const std::string& token, int page_size,
                  const std::string& page_token, v1::ListInboxResponse* out) {
  v1::ListInboxRequest r;
  r.set_page_size(page_size);
  r.set_page_token(page_token);
  auto ctx = sertel::testing::ContextWithToken(token);
  return stub->ListInbox(ctx.get(), r, out);
}

TEST_F(DispositionFixture, InboxShowsTheCallersStepOldestFirstInKeysetPages) {
  for (int i = 0; i < 7; ++i) {
    OpenOk("app-" + std::to_string(i));
    clock_.Advance(absl::Minutes(1));
  }
  // One case moves on to step 3: it leaves the head of agency's inbox.
  v1::Case moved;
  ASSERT_TRUE(Forward(StepToken(2), "app-3", 1, &moved).ok());

  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListInboxResponse page;
    grpc::Status s = List(stub_.get(), StepToken(2), 4, token, &page);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_LE(page.cases_size(), 4);
    for (const v1::Case& c : page.cases()) {
      seen.push_back(c.application_id());
      EXPECT_EQ(c.current_step(), v1::STEP_HEAD_OF_AGENCY_REVIEW);
      EXPECT_EQ(c.due_at().seconds() - c.step_entered_at().seconds(), 15 * 60);
    }
    token = page.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(seen, (std::vector<std::string>{"app-0", "app-1", "app-2", "app-4", "app-5", "app-6"}));

  v1::ListInboxResponse division;
  ASSERT_TRUE(List(stub_.get(), StepToken(3), 0, "", &division).ok());
  ASSERT_EQ(division.cases_size(), 1);
  EXPECT_EQ(division.cases(0).application_id(), "app-3");
  EXPECT_EQ(division.cases(0).due_at().seconds(),
            absl::ToUnixSeconds(clock_.Now() + absl::Minutes(15)));
  v1::ListInboxResponse verifier;
  ASSERT_TRUE(List(stub_.get(), StepToken(5), 0, "", &verifier).ok());
  EXPECT_EQ(verifier.cases_size(), 0);
}

TEST_F(DispositionFixture, InboxRejectsBadPagingAndRolesWithoutAStep) {
  v1::ListInboxResponse out;
  grpc::Status s = List(stub_.get(), StepToken(2), -1, "@@not-a-token@@", &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestFields(s), (std::vector<std::string>{"page_size", "page_token"}));
  EXPECT_EQ(List(stub_.get(), Token("AUDITOR"), 0, "", &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List(stub_.get(), "", 0, "", &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(DispositionFixture, InboxPageTokenPagesOnlyTheStepThatIssuedIt) {
  // Ids with the old token format's separator in them page like any other.
  for (const char* id : {"x:1", "x:2", "x:3"}) {
    OpenOk(id);
    clock_.Advance(absl::Minutes(1));
  }
  std::vector<std::string> seen;
  std::string token;
  do {
    v1::ListInboxResponse page;
    grpc::Status s = List(stub_.get(), StepToken(2), 1, token, &page);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const v1::Case& c : page.cases()) seen.push_back(c.application_id());
    token = page.next_page_token();
  } while (!token.empty() && seen.size() < 10);
  EXPECT_EQ(seen, (std::vector<std::string>{"x:1", "x:2", "x:3"}));

  v1::ListInboxResponse first;
  ASSERT_TRUE(List(stub_.get(), StepToken(2), 1, "", &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  // The head of division's inbox refuses the head of agency's token.
  v1::ListInboxResponse out;
  grpc::Status s = List(stub_.get(), StepToken(3), 1, first.next_page_token(), &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestFields(s), (std::vector<std::string>{"page_token"}));
  // An edited token is refused too.
  std::string edited = first.next_page_token();
  edited[edited.size() / 2] = edited[edited.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(List(stub_.get(), StepToken(2), 1, edited, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// Every (node type, relation, index) of a JSON plan.
void WalkPlan(const nlohmann::json& node, const std::function<void(const nlohmann::json&)>& visit) {
  visit(node);
  if (node.contains("Plans")) {
    for (const auto& child : node["Plans"]) WalkPlan(child, visit);
  }
}

TEST_F(DispositionFixture, InboxQueryUsesThePartialIndexAmong200kClosedCases) {
  Query(
      "INSERT INTO cases (application_id, status, current_step, version, opened_at,"
      " step_entered_at, applicant_nik, applicant_nip, applicant_full_name, applicant_email,"
      " applicant_phone, applicant_unit, applicant_position, updated_at)"
      " SELECT 'closed-' || g,"
      " (ARRAY['SENT_TO_CA', 'REJECTED', 'WITHDRAWN', 'RETURNED'])[1 + g % 4], 2 + g % 4, 5,"
      " now() - g * interval '1 minute', now() - g * interval '1 minute', '3171014101900001',"
      " '199001012015031001', 'Pegawai ' || g, 'p' || g || '@example.go.id', '+6281234567890',"
      " 'Dinas', 'Staf', now() FROM generate_series(1, 200000) g");
  for (int i = 0; i < 30; ++i) OpenOk("open-" + std::to_string(i));
  Query("ANALYZE cases");
  ASSERT_EQ(Count("SELECT count(*) FROM cases"), 200030);

  struct Variant {
    const char* name;
    std::string prepare, execute;
  };
  const std::vector<Variant> variants = {
      {"first page", std::string("PREPARE inbox_first AS ") + queries::kListInboxFirst.sql,
       "EXECUTE inbox_first(2, 51)"},
      {"next page", std::string("PREPARE inbox_after AS ") + queries::kListInboxAfter.sql,
       "EXECUTE inbox_after(2, 0, 'open-3', 51)"},
  };
  for (const char* mode : {"force_custom_plan", "force_generic_plan"}) {
    for (const Variant& v : variants) {
      pqxx::connection conn(db_.url());
      pqxx::nontransaction tx(conn);
      tx.exec("SET search_path TO disposition");
      tx.exec(std::string("SET plan_cache_mode = ") + mode);
      tx.exec(v.prepare);
      nlohmann::json plan =
          nlohmann::json::parse(tx.exec("EXPLAIN (FORMAT JSON) " + v.execute)[0][0].c_str());
      bool seq_scan_on_cases = false, uses_inbox_index = false;
      WalkPlan(plan[0]["Plan"], [&](const nlohmann::json& n) {
        const std::string type = n.value("Node Type", "");
        if (type == "Seq Scan" && n.value("Relation Name", "") == "cases") seq_scan_on_cases = true;
        if (n.value("Index Name", "") == "cases_inbox") uses_inbox_index = true;
      });
      EXPECT_FALSE(seq_scan_on_cases) << mode << " " << v.name << ": " << plan.dump(2);
      EXPECT_TRUE(uses_inbox_index) << mode << " " << v.name << ": " << plan.dump(2);
      if (std::string(mode) == "force_generic_plan") {
        std::cout << "--- inbox plan (" << v.name << ", generic):\n";
        for (const auto& row : tx.exec("EXPLAIN (ANALYZE, COSTS, BUFFERS) " + v.execute)) {
          std::cout << row[0].c_str() << "\n";
        }
      }
    }
  }
  // And the service answers from it.
  v1::ListInboxResponse page;
  ASSERT_TRUE(List(stub_.get(), StepToken(2), 10, "", &page).ok());
  EXPECT_EQ(page.cases_size(), 10);
  EXPECT_FALSE(page.next_page_token().empty());
}

v1::StepSla StepOf(const v1::SlaReport& r, v1::Step step) {
  for (const v1::StepSla& s : r.steps()) {
    if (s.step() == step) return s;
  }
  ADD_FAILURE() << "no row for step " << step;
  return {};
}

TEST_F(DispositionFixture, SlaReportGivesCountPercentilesMaxAndExceededPerStep) {
  // Outside the period: two days earlier, forwarded after one minute.
  const absl::Time t0 = clock_.Now();
  clock_.Set(t0 - absl::Hours(48));
  v1::Case early = OpenOk("early");
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(Forward(StepToken(2), "early", early.version(), &early).ok());

  // In the period: step 2 waits 5, 10 and 20 minutes; step 3 waits 30 minutes once.
  clock_.Set(t0);
  v1::Case a1 = OpenOk("a1");
  clock_.Advance(absl::Minutes(5));
  ASSERT_TRUE(Forward(StepToken(2), "a1", a1.version(), &a1).ok());  // t0+5, step 2: 5 min
  v1::Case a2 = OpenOk("a2");
  clock_.Advance(absl::Minutes(10));
  ASSERT_TRUE(Forward(StepToken(2), "a2", a2.version(), &a2).ok());  // t0+15: 10 min
  v1::Case a3 = OpenOk("a3");
  clock_.Advance(absl::Minutes(20));
  ASSERT_TRUE(Forward(StepToken(2), "a3", a3.version(), &a3).ok());  // t0+35: 20 min
  ASSERT_TRUE(Forward(StepToken(3), "a1", a1.version(), &a1).ok());  // step 3 since t0+5: 30 min

  v1::GetSlaReportRequest r;
  *r.mutable_from() = ToProtoTimestamp(t0);
  *r.mutable_to() = ToProtoTimestamp(t0 + absl::Hours(1));
  v1::SlaReport report;
  {
    auto ctx = Ctx(Token("AUDITOR"));
    grpc::Status s = stub_->GetSlaReport(ctx.get(), r, &report);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  // Every step in order, 1 to 5 here (this fixture has no certificate service for 6-7); steps
  // without actions in the period have count 0.
  ASSERT_EQ(report.steps_size(), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(report.steps(i).step(), i + 1);
  EXPECT_EQ(StepOf(report, v1::STEP_SUBMISSION).count(), 0);  // no submitted_at on these cases
  EXPECT_EQ(StepOf(report, v1::STEP_VERIFICATION).count(), 0);
  v1::StepSla s2 = StepOf(report, v1::STEP_HEAD_OF_AGENCY_REVIEW);
  EXPECT_EQ(s2.count(), 3);
  EXPECT_EQ(s2.p50().seconds(), 10 * 60);
  EXPECT_EQ(s2.p95().seconds(), 19 * 60);  // linear interpolation between 10 and 20 minutes
  EXPECT_EQ(s2.max().seconds(), 20 * 60);
  EXPECT_EQ(s2.exceeded(), 1);
  EXPECT_EQ(s2.standard_duration().seconds(), 15 * 60);
  v1::StepSla s3 = StepOf(report, v1::STEP_HEAD_OF_DIVISION_REVIEW);
  EXPECT_EQ(s3.count(), 1);
  EXPECT_EQ(s3.p50().seconds(), 30 * 60);
  EXPECT_EQ(s3.max().seconds(), 30 * 60);
  EXPECT_EQ(s3.exceeded(), 1);

  // The default period (30 days up to now, `to` exclusive) includes the early case too.
  clock_.Advance(absl::Minutes(1));
  v1::SlaReport all;
  {
    auto ctx = Ctx(StepToken(2));
    ASSERT_TRUE(stub_->GetSlaReport(ctx.get(), v1::GetSlaReportRequest(), &all).ok());
  }
  EXPECT_EQ(StepOf(all, v1::STEP_HEAD_OF_AGENCY_REVIEW).count(), 4);

  // A period that ends before it starts is refused; applicants may not see the report.
  v1::GetSlaReportRequest bad;
  *bad.mutable_from() = ToProtoTimestamp(t0);
  *bad.mutable_to() = ToProtoTimestamp(t0 - absl::Hours(1));
  v1::SlaReport ignored;
  auto ctx = Ctx(Token("AUDITOR"));
  EXPECT_EQ(stub_->GetSlaReport(ctx.get(), bad, &ignored).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  auto ctx2 = Ctx(pki_.MintToken({"APPLICANT"}, "u", "3171014101900001"));
  EXPECT_EQ(stub_->GetSlaReport(ctx2.get(), r, &ignored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(DispositionFixture,
       SlaReportHasAllSevenStepsWithStepOneFromSubmissionAndSixSevenFromCertificate) {
  const absl::Time t0 = clock_.Now();
  // Step 1: submitted at intake 20 minutes before the case opened (over the 15-minute standard).
  v1::OpenCaseRequest r = OpenRequest("late-handoff");
  *r.mutable_submitted_at() = ToProtoTimestamp(t0 - absl::Minutes(20));
  v1::Case c;
  ASSERT_TRUE(Open(r, &c).ok());

  absl::Time asked_from, asked_to;
  DispositionManager manager(
      store_.get(), &clock_,
      [&](absl::Time from, absl::Time to) -> absl::StatusOr<std::vector<StepSla>> {
        asked_from = from;
        asked_to = to;
        return std::vector<StepSla>{{.step = 7,
                                     .count = 2,
                                     .p50 = absl::Minutes(3),
                                     .p95 = absl::Minutes(4),
                                     .max = absl::Minutes(4),
                                     .exceeded = 0},
                                    {.step = 9,
                                     .count = 99,
                                     .p50 = {},
                                     .p95 = {},
                                     .max = {},
                                     .exceeded = 0}};  // not an SOP step: ignored
      });
  absl::StatusOr<SlaResult> report = manager.GetSlaReport(t0 - absl::Hours(1), t0 + absl::Hours(1));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(asked_from, t0 - absl::Hours(1));
  EXPECT_EQ(asked_to, t0 + absl::Hours(1));
  ASSERT_EQ(report->steps.size(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(report->steps[i].step, i + 1);
  EXPECT_EQ(report->steps[0].count, 1);
  EXPECT_EQ(report->steps[0].max, absl::Minutes(20));
  EXPECT_EQ(report->steps[0].exceeded, 1);
  EXPECT_EQ(report->steps[5].count, 0);  // step 6: nothing reported
  EXPECT_EQ(report->steps[6].count, 2);
  EXPECT_EQ(report->steps[6].p50, absl::Minutes(3));

  // The certificate service down: UNAVAILABLE, never a report silently missing steps 6-7.
  DispositionManager cut_off(store_.get(), &clock_,
                             [](absl::Time, absl::Time) -> absl::StatusOr<std::vector<StepSla>> {
                               return absl::UnavailableError("connection refused");
                             });
  absl::StatusOr<SlaResult> partial =
      cut_off.GetSlaReport(t0 - absl::Hours(1), t0 + absl::Hours(1));
  ASSERT_FALSE(partial.ok());
  EXPECT_EQ(partial.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(partial.status().message().find("certificate service"), std::string::npos);
}

}  // namespace
}  // namespace sertel::disposition::itest
