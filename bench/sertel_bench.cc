// sertel-bench: the closed-loop load generator of issue 9. N workers, each with a synchronous
// stub on one of K shared TLS channels, call the real services with real RS256 JWTs, back to
// back (closed loop): the next call starts when the previous one returns. A warm-up period is
// run and thrown away; then every call's latency goes into a log-bucketed histogram. One JSON
// line per run on stdout.
//
//   sertel-bench getcase --target localhost:58152 --ca $H/tls/ca.pem --jwt-key
//   $H/jwt/signing-key.pem
//       --concurrency 64 --warmup 3 --duration 15 --id-prefix bcl- --count 10000
//
// Scenarios: forward, getcase, listinbox, checkcert, issue, sop (see Usage()). The same
// getcase/listinbox/checkcert runs drive sertel-echo-server for the RPC baseline.
#include <curl/curl.h>
#include <zlib.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "absl/time/clock.h"
#include "bench_common.h"
#include "common/jwt.h"
#include "sertel/v1/certificate.grpc.pb.h"
#include "sertel/v1/disposition.grpc.pb.h"
#include "sertel/v1/intake.grpc.pb.h"

namespace sertel::bench {
namespace {

namespace v1 = ::sertel::v1;

const char* kUsage = R"(usage: sertel-bench SCENARIO [options]
scenarios:
  forward    Forward steps 2->3->4 of pre-seeded cases <id-prefix><7 digits> (version 1 at step 2)
  getcase    GetCase of random pre-seeded ids <id-prefix><7 digits> in [0, count)
  listinbox  ListInbox of the head of agency (page-size, default 50)
  checkcert  CheckCertificate of --pem-file against --nik
  issue      SetPassphrase of pre-seeded enrollments <id-prefix><7 digits> with --code
  sop        the seven SOP steps for new applications (needs --intake --disposition
             --certificate and --mail-dir for the activation codes)
  cfssl      POST newcert (EC P-256 key) to `cfssl serve` at --url (the issuance baseline)
common options: --target HOST:PORT --ca FILE --jwt-key FILE --concurrency N --warmup S
  --duration S --channels K --label TEXT --save-reply FILE (first reply, for the echo server)
)";

struct Worker {
  std::map<std::string, Histogram> hist;  // per step; "all" is what the rate counts
  int64_t ops = 0;                        // units counted for the rate (measured only)
  int64_t errors = 0;
  std::map<std::string, int64_t> error_codes;
  std::string last_error;
  Clock::time_point last_done{};
};

struct RunConfig {
  int concurrency = 8;
  double warmup_s = 3;
  double duration_s = 15;
};

// The closed loop: each worker calls `iteration(worker_index, worker, measuring)` until the
// deadline (or until it returns false: the pre-seeded work is exhausted).
class Runner {
 public:
  using Iteration = std::function<bool(int, Worker&, bool)>;
  explicit Runner(RunConfig c) : c_(c) {}

