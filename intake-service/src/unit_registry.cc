#include "unit_registry.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/field_rules.h"
#include "common/field_violations.h"
#include "nlohmann/json.hpp"

namespace sertel::intake {
namespace {

std::string StringAt(const nlohmann::json& entry, const char* key) {
  auto it = entry.find(key);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

absl::StatusOr<UnitRegistry> UnitRegistry::FromJson(absl::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json.begin(), json.end(), nullptr,
                                             /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("units") ||
      !doc["units"].is_array()) {
    return absl::InvalidArgumentError(
        "the unit registry must be a JSON object with a \"units\" array");
  }
  UnitRegistry registry;
  FieldViolations v;
  const nlohmann::json& units = doc["units"];
  for (size_t i = 0; i < units.size(); ++i) {
    std::string at = absl::StrCat("units[", i, "]");
    if (!units[i].is_object()) {
      v.Add(at, "must be an object with code, name and certificate_ou");
      continue;
    }
    UnitRecord u{StringAt(units[i], "code"), StringAt(units[i], "name"),
                 StringAt(units[i], "certificate_ou")};
    v.AddIf(CheckField(at + ".code", field_rules::kUnitCode, u.code, true));
    v.AddIf(CheckField(at + ".name", field_rules::kUnitName, u.name, true));
    v.AddIf(
        CheckField(at + ".certificate_ou", field_rules::kCertificateOu, u.certificate_ou, true));
    if (registry.by_code_.contains(u.code)) {
      v.Add(at + ".code", absl::StrCat("\"", u.code, "\" is given more than once"));
      continue;
    }
    registry.by_code_[u.code] = registry.units_.size();
    registry.units_.push_back(std::move(u));
  }
  if (units.empty()) v.Add("units", "the registry lists no unit");
  if (!v.empty()) return v.ToStatus("the unit registry is invalid");
  std::sort(registry.units_.begin(), registry.units_.end(),
            [](const UnitRecord& a, const UnitRecord& b) { return a.code < b.code; });
  for (size_t i = 0; i < registry.units_.size(); ++i)
    registry.by_code_[registry.units_[i].code] = i;
  return registry;
}

absl::StatusOr<UnitRegistry> UnitRegistry::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read the unit registry ", path));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<UnitRegistry> registry = FromJson(text.str());
  if (!registry.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", registry.status().message()));
  }
  return registry;
}

const UnitRecord* UnitRegistry::Find(absl::string_view code) const {
  auto it = by_code_.find(code);
  return it == by_code_.end() ? nullptr : &units_[it->second];
}

}  // namespace sertel::intake
