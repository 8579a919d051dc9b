// Issue 23, 7: the serial numbers the embedded CA gives. Issues COUNT certificates through the
// CertificateAuthority interface (as the enrollment manager does, with a development CA made in
// a temporary folder) and prints each serial in lowercase hex, one per line, for
// tests/chaos/scenario_serials.py to check (distinct, positive, at most 20 octets, the bits that
// vary). A separate program so that the figure comes from the CA's own code, not a copy of it.
//
//   sertel_serial_survey 10000 > serials.txt
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/time/clock.h"
#include "embedded_ca.h"
#include "key_generator.h"
#include "tests/unit/certificate/test_ca.h"

int main(int argc, char** argv) {
  using namespace sertel::certificate;
  using sertel::EvpPkeyPtr;
  const long count = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 10000;
  if (count <= 0 || count > 1000000) {
    std::cerr << "usage: sertel_serial_survey [COUNT, 1 to 1000000]\n";
    return 2;
  }
  testing::TempDir dir;
  testing::TestCa test_ca = testing::TestCa::Create(dir.path(), "ec-p256");
  absl::StatusOr<std::unique_ptr<EmbeddedCa>> ca =
      EmbeddedCa::Load({.key_file = test_ca.key_file(),
                        .chain_file = test_ca.cert_file(),
                        .organization = "Pemerintah Kota",
                        .crl_url = ""});
  if (!ca.ok()) {
    std::cerr << "the development CA did not load: " << ca.status() << "\n";
    return 1;
  }
  // One holder key for all: the serial does not depend on it, and a key pair per certificate
  // would only slow the survey down.
  absl::StatusOr<EvpPkeyPtr> key = KeyGenerator(KeyAlgorithm::kEcP256).Generate();
  if (!key.ok()) {
    std::cerr << "no key pair: " << key.status() << "\n";
    return 1;
  }
  const absl::Time now = absl::Now();
  for (long i = 0; i < count; ++i) {
    absl::StatusOr<IssuedCertificate> c = (*ca)->Issue(
        {.public_key = key->get(),
         .holder = {"Survei Nomor Seri", "3171014101900001", "survei@kota.go.id", "DISKOMINFO"},
         .not_before = now,
         .not_after = now + absl::Hours(24)});
    if (!c.ok()) {
      std::cerr << "issue " << i << " failed: " << c.status() << "\n";
      return 1;
    }
    std::cout << c->serial_hex << '\n';
  }
  return 0;
}