  void Run(const Iteration& iteration) {
    start_ = Clock::now();
    measure_from_ = start_ + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(c_.warmup_s));
    end_ = measure_from_ + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(c_.duration_s));
    workers_.resize(static_cast<size_t>(c_.concurrency));
    std::vector<std::thread> threads;
    for (int i = 0; i < c_.concurrency; ++i) {
      threads.emplace_back([this, i, &iteration] {
        Worker& w = workers_[static_cast<size_t>(i)];
        while (true) {
          auto now = Clock::now();
          if (now >= end_) break;
          if (!iteration(i, w, now >= measure_from_)) break;
        }
      });
    }
    for (auto& t : threads) t.join();
    finished_ = Clock::now();
  }

  // The merged result as a JSON line with `extra` fields first.
  std::string Report(const std::string& scenario, const std::string& label, const std::string& unit,
                     const std::vector<std::string>& step_order, JsonLine line) const {
    Worker total;
    for (const Worker& w : workers_) {
      for (const auto& [k, h] : w.hist) total.hist[k].Merge(h);
      total.ops += w.ops;
      total.errors += w.errors;
      for (const auto& [k, n] : w.error_codes) total.error_codes[k] += n;
      if (!w.last_error.empty()) total.last_error = w.last_error;
      total.last_done = std::max(total.last_done, w.last_done);
    }
    // Measured window: from the end of warm-up to the deadline, or to the last completion when
    // the workers ran out of pre-seeded work earlier.
    auto window_end = std::min(end_, finished_);
    if (finished_ < end_ && total.last_done > measure_from_) window_end = total.last_done;
    double window = std::chrono::duration<double>(window_end - measure_from_).count();
    line.Str("scenario", scenario)
        .Str("label", label)
        .Num("concurrency", c_.concurrency)
        .Num("warmup_s", c_.warmup_s)
        .Num("duration_s", window)
        .Num("ops", static_cast<double>(total.ops))
        .Str("unit", unit)
        .Num("rate", window > 0 ? static_cast<double>(total.ops) / window : 0)
        .Num("errors", static_cast<double>(total.errors));
    if (total.hist.count("all")) line.Latency("", total.hist.at("all"));
    std::string steps = "{";
    for (const std::string& s : step_order) {
      auto it = total.hist.find(s);
      if (it == total.hist.end()) continue;
      if (steps.size() > 1) steps += ",";
      JsonLine sl;
      sl.Num("count", static_cast<double>(it->second.count())).Latency("", it->second);
      steps += "\"" + s + "\":" + sl.Done();
    }
    steps += "}";
    if (step_order.size() > 1) line.Raw("steps", steps);
    std::string codes = "{";
    for (const auto& [k, n] : total.error_codes) {
      if (codes.size() > 1) codes += ",";
      codes += "\"" + k + "\":" + std::to_string(n);
    }
    codes += "}";
    line.Raw("error_codes", codes);
    if (!total.last_error.empty()) line.Str("last_error", total.last_error.substr(0, 300));
    return line.Done();
  }

 private:
  RunConfig c_;
  Clock::time_point start_, measure_from_, end_, finished_;
  std::vector<Worker> workers_;
};

// Times one call; records it under `step` (and "all" when `counts`) if measuring.
template <typename F>
grpc::Status Timed(Worker& w, bool measuring, const std::string& step, bool counts, F&& call) {
  auto t0 = Clock::now();
  grpc::Status s = call();
  auto t1 = Clock::now();
  w.last_done = t1;
  if (!measuring) return s;
  if (s.ok()) {
    int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
    w.hist[step].Record(ns);
    if (counts) {
      w.hist["all"].Record(ns);
      ++w.ops;
    }
  } else {
    ++w.errors;
    ++w.error_codes[step + ":" + std::to_string(static_cast<int>(s.error_code()))];
    w.last_error = step + ": " + s.error_message();
  }
  return s;
}

std::string Pad7(int64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%07lld", static_cast<long long>(i));
  return buf;
}

class Tokens {
 public:
  explicit Tokens(const std::string& key_file) {
    auto s = JwtSigner::FromPemFile(key_file);
    if (!s.ok()) throw std::runtime_error("JWT key: " + std::string(s.status().message()));
    signer_ = std::move(*s);
  }
  std::string Mint(const std::string& role, const std::string& sub, const std::string& nik = "") {
    JwtClaims c;
    c.iss = "sertel-dev";
    c.aud = {"sertel"};
    c.sub = sub;
    c.nik = nik;
    c.roles = {role};
    c.iat = absl::ToUnixSeconds(absl::Now());
    c.exp = c.iat + 3 * 3600;
    return "Bearer " + signer_->Sign(c);
  }

 private:
  std::unique_ptr<JwtSigner> signer_;
};

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& bearer, double timeout_s = 30) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", bearer);
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000)));
  return ctx;
}

