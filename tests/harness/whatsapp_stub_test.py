#!/usr/bin/python3
"""Tests of the WhatsApp Cloud API stub (tests/harness/whatsapp_stub.py): its refusals, and the
status webhooks it calls back, received by a local webhook endpoint.

  /usr/bin/python3 tests/harness/whatsapp_stub_test.py [-v]
"""
import hashlib
import hmac
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
STUB = os.path.join(HERE, "whatsapp_stub.py")
TEMPLATES = os.path.join(HERE, "..", "..", "notification-service", "whatsapp_templates.json")
TOKEN = "good-token"
SECRET = "app-secret-for-tests"
PHONE_ID = "1234567890"
WABA_ID = "100000000000009"
MB = 1024 * 1024

HANDOVER = "sertel_serah_terima"
ACTIVATION = "sertel_kode_aktivasi"
RECEIVED = "sertel_permohonan_diterima"


class Receiver:
    """A webhook endpoint: records every POST (path, headers, raw body); answers the first
    `fail_first` POSTs with 500; answers Meta's GET handshake when the verify token matches."""

    def __init__(self, fail_first=0, verify_token=None, tls=None):
        self.events = []
        self.lock = threading.Lock()
        self.fail_first = fail_first
        self.verify_token = verify_token
        self.verifications = []
        receiver = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self, code, body=b""):
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.events.append({"path": self.path, "headers": dict(self.headers),
                                            "body": body})
                    failing = len(receiver.events) <= receiver.fail_first
                self.answer(500 if failing else 200)

            def do_GET(self):
                q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                receiver.verifications.append(q)
                if (q.get("hub.mode") == ["subscribe"]
                        and q.get("hub.verify_token") == [receiver.verify_token]):
                    self.answer(200, q["hub.challenge"][0].encode())
                else:
                    self.answer(403)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.url = "{}://127.0.0.1:{}/whatsapp/webhook".format(
            "https" if tls else "http", self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def statuses(self, wamid):
        """[(status object, raw body, headers)] received for that message, in arrival order."""
        out = []
        with self.lock:
            events = list(self.events)
        for e in events:
            doc = json.loads(e["body"])
            for entry in doc["entry"]:
                for change in entry["changes"]:
                    for st in change["value"].get("statuses", []):
                        if st["id"] == wamid:
                            out.append((st, e["body"], e["headers"]))
        return out

    def wait_for(self, wamid, count, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.statuses(wamid)
            if len(got) >= count:
                return got
            time.sleep(0.02)
        return self.statuses(wamid)


class Stub:
    def __init__(self, *extra):
        self.dir = tempfile.mkdtemp(prefix="wa-stub-test-")
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", STUB, "--port", "0", "--dir", self.dir, "--token", TOKEN,
             "--phone-number-id", PHONE_ID, "--version", "v21.0"] + list(extra),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("ready "):
            self.proc.kill()
            raise RuntimeError("stub did not start: {!r} {}".format(line, self.proc.stderr.read()))
        self.base = "http://127.0.0.1:{}".format(int(line.split()[1]))

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    def call(self, method, path, body=None, headers=None, token=TOKEN):
        headers = dict(headers or {})
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as e:
            with e:
                return e.code, json.loads(e.read())

    def upload(self, content, filename, part_type, type_field=None, token=TOKEN):
        boundary = "----stubtest" + uuid.uuid4().hex
        parts = [b"--" + boundary.encode(),
                 b'Content-Disposition: form-data; name="messaging_product"', b"", b"whatsapp",
                 b"--" + boundary.encode(),
                 b'Content-Disposition: form-data; name="type"', b"",
                 (type_field if type_field is not None else part_type).encode(),
                 b"--" + boundary.encode(),
                 b'Content-Disposition: form-data; name="file"; filename="' + filename.encode()
                 + b'"']
        if part_type:
            parts.append(b"Content-Type: " + part_type.encode())
        parts += [b"", content, b"--" + boundary.encode() + b"--", b""]
        return self.call("POST", "/v21.0/{}/media".format(PHONE_ID), b"\r\n".join(parts),
                         {"Content-Type": "multipart/form-data; boundary=" + boundary}, token)

    def send(self, message, token=TOKEN):
        return self.call("POST", "/v21.0/{}/messages".format(PHONE_ID),
                         json.dumps(message).encode(), {"Content-Type": "application/json"},
                         token)

    def attempts(self):
        path = os.path.join(self.dir, "webhooks.jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f]


def template(name, components, to="6281234567890", lang="id"):
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
            "type": "template",
            "template": {"name": name, "language": {"code": lang}, "components": components}}


def body(*texts):
    return {"type": "body", "parameters": [{"type": "text", "text": t} for t in texts]}


def url_button(text, index="0", sub_type="url"):
    return {"type": "button", "sub_type": sub_type, "index": index,
            "parameters": [{"type": "text", "text": text}]}


def handover(*extra, to="6281234567890", button=True):
    comps = [body("Budi Santoso", "app-6", "5A17C0DE", "2027-06-30")]
    if button:
        comps.append(url_button("Zr8tQw2xLp"))
    return template(HANDOVER, comps + list(extra), to=to)


def signature_ok(raw, headers):
    want = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, headers.get("X-Hub-Signature-256", ""))


