// The HTTPS side of a handover by link (issue 18): GET <prefix>/<token> on its own listener
// (SERTEL_CERTIFICATE_DOWNLOAD_ADDRESS, its own TLS certificate; an Ingress in k8s) serves the
// sealed PKCS#12 once as an attachment, then 410 Gone; an unknown or expired token is 404; at
// most `burst` requests at once per address (429 with Retry-After); the database down is 503.
// A HEAD, or a link-preview fetcher (WhatsApp's, Facebook's, Slack's ...), gets the page's
// status without the file and does not use the link up, so a preview cannot burn it.
//
//   DownloadRoute route(&managers.handover, {.path_prefix = "/unduh"}, clock);
//   route.Register(listener);
#pragma once

#include <string>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/http_listener.h"
#include "common/rate_limiter.h"
#include "handover_manager.h"

namespace sertel::certificate {

class DownloadRoute {
 public:
  struct Options {
    std::string path_prefix;  // the base URL's path ("/unduh"), "" for the root
    int burst = 10;           // requests at once per address
    absl::Duration refill = absl::Seconds(6);
    // Behind an Ingress: the client's address is the last X-Forwarded-For hop.
    bool trust_forwarded_for = false;
  };

  DownloadRoute(HandoverManager* handover, Options options,
                const Clock* clock = SystemClock::Default());

  void Register(HttpListener& listener);
  HttpReply Serve(const HttpRequest& request);

  // Whether a user agent is a link-preview fetcher (never given the file).
  static bool IsLinkPreviewer(absl::string_view user_agent);

 private:
  std::string ClientAddress(const HttpRequest& request) const;

  HandoverManager* handover_;
  Options options_;
  RateLimiter per_address_;
};

}  // namespace sertel::certificate
