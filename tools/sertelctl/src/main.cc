// sertelctl: the command-line client of sertel, for officials and scripts.
//
//   sertelctl login --issuer https://sso.kota.go.id/realms/sertel   (or, in development:
//   export SERTEL_TOKEN=$(sertelctl token --role VERIFIER --sub verifikator))
//   sertelctl inbox
//   sertelctl case verify APP-ID --all-ok
//   sertelctl -o json application get APP-ID
#include <iostream>

#include "cli.h"
#include "commands.h"

namespace {

constexpr char kFooter[] = R"(Connection (flags or environment):
  --address HOST:PORT   the service the command talks to (default: SERTEL_<SERVICE>_ADDRESS,
                        else localhost:50051 intake / 50052 disposition / 50053 certificate /
                        50054 notification)
  --ca-file             SERTEL_CA_FILE, default ./.sertel/tls/ca.pem (TLS is always on)
  --token-file, --token SERTEL_TOKEN_FILE, SERTEL_TOKEN; else the sign-in of sertelctl login
                        ($XDG_CONFIG_HOME/sertel/tokens.json), refreshed when it expires
Exit codes: 0 done; 1 done, and the answer is "no" (certificate check findings, broken audit
chain); 2 usage; 3 local error; 10 + the gRPC status code when the server refused (13
INVALID_ARGUMENT, 15 NOT_FOUND, 17 PERMISSION_DENIED, 19 FAILED_PRECONDITION, 20 ABORTED,
24 UNAVAILABLE, 26 UNAUTHENTICATED).)";

std::string DefaultCaFile() {
  const char* home = std::getenv("SERTEL_HOME");
  return std::string(home != nullptr && *home != '\0' ? home : "./.sertel") + "/tls/ca.pem";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sertel::ctl;
  Globals g;
  g.connection.ca_file = DefaultCaFile();
  std::string timeout = "10s";
  int rc = kExitOk;

  CLI::App app("sertelctl: apply for, review, issue and hand over electronic certificates",
               "sertelctl");
  app.footer(kFooter);
  app.require_subcommand(1);
  app.fallthrough();  // the connection flags may come after the subcommand too
  app.option_defaults()->always_capture_default();
  app.add_option("-o,--output", g.output, "table|json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option("--address", g.connection.address, "Service address (HOST:PORT)");
  app.add_option("--ca-file", g.connection.ca_file, "CA bundle for the services' TLS")
      ->envname("SERTEL_CA_FILE");
  app.add_option("--cert", g.connection.cert_file, "Client certificate (mTLS), PEM")
      ->envname("SERTEL_CLIENT_CERT");
  app.add_option("--key", g.connection.key_file, "Its private key, PEM")
      ->envname("SERTEL_CLIENT_KEY");
  app.add_option("--token", g.connection.token, "Bearer token (prefer SERTEL_TOKEN)")
      ->envname("SERTEL_TOKEN");
  app.add_option("--token-file", g.connection.token_file, "File holding the bearer token")
      ->envname("SERTEL_TOKEN_FILE");
  app.add_option("--timeout", timeout, "Deadline of each call");
  app.parse_complete_callback([&] {
    absl::Duration d;
    if (!absl::ParseDuration(timeout, &d) || d <= absl::ZeroDuration()) {
      throw CLI::ValidationError("--timeout", "want a duration like 10s");
    }
    g.connection.timeout = d;
  });

  AddTokenCommand(app, g, rc);
  AddLoginCommands(app, g, rc);
  AddApplicationCommands(app, g, rc);
  AddCaseCommands(app, g, rc);
  AddCertificateCommands(app, g, rc);
  AddAuditCommands(app, g, rc);
  AddOutboxCommands(app, g, rc);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return rc;
}
