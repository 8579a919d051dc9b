#include "templates.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/field_rules.h"
#include "common/field_violations.h"
#include "common/http_client.h"
#include "whatsapp_templates.h"

namespace sertel::notification {
namespace {

// A parameter that must stay on one line (names, ids, dates; the subject carries some).
constexpr FieldRule kNoticeLine{
    field_rules::kNoticeParam.what_en,   field_rules::kNoticeParam.what_id,
    field_rules::kNoticeParam.max_chars, TextKind::kSingleLine,
    field_rules::kNoticeParam.bound_en,  field_rules::kNoticeParam.bound_id};

struct TemplateText {
  const char* name;
  const char* subject;
  const char* body;
  const char* closing = "";  // a paragraph several texts end with
};

// Step 7, by attachment or by link: the proof of use (issue 21) and the SOP's warning.
constexpr const char* kHandoverChecks =
    "\n"
    "Sebelum diserahkan, kunci dalam berkas ini telah membuat tanda tangan uji yang\n"
    "berhasil diverifikasi terhadap CA kami sebagai tanda tangan Anda (nama, NIK dan email).\n"
    "\n"
    "Periksa bahwa nama, NIK dan email pada sertifikat sesuai dengan data Anda. Sertifikat\n"
    "yang tidak sesuai dengan pemiliknya tidak dapat dipakai untuk menandatangani dokumen\n"
    "secara elektronik; segera hubungi Verifikator jika ada yang tidak sesuai.";

constexpr const char* kFooter =
    "\n\n"
    "Salam,\n"
    "Verifikator Sertifikat Elektronik\n"
    "Dinas Komunikasi dan Informatika\n"
    "\n"
    "Pesan ini dikirim otomatis oleh sertel. Mohon tidak membalas pesan ini.\n";

// Bodies use {{param}} placeholders. No template ever carries a passphrase: the owner types it
// in person (SOP step 6) and sertel never stores or sends it.
const TemplateText kTexts[] = {
    {"SUBMISSION_RECEIVED", "Permohonan sertifikat elektronik diterima ({{application_id}})",
     "Yth. {{full_name}},\n"
     "\n"
     "Permohonan sertifikat elektronik Anda telah kami terima dengan nomor {{application_id}}.\n"
     "Permohonan akan ditelaah oleh Kepala Dinas, Kabid TKPBET dan Kasi PKSI, lalu diperiksa\n"
     "kelengkapannya oleh Verifikator Sertifikat Elektronik. Kami akan mengabari Anda pada\n"
     "langkah berikutnya."},
    {"APPLICATION_RETURNED", "Permohonan {{application_id}} dikembalikan untuk dilengkapi",
     "Yth. {{full_name}},\n"
     "\n"
     "Permohonan sertifikat elektronik Anda ({{application_id}}) dikembalikan untuk dilengkapi.\n"
     "Alasan: {{reason}}\n"
     "Dokumen yang perlu diunggah ulang: {{missing_documents}}\n"
     "\n"
     "Silakan unggah ulang dokumen tersebut. Permohonan akan dilanjutkan dari langkah yang\n"
     "mengembalikannya."},
    {"APPLICATION_REJECTED", "Permohonan {{application_id}} ditolak",
     "Yth. {{full_name}},\n"
     "\n"
     "Dengan menyesal kami sampaikan bahwa permohonan sertifikat elektronik Anda\n"
     "({{application_id}}) ditolak.\n"
     "Alasan: {{reason}}\n"
     "\n"
     "Jika ada pertanyaan, silakan hubungi Verifikator Sertifikat Elektronik."},
    // SOP step 6: the owner comes in person and enters the passphrase; the code proves the
    // invitation. The code stands on a line of its own so a person finds it and a machine reads it.
    {"ACTIVATION_CODE", "Kode aktivasi sertifikat elektronik ({{application_id}})",
     "Yth. {{full_name}},\n"
     "\n"
     "Permohonan sertifikat elektronik Anda ({{application_id}}) telah dikirim ke BSrE.\n"
     "Silakan datang kepada Verifikator Sertifikat Elektronik untuk memasukkan passphrase\n"
     "Anda sendiri, dengan kode berikut:\n"
     "\n"
     "Kode aktivasi: {{activation_code}}\n"
     "\n"
     "Kode ini hanya dapat dipakai satu kali dan berlaku sampai {{expires_at}}.\n"
     "Jangan berikan kode ini kepada orang lain. Petugas tidak akan pernah menanyakan\n"
     "passphrase Anda."},
    // SOP step 7: the verifier hands the certificate over by email / WhatsApp.
    {"CERTIFICATE_HANDOVER", "Sertifikat elektronik Anda ({{application_id}})",
     "Yth. {{full_name}},\n"
     "\n"
     "Bersama pesan ini kami serahkan sertifikat elektronik Anda (permohonan\n"
     "{{application_id}}), nomor seri {{serial}}, berlaku sampai {{not_after}}.\n"
     "Berkas terlampir (PKCS#12) dilindungi passphrase yang Anda masukkan sendiri;\n"
     "passphrase tersebut tidak pernah dikirim oleh kami. Simpan berkas dan passphrase\n"
     "Anda dengan baik.\n",
     kHandoverChecks},
    // SOP step 7 by a one-time link (WhatsApp, whose Cloud API takes no PKCS#12, or email on
    // request): the message carries the link, never the keystore.
    {"CERTIFICATE_HANDOVER+link", "Sertifikat elektronik Anda ({{application_id}})",
     "Yth. {{full_name}},\n"
     "\n"
     "Sertifikat elektronik Anda (permohonan {{application_id}}), nomor seri {{serial}},\n"
     "berlaku sampai {{not_after}}, siap diunduh melalui tautan berikut:\n"
     "\n"
     "{{download_url}}\n"
     "\n"
     "Tautan ini hanya dapat dipakai satu kali dan berlaku sampai {{download_expires_at}}.\n"
     "Berkas (PKCS#12) dilindungi passphrase yang Anda masukkan sendiri; passphrase tersebut\n"
     "tidak pernah dikirim oleh kami. Jangan teruskan tautan ini kepada orang lain.\n",
     kHandoverChecks},
    {"EXPIRY_REMINDER", "Sertifikat elektronik Anda akan berakhir ({{serial}})",
     "Yth. {{full_name}},\n"
     "\n"
     "Sertifikat elektronik Anda dengan nomor seri {{serial}} akan berakhir pada\n"
     "{{not_after}}.\n"
     "Ajukan permohonan sertifikat baru sebelum tanggal tersebut agar Anda tetap dapat\n"
     "menandatangani dokumen secara elektronik."},
};

const std::set<std::string>& DateParams() {
  static const std::set<std::string> kDates = {"expires_at", "not_after", "download_expires_at"};
  return kDates;
}

std::string DocumentLabel(absl::string_view kind) {
  static const std::pair<const char*, const char*> kLabels[] = {
      {"REQUEST_LETTER", "surat permohonan"},
      {"BSRE_FORM", "formulir permohonan BSrE"},
      {"KTP_COPY", "fotokopi KTP"},
      {"SK_COPY", "fotokopi SK terakhir"},
  };
  absl::string_view bare = kind;
  absl::ConsumePrefix(&bare, "DOCUMENT_KIND_");
  for (const auto& [name, label] : kLabels) {
    if (bare == name) return label;
  }
  return std::string(kind);
}

std::string FormatMissingDocuments(absl::string_view csv) {
  std::vector<std::string> labels;
  for (absl::string_view kind : absl::StrSplit(csv, ',', absl::SkipWhitespace())) {
    labels.push_back(DocumentLabel(absl::StripAsciiWhitespace(kind)));
  }
  if (labels.empty()) return "-";
  return absl::StrJoin(labels, ", ");
}

// The value as shown to the recipient.
std::string DisplayValue(const std::string& key, const std::string& value) {
  if (DateParams().count(key) > 0) return FormatDateIndonesian(value);
  if (key == "missing_documents") return FormatMissingDocuments(value);
  return value;
}

const TemplateText* FindText(absl::string_view name) {
  for (const TemplateText& t : kTexts) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

}  // namespace

const std::vector<TemplateSpec>& AllTemplates() {
  static const std::vector<TemplateSpec> kSpecs = {
      {"SUBMISSION_RECEIVED", {"full_name", "application_id"}, {}, false},
      {"APPLICATION_RETURNED",
       {"full_name", "application_id", "reason", "missing_documents"},
       {},
       false,
       {"reason"}},
      {"APPLICATION_REJECTED", {"full_name", "application_id", "reason"}, {}, false, {"reason"}},
      {"ACTIVATION_CODE",
       {"full_name", "application_id", "activation_code", "expires_at"},
       {"activation_code"},
       false},
      // The link is a secret like the code: whoever has it gets the (sealed) keystore once.
      {"CERTIFICATE_HANDOVER",
       {"full_name", "application_id", "serial", "not_after"},
       {"download_url"},
       true,
       {},
       {"download_url", "download_expires_at"},
       "download_url"},
      {"EXPIRY_REMINDER", {"full_name", "serial", "not_after"}, {}, false},
  };
  return kSpecs;
}

const TemplateSpec* FindTemplate(absl::string_view name) {
  for (const TemplateSpec& spec : AllTemplates()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string FormatDateIndonesian(absl::string_view rfc3339) {
  static const char* kMonths[] = {"Januari",   "Februari", "Maret",    "April",
                                  "Mei",       "Juni",     "Juli",     "Agustus",
                                  "September", "Oktober",  "November", "Desember"};
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(rfc3339), &t, &err)) {
    return std::string(rfc3339);
  }
  // WIB = UTC+7, the agency's local time.
  absl::TimeZone wib = absl::FixedTimeZone(7 * 3600);
  absl::CivilMinute c = absl::ToCivilMinute(t, wib);
  return absl::StrCat(c.day(), " ", kMonths[c.month() - 1], " ", c.year(), " ",
                      absl::FormatTime("%H.%M", t, wib), " WIB");
}

std::string OneLineForWhatsApp(absl::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == '\n' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

absl::Status CheckTemplateParams(absl::string_view template_name, const TemplateParams& params) {
  FieldViolations v;
  const TemplateSpec* spec = FindTemplate(template_name);
  if (spec == nullptr) {
    v.Add("template", absl::StrCat("unknown template \"", template_name, "\""));
    return v.ToStatus("the notification is invalid");
  }
  std::set<std::string> known(spec->required_params.begin(), spec->required_params.end());
  known.insert(spec->optional_params.begin(), spec->optional_params.end());
  if (!spec->link_param.empty()) {
    // The link and its expiry come together; the link is https (http only on loopback).
    bool has_link = params.count(spec->link_param) > 0;
    for (const std::string& key : spec->optional_params) {
      if (params.count(key) == 0 && has_link) {
        v.Add(absl::StrCat("params.", key), absl::StrCat("required with ", spec->link_param));
      }
      if (params.count(key) > 0 && !has_link && key != spec->link_param) {
        v.Add(absl::StrCat("params.", key), absl::StrCat("only with ", spec->link_param));
      }
    }
    if (has_link) {
      const std::string& url = params.at(spec->link_param);
      // The same rule as the URLs sertel fetches: https, http only to a loopback host.
      if (!CheckProviderUrl(url).ok() || url.find('/', url.find("://") + 3) == std::string::npos) {
        v.Add(absl::StrCat("params.", spec->link_param),
              "must be an https URL ending in the link's token");
      }
    }
  }
  for (const std::string& key : spec->required_params) {
    auto it = params.find(key);
    if (it == params.end()) {
      v.Add(absl::StrCat("params.", key), absl::StrCat("required by ", spec->name));
    } else if (it->second.empty() && key != "missing_documents") {
      v.Add(absl::StrCat("params.", key), "must not be empty");
    }
  }
  for (const auto& [key, value] : params) {
    std::string field = absl::StrCat("params.", key);
    if (known.count(key) == 0) {
      // Strict on purpose: a stray parameter (a typo, or worse a secret) is refused, not stored.
      v.Add(field, absl::StrCat("not a parameter of ", spec->name));
      continue;
    }
    const bool multiline = std::find(spec->multiline_params.begin(), spec->multiline_params.end(),
                                     key) != spec->multiline_params.end();
    if (std::optional<FieldViolation> bad =
            CheckField(field, multiline ? field_rules::kNoticeParam : kNoticeLine, value, false)) {
      v.Add(*std::move(bad));
      continue;
    }
    if (DateParams().count(key) > 0) {
      absl::Time t;
      std::string err;
      if (!absl::ParseTime(absl::RFC3339_full, value, &t, &err)) {
        v.Add(field, "must be an RFC 3339 timestamp, e.g. 2025-06-01T10:00:00Z");
      }
    }
  }
  if (!v.empty()) return v.ToStatus("the notification is invalid");
  return absl::OkStatus();
}

absl::StatusOr<RenderedMessage> RenderTemplate(absl::string_view template_name,
                                               const TemplateParams& params) {
  if (absl::Status s = CheckTemplateParams(template_name, params); !s.ok()) return s;
  const TemplateSpec* spec = FindTemplate(template_name);
  const bool by_link =
      spec != nullptr && !spec->link_param.empty() && params.count(spec->link_param) > 0;
  const TemplateText* text =
      FindText(by_link ? absl::StrCat(template_name, "+link") : std::string(template_name));
  if (spec == nullptr || text == nullptr) {
    return absl::InternalError(absl::StrCat("template without text: ", template_name));
  }
  std::vector<std::pair<std::string, std::string>> replacements;
  for (const auto& [key, value] : params) {
    replacements.emplace_back(absl::StrCat("{{", key, "}}"), DisplayValue(key, value));
  }
  RenderedMessage out;
  // One pass: a value that itself contains "{{...}}" is not expanded again.
  out.subject = absl::StrReplaceAll(text->subject, replacements);
  out.body = absl::StrCat(
      absl::StrReplaceAll(absl::StrCat(text->body, text->closing), replacements), kFooter);
  if (const WhatsAppTemplateSpec* wa = FindWhatsAppTemplate(template_name); wa != nullptr) {
    for (const std::string& key : wa->body_params) {
      auto it = params.find(key);
      out.whatsapp_body_values.push_back(
          it == params.end() ? "" : OneLineForWhatsApp(DisplayValue(key, it->second)));
    }
    auto it = params.find(wa->button_param);
    if (wa->button == WhatsAppButton::kUrl && it != params.end()) {
      out.whatsapp_button_value = UrlButtonSuffix(it->second);
    } else if (wa->button == WhatsAppButton::kCopyCode && it != params.end()) {
      out.whatsapp_button_value = it->second;
    }
  }
  return out;
}

}  // namespace sertel::notification
