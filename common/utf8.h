// Decoding UTF-8 one code point at a time, strictly (RFC 3629), and naming a character in an
// error message without echoing input. Shared by the field rules and the validators.
//
//   for (size_t pos = 0; pos < s.size();) {
//     char32_t cp;
//     if (!DecodeUtf8(s, &pos, &cp)) return Invalid(DescribeChar(...));
//   }
#pragma once

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace sertel {

// Decodes one UTF-8 sequence at `*pos`: rejects stray continuation bytes, overlong forms, UTF-16
// surrogates and anything above U+10FFFF. Advances `*pos` on success.
bool DecodeUtf8(absl::string_view s, size_t* pos, char32_t* cp);

// C0 controls, DEL and C1 controls.
bool IsControl(char32_t cp);

// Invisible formatting characters that can disguise a name: zero-width spaces and joiners,
// directional marks, embeddings, overrides and isolates, word joiners, the byte-order mark.
bool IsInvisibleFormat(char32_t cp);

// "'x'" for a printable ASCII character, "a space", else "U+XXXX".
std::string DescribeChar(char32_t cp);

}  // namespace sertel
