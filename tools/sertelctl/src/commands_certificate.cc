// sertelctl certificate ..., stats: SOP steps 6-7 and the recorded figure (CertificateService).
// The owner sets the passphrase that protects the key (step 6); the verifier re-checks that the
// certificate matches its owner and hands it over by email or WhatsApp (step 7). The number of
// people holding a valid certificate must be on record: `stats`.
#include "absl/strings/str_cat.h"
#include "commands.h"
#include "common/pem.h"
#include "local_files.h"
#include "printers.h"
#include "sertel/v1/certificate.grpc.pb.h"

namespace sertel::ctl {
namespace {

using CertificateClient = Client<v1::CertificateService>;

struct PassphraseOptions {
  std::string id, code_file, passphrase_file;
};

int RunSetPassphrase(const Globals& g, const PassphraseOptions& o) {
  absl::StatusOr<std::string> code = ReadActivationCode(o.code_file);
  if (!code.ok()) return LocalError(std::string(code.status().message()));
  absl::StatusOr<std::string> passphrase = ReadPassphrase(o.passphrase_file);
  if (!passphrase.ok()) {
    Wipe(*code);
    return LocalError(std::string(passphrase.status().message()));
  }
  v1::SetPassphraseRequest req;
  req.set_application_id(o.id);
  req.set_activation_code(*code);
  req.set_passphrase(*passphrase);
  Wipe(*code);
  Wipe(*passphrase);
  CertificateClient c(g, Service::kCertificate);
  v1::Certificate reply;
  int rc = c.Call([&](auto* ctx) { return c.stub->SetPassphrase(ctx, req, &reply); });
  Wipe(*req.mutable_passphrase());
  Wipe(*req.mutable_activation_code());
  if (rc == kExitOk) {
    Emit(g, reply, [&](std::ostream& out) {
      out << "issued: the keystore is sealed under the passphrase (the passphrase is not kept)\n";
      PrintCertificate(out, reply);
    });
  }
  return rc;
}

struct HandOverOptions {
  std::string id, channel;
  bool link = false;
};

struct DownloadOptions {
  std::string id, out, cert_out, chain_out;
};

int RunDownload(const Globals& g, const DownloadOptions& o) {
  v1::DownloadKeystoreRequest req;
  req.set_application_id(o.id);
  CertificateClient c(g, Service::kCertificate);
  v1::DownloadKeystoreResponse reply;
  int rc = c.Call([&](auto* ctx) { return c.stub->DownloadKeystore(ctx, req, &reply); });
  if (rc != kExitOk) return rc;
  if (absl::Status s = WriteFileAtomically(o.out, reply.pkcs12(), /*secret=*/true); !s.ok()) {
    return LocalError(std::string(s.message()));
  }
  if (!o.cert_out.empty()) {
    if (absl::Status s = WriteFileAtomically(o.cert_out, reply.certificate_pem(), false); !s.ok()) {
      return LocalError(std::string(s.message()));
    }
  }
  if (!o.chain_out.empty()) {
    if (absl::Status s = WriteFileAtomically(o.chain_out, reply.chain_pem(), false); !s.ok()) {
      return LocalError(std::string(s.message()));
    }
  }
  reply.clear_pkcs12();  // in the file, not on the terminal
  Emit(g, reply, [&](std::ostream& out) {
    out << "keystore (PKCS#12, " << o.out << ") written";
    if (!o.cert_out.empty()) out << "; certificate in " << o.cert_out;
    out << "\n";
  });
  return kExitOk;
}

struct GetOptions {
  std::string id, serial;
};

struct CheckOptions {
  std::string pem_file, application_id, nik;
};

// The SOP's warning as a command: a certificate that does not match its owner must never slip
// through. Exit code 1 when there are findings.
int RunCheck(const Globals& g, const CheckOptions& o) {
  CertificateClient c(g, Service::kCertificate);
  v1::CheckCertificateRequest req;
  req.set_expected_nik(o.nik);
  if (!o.pem_file.empty()) {
    absl::StatusOr<std::string> pem = ReadFile(o.pem_file);
    if (!pem.ok()) return LocalError(absl::StrCat("cannot read ", o.pem_file));
    req.set_certificate_pem(*pem);
  } else {
    v1::GetCertificateRequest get;
    get.set_application_id(o.application_id);
    v1::Certificate cert;
    if (int rc = c.Call([&](auto* ctx) { return c.stub->GetCertificate(ctx, get, &cert); });
        rc != kExitOk) {
      return rc;
    }
    req.set_certificate_pem(cert.certificate_pem());
  }
  v1::CheckResult reply;
  int rc = c.Call([&](auto* ctx) { return c.stub->CheckCertificate(ctx, req, &reply); });
  if (rc != kExitOk) return rc;
  Emit(g, reply, [&](std::ostream& out) { PrintCheckResult(out, reply); });
  return reply.ok() ? kExitOk : kExitNo;
}

struct RevokeOptions {
  std::string serial, reason;
};

void AddSetPassphraseCommand(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<PassphraseOptions>();
  CLI::App* cmd = group->add_subcommand(
      "set-passphrase",
      "Step 6: with the activation code, set the passphrase that protects your key; the "
      "certificate is issued. The code (once) and the passphrase (twice) are typed without "
      "echo, or read from --code-file / --passphrase-file; never flags");
  cmd->add_option("application_id", o->id, "Application id")->required();
  cmd->add_option("--code-file", o->code_file,
                  "Read the activation code from the email from this file instead of the terminal");
  cmd->add_option("--passphrase-file", o->passphrase_file,
                  "Read the passphrase from this file (mode 0600) instead of the terminal");
  cmd->callback([&g, &rc, o] { rc = RunSetPassphrase(g, *o); });
}

void AddHandOverCommand(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<HandOverOptions>();
  CLI::App* cmd =
      group->add_subcommand("handover",
                            "Step 7: re-check the certificate against its holder, then deliver the "
                            "keystore (never the passphrase)");
  cmd->add_option("application_id", o->id, "Application id")->required();
  cmd->add_option("--channel", o->channel, EnumChoices(v1::Channel_descriptor()))->required();
  cmd->add_flag("--link", o->link,
                "By email: send a one-time download link instead of the attachment (WhatsApp "
                "always sends a link)");
  cmd->callback([&g, &rc, o] {
    absl::StatusOr<int> channel = ParseEnumValue(v1::Channel_descriptor(), o->channel);
    if (!channel.ok()) {
      std::cerr << "error: --channel: " << channel.status().message() << "\n";
      rc = kExitUsage;
      return;
    }
    v1::HandOverRequest req;
    req.set_application_id(o->id);
    req.set_channel(static_cast<v1::Channel>(*channel));
    req.set_download_link(o->link);
    CertificateClient c(g, Service::kCertificate);
    v1::Enrollment reply;
    rc = c.Call([&](auto* ctx) { return c.stub->HandOver(ctx, req, &reply); });
    if (rc == kExitOk) {
      Emit(g, reply, [&](std::ostream& out) {
        out << "handed over by " << EnumLabel(v1::Channel_descriptor(), *channel)
            << (o->link || *channel == v1::CHANNEL_WHATSAPP ? " (one-time download link)" : "")
            << "\n";
        if (std::string s = LastStepSentence(reply.timeline()); !s.empty()) out << s << "\n";
      });
    }
  });
}

void AddDownloadCommand(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<DownloadOptions>();
  CLI::App* cmd = group->add_subcommand("download", "Download the sealed keystore (PKCS#12)");
  cmd->add_option("application_id", o->id, "Application id")->required();
  cmd->add_option("--out", o->out, "Where to write the .p12 (mode 0600)")->required();
  cmd->add_option("--cert-out", o->cert_out, "Also write the certificate (PEM) here");
  cmd->add_option("--chain-out", o->chain_out, "Also write the CA chain (PEM) here");
  cmd->callback([&g, &rc, o] { rc = RunDownload(g, *o); });
}

void AddGetCommand(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<GetOptions>();
  CLI::App* cmd = group->add_subcommand("get", "Show a certificate by application or serial");
  cmd->add_option("application_id", o->id, "Application id");
  cmd->add_option("--serial", o->serial, "Certificate serial (hex)");
  cmd->callback([&g, &rc, o] {
    if (o->id.empty() == o->serial.empty()) {
      std::cerr << "error: give an application id or --serial (one of them)\n";
      rc = kExitUsage;
      return;
    }
    v1::GetCertificateRequest req;
    req.set_application_id(o->id);
    req.set_serial(o->serial);
    CertificateClient c(g, Service::kCertificate);
    v1::Certificate reply;
    rc = c.Call([&](auto* ctx) { return c.stub->GetCertificate(ctx, req, &reply); });
    if (rc == kExitOk) Emit(g, reply, [&](std::ostream& out) { PrintCertificate(out, reply); });
  });
}

void AddCheckCommand(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* cmd = group->add_subcommand(
      "check", "Does the certificate match its holder? (exit 1 when it does not)");
  cmd->add_option("--pem", o->pem_file, "Certificate file (PEM)");
  cmd->add_option("--application", o->application_id, "Or: the certificate of this application");
  cmd->add_option("--nik", o->nik, "The NIK the holder must have")->required();
  cmd->callback([&g, &rc, o] {
    if (o->pem_file.empty() == o->application_id.empty()) {
      std::cerr << "error: give --pem FILE or --application ID (one of them)\n";
      rc = kExitUsage;
      return;
    }
    rc = RunCheck(g, *o);
  });
}

void AddRevokeCommand(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<RevokeOptions>();
  CLI::App* cmd = group->add_subcommand("revoke", "Revoke a certificate (RFC 5280 reason)");
  cmd->add_option("--serial", o->serial, "Certificate serial (hex)")->required();
  cmd->add_option("--reason", o->reason, EnumChoices(v1::RevocationReason_descriptor()))
      ->required();
  cmd->callback([&g, &rc, o] {
    absl::StatusOr<int> reason = ParseEnumValue(v1::RevocationReason_descriptor(), o->reason);
    if (!reason.ok()) {
      std::cerr << "error: --reason: " << reason.status().message() << "\n";
      rc = kExitUsage;
      return;
    }
    v1::RevokeCertificateRequest req;
    req.set_serial(o->serial);
    req.set_reason(static_cast<v1::RevocationReason>(*reason));
    CertificateClient c(g, Service::kCertificate);
    v1::Certificate reply;
    rc = c.Call([&](auto* ctx) { return c.stub->RevokeCertificate(ctx, req, &reply); });
    if (rc == kExitOk) Emit(g, reply, [&](std::ostream& out) { PrintCertificate(out, reply); });
  });
}

void AddStatsCommand(CLI::App& app, Globals& g, int& rc) {
  auto unit = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "stats", "The recorded figure: how many people hold a valid certificate, by unit");
  cmd->add_option("--unit", *unit, "Only this agency (OPD)");
  cmd->callback([&g, &rc, unit] {
    v1::GetStatisticsRequest req;
    req.set_unit(*unit);
    CertificateClient c(g, Service::kCertificate);
    v1::Statistics reply;
    rc = c.Call([&](auto* ctx) { return c.stub->GetStatistics(ctx, req, &reply); });
    if (rc == kExitOk) Emit(g, reply, [&](std::ostream& out) { PrintStatistics(out, reply); });
  });
}

}  // namespace

void AddCertificateCommands(CLI::App& app, Globals& g, int& rc) {
  CLI::App* group = app.add_subcommand("certificate", "Certificates (SOP steps 6-7)");
  group->require_subcommand(1);
  AddSetPassphraseCommand(group, g, rc);
  AddHandOverCommand(group, g, rc);
  AddDownloadCommand(group, g, rc);
  AddGetCommand(group, g, rc);
  AddCheckCommand(group, g, rc);
  AddRevokeCommand(group, g, rc);
  AddStatsCommand(app, g, rc);
}

}  // namespace sertel::ctl
