// The signatures of a PDF (issue 21, VerifyDocument), read with qpdf (Debian's libqpdf; never a
// hand-written PDF parser) and checked for integrity with OpenSSL's CMS: for each signature
// field, the byte ranges it signs (they must cover the whole file but for the signature value
// itself) and whether the CMS signature verifies over those bytes. Trust, status and holder are
// the caller's (CertificateMatcher, our records).
//
//   absl::StatusOr<std::vector<PdfSignature>> sigs = ReadPdfSignatures(pdf);
//   SignatureIntegrity i = VerifyIntegrity(pdf, (*sigs)[0]);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "openssl_util.h"

namespace sertel::certificate {

struct PdfSignature {
  std::string field_name;           // the field's fully qualified name
  std::string sub_filter;           // "adbe.pkcs7.detached", "ETSI.CAdES.detached", ...
  std::vector<int64_t> byte_range;  // /ByteRange: offset, length, offset, length
  std::string contents;             // /Contents: the DER CMS, possibly zero-padded
  // The two ranges start at 0 and end at the end of the file, and the gap between them is
  // exactly the <hex> string that holds /Contents: nothing but the signature is unsigned.
  bool covers_whole_document = false;
  std::string coverage_problem;  // why not, when not
};

// INVALID_ARGUMENT for what is not a PDF (or a PDF qpdf cannot read). A PDF without signature
// fields is an empty list. At most `max_signatures` are read (more is INVALID_ARGUMENT).
absl::StatusOr<std::vector<PdfSignature>> ReadPdfSignatures(absl::string_view pdf,
                                                            size_t max_signatures = 32);

struct SignatureIntegrity {
  bool format_ok = false;                  // /Contents parses as CMS signed data with one signer
  bool intact = false;                     // the signature verifies over the signed byte ranges
  std::string problem;                     // what failed, for the report
  X509Ptr signer;                          // the signer's certificate, when the CMS carries it
  std::optional<absl::Time> signing_time;  // the signed signingTime attribute, if any
};

// The CMS signature of `sig` over its byte ranges of `pdf` (signature and digest only, no trust).
SignatureIntegrity VerifyIntegrity(absl::string_view pdf, const PdfSignature& sig);

}  // namespace sertel::certificate
