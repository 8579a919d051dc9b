// The files sertelctl reads and writes for its user: the four SOP documents, keystores and
// certificates, and the passphrase (from the terminal without echo, or from a file; never from
// a flag, so it never lands in shell history or `ps`).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sertel/v1/common.pb.h"

namespace sertel::ctl {

// A Document of `kind` from the file at `path`: the bytes, the file's base name, and the content
// type the bytes really are (PDF, JPEG, PNG; else application/octet-stream, which the service
// will refuse with a clear reason).
absl::StatusOr<v1::Document> LoadDocument(v1::DocumentKind kind, const std::string& path);

// Writes `bytes` to `path` (mode 0600 when `secret`), replacing it atomically.
absl::Status WriteFileAtomically(const std::string& path, const std::string& bytes, bool secret);

// The passphrase from `file` (one trailing newline dropped) or, with no file, typed twice on the
// terminal without echo. Errors when there is no terminal and no file, or the two differ.
absl::StatusOr<std::string> ReadPassphrase(const std::string& file);

// The one-time activation code from `file` (surrounding whitespace dropped) or, with no file,
// typed once on the terminal without echo. Like the passphrase, never a flag: a flag shows in
// `ps` and in shell history, and whoever holds the code may set the passphrase.
absl::StatusOr<std::string> ReadActivationCode(const std::string& file);

// Overwrites a secret in memory before it is freed.
void Wipe(std::string& secret);

}  // namespace sertel::ctl
