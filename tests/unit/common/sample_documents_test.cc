// The test harness's sample documents are what they claim: real PDF, JPEG and PNG files (by
// common/document_sniffer's structural checks) of exactly the size asked for, from a few hundred
// bytes to the 5 MiB limit.
#include "tests/harness/sample_documents.h"

#include <gtest/gtest.h>

#include "common/document_sniffer.h"

namespace sertel::testing {
namespace {

TEST(SampleDocuments, AreRealFilesOfTheRequestedSize) {
  for (size_t size : {size_t{512}, size_t{4096}, size_t{70000}, size_t{131075}, size_t{5} << 20}) {
    std::string pdf = SamplePdf(size), jpeg = SampleJpeg(size), png = SamplePng(size);
    EXPECT_EQ(SniffDocument(pdf), DocumentFormat::kPdf) << size;
    EXPECT_EQ(SniffDocument(jpeg), DocumentFormat::kJpeg) << size;
    EXPECT_EQ(SniffDocument(png), DocumentFormat::kPng) << size;
    EXPECT_EQ(pdf.size(), size);
    EXPECT_EQ(jpeg.size(), size);
    EXPECT_EQ(png.size(), size);
  }
}

TEST(SampleDocuments, BelowTheMinimumGiveTheMinimum) {
  EXPECT_EQ(SniffDocument(SamplePdf(1)), DocumentFormat::kPdf);
  EXPECT_EQ(SniffDocument(SampleJpeg(1)), DocumentFormat::kJpeg);
  EXPECT_EQ(SniffDocument(SamplePng(1)), DocumentFormat::kPng);
}

}  // namespace
}  // namespace sertel::testing