struct Channels {
  Channels(const Args& a, const std::string& target, int n) {
    for (int i = 0; i < n; ++i) {
      list.push_back(
          TlsChannel(target, a.Need("ca"), a.Get("client-cert"), a.Get("client-key"), i));
    }
  }
  std::shared_ptr<grpc::Channel> For(int worker) const {
    return list[static_cast<size_t>(worker) % list.size()];
  }
  std::vector<std::shared_ptr<grpc::Channel>> list;
};

// Saves the first successful reply (serialized) for the echo server's canned answers.
class ReplySaver {
 public:
  explicit ReplySaver(std::string path) : path_(std::move(path)) {}
  void Offer(const google::protobuf::Message& m) {
    if (path_.empty() || saved_.exchange(true)) return;
    WriteFile(path_, m.SerializeAsString());
  }

 private:
  std::string path_;
  std::atomic<bool> saved_{false};
};

// ---------------------------------------------------------------------------------------------
// Test data the validators accept (as tests/e2e/python/sertel_client.py makes it).

std::string MakePdf(const std::string& text) {
  std::vector<std::string> objs = {"<< /Type /Catalog /Pages 2 0 R >>",
                                   "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                   "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"};
  std::string out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n% " + text + "\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objs.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objs.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", off);
    out += buf;
  }
  out += "trailer\n<< /Size " + std::to_string(objs.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return out;
}

std::string MakePng(int seed) {
  const int width = 4, height = 3;
  auto be32 = [](uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[static_cast<size_t>(i)] = static_cast<char>(v >> (24 - 8 * i));
    return s;
  };
  auto chunk = [&](const std::string& kind, const std::string& data) {
    std::string kd = kind + data;
    uLong crc = crc32(0, reinterpret_cast<const Bytef*>(kd.data()), static_cast<uInt>(kd.size()));
    return be32(static_cast<uint32_t>(data.size())) + kd + be32(static_cast<uint32_t>(crc));
  };
  std::string raw;
  for (int y = 0; y < height; ++y) {
    raw += '\0';
    for (int x = 0; x < width * 3; ++x) raw += static_cast<char>((x * 40 + y * 7 + seed) % 256);
  }
  uLongf zlen = compressBound(static_cast<uLong>(raw.size()));
  std::string z(zlen, '\0');
  compress(reinterpret_cast<Bytef*>(z.data()), &zlen, reinterpret_cast<const Bytef*>(raw.data()),
           static_cast<uLong>(raw.size()));
  z.resize(zlen);
  std::string ihdr = be32(width) + be32(height) + std::string("\x08\x02\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", z) +
         chunk("IEND", "");
}

// Applicant number k (unique across runs through --serial-base): a woman born on a date in
// 1980-1999 that, with the serial, makes NIK, NIP, email and phone unique.
v1::Applicant MakeApplicant(int64_t k) {
  int serial = static_cast<int>(k % 999) + 1;  // 1..999 (NIP's 3 digits; NIK's 4)
  int64_t d = k / 999;
  int day = static_cast<int>(d % 28) + 1;
  int month = static_cast<int>((d / 28) % 12) + 1;
  int year = static_cast<int>((d / 336) % 20) + 80;
  char nik[32], nip[32], phone[32], email[96];
  std::snprintf(nik, sizeof nik, "317101%02d%02d%02d%04d", day + 40, month, year, serial);
  std::snprintf(nip, sizeof nip, "19%02d%02d%02d2015032%03d", year, month, day, serial);
  std::snprintf(phone, sizeof phone, "+62812%08lld", static_cast<long long>(k % 100000000));
  std::snprintf(email, sizeof email, "bench.%lld@kota.go.id", static_cast<long long>(k));
  v1::Applicant a;
  a.set_nik(nik);
  a.set_nip(nip);
  a.set_full_name("Siti Aminah Bench");
  a.set_email(email);
  a.set_phone(phone);
  a.set_unit("DISKOMINFO");  // a code of the unit registry (IntakeService.ListUnits)
  a.set_position("Analis Sistem Informasi");
  return a;
}

void AddDocuments(v1::SubmitApplicationRequest* r, int64_t k) {
  auto add = [&](v1::DocumentKind kind, const std::string& name, const std::string& type,
                 const std::string& content) {
    v1::Document* d = r->add_documents();
    d->set_kind(kind);
    d->set_filename(name);
    d->set_content_type(type);
    d->set_content(content);
  };
  std::string tag = std::to_string(k);
  add(v1::DOCUMENT_KIND_REQUEST_LETTER, "surat-permohonan.pdf", "application/pdf",
      MakePdf("surat " + tag));
  add(v1::DOCUMENT_KIND_BSRE_FORM, "formulir-bsre.pdf", "application/pdf",
      MakePdf("formulir " + tag));
  add(v1::DOCUMENT_KIND_KTP_COPY, "ktp.png", "image/png", MakePng(static_cast<int>(k % 200)));
  add(v1::DOCUMENT_KIND_SK_COPY, "sk.pdf", "application/pdf", MakePdf("sk " + tag));
}

// The activation codes in the SMTP sink's .eml files, by application id (SOP step 6's email:
// subject "Kode aktivasi sertifikat elektronik (<id>)", body line "Kode aktivasi: <code>").
class MailIndex {
 public:
  explicit MailIndex(std::string dir) : dir_(std::move(dir)), thread_([this] { Loop(); }) {}
  ~MailIndex() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    thread_.join();
  }
  // The code for `app`, waiting up to `timeout_s`; "" on timeout.
  std::string Wait(const std::string& app, double timeout_s) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000)),
                 [&] { return codes_.count(app) > 0; });
    auto it = codes_.find(app);
    return it == codes_.end() ? "" : it->second;
  }

 private:
  static std::string Between(const std::string& s, const std::string& open, char close) {
    size_t p = s.find(open);
    if (p == std::string::npos) return "";
    p += open.size();
    size_t q = s.find(close, p);
    return q == std::string::npos ? "" : s.substr(p, q - p);
  }
  void Loop() {
    while (true) {
      {
        std::unique_lock<std::mutex> l(mu_);
        if (cv_stop_.wait_for(l, std::chrono::milliseconds(20), [&] { return stop_; })) return;
      }
      std::error_code ec;
      for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
        std::string name = e.path().filename().string();
        if (e.path().extension() != ".eml" || seen_.count(name)) continue;
        std::string text;
        try {
          text = ReadFileOrDie(e.path().string());
        } catch (...) {
          continue;
        }
        // Undo quoted-printable soft line breaks.
        std::string plain;
        for (size_t i = 0; i < text.size(); ++i) {
          if (text[i] == '=' && i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') {
            i += 2;
          } else if (text[i] == '=' && i + 1 < text.size() && text[i + 1] == '\n') {
            i += 1;
          } else {
            plain += text[i];
          }
        }
        if (plain.find("\n\r\n") == std::string::npos && plain.find("\n\n") == std::string::npos) {
          continue;  // still being written
        }
        seen_.insert(name);
        // The subject is RFC 2047-encoded; the body names the application too.
        std::string app = Between(plain, "sertifikat elektronik Anda (", ')');
        if (app.empty()) app = Between(plain, "Kode aktivasi sertifikat elektronik (", ')');
        std::string code = Between(plain, "\nKode aktivasi: ", '\n');
        while (!code.empty() && (code.back() == '\r' || code.back() == ' ')) code.pop_back();
        if (app.empty() || code.empty()) continue;
        std::lock_guard<std::mutex> l(mu_);
        codes_[app] = code;
        cv_.notify_all();
      }
    }
  }

  std::string dir_;
  std::mutex mu_;
  std::condition_variable cv_, cv_stop_;
  bool stop_ = false;
  std::map<std::string, std::string> codes_;
  std::set<std::string> seen_;
  std::thread thread_;
};

