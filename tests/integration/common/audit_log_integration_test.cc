// The keyed audit chain against real PostgreSQL, attacked as a database writer would (one who
// can run any SQL on the service's schema but has neither the audit key nor the checkpoint key):
// an edited row with the chain recomputed after it, a deleted middle row with the rest
// renumbered and recomputed, a deleted tail with the head moved back (caught against a signed
// checkpoint), the head flipped back to "unkeyed". Verify reads one snapshot: no false alarm
// while appends commit and the chainer links them. A chain from before the key is re-keyed once,
// only when it is intact. Issue 22's unlinked rows: appenders do not wait for each other, the
// chainer links every committed row once, and a forged, copied or edited unlinked row, or a
// chainer that stopped, is found.
#include <atomic>
#include <chrono>
#include <pqxx/pqxx>
#include <thread>

#include "common/audit_chainer.h"
#include "common/audit_checkpoint.h"
#include "common/audit_log.h"
#include "common/migrations.h"
#include "common/pg_pool.h"
#include "gtest/gtest.h"
#include "tests/harness/test_database.h"
#include "tests/harness/test_pki.h"

namespace sertel {
namespace {

std::string Bytes(const pqxx::field& f) { return pqxx::binarystring(f).str(); }

class AuditLogIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.url(), "audittest", {&common::Migrations()}).ok());
    conn_ = std::make_unique<pqxx::connection>(db_.url());
    pqxx::nontransaction(*conn_).exec("SET search_path TO audittest");
    for (int i = 1; i <= 5; ++i) Append(audit_, i);
    auto signer = CheckpointSigner::FromPem(testing::MakeEd25519KeyPem());
    ASSERT_TRUE(signer.ok()) << signer.status();
    signer_ = std::move(*signer);
  }

  void Append(const AuditLog& log, int i) {
    pqxx::work tx(*conn_);
    log.Append(tx, {.actor_sub = "user-" + std::to_string(i),
                    .actor_role = "VERIFIER",
                    .action = "FORWARDED",
                    .entity_type = "case",
                    .entity_id = "app-" + std::to_string(i),
                    .details = {{"step", i}, {"note", "ok"}}});
    tx.commit();
    Chain(log);
    clock_.Advance(absl::Minutes(1));
  }

  // What AuditChainer does right after a commit; how many rows it linked.
  int Chain(const AuditLog& log) {
    pqxx::work tx(*conn_);
    absl::StatusOr<int> n = log.ChainPending(tx, 1000);
    EXPECT_TRUE(n.ok()) << n.status();
    tx.commit();
    return n.value_or(-1);
  }

  void AppendUnlinked(pqxx::connection& conn, const std::string& who) {
    pqxx::work tx(conn);
    audit_.Append(tx, {.actor_sub = who,
                       .actor_role = "SERVICE",
                       .action = "X",
                       .entity_type = "e",
                       .entity_id = who});
    tx.commit();
  }

  std::string Scalar(const std::string& sql) {
    pqxx::nontransaction tx(*conn_);
    pqxx::result r = tx.exec(sql);
    return r[0][0].is_null() ? "NULL" : r[0][0].as<std::string>();
  }

  AuditVerification Verify(const std::optional<AuditCheckpoint>& checkpoint = std::nullopt) {
    absl::StatusOr<AuditVerification> v = audit_.Verify(*conn_, checkpoint);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.value_or(AuditVerification{});
  }

  AuditCheckpoint CheckpointNow() {
    AuditVerification v = Verify();
    EXPECT_TRUE(v.ok) << v.problem;
    absl::StatusOr<AuditCheckpoint> c =
        signer_->Sign("audittest", v.head_seq, v.head_hash, absl::Now());
    EXPECT_TRUE(c.ok()) << c.status();
    return *c;
  }

  // What a database writer can do: recompute every link from row `from` on with `hash` (the
  // unkeyed SHA-256, or HMAC under a key they guessed), and move the head to the new end.
  void RecomputeFrom(
      int64_t from,
      const std::function<std::string(const std::string&, const std::string&)>& hash) {
    pqxx::work tx(*conn_);
    pqxx::result rows = tx.exec(
        "SELECT seq, at_micros, actor_sub, actor_role, action, entity_type, entity_id, details, "
        "nonce, prev_hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq");
    std::string prev(32, '\0');
    int64_t last = 0;
    for (const auto& r : rows) {
      int64_t seq = r["seq"].as<int64_t>();
      if (seq < from) {
        prev = Bytes(tx.exec_params1("SELECT hash FROM audit_log WHERE seq = $1", seq)[0]);
        continue;
      }
      std::string h =
          hash(prev, AuditLog::CanonicalRow(seq, r["at_micros"].as<int64_t>(),
                                            r["actor_sub"].c_str(), r["actor_role"].c_str(),
                                            r["action"].c_str(), r["entity_type"].c_str(),
                                            r["entity_id"].c_str(), r["details"].c_str(),
                                            r["nonce"].is_null() ? "" : Bytes(r["nonce"])));
      tx.exec_params("UPDATE audit_log SET prev_hash = $2, hash = $3 WHERE seq = $1", seq,
                     pqxx::binarystring(prev), pqxx::binarystring(h));
      prev = h;
      last = seq;
    }
    tx.exec_params("UPDATE audit_head SET last_seq = $1, last_hash = $2", last,
                   pqxx::binarystring(prev));
    tx.commit();
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  AuditLog audit_{testing::TestAuditKey(), &clock_};
  std::unique_ptr<CheckpointSigner> signer_;
  testing::TestDatabase db_;
  std::unique_ptr<pqxx::connection> conn_;
};

