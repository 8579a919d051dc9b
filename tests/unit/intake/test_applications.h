// Valid SOP step 1 requests for intake's tests: an applicant whose NIK/NIP have a valid
// structure and the four documents as real (minimal) PDF, JPEG and PNG bytes.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "intake-service/src/unit_registry.h"
#include "sertel/v1/intake.pb.h"
#include "tests/harness/sample_documents.h"

namespace sertel::intake::testdata {

inline constexpr char kNik[] = "3171014101900001";  // a woman born 1 Jan 1990, Jakarta
inline constexpr char kOtherNik[] = "3273011502850002";
inline constexpr char kNip[] = "199001012015032001";       // born 1 Jan 1990, female
inline constexpr char kOtherNip[] = "198502152010121003";  // kOtherNik's: 15 Feb 1985, male
// A unit code of the city's sample registry (k8s/base/config/units.json).
inline constexpr char kUnit[] = "DISKOMINFO";

// The NIP that agrees with `nik` (step 1 cross-checks birth date and sex).
inline std::string NipFor(const std::string& nik) { return nik == kOtherNik ? kOtherNip : kNip; }

// The city's sample unit registry, found through SERTEL_SOURCE_DIR or above the test binary.
inline const UnitRegistry& SampleUnits() {
  static const UnitRegistry* units = [] {
    std::filesystem::path root;
    if (const char* dir = std::getenv("SERTEL_SOURCE_DIR")) root = dir;
    const std::filesystem::path file = "k8s/base/config/units.json";
    if (root.empty() || !std::filesystem::exists(root / file)) {
      for (root = std::filesystem::read_symlink("/proc/self/exe").parent_path();
           root.has_relative_path() && !std::filesystem::exists(root / file);) {
        root = root.parent_path();
      }
    }
    auto registry = UnitRegistry::FromFile((root / file).string());
    if (!registry.ok()) std::abort();
    return new UnitRegistry(*std::move(registry));
  }();
  return *units;
}

// Real files that pass common/document_sniffer's structural checks, about `size` bytes.
inline std::string Pdf(size_t size = 512) { return sertel::testing::SamplePdf(size); }
inline std::string Jpeg(size_t size = 512) { return sertel::testing::SampleJpeg(size); }
inline std::string Png(size_t size = 512) { return sertel::testing::SamplePng(size); }

inline v1::Applicant ValidApplicant(const std::string& nik = kNik) {
  v1::Applicant a;
  a.set_nik(nik);
  a.set_nip(NipFor(nik));
  a.set_full_name("Siti Nurhaliza");
  a.set_email("siti@diskominfo.example.go.id");
  a.set_phone("+6281234567890");
  a.set_unit(kUnit);
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
