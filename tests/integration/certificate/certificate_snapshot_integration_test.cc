// CheckCertificate from memory (issue 22), against the real database and its notices: another
// replica sees an issuance and a revocation within the documented bound (and a revocation
// written behind the service's back, by the triggers); a check answers while every pooled
// connection is taken (no database round trip per check); a replica that cannot confirm its
// snapshot answers UNAVAILABLE after max staleness, and the notices it lost while disconnected
// are repaired by the full reload of its reconnect; a NOTIFY that is not a NIK is ignored.
#include "check_manager.h"
#include "tests/integration/certificate/certificate_fixture.h"

namespace sertel::certificate::testing {
namespace {

constexpr absl::Duration kMaxStaleness = absl::Seconds(10);

// A second replica on the same database: its own pool, store, snapshot and listener, told
// nothing by the fixture's replica but what the database sends.
struct Replica {
  std::unique_ptr<PgPool> pool;
  std::unique_ptr<CertificateStore> store;
  std::unique_ptr<CertificateSnapshot> snapshot;
  std::unique_ptr<SnapshotListener> listener;
  std::unique_ptr<CheckManager> checks;
};

class SnapshotTest : public CertificateIntegrationTest {
 protected:
  // `freshness` is the replica's freshness clock; `start`: run its thread (else rounds by hand).
  std::unique_ptr<Replica> OtherReplica(const Clock* freshness, bool start) {
    auto r = std::make_unique<Replica>();
    auto pool = PgPool::Create(
        {.url = db_.url(), .schema = "certificate", .size = 2, .on_connect = nullptr});
    EXPECT_TRUE(pool.ok()) << pool.status();
    if (!pool.ok()) return nullptr;
    r->pool = std::move(*pool);
    r->store = std::make_unique<CertificateStore>(r->pool.get(), audit_.get());
    r->snapshot = std::make_unique<CertificateSnapshot>(kMaxStaleness, freshness);
    r->listener = std::make_unique<SnapshotListener>(
        SnapshotListener::Options{.url = db_.url(), .schema = "certificate"}, r->store.get(),
        r->snapshot.get());
    absl::Status s = start ? r->listener->Start() : r->listener->RunRound();
    EXPECT_TRUE(s.ok()) << s;
    r->checks =
        std::make_unique<CheckManager>(r->store.get(), ca_.get(), &clock_, r->snapshot.get());
    return r;
  }

  static bool Has(const CheckOutcome& o, FindingCode code) {
    for (const Finding& f : o.findings) {
      if (f.code == code) return true;
    }
    return false;
  }

