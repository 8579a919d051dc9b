// ListApplications' page token (common/page_token.h) is bound to the list's filters and, for an
// APPLICANT, to their NIK: replayed against other filters or by another applicant it is
// INVALID_ARGUMENT on page_token; with the same filters it pages on.
#include "intake_fixture.h"

namespace sertel::intake::itest {
namespace {

using namespace sertel::intake::testdata;
using sertel::testing::ContextWithToken;

grpc::Status List(v1::IntakeService::Stub* stub, const std::string& token,
                  const v1::ListApplicationsRequest& r, v1::ListApplicationsResponse* out) {
  auto ctx = ContextWithToken(token);
  return stub->ListApplications(ctx.get(), r, out);
}

TEST_F(IntakeFixture, PageTokenIsGoodOnlyForTheFiltersItWasMadeFor) {
  for (int i = 0; i < 3; ++i) SubmitClosed("scope-" + std::to_string(i));
  v1::ListApplicationsRequest first;
  first.set_page_size(1);
  first.set_nik(kNik);
  v1::ListApplicationsResponse page;
  ASSERT_TRUE(List(stub_.get(), Token("VERIFIER"), first, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());

  v1::ListApplicationsRequest same = first;
  same.set_page_token(page.next_page_token());
  v1::ListApplicationsResponse next;
  ASSERT_TRUE(List(stub_.get(), Token("AUDITOR"), same, &next).ok());
  ASSERT_EQ(next.applications_size(), 1);
  EXPECT_NE(next.applications(0).id(), page.applications(0).id());

  for (auto change : std::vector<std::function<void(v1::ListApplicationsRequest&)>>{
           [](auto& r) { r.clear_nik(); }, [](auto& r) { r.set_unit("DINKES"); },
           [](auto& r) { r.set_status(v1::APPLICATION_STATUS_WITHDRAWN); }}) {
    v1::ListApplicationsRequest other = same;
    change(other);
    grpc::Status s = List(stub_.get(), Token("VERIFIER"), other, &next);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << other.ShortDebugString();
    EXPECT_EQ(BadRequestFields(s), std::vector<std::string>{"page_token"});
  }
}

TEST_F(IntakeFixture, AnApplicantsPageTokenIsNotAnotherApplicantsNorAnOfficials) {
  for (int i = 0; i < 2; ++i) SubmitClosed("mine-" + std::to_string(i), kNik);
  SubmitOk("theirs-0", kOtherNik);
  v1::ListApplicationsRequest r;
  r.set_page_size(1);
  v1::ListApplicationsResponse page;
  ASSERT_TRUE(List(stub_.get(), ApplicantToken(kNik), r, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  r.set_page_token(page.next_page_token());

  v1::ListApplicationsResponse next;
  ASSERT_TRUE(List(stub_.get(), ApplicantToken(kNik), r, &next).ok());
  EXPECT_EQ(next.applications_size(), 1);
  for (const std::string& token : {ApplicantToken(kOtherNik), Token("OPERATOR")}) {
    grpc::Status s = List(stub_.get(), token, r, &next);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    EXPECT_EQ(BadRequestFields(s), std::vector<std::string>{"page_token"});
  }
}

}  // namespace
}  // namespace sertel::intake::itest