class StubTest(unittest.TestCase):
    """One stub with the template table and a webhook endpoint."""

    @classmethod
    def setUpClass(cls):
        cls.receiver = Receiver()
        cls.stub = Stub("--templates-file", TEMPLATES, "--webhook-url", cls.receiver.url,
                        "--app-secret", SECRET, "--webhook-delay", "0.05",
                        "--fail-webhook", "6281200000001:131026",
                        "--fail-webhook", "6281200000002:131049",
                        "--undeliverable", "6281299999999")

    @classmethod
    def tearDownClass(cls):
        cls.stub.close()
        cls.receiver.close()

    def assertGraphError(self, answer, status, code):
        got_status, doc = answer
        self.assertEqual(got_status, status, doc)
        err = doc.get("error")
        self.assertIsInstance(err, dict, doc)
        self.assertEqual(err["code"], code, doc)
        self.assertIsInstance(err["message"], str)
        self.assertTrue(err["message"])
        self.assertIsInstance(err["type"], str)
        self.assertTrue(err["fbtrace_id"])
        return err

    def accepted(self, answer):
        status, doc = answer
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["messaging_product"], "whatsapp")
        wamid = doc["messages"][0]["id"]
        self.assertTrue(wamid.startswith("wamid."), wamid)
        return wamid

    # --- media ------------------------------------------------------------------------------

    def test_pkcs12_upload_is_refused_with_code_100(self):
        err = self.assertGraphError(
            self.stub.upload(b"\x30\x82" + os.urandom(4000), "app-6.p12", "application/x-pkcs12"),
            400, 100)
        self.assertIn("Param file must be a file with one of the following types", err["message"])
        self.assertIn("Received file of type 'application/x-pkcs12'", err["message"])
        self.assertIn("application/pdf", err["message"])

    def test_a_file_part_without_a_type_is_octet_stream_and_refused(self):
        err = self.assertGraphError(
            self.stub.upload(b"%PDF-1.4 x", "a.pdf", "", type_field="application/pdf"), 400, 100)
        self.assertIn("Received file of type 'application/octet-stream'", err["message"])

    def test_the_type_field_must_be_the_files_type(self):
        err = self.assertGraphError(
            self.stub.upload(b"\x89PNG\r\n" + b"x" * 100, "a.png", "image/png",
                             type_field="application/pdf"), 400, 100)
        self.assertIn("does not match", err["error_data"]["details"])

    def test_an_oversize_image_is_refused_and_one_at_the_limit_accepted(self):
        err = self.assertGraphError(
            self.stub.upload(b"\x89PNG" + b"\0" * (5 * MB - 3), "big.png", "image/png"), 400,
            131053)
        self.assertIn("5242881 bytes", err["error_data"]["details"])
        status, doc = self.stub.upload(b"\x89PNG" + b"\0" * (5 * MB - 4), "ok.png", "image/png")
        self.assertEqual(status, 200, doc)

    def test_an_oversize_sticker_is_refused(self):
        self.assertGraphError(self.stub.upload(b"R" * (500 * 1024 + 1), "s.webp", "image/webp"),
                              400, 131053)

    def test_a_pdf_upload_is_accepted_and_stored(self):
        content = b"%PDF-1.7\n" + os.urandom(2000)
        status, doc = self.stub.upload(content, "sertifikat.pdf", "application/pdf")
        self.assertEqual(status, 200, doc)
        self.assertRegex(doc["id"], r"^\d+$")
        with open(os.path.join(self.stub.dir, "media", doc["id"]), "rb") as f:
            self.assertEqual(f.read(), content)

    # --- templates --------------------------------------------------------------------------

    def test_an_unknown_template_is_132001_404(self):
        err = self.assertGraphError(self.stub.send(template("sertel_tidak_ada", [body("x")])),
                                    404, 132001)
        self.assertIn("sertel_tidak_ada", err["error_data"]["details"])
        self.assertGraphError(self.stub.send(template(RECEIVED, [body("Budi", "app-1")],
                                                      lang="en_US")), 404, 132001)

    def test_a_wrong_body_parameter_count_is_132000(self):
        err = self.assertGraphError(self.stub.send(template(RECEIVED, [body("Budi")])), 400,
                                    132000)
        self.assertIn("body: number of localizable_params (1) does not match the expected "
                      "number of params (2)", err["error_data"]["details"])
        self.assertGraphError(self.stub.send(template(RECEIVED, [])), 400, 132000)

    def test_handover_without_its_url_button_is_132000(self):
        err = self.assertGraphError(self.stub.send(handover(button=False)), 400, 132000)
        self.assertIn("buttons", err["error_data"]["details"])

    def test_handover_button_must_be_sub_type_url_at_index_0_with_one_text(self):
        comps = [body("Budi Santoso", "app-6", "5A17C0DE", "2027-06-30")]
        for button in (url_button("tok", sub_type="quick_reply"), url_button("tok", index="1"),
                       url_button(""),
                       {"type": "button", "sub_type": "url", "index": "0", "parameters": []}):
            self.assertGraphError(self.stub.send(template(HANDOVER, comps + [button])), 400,
                                  132000)
        self.assertGraphError(self.stub.send(template(HANDOVER, comps + [url_button("a"),
                                                                         url_button("b")])),
                              400, 132000)

    def test_a_url_button_suffix_is_one_path_segment_of_at_most_2000_characters(self):
        comps = [body("Budi Santoso", "app-6", "5A17C0DE", "2027-06-30")]
        for text in ("a/b", "x" * 2001):
            self.assertGraphError(self.stub.send(template(HANDOVER, comps + [url_button(text)])),
                                  400, 131009)
        self.accepted(self.stub.send(template(HANDOVER, comps + [url_button("x" * 2000)])))

    def test_a_header_on_a_template_without_one_is_132000(self):
        status, doc = self.stub.upload(b"%PDF-1.7 x", "a.pdf", "application/pdf")
        self.assertEqual(status, 200, doc)
        header = {"type": "header", "parameters": [
            {"type": "document", "document": {"id": doc["id"], "filename": "a.pdf"}}]}
        err = self.assertGraphError(self.stub.send(handover(header)), 400, 132000)
        self.assertIn("header", err["error_data"]["details"])

    def test_a_button_on_a_template_without_one_is_132000(self):
        self.assertGraphError(self.stub.send(template(RECEIVED, [body("Budi", "app-1"),
                                                                 url_button("x")])), 400, 132000)

    def test_body_text_with_a_new_line_is_refused(self):
        self.assertGraphError(self.stub.send(template(RECEIVED, [body("Budi\nSantoso", "a")])),
                              400, 132018)

    def test_handover_with_its_url_button_is_accepted_and_called_back_sent_delivered_read(self):
        msg = handover()
        wamid = self.accepted(self.stub.send(msg))
        got = self.receiver.wait_for(wamid, 3)
        self.assertEqual([st["status"] for st, _, _ in got], ["sent", "delivered", "read"])
        for st, raw, headers in got:
            self.assertTrue(signature_ok(raw, headers), headers)
            self.assertEqual(headers.get("Content-Type"), "application/json")
            doc = json.loads(raw)
            self.assertEqual(doc["object"], "whatsapp_business_account")
            self.assertEqual(doc["entry"][0]["id"], WABA_ID)
            change = doc["entry"][0]["changes"][0]
            self.assertEqual(change["field"], "messages")
            self.assertEqual(change["value"]["messaging_product"], "whatsapp")
            self.assertEqual(change["value"]["metadata"]["phone_number_id"], PHONE_ID)
            self.assertTrue(change["value"]["metadata"]["display_phone_number"].isdigit())
            self.assertEqual(st["recipient_id"], "6281234567890")
            self.assertRegex(st["timestamp"], r"^\d{10}$")
            self.assertNotIn("errors", st)
        self.assertEqual(got[0][0]["pricing"]["category"], "utility")
        # The record: in --dir and at /_stub/messages.
        with open(os.path.join(self.stub.dir, wamid + ".json")) as f:
            self.assertEqual(json.load(f)["request"], msg)
        status, records = self.stub.call("GET", "/_stub/messages", token=None)
        self.assertEqual(status, 200)
        self.assertEqual([r["request"] for r in records if r["id"] == wamid], [msg])
        status, attempts = self.stub.call("GET", "/_stub/webhooks", token=None)
        mine = [a for a in attempts if a.get("wamid") == wamid]
        self.assertEqual([(a["event"], a["status_code"]) for a in mine],
                         [("sent", 200), ("delivered", 200), ("read", 200)])
        self.assertEqual({a["url"] for a in mine}, {self.receiver.url})
        self.assertEqual([a["event"] for a in self.stub.attempts() if a.get("wamid") == wamid],
                         ["sent", "delivered", "read"])

    def test_a_fail_webhook_number_gets_sent_then_failed_with_the_code(self):
        ecosystem = "This message was not delivered to maintain healthy ecosystem engagement."
        for to, code, title in (("6281200000001", 131026, "Message undeliverable"),
                                ("6281200000002", 131049, ecosystem)):
            wamid = self.accepted(self.stub.send(handover(to=to)))
            got = self.receiver.wait_for(wamid, 2)
            time.sleep(0.3)  # delivered / read would follow within 2 x 0.05 s
            got = self.receiver.statuses(wamid)
            self.assertEqual([st["status"] for st, _, _ in got], ["sent", "failed"])
            failed, raw, headers = got[1]
            self.assertTrue(signature_ok(raw, headers))
            self.assertEqual(failed["recipient_id"], to)
            self.assertEqual(len(failed["errors"]), 1)
            self.assertEqual(failed["errors"][0]["code"], code)
            self.assertEqual(failed["errors"][0]["title"], title)
            self.assertTrue(failed["errors"][0]["error_data"]["details"])

    def test_activation_code_with_its_copy_code_button_is_accepted(self):
        wamid = self.accepted(self.stub.send(template(ACTIVATION, [body("K7Q-2M9"),
                                                                   url_button("K7Q-2M9")])))
        got = self.receiver.wait_for(wamid, 3)
        self.assertEqual([st["status"] for st, _, _ in got], ["sent", "delivered", "read"])
        self.assertEqual(got[0][0]["pricing"]["category"], "authentication")

    def test_activation_code_whose_button_code_differs_or_is_too_long_is_132000(self):
        err = self.assertGraphError(
            self.stub.send(template(ACTIVATION, [body("K7Q-2M9"), url_button("K7Q-2M8")])), 400,
            132000)
        self.assertIn("one-time password", err["error_data"]["details"])
        self.assertGraphError(
            self.stub.send(template(ACTIVATION, [body("1234567890123456"),
                                                 url_button("1234567890123456")])), 400, 132000)
        self.assertGraphError(self.stub.send(template(ACTIVATION, [body("K7Q-2M9")])), 400,
                              132000)

    # --- recipient, token -------------------------------------------------------------------

    def test_to_must_be_e164_digits_without_plus(self):
        for to in ("+6281234567890", "081234567890", "6281", "62812345678901234", "62 812 3456",
                   6281234567890):
            err = self.assertGraphError(self.stub.send(handover(to=to)), 400, 131009)
            self.assertIn("phone number", err["error_data"]["details"])

    def test_undeliverable_is_still_answered_synchronously(self):
        self.assertGraphError(self.stub.send(handover(to="6281299999999")), 400, 131026)

    def test_a_bad_token_is_190_401(self):
        self.assertGraphError(self.stub.send(handover(), token="wrong-token"), 401, 190)
        self.assertGraphError(self.stub.send(handover(), token=None), 401, 190)
        self.assertGraphError(self.stub.upload(b"%PDF x", "a.pdf", "application/pdf",
                                               token="wrong-token"), 401, 190)


