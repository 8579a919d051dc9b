// How sertelctl shows things to people: tables, enum labels without their prefix, times and
// durations, and a gRPC error with its field violations. Scripts use `-o json` instead.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>
#include <grpcpp/support/status.h>

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sertel::ctl {

// A left-aligned text table with a header row, columns as wide as their widest cell.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::ostream& out) const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// "key:   value" lines with the keys padded to one width.
void PrintFields(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& fields);

// "ApplicationStatus" -> "APPLICATION_STATUS_", the prefix buf's STANDARD lint puts on values.
std::string EnumValuePrefix(const google::protobuf::EnumDescriptor* e);

// APPLICATION_STATUS_HANDED_OVER -> "HANDED_OVER"; an unknown number prints as the number.
std::string EnumLabel(const google::protobuf::EnumDescriptor* e, int value);

// "ktp-copy", "KTP_COPY", "document_kind_ktp_copy" -> DOCUMENT_KIND_KTP_COPY's number.
// INVALID_ARGUMENT naming the accepted values otherwise; *_UNSPECIFIED is never accepted.
absl::StatusOr<int> ParseEnumValue(const google::protobuf::EnumDescriptor* e,
                                   absl::string_view text);

// The accepted spellings for --help: "email|whatsapp".
std::string EnumChoices(const google::protobuf::EnumDescriptor* e);

// "2026-11-25 09:14:03" in the local time zone; "-" when unset.
std::string FormatTime(const google::protobuf::Timestamp& t);

// "850ms", "3m12s", "1h2m"; "-" when zero and `dash_for_zero`.
std::string FormatDuration(const google::protobuf::Duration& d, bool dash_for_zero = true);

// The message as JSON with the .proto field names, for `-o json`.
std::string ToJson(const google::protobuf::Message& message);

// A failed call, readably: "error: INVALID_ARGUMENT: <message>" and then one line per field
// violation found in the google.rpc.BadRequest of the status details.
void PrintRpcError(std::ostream& err, const grpc::Status& status);

// "INVALID_ARGUMENT" for grpc::StatusCode::INVALID_ARGUMENT.
std::string StatusCodeName(grpc::StatusCode code);

// Exit codes: what a script can rely on.
//   0 done; 1 done, and the answer is "no" (a certificate check with findings, a broken audit
//   chain); 2 usage error; 3 local error (a file that cannot be read or written, no signing key);
//   10 + the gRPC status code when the server refused or failed (13 INVALID_ARGUMENT,
//   15 NOT_FOUND, 17 PERMISSION_DENIED, 19 FAILED_PRECONDITION, 20 ABORTED, 24 UNAVAILABLE,
//   26 UNAUTHENTICATED, ...).
inline constexpr int kExitOk = 0;
inline constexpr int kExitNo = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLocal = 3;
int ExitCodeFor(grpc::StatusCode code);

}  // namespace sertel::ctl
