#include "tests/harness/sample_documents.h"

#include <zlib.h>

#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sertel::testing {
namespace {

std::string Bytes(std::initializer_list<uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}
std::string BigEndian16(size_t v) { return Bytes({uint8_t(v >> 8), uint8_t(v)}); }
std::string BigEndian32(uint32_t v) {
  return Bytes({uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)});
}

std::string PdfWithPadding(size_t padding) {
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      absl::StrCat("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
                   std::string(padding, ' ')),
  };
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    absl::StrAppend(&pdf, i + 1, " 0 obj\n", objects[i], "\nendobj\n");
  }
  const size_t xref = pdf.size();
  absl::StrAppend(&pdf, "xref\n0 ", objects.size() + 1, "\n0000000000 65535 f \n");
  for (size_t offset : offsets) absl::StrAppend(&pdf, absl::StrFormat("%010d 00000 n \n", offset));
  absl::StrAppend(&pdf, "trailer\n<< /Size ", objects.size() + 1, " /Root 1 0 R >>\nstartxref\n",
                  xref, "\n%%EOF\n");
  return pdf;
}

std::string JpegSegment(uint8_t marker, const std::string& payload) {
  return absl::StrCat(Bytes({0xFF, marker}), BigEndian16(payload.size() + 2), payload);
}

std::string PngChunk(const std::string& type, const std::string& data) {
  const std::string body = type + data;
  uLong crc =
      crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  return absl::StrCat(BigEndian32(static_cast<uint32_t>(data.size())), body,
                      BigEndian32(static_cast<uint32_t>(crc)));
}

}  // namespace

std::string SamplePdf(size_t size) {
  const size_t minimum = PdfWithPadding(0).size();
  if (size <= minimum) return PdfWithPadding(0);
  // The trailer's xref offset gains digits with the padding: take back what they added.
  const size_t padding = size - minimum;
  for (size_t back = 0; back <= 8 && back <= padding; ++back) {
    std::string pdf = PdfWithPadding(padding - back);
    if (pdf.size() == size) return pdf;
  }
  return PdfWithPadding(padding);
}

std::string SampleJpeg(size_t size) {
  // A decodable 1x1 greyscale baseline JPEG (ITU-T T.81); padding in COM segments before SOF.
  const std::string head =
      absl::StrCat(Bytes({0xFF, 0xD8}),
                   JpegSegment(0xE0, Bytes({'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0})),
                   JpegSegment(0xDB, std::string(1, '\0') + std::string(64, '\x01')));
  const std::string tail = absl::StrCat(
      JpegSegment(0xC0, Bytes({8, 0, 1, 0, 1, 1, 1, 0x11, 0})),
      JpegSegment(0xC4, Bytes({0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00,
                               0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00})),
      JpegSegment(0xDA, Bytes({1, 1, 0x00, 0, 63, 0})), "\x3F", Bytes({0xFF, 0xD9}));
  std::string padding;
  size_t missing = size > head.size() + tail.size() ? size - head.size() - tail.size() : 0;
  if (missing < 4) missing = 0;  // a COM segment takes at least 4 bytes: the minimum it is
  while (missing > 0) {
    size_t segment = std::min<size_t>(missing, 65537);  // marker, length, up to 65533 bytes
    if (missing - segment > 0 && missing - segment < 4) segment -= 4;  // leave room for one more
    padding += JpegSegment(0xFE, std::string(segment - 4, 'c'));
    missing -= segment;
  }
  return absl::StrCat(head, padding, tail);
}

std::string SamplePng(size_t size) {
  const std::string head = absl::StrCat(
      Bytes({0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}),
      PngChunk("IHDR", absl::StrCat(BigEndian32(1), BigEndian32(1), Bytes({8, 0, 0, 0, 0}))));
  // zlib.compress(b"\x00\x00"): one scanline, filter 0, one black greyscale pixel.
  const std::string tail =
      absl::StrCat(PngChunk("IDAT", Bytes({0x78, 0xDA, 0x63, 0x60, 0, 0, 0, 0x02, 0, 0x01})),
                   PngChunk("IEND", ""));
  const size_t base = head.size() + tail.size();
  if (size < base + 20) return head + tail;  // length, "tEXt", "Comment\0", CRC
  return absl::StrCat(
      head, PngChunk("tEXt", std::string("Comment\0", 8) + std::string(size - base - 12 - 8, 'c')),
      tail);
}

}  // namespace sertel::testing
