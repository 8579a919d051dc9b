#include "local_files.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/document_sniffer.h"
#include "common/pem.h"

namespace sertel::ctl {

absl::StatusOr<v1::Document> LoadDocument(v1::DocumentKind kind, const std::string& path) {
  absl::StatusOr<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  v1::Document d;
  d.set_kind(kind);
  d.set_filename(std::filesystem::path(path).filename().string());
  d.set_content_type(std::string(MimeTypeOf(SniffDocument(*bytes))));
  d.set_content(std::move(*bytes));
  return d;
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& bytes, bool secret) {
  // A new file of our own (O_EXCL, no symlink followed, an unguessable name), its mode set
  // explicitly, then renamed over `path`: a keystore is never readable by others, not even
  // for a moment, and a planted file or link cannot redirect the write.
  unsigned char raw[8];
  if (RAND_bytes(raw, sizeof raw) != 1) return absl::InternalError("no randomness");
  const std::string tmp = absl::StrCat(
      path, ".tmp-", absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(raw), 8)));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return absl::PermissionDeniedError(absl::StrCat("cannot write ", path));
  bool ok = ::fchmod(fd, secret ? 0600 : 0644) == 0;
  size_t done = 0;
  while (ok && done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      ok = false;
    else
      done += static_cast<size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return absl::DataLossError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

void Wipe(std::string& secret) {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

namespace {

// One line from the terminal with echo off; restores the terminal whatever happens.
absl::StatusOr<std::string> PromptNoEcho(int tty, const char* prompt) {
  if (::write(tty, prompt, std::char_traits<char>::length(prompt)) < 0) {
    return absl::UnavailableError("cannot write to the terminal");
  }
  termios saved{};
  if (::tcgetattr(tty, &saved) != 0) return absl::UnavailableError("not a terminal");
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  if (::tcsetattr(tty, TCSAFLUSH, &quiet) != 0) return absl::UnavailableError("not a terminal");
  std::string line;
  line.reserve(1024);  // no reallocation leaving pieces of the passphrase in freed memory
  char c;
  while (line.size() < 1024 && ::read(tty, &c, 1) == 1 && c != '\n') line.push_back(c);
  ::tcsetattr(tty, TCSANOW, &saved);
  return line;
}

}  // namespace

absl::StatusOr<std::string> ReadActivationCode(const std::string& file) {
  if (!file.empty()) {
    absl::StatusOr<std::string> content = ReadFile(file);
    if (!content.ok()) return absl::NotFoundError(absl::StrCat("cannot read ", file));
    std::string code(absl::StripAsciiWhitespace(*content));
    Wipe(*content);
    return code;
  }
  int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) {
    return absl::FailedPreconditionError(
        "no terminal to type the activation code on: use --code-file FILE");
  }
  absl::StatusOr<std::string> code = PromptNoEcho(tty, "activation code: ");
  ::close(tty);
  if (!code.ok()) return code.status();
  std::string trimmed(absl::StripAsciiWhitespace(*code));
  Wipe(*code);
  return trimmed;
}

absl::StatusOr<std::string> ReadPassphrase(const std::string& file) {
  if (!file.empty()) {
    absl::StatusOr<std::string> content = ReadFile(file);
    if (!content.ok()) return absl::NotFoundError(absl::StrCat("cannot read ", file));
    std::string p = std::move(*content);
    if (!p.empty() && p.back() == '\n') p.pop_back();
    if (!p.empty() && p.back() == '\r') p.pop_back();
    return p;
  }
  int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) {
    return absl::FailedPreconditionError(
        "no terminal to type the passphrase on: use --passphrase-file FILE");
  }
  absl::StatusOr<std::string> first = PromptNoEcho(tty, "passphrase: ");
  absl::StatusOr<std::string> second =
      first.ok() ? PromptNoEcho(tty, "passphrase again: ") : first.status();
  ::close(tty);
  if (!first.ok()) return first.status();
  if (!second.ok()) return second.status();
  if (*first != *second) {
    Wipe(*first);
    Wipe(*second);
    return absl::InvalidArgumentError("the two passphrases differ");
  }
  Wipe(*second);
  return std::move(*first);
}

}  // namespace sertel::ctl
