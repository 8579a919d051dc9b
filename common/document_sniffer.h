// Tells what an uploaded document really is from its bytes, not its name or declared type: the
// contract accepts only PDF, JPEG and PNG (docs/api.md, Document).
//
//   DocumentFormat format = SniffDocument(doc.content());
//   if (absl::Status s = CheckDeclaredContentType(doc.content_type(), format); !s.ok()) {
//     violations.Add("documents[0].content", std::string(s.message()));
//   }
//   stored.content_type = std::string(MimeTypeOf(format));
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sertel {

enum class DocumentFormat { kUnknown, kPdf, kJpeg, kPng };

// Looks at the signature and the outer structure, without decoding:
// - PDF: starts with "%PDF-1.<digit>" or "%PDF-2.<digit>", and its last 1024 bytes hold
//   "startxref" followed by "%%EOF" (ISO 32000 section 7.5.5, the file trailer).
// - JPEG: SOI (FF D8 FF), marker segments whose lengths fit, a frame header (SOFn) before the
//   first scan (SOS), scans up to EOI (FF D9); after EOI at most 32 bytes of zero padding.
// - PNG: the 8-byte signature, IHDR first (length 13, sane fields), chunks whose lengths and
//   CRCs are right (ISO/IEC 15948), at least one IDAT, and IEND as the very last chunk.
// Trailing bytes after the end of a JPEG or PNG are refused: they are how polyglot files (an
// image that is also a ZIP or an HTML page) are made. Anything else is kUnknown.
DocumentFormat SniffDocument(absl::string_view bytes);

// "application/pdf", "image/jpeg", "image/png"; "application/octet-stream" for kUnknown.
absl::string_view MimeTypeOf(DocumentFormat format);

// INVALID_ARGUMENT when `actual` is kUnknown (not a PDF, JPEG or PNG), or when a non-empty
// `declared` type differs from MimeTypeOf(actual). The comparison ignores case and parameters
// after ';' (RFC 9110 section 8.3.1), and takes "image/jpg" as JPEG. An empty `declared` is fine.
absl::Status CheckDeclaredContentType(absl::string_view declared, DocumentFormat actual);

}  // namespace sertel
