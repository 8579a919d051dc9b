#!/usr/bin/python3
"""A loopback stub of the WhatsApp Business Cloud API (Graph API) for tests and demo.sh.

It checks what the real API requires and answers with Graph-style JSON errors
({"error": {"message", "type", "code", ["error_subcode"], ["error_data": {"messaging_product",
"details"}], "fbtrace_id"}}):
  - every Graph call: "Authorization: Bearer <--token>"        else 401, code 190
  - POST /<version>/<phone_number_id>/media: multipart/form-data with messaging_product=whatsapp,
    type=<mime> and a non-empty file part with a file name     else 400, code 100
    whose type is one Meta supports                            else 400, code 100 "(#100) Param file
                                                                    must be a file with one of ..."
    equal to the type field                                    else 400, code 100
    and within that type's size limit                          else 400, code 131053
    -> {"id": "<media id>"}
  - POST /<version>/<phone_number_id>/messages: JSON with messaging_product "whatsapp",
    "to" E.164 digits without "+" (8-15, no leading 0)         else 400, code 131009
    type "template"                                            else 400, code 131047
    template.name / template.language.code                     else 400, code 100
    with --templates-file: the template must be in the table  else 404, code 132001
      and its components must match the table's entry         else 400, code 132000
      (body parameter count; a URL / COPY_CODE button as exactly one button component
      {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text",
      "text": ...}]}; no header unless the entry has one); URL button text: no "/", <= 2000
      characters                                               else 400, code 131009
    else with --templates name:lang,...: name (and language)   else 404, code 132001
    a "header" (if any) carries one document parameter {id: <an uploaded media id>}
                                                               else 400, code 132012 / 131009
    body parameters are non-empty text                         else 400, code 132000
    without new lines, tabs or more than 4 spaces in a row     else 400, code 132018
    -> {"messaging_product": "whatsapp", "contacts": [...], "messages": [{"id": "wamid..."}]}
  - other Graph paths: 400, code 100.
  - GET /_stub/messages, GET /_stub/webhooks (no token; not Graph API paths): the accepted
    message records and the webhook attempts, as JSON lists (test aids).
Accepted messages are written to --dir as <wamid>.json (the request and the uploaded media's
name, type, size and SHA-256), atomically; uploaded files to --dir/media/<id>.
--fail-first N answers the first N calls with --fail-status (503: code 2, 429: code 130429).
--undeliverable DIGITS answers messages to that number with 400, code 131026 (synchronously).

Webhooks (--webhook-url, needs --app-secret): for each accepted message a background thread POSTs
the "messages" status events, one event per POST, signed "X-Hub-Signature-256: sha256=<hex
HMAC-SHA256 of the raw body under the app secret>": sent, delivered, read, --webhook-delay
seconds apart; a number given with --fail-webhook DIGITS:CODE gets sent then failed (with that
error code). A POST that is not answered 2xx is retried (--webhook-retries attempts in all,
doubling back-off); every attempt is appended to --dir/webhooks.jsonl. --webhook-replay N sends
every event N times (Meta may deliver a notification more than once). --webhook-verify-token T
first does Meta's subscription handshake (GET ?hub.mode=subscribe&hub.challenge=...&
hub.verify_token=T, the answer must be the challenge) and sends no events if it fails.
Prints "ready <port>" on stdout once listening (--port 0 picks a free port); stops on SIGTERM.

  /usr/bin/python3 tests/harness/whatsapp_stub.py --port 0 --dir out --token T \
      --phone-number-id 1234567890 --fail-first 2 --fail-status 429
  /usr/bin/python3 tests/harness/whatsapp_stub.py --port 0 --dir out --token T \
      --templates-file notification-service/whatsapp_templates.json \
      --webhook-url http://127.0.0.1:8099/whatsapp --app-secret S \
      --fail-webhook 6281200000001:131026

Doc rules cited below (developers.facebook.com/documentation/business-messaging/whatsapp/...):
  [media]   business-phone-numbers/media - "Supported media types" (types and size limits)
  [errors]  support/error-codes (codes, titles, HTTP statuses)
  [tmpl]    templates/... "Send template messages" (components, button sub_type/index, URL
            button max 2000 characters), "Copy code authentication templates" (the OTP button
            is created as type OTP but becomes a URL button: sent as sub_type "url" with the
            code, 15 characters at most)
  [status]  webhooks/reference/messages/status (status webhook payload)
  [hooks]   graph-api/webhooks/getting-started (X-Hub-Signature-256, hub.challenge, retries)
"""
import argparse
import email.parser
import email.policy
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import ssl
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MB = 1024 * 1024
# [media] Supported media types: MIME type -> (kind, maximum size in bytes).
MEDIA_TYPES = {
    "text/plain": ("document", 100 * MB),
    "application/pdf": ("document", 100 * MB),
    "application/vnd.ms-powerpoint": ("document", 100 * MB),
    "application/msword": ("document", 100 * MB),
    "application/vnd.ms-excel": ("document", 100 * MB),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
        ("document", 100 * MB),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation":
        ("document", 100 * MB),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("document", 100 * MB),
    "image/jpeg": ("image", 5 * MB),
    "image/png": ("image", 5 * MB),
    "audio/aac": ("audio", 16 * MB),
    "audio/amr": ("audio", 16 * MB),
    "audio/mpeg": ("audio", 16 * MB),
    "audio/mp4": ("audio", 16 * MB),
    "audio/ogg": ("audio", 16 * MB),
    "video/mp4": ("video", 16 * MB),
    "video/3gp": ("video", 16 * MB),
    # The docs say video/3gp; the live API's refusal lists video/3gpp (and audio/opus).
    "video/3gpp": ("video", 16 * MB),
    "audio/opus": ("audio", 16 * MB),
    # [media] stickers: animated 500 KB, static 100 KB; the stub applies the larger limit.
    "image/webp": ("sticker", 500 * 1024),
}
# The order the live API lists them in its "(#100) Param file must be ..." answer.
MEDIA_TYPE_LIST = ", ".join([
    "text/plain", "video/mp4", "video/3gpp", "video/3gp", "image/jpeg", "image/png", "image/webp",
    "audio/aac", "audio/mp4", "audio/mpeg", "audio/amr", "audio/ogg", "audio/opus",
    "application/vnd.ms-powerpoint", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/pdf",
    "application/vnd.ms-excel"])

