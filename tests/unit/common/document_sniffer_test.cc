// Unit tests for common/document_sniffer.h: minimal real PDF, JPEG and PNG files are built here,
// byte by byte, and then broken in the ways uploads are broken (renamed, truncated, padded,
// polyglot, executable).
#include "common/document_sniffer.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sertel {
namespace {

using ::testing::HasSubstr;

// ---- Builders ----

std::string Bytes(std::initializer_list<uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

std::string BigEndian16(size_t v) { return Bytes({uint8_t(v >> 8), uint8_t(v)}); }

std::string BigEndian32(uint32_t v) {
  return Bytes({uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)});
}

// A one-page PDF with a correct cross-reference table (ISO 32000 section 7.5).
std::string MinimalPdf(absl::string_view version = "1.4", absl::string_view padding = "") {
  std::string pdf = absl::StrCat("%PDF-", version, "\n%\xE2\xE3\xCF\xD3\n");
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      absl::StrCat("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", padding),
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

std::string JpegSegment(uint8_t marker, absl::string_view payload) {
  return absl::StrCat(Bytes({0xFF, marker}), BigEndian16(payload.size() + 2), payload);
}

// A decodable 1x1 greyscale baseline JPEG (ITU-T T.81): one Huffman code "0" in each table, so
// the only block is DC difference 0 then end-of-block, bits "00" padded with ones: 0x3F.
std::string JpegHeader() {
  return absl::StrCat(
      Bytes({0xFF, 0xD8}),                                                           // SOI
      JpegSegment(0xE0, Bytes({'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0})),  // APP0
      JpegSegment(0xDB, std::string(1, '\0') + std::string(64, '\x01')),             // DQT
      JpegSegment(0xC0, Bytes({8, 0, 1, 0, 1, 1, 1, 0x11, 0})),                      // SOF0 1x1
      JpegSegment(0xC4, Bytes({0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00,
                               0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00})));
}
std::string JpegScan(absl::string_view entropy) {
  return absl::StrCat(JpegSegment(0xDA, Bytes({1, 1, 0x00, 0, 63, 0})), entropy);
}
const std::string kJpegEoi = Bytes({0xFF, 0xD9});
std::string MinimalJpeg() { return absl::StrCat(JpegHeader(), JpegScan("\x3F"), kJpegEoi); }

// CRC-32 written bit by bit, independently of the table-driven one under test.
uint32_t ReferenceCrc32(absl::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (char ch : data) {
    crc ^= static_cast<uint8_t>(ch);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::string PngChunk(absl::string_view type, absl::string_view data) {
  const std::string body = absl::StrCat(type, data);
  return absl::StrCat(BigEndian32(static_cast<uint32_t>(data.size())), body,
                      BigEndian32(ReferenceCrc32(body)));
}

const std::string kPngSignature = Bytes({0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});

// Width, height, bit depth, colour type, compression, filter, interlace.
std::string Ihdr(uint32_t width, uint32_t height, uint8_t depth, uint8_t color) {
  return absl::StrCat(BigEndian32(width), BigEndian32(height), Bytes({depth, color, 0, 0, 0}));
}

// zlib.compress(b"\x00\x00"): one scanline, filter 0, one black greyscale pixel.
const std::string kOnePixelIdat = Bytes({0x78, 0xDA, 0x63, 0x60, 0, 0, 0, 0x02, 0, 0x01});

std::string MinimalPng() {
  return absl::StrCat(kPngSignature, PngChunk("IHDR", Ihdr(1, 1, 8, 0)),
                      PngChunk("IDAT", kOnePixelIdat), PngChunk("IEND", ""));
}

const char* Name(DocumentFormat f) {
  switch (f) {
    case DocumentFormat::kPdf:
      return "PDF";
    case DocumentFormat::kJpeg:
      return "JPEG";
    case DocumentFormat::kPng:
      return "PNG";
    case DocumentFormat::kUnknown:
      break;
  }
  return "unknown";
}

struct SniffCase {
  std::string why;
  std::string bytes;
  DocumentFormat expected;
};

void ExpectSniffs(const std::vector<SniffCase>& cases) {
  for (const SniffCase& c : cases) {
    EXPECT_STREQ(Name(SniffDocument(c.bytes)), Name(c.expected)) << c.why;
  }
}

// ---- PDF ----

TEST(SniffDocumentTest, Pdf) {
  const std::string pdf = MinimalPdf();
  const std::string big = MinimalPdf("1.7", std::string(5000, ' '));
  ExpectSniffs({
      {"minimal one-page PDF 1.4", pdf, DocumentFormat::kPdf},
      {"PDF 2.0", MinimalPdf("2.0"), DocumentFormat::kPdf},
      {"larger than the 1024-byte tail window", big, DocumentFormat::kPdf},
      {"%%EOF without a final newline", pdf.substr(0, pdf.size() - 1), DocumentFormat::kPdf},
      {"incremental update: two trailers", pdf + "1 0 obj\n<<>>\nendobj\nstartxref\n9\n%%EOF\n",
       DocumentFormat::kPdf},
      {"truncated before %%EOF", pdf.substr(0, pdf.size() - 7), DocumentFormat::kUnknown},
      {"truncated in the middle", big.substr(0, big.size() / 2), DocumentFormat::kUnknown},
      {"%%EOF followed by more than 1 KiB", pdf + std::string(2000, 'x'), DocumentFormat::kUnknown},
      {"header and %%EOF only, no startxref", "%PDF-1.4\n%%EOF\n", DocumentFormat::kUnknown},
      {"version 3", MinimalPdf("3.0"), DocumentFormat::kUnknown},
      {"version without a digit", MinimalPdf("1.x"), DocumentFormat::kUnknown},
      {"lower-case header", "%pdf" + pdf.substr(4), DocumentFormat::kUnknown},
      {"header not at offset 0", "\n" + pdf, DocumentFormat::kUnknown},
      {"header alone", "%PDF-1.4", DocumentFormat::kUnknown},
  });
}

// ---- JPEG ----

TEST(SniffDocumentTest, Jpeg) {
  const std::string jpeg = MinimalJpeg();
  // An EXIF APP1 holding a thumbnail: its own SOI..EOI must not end the outer file early.
  const std::string exif_app1 =
      JpegSegment(0xE1, absl::StrCat("Exif", std::string(2, '\0'), MinimalJpeg(), "tail"));
  const std::string with_exif = absl::StrCat(jpeg.substr(0, 2), exif_app1, jpeg.substr(2));
  // Progressive-like: two scans with a DHT between, restart markers and a stuffed 0xFF.
  const std::string two_scans = absl::StrCat(
      JpegHeader(), JpegScan(Bytes({0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56})),
      JpegSegment(0xC4, Bytes({0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00})),
      JpegScan(Bytes({0x78, 0x9A, 0xFF, 0xFF})), kJpegEoi);  // fill bytes before EOI
  ExpectSniffs({
      {"minimal baseline 1x1", jpeg, DocumentFormat::kJpeg},
      {"with an EXIF thumbnail", with_exif, DocumentFormat::kJpeg},
      {"two scans, stuffing, restart, fill", two_scans, DocumentFormat::kJpeg},
      {"fill bytes before a marker", absl::StrCat(jpeg.substr(0, 2), "\xFF\xFF", jpeg.substr(2)),
       DocumentFormat::kJpeg},
      {"32 zero bytes of padding", jpeg + std::string(32, '\0'), DocumentFormat::kJpeg},
      {"33 zero bytes of padding", jpeg + std::string(33, '\0'), DocumentFormat::kUnknown},
      {"ZIP appended (polyglot)", jpeg + "PK\x03\x04", DocumentFormat::kUnknown},
      {"truncated: no EOI", jpeg.substr(0, jpeg.size() - 2), DocumentFormat::kUnknown},
      {"truncated in the header", jpeg.substr(0, 30), DocumentFormat::kUnknown},
      {"SOI then text then EOI", absl::StrCat(Bytes({0xFF, 0xD8, 0xFF}), "hello world", kJpegEoi),
       DocumentFormat::kUnknown},
      {"scan without a frame header", absl::StrCat(Bytes({0xFF, 0xD8}), JpegScan("\x3F"), kJpegEoi),
       DocumentFormat::kUnknown},
      {"EOI right after SOI", absl::StrCat(Bytes({0xFF, 0xD8}), kJpegEoi),
       DocumentFormat::kUnknown},
      {"segment length past the end",
       absl::StrCat(Bytes({0xFF, 0xD8, 0xFF, 0xE0, 0x40, 0x00}), "JFIF", kJpegEoi),
       DocumentFormat::kUnknown},
      {"segment length below 2",
       absl::StrCat(Bytes({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01}), jpeg.substr(2)),
       DocumentFormat::kUnknown},
      {"frame of width 0",
       absl::StrCat(Bytes({0xFF, 0xD8}), JpegSegment(0xC0, Bytes({8, 0, 1, 0, 0, 1, 1, 0x11, 0})),
                    JpegScan("\x3F"), kJpegEoi),
       DocumentFormat::kUnknown},
      {"signature only", Bytes({0xFF, 0xD8, 0xFF}), DocumentFormat::kUnknown},
  });
}

// ---- PNG ----

TEST(SniffDocumentTest, Png) {
  const std::string png = MinimalPng();
  const std::string iend = PngChunk("IEND", "");
  const std::string ihdr = PngChunk("IHDR", Ihdr(1, 1, 8, 0));
  const std::string idat = PngChunk("IDAT", kOnePixelIdat);
  std::string bad_crc = png;
  bad_crc[kPngSignature.size() + 8 + 13] ^= 0x01;  // first byte of IHDR's CRC
  ExpectSniffs({
      {"minimal 1x1 greyscale", png, DocumentFormat::kPng},
      {"with an ancillary text chunk",
       absl::StrCat(kPngSignature, ihdr, PngChunk("tEXt", std::string("Title\0KTP", 9)), idat,
                    iend),
       DocumentFormat::kPng},
      {"RGBA 16-bit, interlaced",
       absl::StrCat(kPngSignature,
                    PngChunk("IHDR", absl::StrCat(BigEndian32(640), BigEndian32(480),
                                                  Bytes({16, 6, 0, 0, 1}))),
                    idat, iend),
       DocumentFormat::kPng},
      {"truncated: IEND missing", png.substr(0, png.size() - 12), DocumentFormat::kUnknown},
      {"truncated inside IEND", png.substr(0, png.size() - 3), DocumentFormat::kUnknown},
      {"truncated inside IDAT", png.substr(0, 45), DocumentFormat::kUnknown},
      {"signature only", kPngSignature, DocumentFormat::kUnknown},
      {"bad CRC on IHDR", bad_crc, DocumentFormat::kUnknown},
      {"data after IEND (polyglot)", png + "<html>", DocumentFormat::kUnknown},
      {"IDAT before IHDR", absl::StrCat(kPngSignature, idat, ihdr, iend), DocumentFormat::kUnknown},
      {"two IHDR", absl::StrCat(kPngSignature, ihdr, ihdr, idat, iend), DocumentFormat::kUnknown},
      {"no IDAT", absl::StrCat(kPngSignature, ihdr, iend), DocumentFormat::kUnknown},
      {"IHDR width 0", absl::StrCat(kPngSignature, PngChunk("IHDR", Ihdr(0, 1, 8, 0)), idat, iend),
       DocumentFormat::kUnknown},
      {"RGB at 4 bits is not a legal combination",
       absl::StrCat(kPngSignature, PngChunk("IHDR", Ihdr(1, 1, 4, 2)), idat, iend),
       DocumentFormat::kUnknown},
      {"IHDR of length 12",
       absl::StrCat(kPngSignature, PngChunk("IHDR", Ihdr(1, 1, 8, 0).substr(0, 12)), idat, iend),
       DocumentFormat::kUnknown},
      {"chunk length 0xFFFFFFFF",
       absl::StrCat(kPngSignature, ihdr, BigEndian32(0xFFFFFFFFu), "IDAT", std::string(8, 'x')),
       DocumentFormat::kUnknown},
      {"chunk type with a digit",
       absl::StrCat(kPngSignature, ihdr, PngChunk("ID4T", ""), idat, iend),
       DocumentFormat::kUnknown},
  });
}

// The builders agree with a PNG written by another tool (Python's zlib and struct).
TEST(SniffDocumentTest, BuilderMatchesAnIndependentlyWrittenPng) {
  const std::string reference = Bytes({
      0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
      0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00,
      0x00, 0x3A, 0x7E, 0x9B, 0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78,
      0xDA, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0xE5, 0x27, 0xDE, 0xFC, 0x00,
      0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
  });
  EXPECT_EQ(MinimalPng(), reference);
  EXPECT_EQ(SniffDocument(reference), DocumentFormat::kPng);
}

// ---- Things that are not documents ----

TEST(SniffDocumentTest, RejectsFilesThatAreNotPdfJpegOrPng) {
  const std::string mz =
      absl::StrCat("MZ", Bytes({0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04}), std::string(50, '\0'),
                   "This program cannot be run in DOS mode.\r\r\n$");
  ExpectSniffs({
      {"empty", "", DocumentFormat::kUnknown},
      {"a text file renamed to .pdf", "Surat permohonan sertifikat elektronik\n",
       DocumentFormat::kUnknown},
      {"Windows executable (MZ)", mz, DocumentFormat::kUnknown},
      {"executable that carries a PDF inside", mz + MinimalPdf(), DocumentFormat::kUnknown},
      {"ELF executable", Bytes({0x7F, 'E', 'L', 'F', 2, 1, 1, 0}), DocumentFormat::kUnknown},
      {"ZIP (a .docx)", Bytes({'P', 'K', 3, 4, 0x14, 0, 6, 0}), DocumentFormat::kUnknown},
      {"HTML", "<!DOCTYPE html><html></html>", DocumentFormat::kUnknown},
      {"GIF", Bytes({'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0}), DocumentFormat::kUnknown},
  });
}

// ---- MIME types ----

TEST(MimeTypeOfTest, NamesEachFormat) {
  EXPECT_EQ(MimeTypeOf(DocumentFormat::kPdf), "application/pdf");
  EXPECT_EQ(MimeTypeOf(DocumentFormat::kJpeg), "image/jpeg");
  EXPECT_EQ(MimeTypeOf(DocumentFormat::kPng), "image/png");
  EXPECT_EQ(MimeTypeOf(DocumentFormat::kUnknown), "application/octet-stream");
}

TEST(CheckDeclaredContentTypeTest, DeclaredTypeMustMatchTheBytes) {
  struct Case {
    std::string declared;
    DocumentFormat actual;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"", DocumentFormat::kPdf, true},
      {"application/pdf", DocumentFormat::kPdf, true},
      {"Application/PDF", DocumentFormat::kPdf, true},
      {"application/pdf; charset=binary", DocumentFormat::kPdf, true},
      {" image/jpeg ", DocumentFormat::kJpeg, true},
      {"image/jpeg", DocumentFormat::kJpeg, true},
      {"image/jpg", DocumentFormat::kJpeg, true},
      {"IMAGE/JPG", DocumentFormat::kJpeg, true},
      {"image/png", DocumentFormat::kPng, true},
      {"image/jpg", DocumentFormat::kPng, false},
      {"image/png", DocumentFormat::kPdf, false},
      {"application/pdf", DocumentFormat::kJpeg, false},
      {"application/octet-stream", DocumentFormat::kPdf, false},
      {"text/plain", DocumentFormat::kPng, false},
      {"image/pjpeg", DocumentFormat::kJpeg, false},
      {"application/pdfx", DocumentFormat::kPdf, false},
      {"; charset=binary", DocumentFormat::kPdf, false},
      {"", DocumentFormat::kUnknown, false},
      {"application/pdf", DocumentFormat::kUnknown, false},
      {"application/octet-stream", DocumentFormat::kUnknown, false},
  };
  for (const Case& c : cases) {
    const absl::Status status = CheckDeclaredContentType(c.declared, c.actual);
    EXPECT_EQ(status.ok(), c.ok) << "\"" << c.declared << "\" vs " << Name(c.actual) << ": "
                                 << status;
    if (!c.ok) {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.declared;
    }
  }
}

TEST(CheckDeclaredContentTypeTest, MessagesSayWhatIsWrongWithoutEchoingJunk) {
  const absl::Status mismatch = CheckDeclaredContentType("image/png", DocumentFormat::kPdf);
  EXPECT_THAT(std::string(mismatch.message()), HasSubstr("\"image/png\""));
  EXPECT_THAT(std::string(mismatch.message()), HasSubstr("application/pdf"));

  const absl::Status unknown = CheckDeclaredContentType("", DocumentFormat::kUnknown);
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("not a PDF, JPEG or PNG"));

  const absl::Status huge =
      CheckDeclaredContentType(std::string(100000, 'x'), DocumentFormat::kPng);
  EXPECT_EQ(huge.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_LT(huge.message().size(), 200u);
  const absl::Status control = CheckDeclaredContentType("image/\x1b[2Jpng", DocumentFormat::kPng);
  EXPECT_EQ(control.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(control.message()), ::testing::Not(HasSubstr("\x1b")));
}

}  // namespace
}  // namespace sertel
