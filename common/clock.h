// The time source every rule reads, injected so that tests can move time (SLA, expiry, JWT exp).
//
//   SystemClock clock;              // production
//   FakeClock fake(absl::FromUnixSeconds(1700000000));
//   fake.Advance(absl::Minutes(15));
#pragma once

#include <atomic>
#include <chrono>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sertel {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  // One process-wide instance for code that has no clock injected.
  static const Clock* Default() {
    static const SystemClock kClock;
    return &kClock;
  }
};

// The steady clock as absl::Time: it never jumps when the wall clock is set (NTP, an operator),
// so only differences between its readings mean anything. For timeouts and freshness bounds, never
// for a time that is stored or shown.
class MonotonicClock final : public Clock {
 public:
  absl::Time Now() const override {
    return absl::UnixEpoch() +
           absl::FromChrono(std::chrono::steady_clock::now().time_since_epoch());
  }
  static const Clock* Default() {
    static const MonotonicClock kClock;
    return &kClock;
  }
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_;
};

}  // namespace sertel