class WithoutTheTableTest(unittest.TestCase):
    """Without --templates-file the stub behaves as before (what the C++ integration test uses):
    any template name, a document header with an uploaded media id."""

    def test_a_document_header_with_an_uploaded_pdf_is_accepted(self):
        stub = Stub()
        try:
            status, doc = stub.upload(b"%PDF-1.7 x", "a.pdf", "application/pdf")
            self.assertEqual(status, 200, doc)
            header = {"type": "header", "parameters": [
                {"type": "document", "document": {"id": doc["id"], "filename": "a.pdf"}}]}
            status, answer = stub.send(template(HANDOVER, [header, body("a", "b")]))
            self.assertEqual(status, 200, answer)
            wamid = answer["messages"][0]["id"]
            with open(os.path.join(stub.dir, wamid + ".json")) as f:
                self.assertEqual(json.load(f)["media"]["filename"], "a.pdf")
            header["parameters"][0]["document"]["id"] = "999"
            status, answer = stub.send(template(HANDOVER, [header]))
            self.assertEqual((status, answer["error"]["code"]), (400, 131009))
            self.assertFalse(os.path.exists(os.path.join(stub.dir, "webhooks.jsonl")))
        finally:
            stub.close()


class WebhookDeliveryTest(unittest.TestCase):
    def test_a_refused_webhook_is_retried_and_every_event_replayed(self):
        receiver = Receiver(fail_first=2)
        stub = Stub("--templates-file", TEMPLATES, "--webhook-url", receiver.url, "--app-secret",
                    SECRET, "--webhook-delay", "0.02", "--webhook-replay", "2")
        try:
            wamid = stub.send(handover())[1]["messages"][0]["id"]
            got = receiver.wait_for(wamid, 8)  # 2 refused + 3 events x 2 replays
            self.assertEqual([st["status"] for st, _, _ in got],
                             ["sent"] * 4 + ["delivered"] * 2 + ["read"] * 2)
            self.assertEqual(len({raw for _, raw, _ in got[:4]}), 1, "a replay is the same body")
            self.assertTrue(all(signature_ok(raw, h) for _, raw, h in got))
            attempts = [(a["event"], a["replay"], a["attempt"], a["status_code"])
                        for a in stub.attempts()]
            self.assertEqual(attempts, [("sent", 1, 1, 500), ("sent", 1, 2, 500),
                                        ("sent", 1, 3, 200), ("sent", 2, 1, 200),
                                        ("delivered", 1, 1, 200), ("delivered", 2, 1, 200),
                                        ("read", 1, 1, 200), ("read", 2, 1, 200)])
        finally:
            stub.close()
            receiver.close()

    def test_an_unreachable_webhook_is_given_up_after_the_retries(self):
        receiver = Receiver()
        url = receiver.url
        receiver.close()  # nothing listens there any more
        stub = Stub("--webhook-url", url, "--app-secret", SECRET, "--webhook-delay", "0.02",
                    "--webhook-retries", "3", "--fail-webhook", "6281200000001:131047")
        try:
            stub.send(handover(to="6281200000001"))
            deadline = time.monotonic() + 10
            while len(stub.attempts()) < 6 and time.monotonic() < deadline:
                time.sleep(0.05)
            attempts = stub.attempts()
            self.assertEqual([(a["event"], a["attempt"]) for a in attempts],
                             [("sent", 1), ("sent", 2), ("sent", 3),
                              ("failed", 1), ("failed", 2), ("failed", 3)])
            self.assertTrue(all(a["status_code"] is None and a["error"] for a in attempts))
        finally:
            stub.close()

    def test_the_verify_token_handshake_comes_first(self):
        receiver = Receiver(verify_token="vt-1")
        good = Stub("--webhook-url", receiver.url, "--app-secret", SECRET, "--webhook-delay",
                    "0.02", "--webhook-verify-token", "vt-1")
        bad = Stub("--webhook-url", receiver.url, "--app-secret", SECRET, "--webhook-delay",
                   "0.02", "--webhook-verify-token", "not-it")
        try:
            wamid = good.send(handover())[1]["messages"][0]["id"]
            self.assertEqual(len(receiver.wait_for(wamid, 3)), 3)
            self.assertEqual(good.attempts()[0]["event"], "verify")
            self.assertTrue(good.attempts()[0]["verified"])
            wamid = bad.send(handover())[1]["messages"][0]["id"]
            time.sleep(0.5)
            self.assertEqual(receiver.statuses(wamid), [])
            self.assertEqual([(a["event"], a["verified"]) for a in bad.attempts()],
                             [("verify", False)])
        finally:
            good.close()
            bad.close()
            receiver.close()

    @unittest.skipUnless(shutil.which("openssl"), "needs openssl to make a certificate")
    def test_an_https_webhook_is_verified_with_the_ca_file(self):
        import ssl
        tmp = tempfile.mkdtemp(prefix="wa-stub-tls-")
        try:
            cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                            "1", "-subj", "/CN=127.0.0.1", "-addext",
                            "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                           check=True, capture_output=True)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            receiver = Receiver(tls=ctx)
            trusted = Stub("--webhook-url", receiver.url, "--webhook-ca", cert, "--app-secret",
                           SECRET, "--webhook-delay", "0.02")
            untrusted = Stub("--webhook-url", receiver.url, "--app-secret", SECRET,
                             "--webhook-delay", "0.02", "--webhook-retries", "1")
            try:
                wamid = trusted.send(handover())[1]["messages"][0]["id"]
                self.assertEqual([st["status"] for st, _, _ in receiver.wait_for(wamid, 3)],
                                 ["sent", "delivered", "read"])
                wamid = untrusted.send(handover())[1]["messages"][0]["id"]
                deadline = time.monotonic() + 10
                while len(untrusted.attempts()) < 3 and time.monotonic() < deadline:
                    time.sleep(0.05)
                self.assertEqual(receiver.statuses(wamid), [])
                self.assertEqual(len(untrusted.attempts()), 3)
                self.assertIn("CERTIFICATE_VERIFY_FAILED", untrusted.attempts()[0]["error"])
            finally:
                trusted.close()
                untrusted.close()
                receiver.close()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class CommandLineTest(unittest.TestCase):
    def test_a_webhook_url_needs_an_app_secret_and_a_good_scheme(self):
        for extra in (["--webhook-url", "http://127.0.0.1:1/x"],
                      ["--webhook-url", "ftp://127.0.0.1/x", "--app-secret", "s"],
                      ["--fail-webhook", "+62812:131026"]):
            proc = subprocess.run(["/usr/bin/python3", STUB, "--dir", tempfile.gettempdir(),
                                   "--token", "t"] + extra, capture_output=True, text=True,
                                  timeout=10)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertNotIn("ready", proc.stdout)


if __name__ == "__main__":
    unittest.main()