  // Asks `r` every 10 ms until `done` holds for its answer; how long it took, or nullopt after
  // `limit`.
  std::optional<absl::Duration> SeenWithin(Replica& r, const std::string& pem,
                                           const std::function<bool(const CheckOutcome&)>& done,
                                           absl::Duration limit) {
    absl::Time start = absl::Now();
    while (absl::Now() - start < limit) {
      absl::StatusOr<CheckOutcome> o = r.checks->CheckCertificate(pem, "");
      if (o.ok() && done(*o)) return absl::Now() - start;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return std::nullopt;
  }

  // Ends every snapshot listener's connection, as a database restart or a network cut would.
  void DropListeners() {
    Scalar(
        absl::StrCat("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     " WHERE application_name = '",
                     SnapshotListener::kApplicationName, "'"));
  }
};

TEST_F(SnapshotTest, AnotherReplicaSeesAnIssuanceAndARevocationWithinTheBound) {
  std::unique_ptr<Replica> b = OtherReplica(SystemClock::Default(), /*start=*/true);
  ASSERT_NE(b, nullptr);
  v1::Certificate c = Issue("app-1");
  auto ours = [](const CheckOutcome& o) { return o.certificate.has_value(); };
  std::optional<absl::Duration> issued = SeenWithin(*b, c.certificate_pem(), ours, kMaxStaleness);
  ASSERT_TRUE(issued.has_value()) << "replica B never saw the issued certificate";
  v1::Certificate revoked;
  ASSERT_TRUE(Revoke(c.serial(), v1::REVOCATION_REASON_KEY_COMPROMISE, &revoked).ok());
  auto is_revoked = [](const CheckOutcome& o) { return Has(o, FindingCode::kRevoked); };
  std::optional<absl::Duration> seen =
      SeenWithin(*b, c.certificate_pem(), is_revoked, kMaxStaleness);
  ASSERT_TRUE(seen.has_value()) << "replica B never saw the revocation";
  // The notice wakes the listener at once; the documented bound is one heartbeat (1 s).
  EXPECT_LE(*seen, absl::Seconds(1)) << "revocation seen after " << *seen;
  std::cout << "issuance seen by replica B after " << *issued << ", revocation after " << *seen
            << "\n";
}

TEST_F(SnapshotTest, ARevocationWrittenBehindTheServicesBackIsSeen) {
  std::unique_ptr<Replica> b = OtherReplica(SystemClock::Default(), /*start=*/true);
  ASSERT_NE(b, nullptr);
  v1::Certificate c = Issue("app-1");
  Scalar(absl::StrCat(
      "UPDATE certificates SET revoked_at = to_timestamp(", absl::ToUnixSeconds(clock_.Now()) - 1,
      "), revocation_reason = 2 WHERE serial = '", c.serial(), "' RETURNING serial"));
  auto is_revoked = [](const CheckOutcome& o) { return Has(o, FindingCode::kRevoked); };
  EXPECT_TRUE(SeenWithin(*b, c.certificate_pem(), is_revoked, absl::Seconds(2)).has_value());
}

TEST_F(SnapshotTest, ACheckNeedsNoDatabaseConnection) {
  v1::Certificate c = Issue("app-1");
  // Every pooled connection taken: a check that touched the database would wait for one and
  // fail UNAVAILABLE.
  std::vector<PgPool::Lease> taken = TakeAllConnections();
  v1::CheckResult r;
  grpc::Status s = Check(c.certificate_pem(), &r, "3171014101900001");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.certificate().serial(), c.serial());
  EXPECT_EQ(r.certificate().certificate_pem(), c.certificate_pem());
}

TEST_F(SnapshotTest, AStaleReplicaIsUnavailableAndItsLostNoticesAreRepairedOnReconnect) {
  FakeClock freshness(absl::Now());
  std::unique_ptr<Replica> b = OtherReplica(&freshness, /*start=*/false);
  ASSERT_NE(b, nullptr);
  v1::Certificate c = Issue("app-1");
  ASSERT_TRUE(b->listener->RunRound().ok());  // the issuance's notice
  ASSERT_TRUE(b->checks->CheckCertificate(c.certificate_pem(), "")->certificate.has_value());

  DropListeners();
  v1::Certificate revoked;
  ASSERT_TRUE(Revoke(c.serial(), v1::REVOCATION_REASON_KEY_COMPROMISE, &revoked).ok());
  // B cannot confirm: its round fails, and past max staleness it refuses to answer.
  EXPECT_FALSE(b->listener->RunRound().ok());
  freshness.Advance(kMaxStaleness + absl::Seconds(1));
  absl::StatusOr<CheckOutcome> stale = b->checks->CheckCertificate(c.certificate_pem(), "");
  ASSERT_TRUE(absl::IsUnavailable(stale.status())) << stale.status();

  // The reconnect reloads everything: the revocation whose notice was lost is there.
  ASSERT_TRUE(b->listener->RunRound().ok());
  absl::StatusOr<CheckOutcome> now = b->checks->CheckCertificate(c.certificate_pem(), "");
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_TRUE(Has(*now, FindingCode::kRevoked));
}

// A replica whose database cannot be reached at start does not start: Start fails with the
// reason, and no snapshot answers.
TEST_F(SnapshotTest, AListenerThatCannotReachTheDatabaseFailsToStart) {
  CertificateSnapshot snapshot(kMaxStaleness);
  SnapshotListener listener(
      {.url = "postgresql://sertel@127.0.0.1:1/none", .schema = "certificate"}, store_.get(),
      &snapshot);
  absl::Status s = listener.Start();
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_TRUE(absl::IsUnavailable(snapshot.Current().status()));
}

TEST_F(SnapshotTest, ANoticeThatIsNotANikIsIgnored) {
  FakeClock freshness(absl::Now());
  std::unique_ptr<Replica> b = OtherReplica(&freshness, /*start=*/false);
  ASSERT_NE(b, nullptr);
  Scalar("SELECT pg_notify('certificate_holders', '1}, {2')");
  Scalar("SELECT pg_notify('certificate_holders', repeat('9', 7999))");
  freshness.Advance(absl::Seconds(5));
  ASSERT_TRUE(b->listener->RunRound().ok());
  EXPECT_EQ(b->snapshot->fresh_as_of(), freshness.Now());
}

}  // namespace
}  // namespace sertel::certificate::testing
