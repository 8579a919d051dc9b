// The messages sertel sends, in Bahasa Indonesia: one subject and body per template, the
// parameters each one needs, and the renderer. Plain C++ and Abseil (no gRPC, no SQL), so the
// templates are unit-tested directly.
//
//   absl::StatusOr<RenderedMessage> m = RenderTemplate("ACTIVATION_CODE",
//       {{"full_name", "Budi"}, {"application_id", "a1"}, {"activation_code", "K7Q2-..."},
//        {"expires_at", "2025-06-01T10:00:00Z"}});
//   m->subject; m->body;   // the body has the line "Kode aktivasi: K7Q2-..." on its own
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sertel::notification {

using TemplateParams = std::map<std::string, std::string>;

struct TemplateSpec {
  std::string name;                          // "ACTIVATION_CODE"
  std::vector<std::string> required_params;  // every one must be present
  // Parameters that are secrets: stored sealed, redacted on output (the activation code).
  std::vector<std::string> secret_params;
  // Whether the message carries a document (the PKCS#12 of SOP step 7), unless it carries the
  // one-time download link (`link_param`) instead.
  bool requires_attachment = false;
  // Parameters that carry what officials write (a return or rejection reason): line breaks and
  // tabs allowed (common/field_rules.h kNoticeParam), rendered as line breaks in the email and
  // joined into one line for WhatsApp, whose template parameters take no line break. Every other
  // parameter is one line.
  std::vector<std::string> multiline_params = {};
  // Parameters that may be left out (the handover's link and its expiry come together).
  std::vector<std::string> optional_params = {};
  // The parameter holding a one-time download link (https, or http on loopback): the message
  // then carries no attachment, and says so.
  std::string link_param = "";
};

struct RenderedMessage {
  std::string subject;
  std::string body;  // UTF-8, "\n" line ends
  // The WhatsApp template's parameters (whatsapp_templates.h), formatted: its body's, in order,
  // and its button's (a URL suffix or the code), empty when it has none.
  std::vector<std::string> whatsapp_body_values;
  std::string whatsapp_button_value;
};

// The six templates, by name; null when unknown.
const TemplateSpec* FindTemplate(absl::string_view name);
const std::vector<TemplateSpec>& AllTemplates();

// INVALID_ARGUMENT listing every problem (field paths "params.<key>"): unknown template, a
// missing or empty required parameter, an unknown parameter, a link that is not https or comes
// without its expiry, a value that breaks
// common/field_rules.h's kNoticeParam (too long, bad UTF-8, a control character, a line break
// outside multiline_params), a date that is not RFC 3339.
absl::Status CheckTemplateParams(absl::string_view template_name, const TemplateParams& params);

// Checks, then renders. Dates (RFC 3339) are shown in WIB (UTC+7) with Indonesian month names.
absl::StatusOr<RenderedMessage> RenderTemplate(absl::string_view template_name,
                                               const TemplateParams& params);

// "2025-06-01T03:00:00Z" -> "1 Juni 2025 10.00 WIB"; the input itself when it does not parse.
std::string FormatDateIndonesian(absl::string_view rfc3339);

// A multi-line value as one WhatsApp template parameter: its lines trimmed and joined by a
// space, tabs and runs of spaces as one space (Meta refuses new lines, tabs and more than four
// consecutive spaces in a parameter).
std::string OneLineForWhatsApp(absl::string_view value);

}  // namespace sertel::notification
