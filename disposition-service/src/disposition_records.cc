#include "disposition_records.h"

#include "common/sop.h"

namespace sertel::disposition {

std::optional<std::string> DocumentKindName(int kind) {
  std::optional<absl::string_view> name = SopDocumentKindName(kind);
  if (!name) return std::nullopt;
  return std::string(*name);
}

}  // namespace sertel::disposition