TEST_F(AuditLogIntegrationTest, IntactChainVerifies) {
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.rows_checked, 5);
  EXPECT_EQ(v.first_broken_seq, 0);
  EXPECT_EQ(v.head_seq, 5);
  EXPECT_TRUE(Verify(CheckpointNow()).ok);
}

TEST_F(AuditLogIntegrationTest, EditedRowIsFound) {
  db_.Exec("UPDATE audittest.audit_log SET actor_sub = 'mallory' WHERE seq = 3");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 3);
  EXPECT_NE(v.problem.find("altered"), std::string::npos) << v.problem;
}

// Attack 1: edit row 3, then recompute every hash after it and the head, as the unkeyed chain
// allowed, and with a guessed key.
TEST_F(AuditLogIntegrationTest, EditedRowWithTheChainRecomputedIsFound) {
  db_.Exec("UPDATE audittest.audit_log SET actor_sub = 'mallory' WHERE seq = 3");
  RecomputeFrom(3, &AuditLog::LegacyChainHash);
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 3) << v.problem;

  AuditLog guessed(std::string(32, 'B'));
  RecomputeFrom(
      3, [&](const std::string& p, const std::string& c) { return guessed.ChainHash(p, c); });
  v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 3) << v.problem;
}

// Attack 2: delete row 2, renumber the rest and recompute the chain from there.
TEST_F(AuditLogIntegrationTest, DeletedMiddleRowWithTheChainRecomputedIsFound) {
  db_.Exec("DELETE FROM audittest.audit_log WHERE seq = 2");
  AuditVerification plain = Verify();
  EXPECT_FALSE(plain.ok);
  EXPECT_EQ(plain.first_broken_seq, 2);
  EXPECT_NE(plain.problem.find("missing"), std::string::npos) << plain.problem;

  db_.Exec("UPDATE audittest.audit_log SET seq = seq - 1 WHERE seq > 2");
  RecomputeFrom(2, &AuditLog::LegacyChainHash);
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 2) << v.problem;
}

TEST_F(AuditLogIntegrationTest, DeletedLastRowIsFound) {
  db_.Exec("DELETE FROM audittest.audit_log WHERE seq = 5");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 5);
}

// Attack 3: delete the newest rows and move the head back to the last one kept. The keyed
// chain is then a valid shorter chain; the checkpoint saved before says it was longer.
TEST_F(AuditLogIntegrationTest, DeletedTailWithTheHeadMovedBackIsFoundAgainstACheckpoint) {
  AuditCheckpoint saved = CheckpointNow();
  ASSERT_EQ(saved.seq, 5);
  db_.Exec("DELETE FROM audittest.audit_log WHERE seq > 3");
  db_.Exec(
      "UPDATE audittest.audit_head SET last_seq = 3, "
      "last_hash = (SELECT hash FROM audittest.audit_log WHERE seq = 3)");
  EXPECT_TRUE(Verify().ok) << "without a checkpoint a clean cut is a valid shorter chain";
  AuditVerification v = Verify(saved);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 4);
  EXPECT_NE(v.problem.find("deleted"), std::string::npos) << v.problem;
}

TEST_F(AuditLogIntegrationTest, ACheckpointDoesNotMatchARewrittenChain) {
  AuditCheckpoint saved = CheckpointNow();
  // Same length, same keyed structure, other content: a chain written from scratch (which
  // needs the key; simulated with it) is still not the one the checkpoint signed.
  db_.Exec("UPDATE audittest.audit_log SET actor_sub = 'mallory' WHERE seq = 2");
  RecomputeFrom(2,
                [&](const std::string& p, const std::string& c) { return audit_.ChainHash(p, c); });
  ASSERT_TRUE(Verify().ok);
  AuditVerification v = Verify(saved);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 5) << v.problem;
}

