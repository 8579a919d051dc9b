// The agency's units (OPD, Organisasi Perangkat Daerah) as master data, not free text: a code,
// the official name, and the name that goes into the certificate's subject OU. Loaded once at
// start from a JSON file (SERTEL_INTAKE_UNITS_FILE; a ConfigMap in Kubernetes; the city's sample
// is k8s/base/config/units.json), checked whole with common/field_rules.h so that no unit can
// carry an OU the certificate would refuse (every problem reported at once). Immutable after
// load, so it is shared by every request without a lock.
//
//   absl::StatusOr<UnitRegistry> units = UnitRegistry::FromFile(own.units_file);
//   const UnitRecord* u = units->Find("DP3AP2KB");   // null when unknown
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sertel::intake {

struct UnitRecord {
  std::string code;            // field_rules::kUnitCode, e.g. "DP3AP2KB"
  std::string name;            // field_rules::kUnitName, the official name
  std::string certificate_ou;  // field_rules::kCertificateOu, e.g. "DP3AP2KB"
};

class UnitRegistry {
 public:
  // {"units": [{"code": ..., "name": ..., "certificate_ou": ...}, ...]} (other keys ignored).
  // INVALID_ARGUMENT listing every bad entry ("units[3].certificate_ou: ...", duplicate codes,
  // no units at all).
  static absl::StatusOr<UnitRegistry> FromJson(absl::string_view json);
  static absl::StatusOr<UnitRegistry> FromFile(const std::string& path);

  // The unit with `code`, or null.
  const UnitRecord* Find(absl::string_view code) const;
  // Every unit, by code.
  const std::vector<UnitRecord>& units() const { return units_; }

 private:
  std::vector<UnitRecord> units_;
  absl::flat_hash_map<std::string, size_t> by_code_;
};

}  // namespace sertel::intake
