// Valid SOP step 1 requests for intake's tests: an applicant whose NIK/NIP have a valid
// structure and the four documents as real (minimal) PDF, JPEG and PNG bytes.
#pragma once

#include <string>

#include "sertel/v1/intake.pb.h"
#include "tests/harness/sample_documents.h"

namespace sertel::intake::testdata {

inline constexpr char kNik[] = "3171014101900001";  // a woman born 1 Jan 1990, Jakarta
inline constexpr char kOtherNik[] = "3273011502850002";
inline constexpr char kNip[] = "199001012015032001";

// Real files that pass common/document_sniffer's structural checks, about `size` bytes.
inline std::string Pdf(size_t size = 512) { return sertel::testing::SamplePdf(size); }
inline std::string Jpeg(size_t size = 512) { return sertel::testing::SampleJpeg(size); }
inline std::string Png(size_t size = 512) { return sertel::testing::SamplePng(size); }

inline v1::Applicant ValidApplicant(const std::string& nik = kNik) {
  v1::Applicant a;
  a.set_nik(nik);
  a.set_nip(kNip);
  a.set_full_name("Siti Nurhaliza");
  a.set_email("siti@diskominfo.example.go.id");
  a.set_phone("+6281234567890");
  a.set_unit("Dinas Komunikasi dan Informatika");
  a.set_position("Analis Sistem Informasi");
  return a;
}

inline v1::Document Doc(v1::DocumentKind kind, std::string content, std::string name = "") {
  v1::Document d;
  d.set_kind(kind);
  d.set_filename(name.empty() ? "file" : name);
  d.set_content(std::move(content));
  return d;
}

inline v1::SubmitApplicationRequest ValidRequest(const std::string& request_id = "req-1",
                                                 const std::string& nik = kNik) {
  v1::SubmitApplicationRequest r;
  r.set_request_id(request_id);
  *r.mutable_applicant() = ValidApplicant(nik);
  *r.add_documents() = Doc(v1::DOCUMENT_KIND_REQUEST_LETTER, Pdf(), "surat.pdf");
  *r.add_documents() = Doc(v1::DOCUMENT_KIND_BSRE_FORM, Pdf(), "formulir.pdf");
  *r.add_documents() = Doc(v1::DOCUMENT_KIND_KTP_COPY, Jpeg(), "ktp.jpg");
  *r.add_documents() = Doc(v1::DOCUMENT_KIND_SK_COPY, Png(), "sk.png");
  r.set_note("Mohon diproses");
  return r;
}

}  // namespace sertel::intake::testdata