TEST_F(AuditLogIntegrationTest, ACheckpointWithAForgedSignatureIsRefused) {
  AuditCheckpoint c = CheckpointNow();
  EXPECT_TRUE(signer_->Check(c).ok());
  AuditCheckpoint shorter = c;
  shorter.seq = 3;  // an attacker "updates" a saved checkpoint to match a cut chain
  EXPECT_FALSE(signer_->Check(shorter).ok());
  auto other = CheckpointSigner::FromPem(testing::MakeEd25519KeyPem());
  ASSERT_TRUE(other.ok());
  absl::StatusOr<AuditCheckpoint> foreign =
      (*other)->Sign("audittest", 3, c.head_hash, absl::Now());
  ASSERT_TRUE(foreign.ok());
  EXPECT_FALSE(signer_->Check(*foreign).ok());
  // The saved JSON form round-trips and still verifies.
  absl::StatusOr<AuditCheckpoint> back = AuditCheckpoint::FromJson(c.ToJson());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(signer_->Check(*back).ok());
}

// Attack 4: flip the head to "unkeyed" to make the chain look legacy and have it re-keyed.
TEST_F(AuditLogIntegrationTest, AHeadFlippedToUnkeyedIsBrokenAndNotAppendedTo) {
  db_.Exec("UPDATE audittest.audit_head SET keyed = false");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.problem.find("not keyed"), std::string::npos) << v.problem;
  AppendUnlinked(*conn_, "s");
  pqxx::work tx(*conn_);
  absl::StatusOr<int> linked = audit_.ChainPending(tx, 1000);
  EXPECT_EQ(linked.status().code(), absl::StatusCode::kFailedPrecondition) << linked.status();
  tx.abort();
  EXPECT_EQ(Scalar("SELECT count(*) FROM audittest.audit_log WHERE seq IS NULL"), "1");
}

// Issue 22: an appender does not wait for another's transaction (there is no head lock to take
// any more): with one append open and uncommitted, another commits under a 500 ms lock timeout.
TEST_F(AuditLogIntegrationTest, AppendersDoNotWaitForEachOther) {
  pqxx::work open(*conn_);
  audit_.Append(open, {.actor_sub = "slow",
                       .actor_role = "SERVICE",
                       .action = "X",
                       .entity_type = "e",
                       .entity_id = "1"});
  pqxx::connection other(db_.url());
  pqxx::nontransaction(other).exec("SET search_path TO audittest; SET lock_timeout = '500ms'");
  EXPECT_NO_THROW(AppendUnlinked(other, "fast"));
  open.commit();
  EXPECT_EQ(Chain(audit_), 2);
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.rows_checked, 7);
  EXPECT_EQ(v.unlinked_rows, 0);
}

TEST_F(AuditLogIntegrationTest, UnlinkedRowsVerifyAndAreLinkedOnceInOrder) {
  AppendUnlinked(*conn_, "a");
  AppendUnlinked(*conn_, "b");
  AuditVerification before = Verify();
  EXPECT_TRUE(before.ok) << before.problem;
  EXPECT_EQ(before.rows_checked, 5);
  EXPECT_EQ(before.unlinked_rows, 2);
  EXPECT_EQ(Chain(audit_), 2);
  EXPECT_EQ(Chain(audit_), 0);  // nothing twice
  EXPECT_EQ(Scalar("SELECT string_agg(actor_sub, ',' ORDER BY seq) FROM audittest.audit_log"
                   " WHERE seq > 5"),
            "a,b");
  AuditVerification after = Verify();
  EXPECT_TRUE(after.ok) << after.problem;
  EXPECT_EQ(after.rows_checked, 7);
  EXPECT_EQ(after.head_seq, 7);
}

