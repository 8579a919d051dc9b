#include "common/service_identity.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace sertel {
namespace {

constexpr absl::string_view kServiceNames[kServiceCount] = {"intake", "disposition", "certificate",
                                                            "notification"};
constexpr absl::string_view kTrustDomainPrefix = "spiffe://sertel/";

}  // namespace

absl::string_view EnumName(ServiceId service) { return kServiceNames[static_cast<int>(service)]; }

std::optional<ServiceId> ParseServiceName(absl::string_view name) {
  for (int i = 0; i < kServiceCount; ++i) {
    if (kServiceNames[i] == name) return static_cast<ServiceId>(i);
  }
  return std::nullopt;
}

std::string SpiffeId(ServiceId service) {
  return absl::StrCat(kTrustDomainPrefix, EnumName(service));
}

std::optional<ServiceId> ParseSpiffeId(absl::string_view uri) {
  if (!absl::ConsumePrefix(&uri, kTrustDomainPrefix)) return std::nullopt;
  return ParseServiceName(uri);
}

}  // namespace sertel
