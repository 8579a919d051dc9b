#include "whatsapp_templates.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "templates.h"
#include "whatsapp_templates_json.h"

namespace sertel::notification {
namespace {

absl::Status Bad(absl::string_view what) {
  return absl::InternalError(absl::StrCat("whatsapp_templates.json: ", what));
}

std::string StringAt(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return "";
  return j[key].get<std::string>();
}

}  // namespace

absl::StatusOr<std::vector<WhatsAppTemplateSpec>> ParseWhatsAppTemplateTable(
    absl::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("templates") || !j["templates"].is_array()) {
    return Bad("not an object with a \"templates\" array");
  }
  std::vector<WhatsAppTemplateSpec> out;
  for (const nlohmann::json& t : j["templates"]) {
    if (!t.is_object()) return Bad("an entry is not an object");
    WhatsAppTemplateSpec spec;
    spec.sertel_template = StringAt(t, "sertel_template");
    spec.name = StringAt(t, "name");
    spec.language = StringAt(t, "language");
    spec.category = StringAt(t, "category");
    const TemplateSpec* sertel = FindTemplate(spec.sertel_template);
    if (sertel == nullptr) return Bad(absl::StrCat("unknown template ", spec.sertel_template));
    if (spec.name.empty() || spec.language.empty()) {
      return Bad(absl::StrCat(spec.sertel_template, ": name and language are required"));
    }
    if (spec.category != "UTILITY" && spec.category != "AUTHENTICATION") {
      return Bad(absl::StrCat(spec.sertel_template, ": category UTILITY or AUTHENTICATION"));
    }
    auto known = [&](const std::string& p) {
      for (const std::string& r : sertel->required_params) {
        if (r == p) return true;
      }
      for (const std::string& r : sertel->optional_params) {
        if (r == p) return true;
      }
      return false;
    };
    if (!t.contains("body_params") || !t["body_params"].is_array()) {
      return Bad(absl::StrCat(spec.sertel_template, ": body_params is required"));
    }
    for (const nlohmann::json& p : t["body_params"]) {
      if (!p.is_string() || !known(p.get<std::string>())) {
        return Bad(absl::StrCat(spec.sertel_template, ": body parameter ", p.dump(),
                                " is not one of its parameters"));
      }
      spec.body_params.push_back(p.get<std::string>());
    }
    if (t.contains("button")) {
      const nlohmann::json& b = t["button"];
      std::string type = b.is_object() ? StringAt(b, "type") : "";
      spec.button_param = b.is_object() ? StringAt(b, "param") : "";
      spec.button_url = b.is_object() ? StringAt(b, "url") : "";
      if (type == "URL") {
        spec.button = WhatsAppButton::kUrl;
      } else if (type == "COPY_CODE") {
        spec.button = WhatsAppButton::kCopyCode;
      } else {
        return Bad(absl::StrCat(spec.sertel_template, ": button type URL or COPY_CODE"));
      }
      if (!known(spec.button_param)) {
        return Bad(absl::StrCat(spec.sertel_template,
                                ": the button's param is not one of its "
                                "parameters"));
      }
    }
    // Meta: an AUTHENTICATION template's body is Meta's fixed text with the code as its only
    // parameter, and it has the copy-code (or one-tap) button.
    if (spec.category == "AUTHENTICATION" &&
        (spec.body_params.size() != 1 || spec.button != WhatsAppButton::kCopyCode ||
         spec.body_params[0] != spec.button_param)) {
      return Bad(absl::StrCat(spec.sertel_template,
                              ": an AUTHENTICATION template has the code as its one body "
                              "parameter and a COPY_CODE button with it"));
    }
    for (const WhatsAppTemplateSpec& earlier : out) {
      if (earlier.sertel_template == spec.sertel_template) {
        return Bad(absl::StrCat(spec.sertel_template, " is listed twice"));
      }
    }
    out.push_back(std::move(spec));
  }
  if (out.size() != AllTemplates().size()) return Bad("every sertel template needs its entry");
  return out;
}

const std::vector<WhatsAppTemplateSpec>& WhatsAppTemplateTable() {
  static const std::vector<WhatsAppTemplateSpec> kTable = [] {
    absl::StatusOr<std::vector<WhatsAppTemplateSpec>> t =
        ParseWhatsAppTemplateTable(kWhatsAppTemplatesJson);
    return t.ok() ? *std::move(t) : std::vector<WhatsAppTemplateSpec>{};
  }();
  return kTable;
}

absl::Status CheckWhatsAppTemplateTable() {
  return ParseWhatsAppTemplateTable(kWhatsAppTemplatesJson).status();
}

const WhatsAppTemplateSpec* FindWhatsAppTemplate(absl::string_view sertel_template) {
  for (const WhatsAppTemplateSpec& t : WhatsAppTemplateTable()) {
    if (t.sertel_template == sertel_template) return &t;
  }
  return nullptr;
}

std::string UrlButtonSuffix(absl::string_view url) {
  size_t slash = url.rfind('/');
  return std::string(slash == absl::string_view::npos ? url : url.substr(slash + 1));
}

}  // namespace sertel::notification
