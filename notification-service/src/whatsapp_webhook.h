// The WhatsApp Cloud API webhook (issue 18), on the service's HTTP listener (behind the
// Ingress that terminates TLS for Meta): delivery as the phone reports it, not "the API
// answered 200".
//   GET  <path>?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C -> 200 C when T is the
//        configured verify token (constant-time compare), else 403: Meta's subscription check.
//   POST <path>, signed "X-Hub-Signature-256: sha256=<hex HMAC-SHA-256 of the raw body under the
//        app secret>": a bad or missing signature is 401 and changes nothing; every status event
//        (sent, delivered, read, failed) is kept once and applied to its message
//        (NotificationStore::RecordStatus); 200 once stored, 500 when the database is down (Meta
//        delivers again), 400 for a body that is not a webhook's JSON.
// Replays and events out of order are harmless (NotificationLifecycle::AfterReports).
//
//   WhatsAppWebhook hook(&store, &manager, {.verify_token = t, .app_secret = s});
//   hook.Register(runtime.http()->listener());
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "common/http_listener.h"
#include "notification_manager.h"
#include "notification_records.h"
#include "notification_store.h"

namespace sertel::notification {

class WhatsAppWebhook {
 public:
  struct Options {
    std::string verify_token;  // SERTEL_NOTIFICATION_WHATSAPP_VERIFY_TOKEN_FILE
    std::string app_secret;    // SERTEL_NOTIFICATION_WHATSAPP_APP_SECRET_FILE; never logged
    std::string path = "/whatsapp/webhook";
  };
  WhatsAppWebhook(NotificationStore* store, const NotificationManager* manager, Options options,
                  const Clock* clock = SystemClock::Default());

  void Register(HttpListener& listener);
  HttpReply Verify(const HttpRequest& request) const;
  HttpReply Receive(const HttpRequest& request);

  // Whether `header` ("sha256=<64 hex>") is the HMAC-SHA-256 of `body` under `app_secret`.
  static bool SignatureMatches(const std::string& app_secret, const std::string& body,
                               const std::string& header);
  // The status events of a webhook body (messages and other fields are skipped);
  // INVALID_ARGUMENT when it is not a WhatsApp Business Account webhook.
  static absl::StatusOr<std::vector<StatusReport>> ParseStatuses(const std::string& body);

 private:
  NotificationStore* store_;
  const NotificationManager* manager_;
  Options options_;
  const Clock* clock_;
};

}  // namespace sertel::notification
