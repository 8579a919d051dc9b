// The four services as identities. Each service's TLS certificate names it with a URI SAN
// `spiffe://sertel/<service>` (scripts/dev-pki.sh, k8s cert-manager); a caller presenting it is
// that service, and the role tables name which services may call each internal RPC. Nothing
// else grants a service identity: a bearer token never does.
//
//   std::optional<ServiceId> s = ParseSpiffeId("spiffe://sertel/intake");  // kIntake
//   SpiffeId(ServiceId::kCertificate);  // "spiffe://sertel/certificate"
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/enum_set.h"

namespace sertel {

enum class ServiceId : uint8_t { kIntake, kDisposition, kCertificate, kNotification };
inline constexpr int kServiceCount = 4;

absl::string_view EnumName(ServiceId service);  // "intake", "disposition", ...
constexpr int EnumSize(ServiceId) { return kServiceCount; }

using ServiceSet = EnumSet<ServiceId>;

inline constexpr ServiceSet kEveryService = {ServiceId::kIntake, ServiceId::kDisposition,
                                             ServiceId::kCertificate, ServiceId::kNotification};

// "intake" -> kIntake; nullopt for anything else.
std::optional<ServiceId> ParseServiceName(absl::string_view name);
// "spiffe://sertel/<name>".
std::string SpiffeId(ServiceId service);
// The service a SPIFFE ID names, exactly "spiffe://sertel/<name>"; nullopt otherwise (another
// trust domain, a path with more segments, a different case).
std::optional<ServiceId> ParseSpiffeId(absl::string_view uri);

}  // namespace sertel
