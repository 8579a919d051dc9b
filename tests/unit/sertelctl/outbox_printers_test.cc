// sertelctl's outbox views without a server: the attention sentence names the service, the
// failed call, the error and the exact retry command; the outbox table keeps one row per line
// (a multi-line error is folded) and says so when there is nothing.
#include <gtest/gtest.h>

#include <sstream>

#include "outbox_commands.h"
#include "printers.h"

namespace sertel::ctl {
namespace {

TEST(AttentionSentence, SaysWhatFailedAndHowToRetryIt) {
  v1::Attention a;
  a.set_service("certificate");
  a.set_what("notification.SendNotification");
  a.set_error("INVALID_ARGUMENT: params.reason: control characters");
  a.set_outbox_id("42");
  a.mutable_at()->set_seconds(1735689600);
  std::string s = AttentionSentence(a);
  EXPECT_NE(s.find("DEAD at certificate"), std::string::npos) << s;
  EXPECT_NE(s.find("notification.SendNotification failed"), std::string::npos) << s;
  EXPECT_NE(s.find("control characters"), std::string::npos) << s;
  EXPECT_NE(s.find("sertelctl outbox retry certificate 42"), std::string::npos) << s;
}

TEST(PrintOutboxTable, OneLinePerRowWithEveryColumn) {
  v1::OutboxMessage m;
  m.set_service("disposition");
  m.set_id("7");
  m.set_topic("certificate.StartEnrollment");
  m.set_state(v1::OUTBOX_STATE_DEAD);
  m.set_attempts(1);
  m.set_retries(2);
  m.set_application_id("0d6f1f7e-9a0b-4c3d-8e2f-1a2b3c4d5e6f");
  m.set_last_error("line one\nline two");
  std::ostringstream out;
  PrintOutboxTable(out, {m});
  std::string text = out.str();
  EXPECT_NE(text.find("SERVICE"), std::string::npos);
  EXPECT_NE(text.find("certificate.StartEnrollment"), std::string::npos);
  EXPECT_NE(text.find("DEAD"), std::string::npos);
  EXPECT_NE(text.find("line one line two"), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << "header and one row:\n" << text;

  std::ostringstream empty;
  PrintOutboxTable(empty, {});
  EXPECT_EQ(empty.str(), "no outbox rows\n");
}

}  // namespace
}  // namespace sertel::ctl
