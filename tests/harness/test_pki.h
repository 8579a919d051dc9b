// A throw-away PKI for tests, generated in-process with OpenSSL into a fresh temp folder: the
// internal CA, server TLS identity, one client identity per service (spiffe://sertel/<service>),
// a client certificate that names no service, a rogue CA, and RSA/EC keys to mint JWTs.
//
//   TestPki pki;
//   ServerConfig c; c.tls_cert_file = pki.server_cert_path(); c.tls_ca_file = pki.ca_cert_path();
//   std::string token = pki.MintToken({"APPLICANT"}, "u1", "3171012345678901");
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/jwt.h"
#include "common/service_identity.h"

namespace sertel::testing {

class TestPki {
 public:
  // Generates everything (about a quarter of a second: one RSA-2048 key); aborts on failure.
  TestPki();
  ~TestPki();  // removes dir()
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::string& dir() const { return dir_; }

  // The internal CA (EC P-256), trusted by servers for client certificates and by clients.
  std::string ca_cert_path() const;
  const std::string& ca_cert_pem() const { return ca_cert_pem_; }

  // CN/SAN "localhost" + IP 127.0.0.1, serverAuth and clientAuth (services use it to call
  // each other), signed by the CA.
  std::string server_cert_path() const;
  std::string server_key_path() const;
  const std::string& server_cert_pem() const { return server_cert_pem_; }
  const std::string& server_key_pem() const { return server_key_pem_; }

  // A service's identity: CN "<service>-service", URI SAN spiffe://sertel/<service>,
  // serverAuth and clientAuth, signed by the CA. Presented, it is that service (SERVICE role).
  const std::string& service_cert_pem(ServiceId s) const;
  const std::string& service_key_pem(ServiceId s) const;
  std::string service_cert_path(ServiceId s) const;
  std::string service_key_path(ServiceId s) const;

  // CN "test-service", clientAuth, signed by the CA, but no SPIFFE ID: a person's certificate
  // (as sertelctl's), which authenticates nobody without a token.
  const std::string& client_cert_pem() const { return client_cert_pem_; }
  const std::string& client_key_pem() const { return client_key_pem_; }
  std::string client_cert_path() const;
  std::string client_key_path() const;

  // A client certificate naming spiffe://sertel/disposition, from a self-signed CA that nobody
  // trusts.
  const std::string& rogue_cert_pem() const { return rogue_cert_pem_; }
  const std::string& rogue_key_pem() const { return rogue_key_pem_; }

  // The public halves of the JWT keys ("PUBLIC KEY" PEM): RSA-2048 (RS256), EC P-256 (ES256).
  const std::string& jwt_public_key_pem() const { return jwt_public_key_pem_; }
  const std::string& jwt_ec_public_key_pem() const { return jwt_ec_public_key_pem_; }
  std::string jwt_public_key_path() const;
  std::string jwt_ec_public_key_path() const;

  // A token with aud "sertel", iat now (system clock), exp now + ttl (negative: already
  // expired). RS256 with the RSA key, or ES256 with the EC key.
  std::string MintToken(const std::vector<std::string>& roles, const std::string& sub,
                        const std::string& nik = "", absl::Duration ttl = absl::Minutes(10),
                        const std::string& issuer = "sertel-test") const;
  std::string MintEcToken(const std::vector<std::string>& roles, const std::string& sub,
                          const std::string& nik = "", absl::Duration ttl = absl::Minutes(10),
                          const std::string& issuer = "sertel-test") const;

  const JwtSigner& rsa_signer() const { return *rsa_signer_; }
  const JwtSigner& ec_signer() const { return *ec_signer_; }

 private:
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  std::string dir_;
  std::string ca_cert_pem_;
  std::string server_cert_pem_, server_key_pem_;
  std::string client_cert_pem_, client_key_pem_;
  std::string service_cert_pem_[kServiceCount], service_key_pem_[kServiceCount];
  std::string rogue_cert_pem_, rogue_key_pem_;
  std::string jwt_public_key_pem_, jwt_ec_public_key_pem_;
  std::unique_ptr<JwtSigner> rsa_signer_, ec_signer_;
};

// A fresh Ed25519 private key, PKCS#8 PEM (audit checkpoint keys); aborts on failure.
std::string MakeEd25519KeyPem();

// Writes an issuing CA into `dir` (created if missing): key.pem (PKCS#8, mode 0600) and cert.pem,
// a self-signed root with basicConstraints critical CA:TRUE and keyUsage critical
// keyCertSign,cRLSign, valid ten years. `algorithm`: "rsa-2048", "rsa-3072", "ec-p256" or
// "ec-p384". For certificate-service tests.
absl::Status GenerateIssuingCa(const std::string& dir, const std::string& algorithm,
                               const std::string& common_name = "sertel Test Issuing CA");

}  // namespace sertel::testing
