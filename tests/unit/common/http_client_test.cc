// HttpClient against a real HTTP server on loopback (cpp-httplib): bodies, the size cap, no
// redirect followed, timeouts and refused connections as UNAVAILABLE, form posts.
#include "common/http_client.h"

#include <httplib.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace sertel {
namespace {

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/ok", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"ok":true})", "application/json");
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(2 << 20, 'x'), "application/json");
    });
    server_.Get("/redirect", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("http://127.0.0.1:1/elsewhere");
    });
    server_.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      res.set_content("{}", "application/json");
    });
    server_.Post("/form", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 400;
      res.set_content(absl::StrCat(req.get_header_value("Content-Type"), "|", req.body),
                      "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }
  std::string Url(const char* path) const { return absl::StrCat("http://127.0.0.1:", port_, path); }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  HttpClient http_{{.timeout = absl::Milliseconds(500), .max_response_bytes = 1 << 20}};
};

TEST_F(HttpClientTest, GetReturnsStatusAndBody) {
  absl::StatusOr<HttpResponse> r = http_.Get(Url("/ok"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"ok":true})");
}

TEST_F(HttpClientTest, ABodyOverTheCapIsResourceExhausted) {
  EXPECT_EQ(http_.Get(Url("/big")).status().code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(HttpClientTest, RedirectsAreNotFollowed) {
  absl::StatusOr<HttpResponse> r = http_.Get(Url("/redirect"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 302);
}

TEST_F(HttpClientTest, ASlowOrAbsentServerIsUnavailable) {
  EXPECT_EQ(http_.Get(Url("/slow")).status().code(), absl::StatusCode::kUnavailable);
  server_.stop();
  thread_.join();
  thread_ = std::thread([] {});
  absl::StatusOr<HttpResponse> r = http_.Get(Url("/ok"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find(Url("/ok")), std::string::npos) << r.status();
}

TEST_F(HttpClientTest, PostFormSendsAnUrlEncodedBodyAndReturns4xxAsAResponse) {
  absl::StatusOr<HttpResponse> r = http_.PostForm(Url("/form"), {{"a", "1 2"}, {"b", "&"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, "application/x-www-form-urlencoded|a=1%202&b=%26");
}

TEST_F(HttpClientTest, ClearTextToAnotherHostIsRefusedBeforeConnecting) {
  EXPECT_EQ(http_.Get("http://example.com/.well-known/openid-configuration").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sertel
