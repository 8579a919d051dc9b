#include "common/oidc_key_source.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/http_client.h"
#include "common/jwks.h"
#include "common/log.h"
#include "common/oidc_discovery.h"

namespace sertel {
namespace {

const std::shared_ptr<const JwtKeySet>& NoKeys() {
  static const auto* kNone = new std::shared_ptr<const JwtKeySet>(std::make_shared<JwtKeySet>());
  return *kNone;
}

OidcKeySource::Fetch HttpFetch(const OidcKeySource::Options& o) {
  auto http = std::make_shared<HttpClient>(
      HttpClient::Options{.ca_file = o.ca_file, .timeout = o.fetch_timeout});
  return [http](const std::string& url) -> absl::StatusOr<std::string> {
    absl::StatusOr<HttpResponse> r = http->Get(url);
    if (!r.ok()) return r.status();
    if (r->status != 200)
      return absl::UnavailableError(absl::StrCat(url, " answered HTTP ", r->status));
    return std::move(r->body);
  };
}

}  // namespace

absl::StatusOr<std::shared_ptr<OidcKeySource>> OidcKeySource::Create(Options options, Fetch fetch,
                                                                     const Clock* clock) {
  if (options.issuer.empty()) return absl::InvalidArgumentError("no OpenID issuer");
  if (absl::Status s = CheckProviderUrl(options.issuer); !s.ok()) return s;
  if (options.min_refresh_gap <= absl::ZeroDuration() ||
      options.refresh_interval < options.min_refresh_gap) {
    return absl::InvalidArgumentError("refresh_interval must be at least min_refresh_gap > 0");
  }
  if (fetch == nullptr) fetch = HttpFetch(options);
  return std::shared_ptr<OidcKeySource>(new OidcKeySource(
      std::move(options), std::move(fetch), clock != nullptr ? clock : SystemClock::Default()));
}

OidcKeySource::OidcKeySource(Options options, Fetch fetch, const Clock* clock)
    : options_(std::move(options)),
      fetch_(std::move(fetch)),
      clock_(clock),
      snapshot_(std::make_shared<Snapshot>(Snapshot{NoKeys(), {}})) {}

OidcKeySource::~OidcKeySource() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const OidcKeySource::Snapshot> OidcKeySource::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_;
}

int OidcKeySource::refresh_attempts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return attempts_;
}

bool OidcKeySource::MayAttempt(absl::Time now) const {
  std::lock_guard<std::mutex> lock(mu_);
  return !last_attempt_.has_value() || now - *last_attempt_ >= options_.min_refresh_gap;
}

absl::Status OidcKeySource::Refresh() {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  return RefreshLocked();
}

absl::Status OidcKeySource::RefreshLocked() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++attempts_;
    last_attempt_ = clock_->Now();
  }
  auto fail = [this](const absl::Status& s) {
    // The keys we have stay: an outage of the provider must not sign everyone out.
    Log::Warn("oidc_keys_refresh_failed", {{"issuer", options_.issuer},
                                           {"error", std::string(s.message())},
                                           {"keys_kept", Current()->all->size()}});
    return s;
  };
  absl::StatusOr<std::string> discovery = fetch_(DiscoveryUrl(options_.issuer));
  if (!discovery.ok()) return fail(discovery.status());
  absl::StatusOr<OidcProviderMetadata> meta = ParseDiscovery(*discovery, options_.issuer);
  if (!meta.ok()) return fail(meta.status());
  absl::StatusOr<std::string> jwks = fetch_(meta->jwks_uri);
  if (!jwks.ok()) return fail(jwks.status());
  absl::StatusOr<JwtKeySet> keys = ParseJwks(*jwks);
  if (!keys.ok()) return fail(keys.status());

  auto next = std::make_shared<Snapshot>();
  absl::flat_hash_map<std::string, JwtKeySet> by_kid;
  std::vector<std::string> kids;
  for (const JwtKey& k : *keys) {
    if (k.kid.empty()) continue;
    // A second handle on the same key for the kid's own set.
    EVP_PKEY_up_ref(k.key.get());
    by_kid[k.kid].push_back(JwtKey{k.kind, k.kid, EvpPkeyPtr(k.key.get())});
    kids.push_back(k.kid);
  }
  for (auto& [kid, set] : by_kid) {
    next->by_kid.emplace(kid, std::make_shared<const JwtKeySet>(std::move(set)));
  }
  next->all = std::make_shared<const JwtKeySet>(*std::move(keys));
  {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot_ = std::move(next);
    last_success_ = clock_->Now();
  }
  Log::Info("oidc_keys_loaded", {{"issuer", options_.issuer}, {"kids", kids}});
  return absl::OkStatus();
}

void OidcKeySource::RefreshIfDue() {
  const absl::Time now = clock_->Now();
  bool due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const bool gap_passed =
        !last_attempt_.has_value() || now - *last_attempt_ >= options_.min_refresh_gap;
    due = gap_passed &&
          (!last_success_.has_value() || now - *last_success_ >= options_.refresh_interval);
  }
  if (due) (void)Refresh();  // a failure is logged; the keys stay
}

void OidcKeySource::StartBackgroundRefresh() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    const absl::Duration tick = std::min(options_.min_refresh_gap, absl::Seconds(5));
    std::unique_lock<std::mutex> lock(stop_mu_);
    while (!stopping_) {
      lock.unlock();
      RefreshIfDue();
      lock.lock();
      stop_cv_.wait_for(lock, absl::ToChronoMilliseconds(tick), [this] { return stopping_; });
    }
  });
}

std::shared_ptr<const JwtKeySet> OidcKeySource::Find(const Snapshot& snapshot,
                                                     std::optional<absl::string_view> kid) {
  if (!kid.has_value()) return snapshot.all->empty() ? nullptr : snapshot.all;
  auto it = snapshot.by_kid.find(*kid);
  return it == snapshot.by_kid.end() ? nullptr : it->second;
}

std::shared_ptr<const JwtKeySet> OidcKeySource::KeysFor(std::optional<absl::string_view> kid) {
  if (auto keys = Find(*Current(), kid)) return keys;
  // An unknown kid: the provider may have rotated. Refresh, but at most once per gap, so that
  // tokens with made-up kids cannot make every call a fetch.
  // Taking refresh_mu_ also waits for a refresh under way (bounded by the fetch timeout); when
  // none is, the lock is free and this costs nothing. Another caller may have refreshed while
  // this one waited: look again before deciding.
  std::lock_guard<std::mutex> lock(refresh_mu_);
  if (auto keys = Find(*Current(), kid)) return keys;
  if (!MayAttempt(clock_->Now())) return NoKeys();
  (void)RefreshLocked();
  auto keys = Find(*Current(), kid);
  return keys != nullptr ? keys : NoKeys();
}

}  // namespace sertel