constexpr const char* kPassphrase = "Kupu-kupu Terbang#Tinggi 7392";

int Main(int argc, char** argv) {
  Args a(argc, argv);
  if (a.positional().empty()) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string scenario = a.positional()[0];
  RunConfig rc;
  rc.concurrency = static_cast<int>(a.Num("concurrency", 8));
  rc.warmup_s = a.Num("warmup", 3);
  rc.duration_s = a.Num("duration", 15);
  const int n_channels = static_cast<int>(a.Num("channels", std::min(rc.concurrency, 4)));
  const std::string label = a.Get("label", scenario);
  Tokens tokens(a.Need("jwt-key"));
  Runner runner(rc);
  ReplySaver saver(a.Get("save-reply"));
  std::vector<std::string> steps;
  std::string unit = "rpc";
  JsonLine extra;

  if (scenario == "forward") {
    Channels ch(a, a.Need("target"), n_channels);
    const std::string prefix = a.Need("id-prefix");
    const int64_t count = static_cast<int64_t>(a.Num("count", 0));
    const std::vector<std::string> roles = {"HEAD_OF_AGENCY", "HEAD_OF_DIVISION",
                                            "HEAD_OF_SECTION"};
    std::vector<std::string> bearer;
    for (const auto& r : roles) bearer.push_back(tokens.Mint(r, "bench." + r));
    std::atomic<int64_t> next{0};
    unit = "transition";
    runner.Run([&](int wi, Worker& w, bool measuring) {
      int64_t i = next.fetch_add(1);
      if (i >= count) return false;
      auto stub = v1::DispositionService::NewStub(ch.For(wi));
      std::string id = prefix + Pad7(i);
      int64_t version = 1;
      for (size_t s = 0; s < roles.size(); ++s) {
        v1::ForwardRequest req;
        req.set_application_id(id);
        req.set_expected_version(version);
        req.set_note("Disposisi: lanjutkan (bench)");
        v1::Case resp;
        auto ctx = Ctx(bearer[s]);
        grpc::Status st = Timed(w, measuring, "forward", true,
                                [&] { return stub->Forward(ctx.get(), req, &resp); });
        if (!st.ok()) break;
        version = resp.version();
      }
      return true;
    });
    extra.Num("cases_used", static_cast<double>(std::min(next.load(), count)));
  } else if (scenario == "getcase" || scenario == "listinbox") {
    Channels ch(a, a.Need("target"), n_channels);
    const std::string prefix = a.Get("id-prefix", "bcl-");
    const int64_t count = static_cast<int64_t>(a.Num("count", 1));
    const int page_size = static_cast<int>(a.Num("page-size", 50));
    std::string bearer = scenario == "getcase" ? tokens.Mint("AUDITOR", "bench.auditor")
                                               : tokens.Mint("HEAD_OF_AGENCY", "bench.kadis");
    std::vector<std::unique_ptr<v1::DispositionService::Stub>> stubs;
    for (int i = 0; i < rc.concurrency; ++i) {
      stubs.push_back(v1::DispositionService::NewStub(ch.For(i)));
    }
    std::atomic<int64_t> returned{0};
    runner.Run([&](int wi, Worker& w, bool measuring) {
      thread_local std::mt19937_64 rng(std::random_device{}());
      auto& stub = stubs[static_cast<size_t>(wi)];
      auto ctx = Ctx(bearer);
      if (scenario == "getcase") {
        v1::GetCaseRequest req;
        req.set_application_id(prefix +
                               Pad7(static_cast<int64_t>(rng() % static_cast<uint64_t>(count))));
        v1::Case resp;
        if (Timed(w, measuring, "getcase", true, [&] {
              return stub->GetCase(ctx.get(), req, &resp);
            }).ok()) {
          saver.Offer(resp);
        }
      } else {
        v1::ListInboxRequest req;
        req.set_page_size(page_size);
        v1::ListInboxResponse resp;
        if (Timed(w, measuring, "listinbox", true, [&] {
              return stub->ListInbox(ctx.get(), req, &resp);
            }).ok()) {
          saver.Offer(resp);
          returned.store(resp.cases_size());
        }
      }
      return true;
    });
    if (scenario == "listinbox") extra.Num("cases_per_page", static_cast<double>(returned.load()));
  } else if (scenario == "checkcert") {
    Channels ch(a, a.Need("target"), n_channels);
    std::string pem = ReadFileOrDie(a.Need("pem-file"));
    std::string nik = a.Get("nik");
    std::string bearer = tokens.Mint("VERIFIER", "bench.verifier");
    std::vector<std::unique_ptr<v1::CertificateService::Stub>> stubs;
    for (int i = 0; i < rc.concurrency; ++i) {
      stubs.push_back(v1::CertificateService::NewStub(ch.For(i)));
    }
    std::atomic<bool> ok_seen{false};
    runner.Run([&](int wi, Worker& w, bool measuring) {
      v1::CheckCertificateRequest req;
      req.set_certificate_pem(pem);
      req.set_expected_nik(nik);
      v1::CheckResult resp;
      auto ctx = Ctx(bearer);
      if (Timed(w, measuring, "checkcert", true, [&] {
            return stubs[static_cast<size_t>(wi)]->CheckCertificate(ctx.get(), req, &resp);
          }).ok()) {
        saver.Offer(resp);
        if (resp.ok()) ok_seen = true;
      }
      return true;
    });
    extra.Num("certificate_ok", ok_seen ? 1 : 0);
  } else if (scenario == "issue") {
    Channels ch(a, a.Need("target"), n_channels);
    const std::string prefix = a.Need("id-prefix");
    const int64_t count = static_cast<int64_t>(a.Num("count", 0));
    const std::string code = a.Need("code");
    const std::string save_pem = a.Get("save-pem");
    std::string bearer = tokens.Mint("VERIFIER", "bench.verifier");
    std::atomic<int64_t> next{0};
    std::atomic<bool> saved{false};
    unit = "certificate";
    runner.Run([&](int wi, Worker& w, bool measuring) {
      int64_t i = next.fetch_add(1);
      if (i >= count) return false;
      auto stub = v1::CertificateService::NewStub(ch.For(wi));
      v1::SetPassphraseRequest req;
      req.set_application_id(prefix + Pad7(i));
      req.set_activation_code(code);
      req.set_passphrase(kPassphrase);
      v1::Certificate resp;
      auto ctx = Ctx(bearer, 120);
      if (Timed(w, measuring, "setpassphrase", true,
                [&] { return stub->SetPassphrase(ctx.get(), req, &resp); })
              .ok() &&
          !save_pem.empty() && !saved.exchange(true)) {
        WriteFile(save_pem, resp.certificate_pem());
        WriteFile(save_pem + ".nik", resp.nik());
        if (!a.Get("save-p12").empty()) {
          // The keystore as the holder receives it, to check it opens (bench.sh does).
          v1::DownloadKeystoreRequest dr;
          dr.set_application_id(req.application_id());
          v1::DownloadKeystoreResponse dresp;
          auto dctx = Ctx(bearer);
          if (stub->DownloadKeystore(dctx.get(), dr, &dresp).ok()) {
            WriteFile(a.Get("save-p12"), dresp.pkcs12());
          }
        }
      }
      return true;
    });
    extra.Num("enrollments_used", static_cast<double>(std::min(next.load(), count)));
  } else if (scenario == "sop") {
    Channels ich(a, a.Need("intake"), n_channels);
    Channels dch(a, a.Need("disposition"), n_channels);
    Channels cch(a, a.Need("certificate"), n_channels);
    MailIndex mail(a.Need("mail-dir"));
    const int64_t serial_base = static_cast<int64_t>(a.Num("serial-base", 0));
    const double async_timeout = a.Num("async-timeout", 60);
    const std::vector<std::string> roles = {"HEAD_OF_AGENCY", "HEAD_OF_DIVISION",
                                            "HEAD_OF_SECTION"};
    std::map<std::string, std::string> bearer;
    for (const auto& r : roles) bearer[r] = tokens.Mint(r, "bench." + r);
    bearer["VERIFIER"] = tokens.Mint("VERIFIER", "bench.verifier");
    std::atomic<int64_t> next{0};
    std::atomic<int64_t> failed{0};
    unit = "application";
    steps = {"1_submit", "wait_case_opened",     "2_forward",        "3_forward",  "4_forward",
             "5_verify", "wait_activation_code", "6_set_passphrase", "7_handover", "application"};
    runner.Run([&](int wi, Worker& w, bool measuring) {
      int64_t k = serial_base + next.fetch_add(1);
      auto intake = v1::IntakeService::NewStub(ich.For(wi));
      auto disp = v1::DispositionService::NewStub(dch.For(wi));
      auto cert = v1::CertificateService::NewStub(cch.For(wi));
      auto t_start = Clock::now();
      auto fail = [&](const std::string& why) {
        ++failed;
        w.last_error = why;
        return true;
      };
      v1::Applicant applicant = MakeApplicant(k);
      std::string applicant_bearer =
          tokens.Mint("APPLICANT", "applicant-" + applicant.nik(), applicant.nik());
      // Step 1.
      v1::SubmitApplicationRequest sreq;
      sreq.set_request_id("bench-sop-" + std::to_string(k) + "-" +
                          std::to_string(absl::ToUnixMicros(absl::Now())));
      *sreq.mutable_applicant() = applicant;
      AddDocuments(&sreq, k);
      v1::Application app;
      {
        auto ctx = Ctx(applicant_bearer);
        if (!Timed(w, measuring, "1_submit", false, [&] {
               return intake->SubmitApplication(ctx.get(), sreq, &app);
             }).ok()) {
          return fail("submit");
        }
      }
      const std::string id = app.id();
      // Intake's outbox opens the case at disposition (asynchronous).
      v1::Case c;
      {
        auto t0 = Clock::now();
        bool found = false;
        while (std::chrono::duration<double>(Clock::now() - t0).count() < async_timeout) {
          v1::GetCaseRequest g;
          g.set_application_id(id);
          auto ctx = Ctx(bearer["HEAD_OF_AGENCY"]);
          if (disp->GetCase(ctx.get(), g, &c).ok()) {
            found = true;
            break;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (!found) return fail("case not opened");
        if (measuring) {
          w.hist["wait_case_opened"].Record(
              std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
        }
      }
      // Steps 2-4.
      int64_t version = c.version();
      for (size_t s = 0; s < roles.size(); ++s) {
        v1::ForwardRequest f;
        f.set_application_id(id);
        f.set_expected_version(version);
        f.set_note("Disposisi: lanjutkan");
        auto ctx = Ctx(bearer[roles[s]]);
        if (!Timed(w, measuring, std::to_string(s + 2) + "_forward", false, [&] {
               return disp->Forward(ctx.get(), f, &c);
             }).ok()) {
          return fail("forward");
        }
        version = c.version();
      }
      // Step 5.
      {
        v1::VerifyRequest vr;
        vr.set_application_id(id);
        vr.set_expected_version(version);
        vr.set_note("Dokumen lengkap");
        auto* cl = vr.mutable_checklist();
        cl->set_request_letter_ok(true);
        cl->set_bsre_form_ok(true);
        cl->set_ktp_copy_ok(true);
        cl->set_sk_copy_ok(true);
        cl->set_identity_matches_documents(true);
        auto ctx = Ctx(bearer["VERIFIER"]);
        if (!Timed(w, measuring, "5_verify", false, [&] {
               return disp->Verify(ctx.get(), vr, &c);
             }).ok()) {
          return fail("verify");
        }
      }
      // Disposition's outbox -> certificate (enrollment) -> notification -> email.
      std::string code;
      {
        auto t0 = Clock::now();
        code = mail.Wait(id, async_timeout);
        if (code.empty()) return fail("no activation code email for " + id);
        if (measuring) {
          w.hist["wait_activation_code"].Record(
              std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
        }
      }
      // Step 6 (the owner, with the code from the email).
      {
        v1::SetPassphraseRequest pr;
        pr.set_application_id(id);
        pr.set_activation_code(code);
        pr.set_passphrase(kPassphrase);
        v1::Certificate out;
        auto ctx = Ctx(applicant_bearer, 120);
        if (!Timed(w, measuring, "6_set_passphrase", false, [&] {
               return cert->SetPassphrase(ctx.get(), pr, &out);
             }).ok()) {
          return fail("set passphrase");
        }
      }
      // Step 7.
      {
        v1::HandOverRequest hr;
        hr.set_application_id(id);
        hr.set_channel(v1::CHANNEL_EMAIL);
        v1::Enrollment out;
        auto ctx = Ctx(bearer["VERIFIER"]);
        if (!Timed(w, measuring, "7_handover", false, [&] {
               return cert->HandOver(ctx.get(), hr, &out);
             }).ok()) {
          return fail("handover");
        }
      }
      auto t_end = Clock::now();
      w.last_done = t_end;
      if (measuring) {
        int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t_end - t_start).count();
        w.hist["application"].Record(ns);
        w.hist["all"].Record(ns);
        ++w.ops;
      }
      return true;
    });
    extra.Num("applications_started", static_cast<double>(next.load()))
        .Num("applications_failed", static_cast<double>(failed.load()));
  } else if (scenario == "cfssl") {
    // cfssl's newcert: generate a key, sign it with the CA, hand back key + certificate in PEM.
    const std::string url = a.Need("url");
    const std::string body =
        R"({"request":{"CN":"Siti Aminah Bench","key":{"algo":"ecdsa","size":256},)"
        R"("names":[{"C":"ID","O":"Pemerintah Kota","OU":"Dinas Komunikasi dan Informatika"}],)"
        R"("hosts":["bench@kota.go.id"]}})";
    curl_global_init(CURL_GLOBAL_DEFAULT);
    std::vector<CURL*> handles;
    for (int i = 0; i < rc.concurrency; ++i) handles.push_back(curl_easy_init());
    unit = "certificate";
    runner.Run([&](int wi, Worker& w, bool measuring) {
      CURL* h = handles[static_cast<size_t>(wi)];
      std::string response;
      curl_easy_setopt(h, CURLOPT_URL, url.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
      curl_easy_setopt(
          h, CURLOPT_WRITEFUNCTION, +[](char* p, size_t sz, size_t n, void* ud) -> size_t {
            static_cast<std::string*>(ud)->append(p, sz * n);
            return sz * n;
          });
      curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
      grpc::Status st = Timed(w, measuring, "newcert", true, [&] {
        CURLcode c = curl_easy_perform(h);
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        if (c != CURLE_OK || code != 200 ||
            response.find("\"success\":true") == std::string::npos ||
            response.find("BEGIN CERTIFICATE") == std::string::npos) {
          return grpc::Status(grpc::StatusCode::UNKNOWN,
                              "cfssl: " + std::to_string(code) + " " + response.substr(0, 200));
        }
        return grpc::Status::OK;
      });
      (void)st;
      return true;
    });
    for (CURL* h : handles) curl_easy_cleanup(h);
  } else {
    std::cerr << "unknown scenario " << scenario << "\n" << kUsage;
    return 2;
  }
  std::cout << runner.Report(scenario, label, unit, steps, std::move(extra)) << std::endl;
  return 0;
}

}  // namespace
}  // namespace sertel::bench

int main(int argc, char** argv) {
  try {
    return sertel::bench::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "sertel-bench: " << e.what() << "\n";
    return 1;
  }
}
