#include "pdf_signatures.h"

#include <openssl/cms.h>
#include <openssl/err.h>

#include <exception>
#include <memory>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFAcroFormDocumentHelper.hh>
#include <qpdf/QPDFFormFieldObjectHelper.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace sertel::certificate {
namespace {

// The byte range [a, a+b) + [c, c+d) covers the file but for the gap [a+b, c), which must be
// exactly "<hex of contents>" (hex may be upper or lower case; the value zero-padded).
std::string CoverageProblem(absl::string_view pdf, const PdfSignature& s) {
  const std::vector<int64_t>& r = s.byte_range;
  if (r.size() != 4) return "the byte range does not have 4 numbers";
  const int64_t size = static_cast<int64_t>(pdf.size());
  for (int64_t v : r) {
    if (v < 0 || v > size) return "the byte range points outside the file";
  }
  if (r[0] != 0) return "the signed bytes do not start at the beginning of the file";
  const int64_t gap_start = r[1], gap_end = r[2];
  if (gap_end <= gap_start) return "the byte ranges overlap";
  if (r[2] + r[3] != size) return "the signed bytes do not reach the end of the file";
  absl::string_view gap = pdf.substr(gap_start, gap_end - gap_start);
  if (gap.size() < 2 || gap.front() != '<' || gap.back() != '>') {
    return "the unsigned gap is not the signature value";
  }
  absl::string_view hex = gap.substr(1, gap.size() - 2);
  if (hex.size() % 2 != 0 || hex.size() != 2 * s.contents.size()) {
    return "the unsigned gap is not exactly the signature value";
  }
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return "the unsigned gap holds more than the signature value";
    }
  }
  if (absl::HexStringToBytes(hex) != s.contents) {
    return "the unsigned gap is not the signature value";
  }
  return "";
}

std::optional<absl::Time> SigningTime(CMS_SignerInfo* si) {
  int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
  if (idx < 0) return std::nullopt;
  X509_ATTRIBUTE* attr = CMS_signed_get_attr(si, idx);
  ASN1_TYPE* t = attr == nullptr ? nullptr : X509_ATTRIBUTE_get0_type(attr, 0);
  if (t == nullptr) return std::nullopt;
  if (t->type == V_ASN1_UTCTIME || t->type == V_ASN1_GENERALIZEDTIME) {
    return Asn1TimeToAbsl(reinterpret_cast<const ASN1_TIME*>(t->value.asn1_string));
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<std::vector<PdfSignature>> ReadPdfSignatures(absl::string_view pdf,
                                                            size_t max_signatures) {
  if (!absl::StartsWith(pdf, "%PDF-")) {
    return absl::InvalidArgumentError("pdf: not a PDF (no %PDF- header)");
  }
  std::vector<PdfSignature> out;
  try {
    QPDF q;
    q.setSuppressWarnings(true);
    q.setAttemptRecovery(false);  // a damaged file is refused, not guessed at
    q.processMemoryFile("document.pdf", pdf.data(), pdf.size());
    QPDFAcroFormDocumentHelper form(q);
    for (QPDFFormFieldObjectHelper field : form.getFormFields()) {
      if (field.getFieldType() != "/Sig") continue;
      QPDFObjectHandle v = field.getValue();
      if (!v.isDictionary()) continue;  // an empty signature field: nobody signed it
      if (out.size() == max_signatures) {
        return absl::InvalidArgumentError(
            absl::StrCat("pdf: more than ", max_signatures, " signatures"));
      }
      PdfSignature s;
      s.field_name = field.getFullyQualifiedName();
      QPDFObjectHandle sub = v.getKey("/SubFilter");
      if (sub.isName()) s.sub_filter = sub.getName().substr(1);
      QPDFObjectHandle contents = v.getKey("/Contents");
      if (contents.isString()) s.contents = contents.getStringValue();
      QPDFObjectHandle range = v.getKey("/ByteRange");
      if (range.isArray()) {
        for (int i = 0; i < range.getArrayNItems(); ++i) {
          QPDFObjectHandle n = range.getArrayItem(i);
          s.byte_range.push_back(n.isInteger() ? n.getIntValue() : -1);
        }
      }
      s.coverage_problem = CoverageProblem(pdf, s);
      s.covers_whole_document = s.coverage_problem.empty();
      out.push_back(std::move(s));
    }
  } catch (const std::exception&) {
    // qpdf's message names offsets and objects of the caller's file; ours says what to do.
    return absl::InvalidArgumentError("pdf: not a readable PDF");
  }
  return out;
}

SignatureIntegrity VerifyIntegrity(absl::string_view pdf, const PdfSignature& sig) {
  SignatureIntegrity out;
  BioPtr in(BIO_new_mem_buf(sig.contents.data(), static_cast<int>(sig.contents.size())));
  CmsPtr cms(in == nullptr ? nullptr : d2i_CMS_bio(in.get(), nullptr));
  STACK_OF(CMS_SignerInfo)* infos = cms == nullptr ? nullptr : CMS_get0_SignerInfos(cms.get());
  if (infos == nullptr || sk_CMS_SignerInfo_num(infos) != 1) {
    ERR_clear_error();
    out.problem = "the signature value is not CMS signed data with one signer";
    return out;
  }
  out.format_ok = true;
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
  out.signing_time = SigningTime(si);
  STACK_OF(X509)* certs = CMS_get1_certs(cms.get());
  X509* signer = nullptr;
  for (int i = 0; certs != nullptr && i < sk_X509_num(certs); ++i) {
    if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0) signer = sk_X509_value(certs, i);
  }
  if (signer != nullptr && X509_up_ref(signer) == 1) out.signer.reset(signer);
  sk_X509_pop_free(certs, X509_free);
  if (!sig.covers_whole_document || sig.byte_range.size() != 4) {
    out.problem = "the signed bytes cannot be read: " + sig.coverage_problem;
    return out;
  }
  std::string data = absl::StrCat(pdf.substr(0, sig.byte_range[1]),
                                  pdf.substr(sig.byte_range[2], sig.byte_range[3]));
  BioPtr content(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  ERR_clear_error();
  // Digest and signature only: the chain is judged by the caller against our CA.
  out.intact =
      content != nullptr && CMS_verify(cms.get(), nullptr, nullptr, content.get(), nullptr,
                                       CMS_DETACHED | CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1;
  if (!out.intact) out.problem = "the signature does not verify over the signed bytes";
  ERR_clear_error();
  return out;
}

}  // namespace sertel::certificate
