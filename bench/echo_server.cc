// sertel-echo-server: the RPC baseline of issue 9. A bare gRPC server over TLS (the suite's own
// server certificate, same gRPC build, synchronous API as the services, or with --api callback
// gRPC's callback API) that answers GetCase,
// ListInbox and CheckCertificate with canned replies - the exact bytes the real services returned
// in the same benchmark run (sertel-bench --save-reply) - and does nothing else: no JWT check,
// no database, no logic. What sertel achieves against it is the cost of being a service.
//
//   sertel-echo-server --port 58160 --cert tls/disposition.pem --key tls/disposition-key.pem
//       --getcase-reply r/getcase.bin --listinbox-reply r/listinbox.bin --check-reply r/check.bin
#include <csignal>
#include <iostream>
#include <thread>

#include "bench_common.h"
#include "sertel/v1/certificate.grpc.pb.h"
#include "sertel/v1/disposition.grpc.pb.h"

namespace sertel::bench {
namespace {

namespace v1 = ::sertel::v1;

template <typename M>
M Load(const std::string& path) {
  M m;
  if (!path.empty() && !m.ParseFromString(ReadFileOrDie(path))) {
    throw std::runtime_error("cannot parse " + path);
  }
  return m;
}

class EchoDisposition final : public v1::DispositionService::Service {
 public:
  EchoDisposition(v1::Case c, v1::ListInboxResponse inbox)
      : case_(std::move(c)), inbox_(std::move(inbox)) {}
  grpc::Status GetCase(grpc::ServerContext*, const v1::GetCaseRequest* req,
                       v1::Case* resp) override {
    *resp = case_;
    resp->set_application_id(req->application_id());
    return grpc::Status::OK;
  }
  grpc::Status ListInbox(grpc::ServerContext*, const v1::ListInboxRequest*,
                         v1::ListInboxResponse* resp) override {
    *resp = inbox_;
    return grpc::Status::OK;
  }

 private:
  v1::Case case_;
  v1::ListInboxResponse inbox_;
};

class EchoCertificate final : public v1::CertificateService::Service {
 public:
  explicit EchoCertificate(v1::CheckResult r) : result_(std::move(r)) {}
  grpc::Status CheckCertificate(grpc::ServerContext*, const v1::CheckCertificateRequest*,
                                v1::CheckResult* resp) override {
    *resp = result_;
    return grpc::Status::OK;
  }

 private:
  v1::CheckResult result_;
};

// The same replies on gRPC's callback API (issue 22: an honest RPC baseline; gRPC's own
// benchmarks reach far more per core with the asynchronous API than with the synchronous one).
class CallbackEchoDisposition final : public v1::DispositionService::CallbackService {
 public:
  CallbackEchoDisposition(v1::Case c, v1::ListInboxResponse inbox)
      : case_(std::move(c)), inbox_(std::move(inbox)) {}
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* ctx, const v1::GetCaseRequest* req,
                                    v1::Case* resp) override {
    *resp = case_;
    resp->set_application_id(req->application_id());
    return Done(ctx);
  }
  grpc::ServerUnaryReactor* ListInbox(grpc::CallbackServerContext* ctx, const v1::ListInboxRequest*,
                                      v1::ListInboxResponse* resp) override {
    *resp = inbox_;
    return Done(ctx);
  }

 private:
  static grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* ctx) {
    grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
    r->Finish(grpc::Status::OK);
    return r;
  }
  v1::Case case_;
  v1::ListInboxResponse inbox_;
};

class CallbackEchoCertificate final : public v1::CertificateService::CallbackService {
 public:
  explicit CallbackEchoCertificate(v1::CheckResult r) : result_(std::move(r)) {}
  grpc::ServerUnaryReactor* CheckCertificate(grpc::CallbackServerContext* ctx,
                                             const v1::CheckCertificateRequest*,
                                             v1::CheckResult* resp) override {
    *resp = result_;
    grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
    r->Finish(grpc::Status::OK);
    return r;
  }

 private:
  v1::CheckResult result_;
};

int Main(int argc, char** argv) {
  Args a(argc, argv);
  // --api sync (the services' API, the default) or callback.
  const std::string api = a.Get("api", "sync");
  if (api != "sync" && api != "callback") throw std::runtime_error("--api is sync or callback");
  v1::Case c = Load<v1::Case>(a.Get("getcase-reply"));
  v1::ListInboxResponse inbox = Load<v1::ListInboxResponse>(a.Get("listinbox-reply"));
  v1::CheckResult check = Load<v1::CheckResult>(a.Get("check-reply"));
  EchoDisposition disposition(c, inbox);
  EchoCertificate certificate(check);
  CallbackEchoDisposition callback_disposition(c, inbox);
  CallbackEchoCertificate callback_certificate(check);
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({ReadFileOrDie(a.Need("key")), ReadFileOrDie(a.Need("cert"))});
  grpc::ServerBuilder b;
  b.AddListeningPort("127.0.0.1:" + a.Need("port"), grpc::SslServerCredentials(ssl));
  if (api == "sync") {
    b.RegisterService(&disposition);
    b.RegisterService(&certificate);
  } else {
    b.RegisterService(&callback_disposition);
    b.RegisterService(&callback_certificate);
  }
  b.SetMaxReceiveMessageSize(64 << 20);
  std::unique_ptr<grpc::Server> server = b.BuildAndStart();
  if (!server) {
    std::cerr << "sertel-echo-server: cannot listen on port " << a.Need("port") << "\n";
    return 1;
  }
  static grpc::Server* g_server = server.get();
  std::signal(SIGTERM, [](int) { std::thread([] { g_server->Shutdown(); }).detach(); });
  std::signal(SIGINT, [](int) { std::thread([] { g_server->Shutdown(); }).detach(); });
  server->Wait();
  return 0;
}

}  // namespace
}  // namespace sertel::bench

int main(int argc, char** argv) {
  try {
    return sertel::bench::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "sertel-echo-server: " << e.what() << "\n";
    return 1;
  }
}
