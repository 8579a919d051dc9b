// GET /crl.der on the metrics port: the CRL distribution point that certificates name
// (SERTEL_CERTIFICATE_CRL_URL). The current DER CRL with 200; 503 with a short text body while
// there is none (the database is unreachable, or the CA could not sign one), so a relying party
// never takes an empty body for a CRL.
//
//   http->AddRoute("/crl.der", [&managers] { return CrlResponse(managers.revocation); });
#pragma once

#include "common/metrics.h"
#include "revocation_manager.h"

namespace sertel::certificate {

MetricsHttpServer::Response CrlResponse(RevocationManager& revocation);

}  // namespace sertel::certificate
