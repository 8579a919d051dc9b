#include "format.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "common/proto_time.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace sertel::ctl {

void Table::Print(std::ostream& out) const {
  std::vector<size_t> width(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out << line << "\n";
  };
  print(header_);
  for (const auto& row : rows_) print(row);
}

void PrintFields(std::ostream& out,
                 const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [k, v] : fields) width = std::max(width, k.size());
  for (const auto& [k, v] : fields) {
    out << k << ":" << std::string(width - k.size() + 2, ' ') << v << "\n";
  }
}

std::string EnumValuePrefix(const google::protobuf::EnumDescriptor* e) {
  std::string out;
  for (char c : e->name()) {
    if (std::isupper(static_cast<unsigned char>(c)) && !out.empty()) out += '_';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out + "_";
}

std::string EnumLabel(const google::protobuf::EnumDescriptor* e, int value) {
  const google::protobuf::EnumValueDescriptor* v = e->FindValueByNumber(value);
  if (v == nullptr) return absl::StrCat(value);
  std::string name = v->name();
  const std::string prefix = EnumValuePrefix(e);
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  return name;
}

std::string EnumChoices(const google::protobuf::EnumDescriptor* e) {
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() == 0) continue;
    std::string label = absl::AsciiStrToLower(EnumLabel(e, e->value(i)->number()));
    names.push_back(absl::StrReplaceAll(label, {{"_", "-"}}));
  }
  return absl::StrJoin(names, "|");
}

absl::StatusOr<int> ParseEnumValue(const google::protobuf::EnumDescriptor* e,
                                   absl::string_view text) {
  std::string name = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  absl::StrReplaceAll({{"-", "_"}}, &name);
  const std::string prefix = EnumValuePrefix(e);
  if (name.rfind(prefix, 0) != 0) name = prefix + name;
  const google::protobuf::EnumValueDescriptor* v = e->FindValueByName(name);
  if (v == nullptr || v->number() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not one of ", EnumChoices(e)));
  }
  return v->number();
}

std::string FormatTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", FromProtoTimestamp(t), absl::LocalTimeZone());
}

std::string FormatDuration(const google::protobuf::Duration& d, bool dash_for_zero) {
  absl::Duration x = FromProtoDuration(d);
  if (x == absl::ZeroDuration() && dash_for_zero) return "-";
  // Milliseconds below a minute are noise for people; whole seconds above it.
  if (x < absl::Seconds(1)) return absl::FormatDuration(absl::Trunc(x, absl::Milliseconds(1)));
  if (x < absl::Minutes(1)) return absl::FormatDuration(absl::Trunc(x, absl::Milliseconds(100)));
  return absl::FormatDuration(absl::Trunc(x, absl::Seconds(1)));
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "{}\n";
  return out;
}

std::string StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return absl::StrCat("CODE_", static_cast<int>(code));
  }
}

void PrintRpcError(std::ostream& err, const grpc::Status& status) {
  err << "error: " << StatusCodeName(status.error_code()) << ": " << status.error_message() << "\n";
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) return;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) {
      err << "  " << v.field() << ": " << v.description() << "\n";
    }
  }
}

int ExitCodeFor(grpc::StatusCode code) {
  return code == grpc::StatusCode::OK ? kExitOk : 10 + static_cast<int>(code);
}

}  // namespace sertel::ctl