# [errors] titles of the codes a "failed" status webhook may carry (--fail-webhook).
ERROR_TITLES = {
    131000: "Something went wrong",
    131021: "Recipient cannot be sender",
    131026: "Message undeliverable",
    131031: "Account has been locked",
    131042: "Business eligibility payment issue",
    131045: "Incorrect certificate",
    131047: "Re-engagement message",
    131048: "Spam rate limit hit",
    131049: "This message was not delivered to maintain healthy ecosystem engagement.",
    131050: "Unable to deliver the message. This recipient has chosen to stop receiving "
            "marketing messages on WhatsApp from your business.",
    131051: "Unsupported message type",
    131052: "Media download error",
    131053: "Media upload error",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    130472: "User's number is part of an experiment",
    132000: "Number of parameters does not match the expected number of params",
    132001: "Template does not exist",
    132015: "Template is paused",
    132016: "Template is disabled",
}
ERROR_DETAILS = {
    131026: "Message Undeliverable.",
    131047: "Message failed to send because more than 24 hours have passed since the customer "
            "last replied to this number.",
    131049: "In order to maintain a healthy ecosystem engagement, the message failed to be "
            "delivered.",
}
ERROR_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"


def graph_error(code, message, status, error_type="OAuthException", subcode=None, details=None):
    err = {"message": message, "type": error_type, "code": code,
           "fbtrace_id": "A" + uuid.uuid4().hex[:22]}
    if subcode is not None:
        err["error_subcode"] = subcode
    if details is not None:
        err["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return status, {"error": err}


class Refusal(Exception):
    """A Graph API error answer: raise Refusal(code, message, status, ...) from a check."""

    def __init__(self, code, message, status=400, **kwargs):
        super().__init__(message)
        self.answer = graph_error(code, message, status, **kwargs)


def count_mismatch(component, got, expected):
    # [errors] 132000 "Template Param Count Mismatch"; the details as the live API words them.
    return Refusal(132000, "(#132000) Number of parameters does not match the expected number "
                           "of params", details="{}: number of localizable_params ({}) does not "
                                                "match the expected number of params ({})".format(
                                                    component, got, expected))


def load_templates_file(path):
    """The template table (notification-service/whatsapp_templates.json): (name, language) ->
    {category, body_params: n, button: None | "URL" | "COPY_CODE", header: None | "DOCUMENT" |
    "IMAGE" | "VIDEO"}."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    table = {}
    for entry in doc.get("templates", doc if isinstance(doc, list) else []):
        name, lang = entry.get("name"), entry.get("language")
        if not isinstance(name, str) or not isinstance(lang, str) or not isinstance(
                entry.get("body_params"), list):
            raise ValueError("{}: each template needs name, language and body_params".format(path))
        button = (entry.get("button") or {}).get("type")
        if button is not None and button not in ("URL", "COPY_CODE"):
            raise ValueError("{}: {}: button type must be URL or COPY_CODE".format(path, name))
        header = (entry.get("header") or {}).get("type")
        if header is not None and header not in ("DOCUMENT", "IMAGE", "VIDEO"):
            raise ValueError("{}: {}: header type must be DOCUMENT, IMAGE or VIDEO".format(
                path, name))
        table[(name, lang)] = {"category": str(entry.get("category", "UTILITY")).lower(),
                               "body_params": len(entry["body_params"]),
                               "button": button, "header": header}
    return table


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.calls = 0
        self.media = {}  # id -> {filename, type, size, sha256}
        self.messages = []  # the accepted message records, as written to --dir
        self.webhook_attempts = []  # as appended to --dir/webhooks.jsonl
        self.table = load_templates_file(args.templates_file) if args.templates_file else None
        self.templates = None
        if args.templates:
            self.templates = {}
            for entry in args.templates.split(","):
                name, _, lang = entry.strip().partition(":")
                self.templates[name] = lang or None
        self.fail_webhook = {}
        for spec in args.fail_webhook:
            digits, _, code = spec.partition(":")
            self.fail_webhook[digits] = int(code)
        self.webhooks = Webhooks(self) if args.webhook_url else None


def write_atomic(path, data):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


class Webhooks:
    """Calls the business's webhook back with "messages" status events, as Meta does."""

    def __init__(self, state):
        self.state = state
        self.args = state.args
        self.secret = self.args.app_secret.encode()
        self.context = None
        if self.args.webhook_url.startswith("https://"):
            self.context = ssl.create_default_context(cafile=self.args.webhook_ca or None)
        self.log_path = os.path.join(self.args.dir, "webhooks.jsonl")
        self.verify_lock = threading.Lock()
        self.verified = None  # None: not tried yet; True / False: the last handshake's outcome

    def schedule(self, wamid, to, category):
        threading.Thread(target=self.run, args=(wamid, to, category), daemon=True).start()

    def run(self, wamid, to, category):
        if not self.verify():
            return
        failure = self.state.fail_webhook.get(to)
        events = ["sent", "failed"] if failure is not None else ["sent", "delivered", "read"]
        for status in events:
            time.sleep(self.args.webhook_delay)
            body = self.payload(wamid, to, status, category, failure)
            for replay in range(1, self.args.webhook_replay + 1):
                self.deliver(status, body, wamid, to, replay)

    def payload(self, wamid, to, status, category, failure):
        # [status] one status object per notification; timestamp: Unix seconds as a string.
        st = {"id": wamid, "status": status, "timestamp": str(int(time.time())),
              "recipient_id": to}
        if status in ("sent", "delivered"):
            # [status] per-message pricing (pricing_model PMP since July 2025).
            st["pricing"] = {"billable": True, "pricing_model": "PMP", "type": "regular",
                             "category": category}
        if status == "failed":
            # [status] "errors" only on failed; [errors] code and title.
            title = ERROR_TITLES.get(failure, "Unknown error")
            st["errors"] = [{"code": failure, "title": title, "message": title,
                             "error_data": {"details": ERROR_DETAILS.get(failure, title)},
                             "href": ERROR_HREF}]
        doc = {"object": "whatsapp_business_account",
               "entry": [{"id": self.args.waba_id,
                          "changes": [{"value": {
                              "messaging_product": "whatsapp",
                              "metadata": {"display_phone_number": self.args.display_phone_number,
                                           "phone_number_id": self.args.phone_number_id},
                              "statuses": [st]},
                              "field": "messages"}]}]}
        # [hooks] Meta signs "an escaped unicode version of the payload": json.dumps escapes
        # non-ASCII by default, and the signature is over exactly these bytes.
        return json.dumps(doc, separators=(",", ":")).encode()

    def deliver(self, status, body, wamid, to, replay):
        # [hooks] X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the payload, app secret key.
        signature = "sha256=" + hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        backoff = max(self.args.webhook_delay, 0.05)
        for attempt in range(1, self.args.webhook_retries + 1):
            req = urllib.request.Request(self.args.webhook_url, data=body, method="POST", headers={
                "Content-Type": "application/json", "X-Hub-Signature-256": signature,
                "User-Agent": "facebookexternalua"})
            code, error = self.send(req)
            self.record({"url": self.args.webhook_url, "event": status, "wamid": wamid,
                         "recipient_id": to, "replay": replay, "attempt": attempt,
                         "status_code": code, "error": error, "signature": signature,
                         "body": body.decode()})
            # [hooks] anything but a 2xx answer is delivered again later, with growing delays.
            if code is not None and 200 <= code < 300:
                return True
            if attempt < self.args.webhook_retries:
                time.sleep(backoff)
                backoff *= 2
        return False

    def send(self, req):
        try:
            with urllib.request.urlopen(req, timeout=10, context=self.context) as resp:
                resp.read()
                return resp.status, None
        except urllib.error.HTTPError as e:
            return e.code, None
        except (OSError, ValueError) as e:  # refused, reset, TLS verification, timeout
            return None, "{}: {}".format(type(e).__name__, e)

    def verify(self):
        """[hooks] The subscription handshake: GET with hub.mode=subscribe, hub.challenge and
        hub.verify_token; the endpoint must answer 200 with the challenge as the body."""
        if not self.args.webhook_verify_token:
            return True
        with self.verify_lock:
            # Tried again until it succeeds (the endpoint may be restarting, as Meta's is retried).
            if self.verified is not True:
                challenge = str(secrets.randbelow(10**9))
                query = urllib.parse.urlencode({"hub.mode": "subscribe",
                                                "hub.challenge": challenge,
                                                "hub.verify_token": self.args.webhook_verify_token})
                sep = "&" if "?" in self.args.webhook_url else "?"
                url = self.args.webhook_url + sep + query
                code, answer, error = None, None, None
                try:
                    with urllib.request.urlopen(url, timeout=10, context=self.context) as resp:
                        code, answer = resp.status, resp.read().decode(errors="replace").strip()
                except urllib.error.HTTPError as e:
                    code = e.code
                except (OSError, ValueError) as e:
                    error = "{}: {}".format(type(e).__name__, e)
                self.verified = code == 200 and answer == challenge
                self.record({"url": self.args.webhook_url, "event": "verify", "attempt": 1,
                             "status_code": code, "error": error, "verified": self.verified})
            return self.verified

    def record(self, attempt):
        attempt = dict(attempt, time=time.time())
        line = (json.dumps(attempt, sort_keys=True) + "\n").encode()
        with self.state.lock:
            self.state.webhook_attempts.append(attempt)
            # One write() of one line on an O_APPEND descriptor: a reader sees whole lines.
            fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)


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

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def do_GET(self):
        self.read_body()
        state = self.server.state
        path = urllib.parse.urlsplit(self.path).path
        if path in ("/_stub/messages", "/_stub/webhooks"):
            with state.lock:
                items = list(state.messages if path == "/_stub/messages"
                             else state.webhook_attempts)
            self.reply(200, items)
            return
        self.reply(*graph_error(100, "Unsupported get request.", 400, "GraphMethodException"))

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
            # [errors] 190 "Access token has expired" / invalid: HTTP 401.
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
        try:
            if m.group(3) == "media":
                self.media(body)
            else:
                self.messages(body)
        except Refusal as r:
            self.reply(*r.answer)

    def media(self, body):
        state = self.server.state
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("multipart/form-data"):
            raise Refusal(100, "(#100) The parameter file is required.")
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
            raise Refusal(100, "(#100) The parameter messaging_product is required.")
        content = file_part.get_payload(decode=True) if file_part is not None else None
        filename = file_part.get_filename() if file_part is not None else None
        if not content or not filename:
            raise Refusal(100, "(#100) The parameter file is required.")
        if not fields.get("type"):
            raise Refusal(100, "(#100) The parameter type is required.")
        # [media] The live API judges the file part's own Content-Type (a part without one is
        # application/octet-stream), bare and without parameters such as "; codecs=opus".
        file_type = (file_part.get_content_type() if file_part.get("Content-Type")
                     else "application/octet-stream")
        if file_type not in MEDIA_TYPES:
            # [errors] 100 Invalid parameter, worded as the live API answers an unsupported type.
            raise Refusal(100, "(#100) Param file must be a file with one of the following types: "
                               "{}. Received file of type '{}'.".format(MEDIA_TYPE_LIST, file_type))
        declared = fields["type"].split(";")[0].strip().lower()
        if declared != file_type:
            # [media] "type: Type of media file being uploaded" - it is the file's MIME type.
            raise Refusal(100, "(#100) Invalid parameter",
                          details="Param type '{}' does not match the type of the file '{}'."
                          .format(declared, file_type))
        kind, limit = MEDIA_TYPES[file_type]
        if len(content) > limit:
            # [media] size limits; [errors] 131053 "Media upload error", reason in the details.
            raise Refusal(131053, "(#131053) Media upload error", details=(
                "Unable to upload the media: {} is {} bytes, the {} size limit is {} bytes "
                "({}).".format(file_type, len(content), kind, limit,
                               "{} MB".format(limit // MB) if limit >= MB else
                               "{} KB".format(limit // 1024))))
        media_id = str(uuid.uuid4().int % 10**16)
        info = {"filename": filename, "type": file_type, "size": len(content),
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
            raise Refusal(100, "(#100) Invalid JSON") from None
        if not isinstance(req, dict) or req.get("messaging_product") != "whatsapp":
            raise Refusal(100, "(#100) The parameter messaging_product is required.")
        to = req.get("to")
        # [errors] 131009 Parameter value is not valid: "to" is the user's number, E.164 in digits
        # (country code first, so never a leading 0; at most 15 digits) without "+".
        if not isinstance(to, str) or not re.fullmatch(r"[1-9]\d{7,14}", to):
            raise Refusal(131009, "(#131009) Parameter value is not valid",
                          details="Invalid WhatsApp user phone number {}: E.164 digits only "
                                  "(8-15 digits, no '+', no leading 0)".format(json.dumps(to)))
        if state.args.undeliverable and to == state.args.undeliverable:
            raise Refusal(131026, "Message undeliverable", details="Unable to deliver message.")
        if req.get("type") != "template":
            # [errors] 131047: a business may start a conversation only with a template message.
            raise Refusal(131047, "Re-engagement message",
                          details="More than 24 hours have passed since the recipient last "
                                  "replied to the sender number.")
        tmpl = req.get("template")
        if not isinstance(tmpl, dict) or not tmpl.get("name"):
            raise Refusal(100, "(#100) The parameter template['name'] is required.")
        lang = (tmpl.get("language") or {}).get("code") if isinstance(
            tmpl.get("language"), dict) else None
        if not lang:
            raise Refusal(100, "(#100) The parameter template['language'] is required.")
        comps = tmpl.get("components") or []
        if not isinstance(comps, list) or not all(isinstance(c, dict) for c in comps):
            raise Refusal(100, "(#100) Invalid parameter",
                          details="template['components'] must be a list of objects")
        by_type = {"header": [], "body": [], "button": []}
        for comp in comps:
            ctype = str(comp.get("type", "")).lower()
            if ctype not in by_type:
                raise Refusal(100, "(#100) Invalid parameter",
                              details="Invalid component type {}".format(json.dumps(
                                  comp.get("type"))))
            params = comp.get("parameters") or []
            if not isinstance(params, list) or not all(isinstance(p, dict) for p in params):
                raise Refusal(100, "(#100) Invalid parameter",
                              details="{}: parameters must be a list of objects".format(ctype))
            by_type[ctype].append(comp)

        category = "utility"
        if state.table is not None:
            entry = state.table.get((tmpl["name"], lang))
            if entry is None:
                raise self.no_template(tmpl["name"], lang)
            category = entry["category"]
            self.check_table(entry, by_type)
        elif state.templates is not None and (
                tmpl["name"] not in state.templates
                or (state.templates[tmpl["name"]] not in (None, lang))):
            raise self.no_template(tmpl["name"], lang)
        media = self.check_header(by_type["header"])
        self.check_body(by_type["body"])

        wamid = "wamid." + uuid.uuid4().hex
        record = {"id": wamid, "request": req, "media": media}
        write_atomic(os.path.join(state.args.dir, wamid + ".json"),
                     json.dumps(record, indent=1, sort_keys=True).encode())
        with state.lock:
            state.messages.append(record)
        self.reply(200, {"messaging_product": "whatsapp",
                         "contacts": [{"input": to, "wa_id": to}],
                         "messages": [{"id": wamid, "message_status": "accepted"}]})
        if state.webhooks is not None:
            state.webhooks.schedule(wamid, to, category)

    @staticmethod
    def no_template(name, lang):
        # [errors] 132001 "Template does not exist" (in that language, or not approved): HTTP 404.
        return Refusal(132001, "(#132001) Template name does not exist in the translation", 404,
                       details="template name ({}) does not exist in {}".format(name, lang))

    def check_table(self, entry, by_type):
        """The request's components against the approved template ([tmpl]; 132000 if not)."""
        bodies, headers, buttons = by_type["body"], by_type["header"], by_type["button"]
        body_params = [p for c in bodies for p in c.get("parameters") or []]
        if len(body_params) != entry["body_params"]:
            raise count_mismatch("body", len(body_params), entry["body_params"])
        want_header = 1 if entry["header"] else 0
        header_params = [p for c in headers for p in c.get("parameters") or []]
        if len(headers) != want_header or len(header_params) != want_header:
            raise count_mismatch("header", len(header_params), want_header)
        if entry["header"] and str(header_params[0].get("type", "")).upper() != entry["header"]:
            raise Refusal(132012, "(#132012) Parameter format does not match format in the "
                                  "created template",
                          details="header: Format mismatch, expected {}, received {}".format(
                              entry["header"], str(header_params[0].get("type", "")).upper()))
        if entry["button"] is None:
            if buttons:
                raise count_mismatch("buttons", len(buttons), 0)
            return
        # [tmpl] a dynamic URL button (and an authentication template's copy-code button, which
        # Meta creates as a URL button) is sent as one "button" component: sub_type "url",
        # index "0" (the button's position), one text parameter - the URL suffix or the code.
        if len(buttons) != 1:
            raise count_mismatch("buttons", len(buttons), 1)
        button = buttons[0]
        params = button.get("parameters") or []
        if str(button.get("sub_type", "")).lower() != "url":
            raise Refusal(132000, "(#132000) Number of parameters does not match the expected "
                                  "number of params",
                          details="button at index 0: sub_type {} does not match the template's "
                                  "button (url)".format(json.dumps(button.get("sub_type"))))
        if button.get("index") not in ("0", 0):
            raise Refusal(132000, "(#132000) Number of parameters does not match the expected "
                                  "number of params",
                          details="buttons: no button at index {} takes a parameter (the "
                                  "template's button is at index 0)".format(
                                      json.dumps(button.get("index"))))
        if len(params) != 1:
            raise count_mismatch("button at index 0", len(params), 1)
        text = params[0].get("text")
        if params[0].get("type") != "text" or not isinstance(text, str) or not text:
            raise count_mismatch("button at index 0", 0, 1)
        if entry["button"] == "URL":
            # [tmpl] a URL button's URL is at most 2000 characters; the table's URL buttons take
            # the last path segment (the download token), so the suffix has no "/".
            if "/" in text or len(text) > 2000:
                raise Refusal(131009, "(#131009) Parameter value is not valid",
                              details="button at index 0: the URL suffix must be one path segment "
                                      "(no '/') of at most 2000 characters")
            return
        # COPY_CODE: [tmpl] the code is both the body's {{1}} and the button's text, at most 15
        # characters.
        code = body_params[0].get("text") if body_params else None
        if code != text:
            raise Refusal(132000, "(#132000) Number of parameters does not match the expected "
                                  "number of params",
                          details="button at index 0: the copy-code button's code must be the "
                                  "body's one-time password")
        if len(text) > 15:
            raise Refusal(132000, "(#132000) Number of parameters does not match the expected "
                                  "number of params",
                          details="button at index 0: the one-time password is {} characters, "
                                  "at most 15".format(len(text)))

    def check_header(self, headers):
        """A header carries one media parameter whose id is an uploaded media's."""
        media = None
        for comp in headers:
            params = comp.get("parameters") or []
            ptype = str(params[0].get("type", "")).lower() if len(params) == 1 else None
            if ptype not in ("document", "image", "video"):
                raise Refusal(132012, "(#132012) Parameter format does not match format in the "
                                      "created template")
            obj = params[0].get(ptype) or {}
            with self.server.state.lock:
                media = self.server.state.media.get(str(obj.get("id")))
            if media is None:
                raise Refusal(131009, "(#131009) Parameter value is not valid",
                              details="unknown media id {}".format(obj.get("id")))
        return media

    @staticmethod
    def check_body(bodies):
        for comp in bodies:
            for p in comp.get("parameters") or []:
                text = p.get("text")
                if p.get("type") != "text" or not isinstance(text, str) or not text:
                    raise Refusal(132000, "(#132000) Number of parameters does not match the "
                                          "expected number of params")
                if "\n" in text or "\t" in text or "     " in text:
                    # What the live API answers (132018), though the docs do not list the rule.
                    raise Refusal(132018, "(#132018) There was an issue with the parameters in "
                                          "your template.",
                                  details="body: Param text cannot have new-line/tab characters "
                                          "or more than 4 consecutive spaces")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--dir", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--phone-number-id", default="1234567890")
    p.add_argument("--display-phone-number", default="15550001234",
                   help="metadata.display_phone_number in webhooks")
    p.add_argument("--version", default="", help="e.g. v21.0 (default: any vNN.N)")
    p.add_argument("--templates", default="",
                   help="name:lang,... the approved templates (without --templates-file)")
    p.add_argument("--templates-file", default="",
                   help="the template table (notification-service/whatsapp_templates.json)")
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--fail-status", type=int, default=503, choices=[429, 500, 502, 503])
    p.add_argument("--undeliverable", default="")
    p.add_argument("--webhook-url", default="", help="http(s) URL to POST status webhooks to")
    p.add_argument("--webhook-ca", default="", help="CA file to verify an https webhook with")
    p.add_argument("--app-secret", default="", help="signs webhooks (X-Hub-Signature-256)")
    p.add_argument("--waba-id", default="100000000000009",
                   help="entry[].id in webhooks (the WhatsApp Business Account id)")
    p.add_argument("--webhook-delay", type=float, default=0.2,
                   help="seconds before each status event")
    p.add_argument("--webhook-retries", type=int, default=4,
                   help="attempts per event while not answered 2xx")
    p.add_argument("--webhook-replay", type=int, default=1, help="send every event N times")
    p.add_argument("--webhook-verify-token", default="",
                   help="do the hub.challenge handshake first, with this verify token")
    p.add_argument("--fail-webhook", action="append", default=[], metavar="DIGITS:CODE",
                   help="messages to DIGITS get sent, then failed with CODE (repeatable)")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    if args.webhook_url:
        if not re.match(r"https?://", args.webhook_url):
            p.error("--webhook-url must be an http:// or https:// URL")
        if not args.app_secret:
            p.error("--webhook-url needs --app-secret (Meta signs every webhook)")
    if args.webhook_ca and not os.path.isfile(args.webhook_ca):
        p.error("--webhook-ca: no such file")
    if args.webhook_replay < 1 or args.webhook_retries < 1 or args.webhook_delay < 0:
        p.error("--webhook-replay and --webhook-retries are at least 1, --webhook-delay >= 0")
    for spec in args.fail_webhook:
        if not re.fullmatch(r"\d{8,15}:\d+", spec):
            p.error("--fail-webhook wants DIGITS:CODE, e.g. 6281234567890:131026")
    os.makedirs(args.dir, exist_ok=True)
    try:
        state = State(args)
    except (OSError, ValueError) as e:
        p.error("--templates-file: {}".format(e))
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = state
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
