// The identity provider's signing keys, kept current without a restart: discovery, then the
// JWKS (common/jwks.h), cached and selected by kid. An unknown kid triggers a refresh (at most
// once per min_refresh_gap, so tokens with made-up kids cannot make us hammer the provider); a
// background thread refreshes every refresh_interval (every min_refresh_gap while no key has
// ever loaded). A failed refresh keeps the keys we have (a provider outage does not sign
// everyone out), and is logged.
//
//   auto source = OidcKeySource::Create({.issuer = "https://sso.kota.go.id/realms/sertel"});
//   (*source)->StartBackgroundRefresh();
//   auto verifier = JwtVerifier::Create(*source, {.issuer = ...});
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/jwt.h"

namespace sertel {

class OidcKeySource final : public JwtKeySource {
 public:
  struct Options {
    std::string issuer{};   // SERTEL_OIDC_ISSUER
    std::string ca_file{};  // SERTEL_OIDC_CA_FILE; "" means the system trust store
    absl::Duration refresh_interval = absl::Minutes(10);  // SERTEL_OIDC_REFRESH_INTERVAL
    absl::Duration min_refresh_gap = absl::Seconds(30);
    absl::Duration fetch_timeout = absl::Seconds(5);
  };
  // Fetches one URL: the body of a 200 answer, else an error. Tests pass their own.
  using Fetch = std::function<absl::StatusOr<std::string>(const std::string& url)>;

  // INVALID_ARGUMENT for an issuer CheckProviderUrl refuses. Nothing is fetched yet.
  static absl::StatusOr<std::shared_ptr<OidcKeySource>> Create(Options options,
                                                               Fetch fetch = nullptr,
                                                               const Clock* clock = nullptr);
  ~OidcKeySource() override;

  // Discovery then JWKS, now. On failure the current keys stay and the error is returned.
  absl::Status Refresh();
  // Refresh() when refresh_interval has passed since the last success (or min_refresh_gap
  // since the last attempt while none succeeded); what the background thread runs.
  void RefreshIfDue();
  // A thread calling RefreshIfDue; stopped by the destructor.
  void StartBackgroundRefresh();

  std::shared_ptr<const JwtKeySet> KeysFor(std::optional<absl::string_view> kid) override;

  // Number of fetch rounds attempted so far (tests and metrics).
  int refresh_attempts() const;

 private:
  // One loaded key set, and the same split by kid.
  struct Snapshot {
    std::shared_ptr<const JwtKeySet> all;
    absl::flat_hash_map<std::string, std::shared_ptr<const JwtKeySet>> by_kid;
  };

  OidcKeySource(Options options, Fetch fetch, const Clock* clock);
  absl::Status RefreshLocked();  // refresh_mu_ held
  std::shared_ptr<const Snapshot> Current() const;
  // The keys for `kid` in `snapshot`, or nullptr when it has none.
  static std::shared_ptr<const JwtKeySet> Find(const Snapshot& snapshot,
                                               std::optional<absl::string_view> kid);
  // May a fetch start now (min_refresh_gap since the last attempt)?
  bool MayAttempt(absl::Time now) const;

  const Options options_;
  const Fetch fetch_;
  const Clock* clock_;

  std::mutex refresh_mu_;  // one refresh at a time
  mutable std::mutex mu_;  // guards the fields below
  std::shared_ptr<const Snapshot> snapshot_;
  std::optional<absl::Time> last_attempt_;
  std::optional<absl::Time> last_success_;
  int attempts_ = 0;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sertel
