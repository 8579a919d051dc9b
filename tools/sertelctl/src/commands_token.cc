// sertelctl token: a development bearer token signed with ./.sertel/jwt/signing-key.pem.
// Production tokens come from the agency's identity provider; this refuses to run without the
// development key rather than fall back to anything.
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "commands.h"
#include "common/jwt.h"
#include "nlohmann/json.hpp"

namespace sertel::ctl {
namespace {

struct TokenOptions {
  std::vector<std::string> roles;
  std::string sub;
  std::string nik;
  std::string ttl = "1h";
  std::string key_file;
  std::string issuer = "sertel-dev";
};

std::string DefaultSigningKey() {
  const char* home = std::getenv("SERTEL_HOME");
  return absl::StrCat(home != nullptr && *home != '\0' ? home : "./.sertel",
                      "/jwt/signing-key.pem");
}

int RunToken(const Globals& globals, const TokenOptions& o) {
  absl::Duration ttl;
  if (!absl::ParseDuration(o.ttl, &ttl) || ttl <= absl::ZeroDuration() || ttl > absl::Hours(24)) {
    std::cerr << "error: --ttl must be a duration up to 24h, like 30m or 8h\n";
    return kExitUsage;
  }
  bool applicant = false;
  for (const std::string& r : o.roles) applicant = applicant || r == "APPLICANT";
  if (applicant && o.nik.empty()) {
    std::cerr << "error: an APPLICANT token needs --nik (the applicant's own NIK)\n";
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<JwtSigner>> signer = JwtSigner::FromPemFile(o.key_file);
  if (!signer.ok()) {
    return LocalError(absl::StrCat(
        "no development signing key at ", o.key_file,
        " (scripts/up.sh creates it; production tokens come from the agency's identity "
        "provider)"));
  }
  const absl::Time now = absl::Now();
  JwtClaims claims;
  claims.iss = o.issuer;
  claims.sub = o.sub;
  claims.nik = o.nik;
  claims.aud = {"sertel"};
  claims.roles = o.roles;
  claims.iat = absl::ToUnixSeconds(now);
  claims.exp = absl::ToUnixSeconds(now + ttl);
  std::string token = (*signer)->Sign(claims);
  if (token.empty()) return LocalError("signing failed");
  if (globals.json()) {
    nlohmann::json j = {
        {"token", token},
        {"expires_at", absl::FormatTime(absl::RFC3339_sec, now + ttl, absl::UTCTimeZone())}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << token << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddTokenCommand(CLI::App& app, Globals& globals, int& rc) {
  auto o = std::make_shared<TokenOptions>();
  o->key_file = DefaultSigningKey();
  CLI::App* cmd = app.add_subcommand(
      "token", "Mint a development token (RS256, issuer sertel-dev) with ./.sertel/jwt/");
  cmd->add_option("--role", o->roles, "Role(s) of the bearer")
      ->required()
      ->check(CLI::IsMember({"APPLICANT", "OPERATOR", "HEAD_OF_AGENCY", "HEAD_OF_DIVISION",
                             "HEAD_OF_SECTION", "VERIFIER", "AUDITOR"},
                            CLI::ignore_case));
  cmd->add_option("--sub", o->sub, "Subject: who the bearer is (e.g. kepala.dinas)")->required();
  cmd->add_option("--nik", o->nik, "The applicant's NIK (required with --role APPLICANT)");
  cmd->add_option("--ttl", o->ttl, "Lifetime, up to 24h")->capture_default_str();
  cmd->add_option("--key", o->key_file, "Signing key (PEM)")->capture_default_str();
  cmd->add_option("--issuer", o->issuer, "iss claim")->capture_default_str();
  cmd->callback([&globals, &rc, o] {
    for (std::string& r : o->roles) {
      for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    rc = RunToken(globals, *o);
  });
}

}  // namespace sertel::ctl
