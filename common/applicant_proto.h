// The one mapping between sertel.v1.Applicant (the applicant's identity as every service receives
// it: NIK, NIP, name, email, phone, unit, position) and a service's own plain record of it.
// Each service keeps its record type (intake's ApplicantRecord, disposition's ApplicantInfo,
// certificate's HolderRecord); any struct with these seven string members maps, and its
// `certificate_ou` too when it has one (the unit's OU, set by intake from its unit registry).
// For proto mapping files (<service>_proto.cc) only.
//
//   ApplicantInfo a = ApplicantFromProto<ApplicantInfo>(request.applicant());
//   ApplicantToProto(record.holder, out->mutable_applicant());
#pragma once

#include "sertel/v1/common.pb.h"

namespace sertel {

template <typename Record>
Record ApplicantFromProto(const v1::Applicant& a) {
  Record r;
  r.nik = a.nik();
  r.nip = a.nip();
  r.full_name = a.full_name();
  r.email = a.email();
  r.phone = a.phone();
  r.unit = a.unit();
  r.position = a.position();
  if constexpr (requires { r.certificate_ou; }) r.certificate_ou = a.certificate_ou();
  return r;
}

template <typename Record>
void ApplicantToProto(const Record& r, v1::Applicant* out) {
  out->set_nik(r.nik);
  out->set_nip(r.nip);
  out->set_full_name(r.full_name);
  out->set_email(r.email);
  out->set_phone(r.phone);
  out->set_unit(r.unit);
  out->set_position(r.position);
  if constexpr (requires { r.certificate_ou; }) out->set_certificate_ou(r.certificate_ou);
}

}  // namespace sertel
