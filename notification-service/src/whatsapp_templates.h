// The WhatsApp message templates sertel sends, as Meta approved them for the agency: one table
// (notification-service/whatsapp_templates.json, compiled in; docs/whatsapp.md lists it for the
// registration with Meta, and the test stub refuses what does not match it). A business may open
// a conversation only with an approved template (UTILITY or AUTHENTICATION category), whose body
// takes a fixed number of text parameters {{1}}..{{n}}, and whose button, if any, one dynamic
// parameter: a URL button's suffix (the one-time download link's token) or an AUTHENTICATION
// template's copy-code button (the code).
//
//   const WhatsAppTemplateSpec* t = FindWhatsAppTemplate("CERTIFICATE_HANDOVER");
//   t->name;  // "sertel_serah_terima"     t->body_params;  // {"full_name", ...}
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sertel::notification {

enum class WhatsAppButton { kNone, kUrl, kCopyCode };

struct WhatsAppTemplateSpec {
  std::string sertel_template;           // "CERTIFICATE_HANDOVER"
  std::string name;                      // the template's name in WhatsApp Manager
  std::string language;                  // "id"
  std::string category;                  // "UTILITY" | "AUTHENTICATION"
  std::vector<std::string> body_params;  // the sertel parameters of {{1}}, {{2}}, ...
  WhatsAppButton button = WhatsAppButton::kNone;
  std::string button_param;  // the parameter whose value the button takes
  std::string button_url;    // kUrl: the URL registered, "<base>/{{1}}"
};

// The table, parsed from the compiled-in JSON: INTERNAL naming what is wrong (a unit test and
// the service's start check it).
absl::StatusOr<std::vector<WhatsAppTemplateSpec>> ParseWhatsAppTemplateTable(
    absl::string_view json);
const std::vector<WhatsAppTemplateSpec>& WhatsAppTemplateTable();  // empty when it does not parse
absl::Status CheckWhatsAppTemplateTable();
const WhatsAppTemplateSpec* FindWhatsAppTemplate(absl::string_view sertel_template);

// What a URL button takes from a link: its last path segment (the token of
// "<base>/<token>"), which Meta appends to the registered "<base>/{{1}}".
std::string UrlButtonSuffix(absl::string_view url);

}  // namespace sertel::notification