// A database writer without the key: a row of their own, a copy of a waiting row, an edit of
// one. None is linked; Verify names them.
TEST_F(AuditLogIntegrationTest, AForgedCopiedOrEditedUnlinkedRowIsFoundAndNeverLinked) {
  db_.Exec(
      "INSERT INTO audittest.audit_log (at_micros, actor_sub, actor_role, action, entity_type,"
      " entity_id, details, nonce, row_mac) VALUES (1, 'mallory', 'VERIFIER', 'FORWARDED', 'case',"
      " 'app-9', '{}', '\\x01', decode(repeat('00', 32), 'hex'))");
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.problem.find("does not carry the service's MAC"), std::string::npos) << v.problem;
  EXPECT_EQ(Chain(audit_), 0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM audittest.audit_log WHERE actor_sub = 'mallory'"
                   " AND seq IS NULL"),
            "1");
  db_.Exec("DELETE FROM audittest.audit_log WHERE actor_sub = 'mallory'");

  AppendUnlinked(*conn_, "honest");
  // The same nonce twice is refused by the database; another nonce breaks the MAC.
  EXPECT_ANY_THROW(db_.Exec(
      "INSERT INTO audittest.audit_log (at_micros, actor_sub, actor_role, action, entity_type,"
      " entity_id, details, nonce, row_mac) SELECT at_micros, actor_sub, actor_role, action,"
      " entity_type, entity_id, details, nonce, row_mac FROM audittest.audit_log"
      " WHERE seq IS NULL"));
  db_.Exec(
      "INSERT INTO audittest.audit_log (at_micros, actor_sub, actor_role, action, entity_type,"
      " entity_id, details, nonce, row_mac) SELECT at_micros, actor_sub, actor_role, action,"
      " entity_type, entity_id, details, '\\x02', row_mac FROM audittest.audit_log"
      " WHERE seq IS NULL");
  EXPECT_FALSE(Verify().ok);
  db_.Exec("DELETE FROM audittest.audit_log WHERE nonce = '\\x02'");
  ASSERT_TRUE(Verify().ok);
  db_.Exec("UPDATE audittest.audit_log SET action = 'REJECTED' WHERE seq IS NULL");
  AuditVerification edited = Verify();
  EXPECT_FALSE(edited.ok);
  EXPECT_NE(edited.problem.find("does not carry the service's MAC"), std::string::npos)
      << edited.problem;
  EXPECT_EQ(Chain(audit_), 0);
}

// A linked row's nonce cleared, so that a copy of the row with that nonce could be linked again
// (a replay): the cleared nonce breaks the row's link, and the copy is never linked twice
// unnoticed.
TEST_F(AuditLogIntegrationTest, AReplayedLinkedRowIsFound) {
  db_.Exec(
      "CREATE TEMP TABLE saved AS SELECT * FROM audittest.audit_log WHERE seq = 3;"
      "UPDATE audittest.audit_log SET nonce = NULL, row_mac = NULL WHERE seq = 3;"
      "INSERT INTO audittest.audit_log (at_micros, actor_sub, actor_role, action, entity_type,"
      " entity_id, details, nonce, row_mac) SELECT at_micros, actor_sub, actor_role, action,"
      " entity_type, entity_id, details, nonce, row_mac FROM saved");
  Chain(audit_);
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 3) << v.problem;
}

// Forged unlinked rows ahead of genuine ones (more than one page of them) hold nothing back.
TEST_F(AuditLogIntegrationTest, ForgedRowsDoNotHoldGenuineOnesBack) {
  db_.Exec(
      "INSERT INTO audittest.audit_log (at_micros, actor_sub, actor_role, action, entity_type,"
      " entity_id, details, nonce, row_mac) SELECT 1, 'mallory', 'VERIFIER', 'X', 'case',"
      " i::text, '{}', int8send(i), decode(repeat('00', 32), 'hex')"
      " FROM generate_series(1, 1200) AS i");
  AppendUnlinked(*conn_, "honest");
  pqxx::work tx(*conn_);
  absl::StatusOr<int> n = audit_.ChainPending(tx, 1000);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  tx.commit();
  EXPECT_EQ(Scalar("SELECT actor_sub FROM audittest.audit_log WHERE seq = 6"), "honest");
}

TEST_F(AuditLogIntegrationTest, AChainerThatStoppedIsReportedByVerify) {
  AppendUnlinked(*conn_, "waiting");
  clock_.Advance(AuditLog::kMaxUnlinkedAge - absl::Seconds(1));
  EXPECT_TRUE(Verify().ok);
  clock_.Advance(absl::Seconds(2));
  AuditVerification v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.problem.find("the chainer is not running"), std::string::npos) << v.problem;
  EXPECT_EQ(Chain(audit_), 1);
  EXPECT_TRUE(Verify().ok);
}

