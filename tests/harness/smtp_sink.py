#!/usr/bin/python3
"""A real SMTP server on loopback for tests and scripts/demo.sh (Debian's python3-aiosmtpd).

Every accepted message is stored as one .eml file in --dir, written to a temporary name and
renamed into place, so a reader never sees half a message. Two trace headers are put in front
of the message as received: X-Sink-Mail-From and X-Sink-Rcpt-To (the SMTP envelope).
Prints "ready <port>" on stdout once it accepts connections; stops on SIGTERM / SIGINT.

  /usr/bin/python3 tests/harness/smtp_sink.py --port 2525 --dir .sertel/mail
  /usr/bin/python3 tests/harness/smtp_sink.py --port 2587 --dir mail \
      --starttls-cert tls/server.pem --starttls-key tls/server-key.pem --require-starttls \
      --auth-user sertel --auth-password secret
  /usr/bin/python3 tests/harness/smtp_sink.py --port 2465 --dir mail --implicit-tls \
      --starttls-cert tls/server.pem --starttls-key tls/server-key.pem

Options:
  --reject-local-part P   answer "550 5.1.1" to RCPT TO addresses whose local part starts with P
                          (a permanent error, for tests)
"""
import argparse
import os
import signal
import ssl
import sys
import threading
import time
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class StoreHandler:
    def __init__(self, directory, reject_local_part):
        self.directory = directory
        self.reject_local_part = reject_local_part
        self.lock = threading.Lock()
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if self.reject_local_part and local.startswith(self.reject_local_part):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        trace = (
            "X-Sink-Mail-From: {}\r\nX-Sink-Rcpt-To: {}\r\n".format(
                envelope.mail_from, ", ".join(envelope.rcpt_tos)
            )
        ).encode("ascii", "replace")
        with self.lock:
            self.count += 1
            name = "{:020d}-{:06d}-{}.eml".format(time.time_ns(), self.count, uuid.uuid4().hex[:8])
        tmp = os.path.join(self.directory, "." + name + ".tmp")
        final = os.path.join(self.directory, name)
        with open(tmp, "wb") as f:
            f.write(trace + content)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, final)  # atomic: readers see the whole message or nothing
        return "250 Message accepted for delivery"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == self.user
            and auth_data.password == self.password
        )
        return AuthResult(success=ok, handled=False)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--starttls-cert")
    p.add_argument("--starttls-key")
    p.add_argument("--require-starttls", action="store_true")
    p.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (smtps)")
    p.add_argument("--auth-user")
    p.add_argument("--auth-password")
    p.add_argument("--reject-local-part")
    args = p.parse_args()

    os.makedirs(args.dir, exist_ok=True)
    handler = StoreHandler(args.dir, args.reject_local_part)
    tls_context = None
    if args.starttls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.starttls_cert, args.starttls_key)
    kwargs = {}
    if args.auth_user:
        kwargs["authenticator"] = Authenticator(args.auth_user, args.auth_password or "")
        kwargs["auth_require_tls"] = tls_context is not None
    if args.implicit_tls:
        if tls_context is None:
            p.error("--implicit-tls needs --starttls-cert and --starttls-key")
        controller = Controller(
            handler, hostname=args.host, port=args.port, ssl_context=tls_context, **kwargs
        )
    else:
        if tls_context is not None:
            kwargs["tls_context"] = tls_context
            kwargs["require_starttls"] = args.require_starttls
        controller = Controller(handler, hostname=args.host, port=args.port, **kwargs)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller.start()
    print("ready {}".format(args.port), flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
