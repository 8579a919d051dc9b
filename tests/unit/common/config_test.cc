// Configuration: every bad value is reported at once with its variable's name; TLS material is
// required unless the explicit development flag is set.
#include "common/config.h"

#include <map>

#include "gtest/gtest.h"

namespace sertel {
namespace {

EnvReader FakeEnv(std::map<std::string, std::string> vars) {
  auto store = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return EnvReader([store](const char* name) -> const char* {
    auto it = store->find(name);
    return it == store->end() ? nullptr : it->second.c_str();
  });
}

TEST(ConfigTest, MissingTlsMaterialWithoutDevFlagIsRefused) {
  EnvReader env = FakeEnv({{"SERTEL_DATABASE_URL", "postgresql://x/y"}});
  CommonConfig::FromEnv("intake", 50051, env);
  absl::Status s = env.Finish();
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("SERTEL_TLS_CERT"), std::string::npos) << s;
  EXPECT_NE(s.message().find("SERTEL_DEV_PLAINTEXT"), std::string::npos) << s;
}

TEST(ConfigTest, DevPlaintextFlagAllowsNoTls) {
  EnvReader env =
      FakeEnv({{"SERTEL_DATABASE_URL", "postgresql://x/y"}, {"SERTEL_DEV_PLAINTEXT", "true"}});
  CommonConfig c = CommonConfig::FromEnv("intake", 50051, env);
  EXPECT_TRUE(env.Finish().ok()) << env.Finish();
  EXPECT_TRUE(c.server.dev_plaintext);
  EXPECT_EQ(c.server.listen_address, "127.0.0.1:50051");
  EXPECT_EQ(c.database.schema, "intake");
}

TEST(ConfigTest, EveryBadValueIsReportedAtOnce) {
  EnvReader env = FakeEnv({{"SERTEL_DEV_PLAINTEXT", "maybe"},
                           {"SERTEL_DB_POOL_SIZE", "0"},
                           {"SERTEL_OUTBOX_POLL_INTERVAL", "soon"}});
  CommonConfig::FromEnv("intake", 50051, env);
  std::string message(env.Finish().message());
  EXPECT_NE(message.find("SERTEL_DEV_PLAINTEXT"), std::string::npos) << message;
  EXPECT_NE(message.find("SERTEL_DB_POOL_SIZE"), std::string::npos) << message;
  EXPECT_NE(message.find("SERTEL_OUTBOX_POLL_INTERVAL"), std::string::npos) << message;
  EXPECT_NE(message.find("SERTEL_DATABASE_URL is required"), std::string::npos) << message;
}

TEST(ConfigTest, ListsAndDurationsParse) {
  EnvReader env = FakeEnv({{"A", " one, ,two "}, {"D", "72h"}});
  EXPECT_EQ(env.List("A"), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(env.Duration("D", absl::ZeroDuration()), absl::Hours(72));
  EXPECT_TRUE(env.Finish().ok());
}

}  // namespace
}  // namespace sertel
