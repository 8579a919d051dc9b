#!/usr/bin/python3
"""A loopback stub of the WhatsApp Business Cloud API (Graph API) for tests and demo.sh.

It checks what the real API requires and answers with Graph-style JSON errors:
  - every call: "Authorization: Bearer <--token>"              else 401, error code 190
  - POST /<version>/<phone_number_id>/media: multipart/form-data with
    messaging_product=whatsapp, type=<mime> and a non-empty file part with a file name
                                                               else 400, error code 100
    -> {"id": "<media id>"}
  - POST /<version>/<phone_number_id>/messages: JSON with messaging_product "whatsapp",
    "to" digits only (no "+"), type "template", template.name (one of --templates when given,
    else 132001), template.language.code, components whose "header" (if any) carries one
    parameter {type: document, document: {id: <an uploaded media id>, filename}} (else 131009),
    and body parameters of type text without new lines or tabs (else 132000 / 131009)
    -> {"messaging_product": "whatsapp", "contacts": [...], "messages": [{"id": "wamid..."}]}
  - other paths: 400, error code 100.
Accepted messages are written to --dir as <wamid>.json (the request and the uploaded media's
name, type, size and SHA-256), atomically; uploaded files to --dir/media/<id>.
--fail-first N answers the first N calls with --fail-status (503: code 2, 429: code 130429).
--undeliverable DIGITS answers messages to that number with 400, code 131026.
Prints "ready <port>" on stdout once listening (--port 0 picks a free port).

  /usr/bin/python3 tests/harness/whatsapp_stub.py --port 0 --dir out --token T \
      --phone-number-id 1234567890 --fail-first 2 --fail-status 429
"""
import argparse
import email.parser
import email.policy
import hashlib
import json
import os
import re
import signal
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def graph_error(code, message, status, error_type="OAuthException", subcode=None, details=None):
    err = {"message": message, "type": error_type, "code": code,
           "fbtrace_id": "A" + uuid.uuid4().hex[:22]}
    if subcode is not None:
        err["error_subcode"] = subcode
    if details is not None:
        err["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return status, {"error": err}


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.calls = 0
        self.media = {}  # id -> {filename, type, size, sha256}
        self.templates = None
        if args.templates:
            self.templates = {}
            for entry in args.templates.split(","):
                name, _, lang = entry.strip().partition(":")
                self.templates[name] = lang or None


def write_atomic(path, data):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


class Handler(BaseHTTPRequestHandler):
    server_version = "whatsapp-stub/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if self.server.state.args.verbose:
            sys.stderr.write("whatsapp_stub: " + (fmt % args) + "\n")

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.read_body()
        self.reply(*graph_error(100, "Unsupported get request.", 400, "GraphMethodException"))

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def do_POST(self):
        state = self.server.state
        args = state.args
        body = self.read_body()
        with state.lock:
            state.calls += 1
            call = state.calls
        if call <= args.fail_first:
            if args.fail_status == 429:
                self.reply(*graph_error(130429, "(#130429) Rate limit hit", 429,
                                        details="Cloud API message throughput has been reached."))
            else:
                self.reply(*graph_error(2, "Service temporarily unavailable", args.fail_status))
            return
        if self.headers.get("Authorization") != "Bearer " + args.token:
            self.reply(*graph_error(190, "Invalid OAuth access token - Cannot parse access token",
                                    401))
            return
        m = re.fullmatch(r"/(v\d+\.\d+)/([^/]+)/(media|messages)", self.path)
        if not m or m.group(2) != args.phone_number_id or (
                args.version and m.group(1) != args.version):
            self.reply(*graph_error(
                100, "Unsupported post request. Object with ID '{}' does not exist".format(
                    m.group(2) if m else self.path), 400, "GraphMethodException", subcode=33))
            return
        if m.group(3) == "media":
            self.media(body)
        else:
            self.messages(body)

    def media(self, body):
        state = self.server.state
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("multipart/form-data"):
            self.reply(*graph_error(100, "(#100) The parameter file is required.", 400))
            return
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
        fields, file_part = {}, None
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "file":
                file_part = part
            elif name:
                fields[name] = part.get_content().strip() if part.get_content_type().startswith(
                    "text/") else part.get_payload(decode=True).decode()
        if fields.get("messaging_product") != "whatsapp":
            self.reply(*graph_error(100, "(#100) The parameter messaging_product is required.",
                                    400))
            return
        if not fields.get("type"):
            self.reply(*graph_error(100, "(#100) The parameter type is required.", 400))
            return
        content = file_part.get_payload(decode=True) if file_part is not None else None
        filename = file_part.get_filename() if file_part is not None else None
        if not content or not filename:
            self.reply(*graph_error(100, "(#100) The parameter file is required.", 400))
            return
        media_id = str(uuid.uuid4().int % 10**16)
        info = {"filename": filename, "type": fields["type"], "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest()}
        media_dir = os.path.join(state.args.dir, "media")
        os.makedirs(media_dir, exist_ok=True)
        write_atomic(os.path.join(media_dir, media_id), content)
        with state.lock:
            state.media[media_id] = info
        self.reply(200, {"id": media_id})

    def messages(self, body):
        state = self.server.state
        try:
            req = json.loads(body)
        except ValueError:
            self.reply(*graph_error(100, "(#100) Invalid JSON", 400))
            return
        if not isinstance(req, dict) or req.get("messaging_product") != "whatsapp":
            self.reply(*graph_error(100, "(#100) The parameter messaging_product is required.",
                                    400))
            return
        to = req.get("to")
        if not isinstance(to, str) or not re.fullmatch(r"\d{8,15}", to):
            self.reply(*graph_error(100, "(#100) Invalid parameter", 400,
                                    details="'to' must be the phone number in digits only"))
            return
        if state.args.undeliverable and to == state.args.undeliverable:
            self.reply(*graph_error(131026, "Message undeliverable", 400,
                                    details="Unable to deliver message."))
            return
        if req.get("type") != "template":
            # A business may start a conversation only with a template message.
            self.reply(*graph_error(131047, "Re-engagement message", 400,
                                    details="More than 24 hours have passed since the recipient "
                                            "last replied to the sender number."))
            return
        tmpl = req.get("template")
        if not isinstance(tmpl, dict) or not tmpl.get("name"):
            self.reply(*graph_error(100, "(#100) The parameter template['name'] is required.",
                                    400))
            return
        lang = (tmpl.get("language") or {}).get("code") if isinstance(
            tmpl.get("language"), dict) else None
        if not lang:
            self.reply(*graph_error(100, "(#100) The parameter template['language'] is required.",
                                    400))
            return
        if state.templates is not None and (
                tmpl["name"] not in state.templates
                or (state.templates[tmpl["name"]] not in (None, lang))):
            self.reply(*graph_error(132001, "(#132001) Template name does not exist in the "
                                            "translation", 404,
                                    details="template name ({}) does not exist in {}".format(
                                        tmpl["name"], lang)))
            return
        media = None
        for comp in tmpl.get("components") or []:
            ctype = comp.get("type")
            params = comp.get("parameters") or []
            if ctype == "header":
                if len(params) != 1 or params[0].get("type") != "document":
                    self.reply(*graph_error(132012, "(#132012) Parameter format does not match "
                                                    "format in the created template", 400))
                    return
                doc = params[0].get("document") or {}
                with state.lock:
                    media = state.media.get(str(doc.get("id")))
                if media is None:
                    self.reply(*graph_error(131009, "(#131009) Parameter value is not valid", 400,
                                            details="unknown media id {}".format(doc.get("id"))))
                    return
            elif ctype == "body":
                for p in params:
                    text = p.get("text")
                    if p.get("type") != "text" or not isinstance(text, str) or not text:
                        self.reply(*graph_error(132000, "(#132000) Number of parameters does not "
                                                        "match the expected number of params",
                                                400))
                        return
                    if "\n" in text or "\t" in text or "    " in text:
                        self.reply(*graph_error(131009, "(#131009) Parameter value is not valid",
                                                400, details="Param text cannot have new-line/tab "
                                                             "characters or more than 4 "
                                                             "consecutive spaces"))
                        return
        wamid = "wamid." + uuid.uuid4().hex
        record = {"id": wamid, "request": req, "media": media}
        write_atomic(os.path.join(state.args.dir, wamid + ".json"),
                     json.dumps(record, indent=1, sort_keys=True).encode())
        self.reply(200, {"messaging_product": "whatsapp",
                         "contacts": [{"input": to, "wa_id": to}],
                         "messages": [{"id": wamid, "message_status": "accepted"}]})


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--dir", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--phone-number-id", default="1234567890")
    p.add_argument("--version", default="", help="e.g. v21.0 (default: any vNN.N)")
    p.add_argument("--templates", default="",
                   help="name:lang,... the approved templates (default: any)")
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--fail-status", type=int, default=503, choices=[429, 500, 502, 503])
    p.add_argument("--undeliverable", default="")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print("ready {}".format(server.server_address[1]), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
