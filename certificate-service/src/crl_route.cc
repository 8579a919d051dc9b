#include "crl_route.h"

#include "common/log.h"

namespace sertel::certificate {

MetricsHttpServer::Response CrlResponse(RevocationManager& revocation) {
  absl::StatusOr<std::string> crl = revocation.CurrentCrl();
  if (!crl.ok() || crl->empty()) {
    Log::Warn("crl_unavailable",
              {{"error", crl.ok() ? "empty" : std::string(crl.status().message())}});
    return {.content_type = "text/plain",
            .body = "no CRL available yet; try again later\n",
            .status = 503};
  }
  return {.content_type = "application/pkix-crl", .body = *std::move(crl), .status = 200};
}

}  // namespace sertel::certificate
