// Real (minimal) PDF, JPEG and PNG files of a chosen size for tests, the kinds of file the SOP's
// step 1 takes (request letter, BSrE form, KTP and SK copies). They pass common/document_sniffer's
// structural checks: a PDF with a cross-reference table and trailer, a baseline JPEG whose
// padding sits in comment (COM) segments, a PNG whose padding sits in an ancillary chunk with a
// correct CRC. A size below the format's minimum gives the minimum.
#pragma once

#include <cstddef>
#include <string>

namespace sertel::testing {

std::string SamplePdf(size_t size = 0);
std::string SampleJpeg(size_t size = 0);
std::string SamplePng(size_t size = 0);

}  // namespace sertel::testing
