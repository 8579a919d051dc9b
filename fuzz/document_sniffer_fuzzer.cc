// The document sniffer (common/document_sniffer.h) on any bytes: it answers a format without
// crashing or reading outside the buffer, and the declared content type check agrees with it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "common/document_sniffer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  sertel::DocumentFormat format = sertel::SniffDocument(bytes);
  absl::string_view mime = sertel::MimeTypeOf(format);
  if (format != sertel::DocumentFormat::kUnknown &&
      !sertel::CheckDeclaredContentType(mime, format).ok()) {
    std::abort();  // its own MIME type must be accepted for a known format
  }
  return 0;
}
