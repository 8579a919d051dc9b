// Tells what an uploaded document really is from its bytes; see document_sniffer.h.
#include "common/document_sniffer.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace sertel {
namespace {

uint8_t ByteAt(absl::string_view b, size_t i) { return static_cast<uint8_t>(b[i]); }

uint32_t BigEndian32(absl::string_view b, size_t i) {
  return (uint32_t{ByteAt(b, i)} << 24) | (uint32_t{ByteAt(b, i + 1)} << 16) |
         (uint32_t{ByteAt(b, i + 2)} << 8) | uint32_t{ByteAt(b, i + 3)};
}

bool IsPdf(absl::string_view b) {
  if (b.size() < 8) return false;
  if (!absl::StartsWith(b, "%PDF-1.") && !absl::StartsWith(b, "%PDF-2.")) return false;
  if (!absl::ascii_isdigit(ByteAt(b, 7))) return false;
  // The trailer: "startxref", the offset of the last cross-reference section, then "%%EOF".
  const absl::string_view tail = b.substr(b.size() > 1024 ? b.size() - 1024 : 0);
  const size_t eof = tail.rfind("%%EOF");
  if (eof == absl::string_view::npos) return false;
  return tail.substr(0, eof).rfind("startxref") != absl::string_view::npos;
}

// SOF0..SOF15 without DHT (C4), JPG (C8) and DAC (CC), which share the range.
bool IsStartOfFrame(uint8_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

bool IsJpeg(absl::string_view b) {
  constexpr uint8_t kSos = 0xDA;
  constexpr uint8_t kEoi = 0xD9;
  const size_t n = b.size();
  if (n < 4 || ByteAt(b, 0) != 0xFF || ByteAt(b, 1) != 0xD8 || ByteAt(b, 2) != 0xFF) return false;
  size_t pos = 2;
  bool seen_frame = false;
  for (;;) {
    // A marker: 0xFF, any number of 0xFF fill bytes (T.81 B.1.1.2), then the marker code.
    if (pos >= n || ByteAt(b, pos) != 0xFF) return false;
    while (pos < n && ByteAt(b, pos) == 0xFF) ++pos;
    if (pos >= n) return false;
    const uint8_t marker = ByteAt(b, pos++);
    if (marker == 0x01) continue;  // TEM has no length
    // Reserved codes (02-BF), a second SOI, a restart marker outside a scan, or EOI before any
    // scan: not a JPEG.
    if (marker < 0xC0 || marker == 0xD8 || (marker >= 0xD0 && marker <= kEoi)) return false;
    if (pos + 2 > n) return false;
    const size_t length = (size_t{ByteAt(b, pos)} << 8) | ByteAt(b, pos + 1);
    if (length < 2 || pos + length > n) return false;
    if (IsStartOfFrame(marker)) {
      // Lf, P, Y, X, Nf: a width of zero or no components is not an image.
      if (length < 8) return false;
      const unsigned width = (unsigned{ByteAt(b, pos + 5)} << 8) | ByteAt(b, pos + 6);
      if (width == 0 || ByteAt(b, pos + 7) == 0) return false;
      seen_frame = true;
    }
    pos += length;
    if (marker != kSos) continue;
    if (!seen_frame) return false;
    // Entropy-coded data: a 0xFF in it is followed by 00 (stuffing), RSTn or more fill; anything
    // else is the next marker.
    for (;;) {
      if (pos + 1 >= n) return false;  // ran out before EOI
      if (ByteAt(b, pos) != 0xFF) {
        ++pos;
        continue;
      }
      const uint8_t next = ByteAt(b, pos + 1);
      if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
        pos += 2;
      } else if (next == 0xFF) {
        ++pos;
      } else {
        break;
      }
    }
    if (ByteAt(b, pos + 1) == kEoi) {
      // Some encoders pad the file; a few zero bytes are harmless, anything else is not.
      const absl::string_view trailer = b.substr(pos + 2);
      if (trailer.size() > 32) return false;
      return trailer.find_first_not_of('\0') == absl::string_view::npos;
    }
    // Another segment (DHT, DQT, SOS of a progressive image, ...): back to the outer loop.
  }
}

// CRC-32 as PNG uses it (ISO/IEC 15948 Annex D): polynomial 0xEDB88320, reflected.
constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

uint32_t Crc32(absl::string_view data) {
  static constexpr std::array<uint32_t, 256> kTable = MakeCrcTable();
  uint32_t c = 0xFFFFFFFFu;
  for (char ch : data) c = kTable[(c ^ static_cast<uint8_t>(ch)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool IsValidIhdr(absl::string_view data) {
  const uint32_t width = BigEndian32(data, 0);
  const uint32_t height = BigEndian32(data, 4);
  if (width == 0 || height == 0 || width > 0x7FFFFFFFu || height > 0x7FFFFFFFu) return false;
  const uint8_t depth = ByteAt(data, 8);
  const uint8_t color = ByteAt(data, 9);
  bool depth_ok = false;
  switch (color) {
    case 0:  // greyscale
      depth_ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
      break;
    case 3:  // palette
      depth_ok = depth == 1 || depth == 2 || depth == 4 || depth == 8;
      break;
    case 2:  // RGB
    case 4:  // greyscale + alpha
    case 6:  // RGBA
      depth_ok = depth == 8 || depth == 16;
      break;
    default:
      return false;
  }
  // Compression and filter method 0; interlace none or Adam7.
  return depth_ok && ByteAt(data, 10) == 0 && ByteAt(data, 11) == 0 && ByteAt(data, 12) <= 1;
}

bool IsPng(absl::string_view b) {
  constexpr absl::string_view kSignature("\x89PNG\r\n\x1a\n", 8);
  if (!absl::StartsWith(b, kSignature)) return false;
  size_t pos = kSignature.size();
  bool first = true;
  bool seen_idat = false;
  while (b.size() - pos >= 12) {  // length, type, CRC
    const uint32_t length = BigEndian32(b, pos);
    if (length > 0x7FFFFFFFu || length > b.size() - pos - 12) return false;
    const absl::string_view type = b.substr(pos + 4, 4);
    for (char c : type) {
      if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) return false;
    }
    const absl::string_view data = b.substr(pos + 8, length);
    if (Crc32(b.substr(pos + 4, 4 + length)) != BigEndian32(b, pos + 8 + length)) return false;
    if (first) {
      if (type != "IHDR" || length != 13 || !IsValidIhdr(data)) return false;
      first = false;
    } else if (type == "IHDR") {
      return false;
    }
    pos += 12 + length;
    if (type == "IDAT") seen_idat = true;
    if (type == "IEND") return length == 0 && seen_idat && pos == b.size();
  }
  return false;  // truncated: no IEND
}

}  // namespace

DocumentFormat SniffDocument(absl::string_view bytes) {
  if (IsPdf(bytes)) return DocumentFormat::kPdf;
  if (IsJpeg(bytes)) return DocumentFormat::kJpeg;
  if (IsPng(bytes)) return DocumentFormat::kPng;
  return DocumentFormat::kUnknown;
}

absl::string_view MimeTypeOf(DocumentFormat format) {
  switch (format) {
    case DocumentFormat::kPdf:
      return "application/pdf";
    case DocumentFormat::kJpeg:
      return "image/jpeg";
    case DocumentFormat::kPng:
      return "image/png";
    case DocumentFormat::kUnknown:
      break;
  }
  return "application/octet-stream";
}

absl::Status CheckDeclaredContentType(absl::string_view declared, DocumentFormat actual) {
  if (actual == DocumentFormat::kUnknown) {
    return absl::InvalidArgumentError(
        "content is not a PDF, JPEG or PNG file (judged by its bytes, not its name)");
  }
  const size_t semicolon = declared.find(';');
  const absl::string_view essence = absl::StripAsciiWhitespace(declared.substr(0, semicolon));
  if (essence.empty()) {
    if (semicolon != absl::string_view::npos) {
      return absl::InvalidArgumentError("content_type has parameters but no type");
    }
    return absl::OkStatus();
  }
  const absl::string_view expected = MimeTypeOf(actual);
  if (absl::EqualsIgnoreCase(essence, expected) ||
      (actual == DocumentFormat::kJpeg && absl::EqualsIgnoreCase(essence, "image/jpg"))) {
    return absl::OkStatus();
  }
  // Echo the declared type only when it is short and printable.
  std::string shown = "the declared type";
  if (essence.size() <= 64 && std::all_of(essence.begin(), essence.end(), [](char c) {
        return absl::ascii_isgraph(static_cast<unsigned char>(c));
      })) {
    shown = absl::StrCat("\"", essence, "\"");
  }
  return absl::InvalidArgumentError(
      absl::StrCat("content_type ", shown, " does not match the content, which is ", expected));
}

}  // namespace sertel