TEST_F(AuditLogIntegrationTest, VerifyRaisesNoFalseAlarmWhileAppendsCommit) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      pqxx::connection conn(db_.url());
      pqxx::nontransaction(conn).exec("SET search_path TO audittest");
      for (int i = 0; !stop.load(); ++i) {
        pqxx::work tx(conn);
        audit_.Append(tx, {.actor_sub = "t" + std::to_string(t),
                           .actor_role = "SERVICE",
                           .action = "X",
                           .entity_type = "e",
                           .entity_id = std::to_string(i)});
        tx.commit();
        // Paced as busy services append: the chain keeps growing while Verify runs, but not so
        // fast that each verification (which reads the whole chain) outgrows the run under a
        // sanitizer.
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  // The chainer links them as in a service (every 5 ms here).
  auto pool =
      PgPool::Create({.url = db_.url(), .schema = "audittest", .size = 2, .on_connect = nullptr});
  ASSERT_TRUE(pool.ok()) << pool.status();
  AuditChainer chainer(pool->get(), &audit_, absl::Milliseconds(5));
  chainer.Start();
  // At least 40 verifications, and on until the writers have appended 100 rows meanwhile (they
  // need a moment to connect), so every check ran against a chain that was growing.
  int verified = 0;
  int64_t seen = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while ((verified < 40 || seen < 105) && absl::Now() < deadline) {
    AuditVerification v = Verify();
    ASSERT_TRUE(v.ok) << "false alarm under load: " << v.problem;
    EXPECT_EQ(v.rows_checked, v.head_seq);
    seen = v.rows_checked;
    ++verified;
  }
  stop = true;
  for (auto& th : writers) th.join();
  chainer.Stop();  // links the rest
  EXPECT_GE(verified, 40);
  EXPECT_GE(seen, 105) << "the writers never appended while Verify ran";
  AuditVerification after = Verify();
  EXPECT_TRUE(after.ok) << after.problem;
  EXPECT_GT(after.rows_checked, 5);
  EXPECT_EQ(after.unlinked_rows, 0);
}

// A transaction that keeps the chain head locked (an operator's session left open) costs the
// chainer a round, never a pool connection held until that session ends.
TEST_F(AuditLogIntegrationTest, AChainerGivesUpARoundWhileTheHeadIsHeldElsewhere) {
  AppendUnlinked(*conn_, "waiting");
  pqxx::connection holder(db_.url());
  pqxx::work held(holder);
  held.exec("SELECT 1 FROM audittest.audit_head WHERE id = 1 FOR UPDATE");
  auto pool =
      PgPool::Create({.url = db_.url(), .schema = "audittest", .size = 1, .on_connect = nullptr});
  ASSERT_TRUE(pool.ok()) << pool.status();
  AuditChainer chainer(pool->get(), &audit_);
  absl::StatusOr<int> blocked = chainer.RunOnce();
  EXPECT_FALSE(blocked.ok());
  EXPECT_EQ(Scalar("SELECT count(*) FROM audittest.audit_log WHERE seq IS NULL"), "1");
  held.abort();
  absl::StatusOr<int> after = chainer.RunOnce();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, 1);
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.unlinked_rows, 0);
}

// A database from before issue 16: the rows carry SHA-256 links and the head is unkeyed.
class LegacyChainTest : public AuditLogIntegrationTest {
 protected:
  void MakeLegacy() {
    // Rows from before migration C007 have no nonce.
    db_.Exec("UPDATE audittest.audit_log SET nonce = NULL, row_mac = NULL");
    RecomputeFrom(1, &AuditLog::LegacyChainHash);
    db_.Exec("UPDATE audittest.audit_head SET keyed = false");
  }
};

TEST_F(LegacyChainTest, AnIntactLegacyChainIsKeyedOnce) {
  MakeLegacy();
  EXPECT_FALSE(Verify().ok);
  ASSERT_TRUE(audit_.KeyLegacyChain(*conn_).ok());
  AuditVerification v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.rows_checked, 5);
  Append(audit_, 6);
  EXPECT_TRUE(Verify().ok);
  // Once keyed, nothing changes on the next start.
  std::string head =
      Bytes(pqxx::nontransaction(*conn_).exec1("SELECT last_hash FROM audit_head")[0]);
  ASSERT_TRUE(audit_.KeyLegacyChain(*conn_).ok());
  EXPECT_EQ(Bytes(pqxx::nontransaction(*conn_).exec1("SELECT last_hash FROM audit_head")[0]), head);
}

TEST_F(LegacyChainTest, ABrokenLegacyChainIsNotLaundered) {
  MakeLegacy();
  db_.Exec("UPDATE audittest.audit_log SET action = 'Z' WHERE seq = 4");
  absl::Status s = audit_.KeyLegacyChain(*conn_);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_FALSE(Verify().ok);
}

}  // namespace
}  // namespace sertel
