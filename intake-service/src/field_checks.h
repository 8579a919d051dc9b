// Field checks of SOP step 1 (NIK, NIP, phone, email, names, free text; common/validators.h
// plus intake's "required") and the document type by its bytes (common/document_sniffer.h:
// structure, not only magic bytes, so truncated files and polyglots are refused). Each returns OK
// or INVALID_ARGUMENT with a short reason that becomes a field violation's description.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sertel::intake {

// 16 digits: province (11-94), regency, district, birth day (01-31, +40 for women), month,
// year, a serial that is not 0000.
absl::Status CheckNik(absl::string_view nik);
// 18 digits: birth date YYYYMMDD, appointment YYYYMM, gender 1 or 2, serial not 000.
absl::Status CheckNip(absl::string_view nip);
// E.164 Indonesian number: +62 then 8-12 more digits, not starting with 0.
absl::Status CheckPhone(absl::string_view phone);
absl::Status CheckEmail(absl::string_view email);
// Valid UTF-8, at most `max_chars` code points, no control characters (newline and tab only
// when `multiline`), and not empty when `required`.
absl::Status CheckText(absl::string_view text, int max_chars, bool required,
                       bool multiline = false);
// A person's name: letters (any script), spaces and . , ' - ; 1-128 characters.
absl::Status CheckFullName(absl::string_view name);

// "application/pdf", "image/jpeg" or "image/png" judged by the bytes (common/document_sniffer.h);
// "" otherwise.
std::string SniffDocumentType(absl::string_view bytes);

}  // namespace sertel::intake
