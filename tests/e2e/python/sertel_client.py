# Shared helpers for the Python end-to-end tests: a client of the sertel suite built from the
# .proto files alone (stubs generated at test time with protoc + grpc_python_plugin), JWTs minted
# here from the suite's development signing key, test data that passes the services' validators,
# and readers for the SMTP sink's .eml files and the WhatsApp stub's message files.
# Nothing of the C++ code is used. Run only under tests/e2e/with_suite.sh (it sets SERTEL_*).
import argparse
import atexit
import base64
import email
import email.policy
import glob
import importlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import types
import unittest
import uuid
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
PROTO_ROOT = os.path.join(REPO_ROOT, "protos")


# ---------------------------------------------------------------------------------------------
# Command line: our own options first, the rest goes to unittest.

def parse_args(argv=None):
    """Returns (options, argv for unittest.main)."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--googleapis", default=os.environ.get("SERTEL_GOOGLEAPIS_PROTO_DIR", ""),
                   help="directory holding google/rpc/status.proto and error_details.proto")
    opts, rest = p.parse_known_args(sys.argv[1:] if argv is None else argv)
    if not opts.googleapis:
        opts.googleapis = os.path.join(REPO_ROOT, ".cache", "npm", "node_modules",
                                       "google-proto-files")
    return opts, [sys.argv[0]] + rest


# ---------------------------------------------------------------------------------------------
# Stubs from protos/ (and googleapis' google/rpc), generated into a temporary directory.

_GENERATED = None


def generate_stubs(googleapis):
    """Runs protoc once per process; makes sertel.v1.*_pb2(_grpc) and google.rpc.* importable."""
    global _GENERATED
    if _GENERATED:
        return _GENERATED
    for f in ("google/rpc/status.proto", "google/rpc/error_details.proto"):
        if not os.path.isfile(os.path.join(googleapis, f)):
            raise RuntimeError("%s not found under --googleapis %s" % (f, googleapis))
    out = tempfile.mkdtemp(prefix="sertel-pystubs.")
    atexit.register(shutil.rmtree, out, True)
    protos = sorted(os.path.relpath(p, PROTO_ROOT)
                    for p in glob.glob(os.path.join(PROTO_ROOT, "sertel", "v1", "*.proto")))
    if not protos:
        raise RuntimeError("no .proto files under %s/sertel/v1" % PROTO_ROOT)
    includes = ["-I", PROTO_ROOT, "-I", googleapis]
    if os.path.isdir("/usr/include/google/protobuf"):
        includes += ["-I", "/usr/include"]
    cmd = (["protoc"] + includes + ["--python_out=" + out, "--grpc_python_out=" + out,
           "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin"] + protos +
           ["google/rpc/status.proto", "google/rpc/error_details.proto"])
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise RuntimeError("protoc failed:\n" + r.stdout)
    # 'google' is a namespace package in Debian's python3-protobuf, so google.rpc from `out`
    # joins google.protobuf from dist-packages.
    sys.path.insert(0, out)
    import google  # noqa: F401
    if hasattr(google, "__path__") and os.path.join(out, "google") not in list(google.__path__):
        try:
            google.__path__.append(os.path.join(out, "google"))
        except AttributeError:
            pass
    _GENERATED = out
    return out


_MODULES = ["sertel.v1.%s_pb2" % n for n in ("common", "intake", "disposition", "certificate",
                                               "notification", "outbox_admin")]
_MODULES += [m + "_grpc" for m in _MODULES if not m.endswith("common_pb2")]
_MODULES += ["google.rpc.status_pb2", "google.rpc.error_details_pb2"]


def pb():
    """The generated modules as one namespace: pb().intake_pb2, pb().intake_pb2_grpc, ..."""
    return types.SimpleNamespace(**{name.rsplit(".", 1)[1]: importlib.import_module(name)
                                    for name in _MODULES})


# ---------------------------------------------------------------------------------------------
# JWTs (RS256) minted with the suite's development signing key.

def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _rs256_sign(key_path, signing_input):
    try:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding
    except ImportError:
        r = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key_path],
                           input=signing_input, stdout=subprocess.PIPE, check=True)
        return r.stdout
    with open(key_path, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    return key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())


def mint_jwt(key_path, role, sub=None, nik=None, lifetime=600, issuer="sertel-dev"):
    now = int(time.time())
    header = {"alg": "RS256", "typ": "JWT"}
    claims = {"iss": issuer, "aud": "sertel", "sub": sub or ("py-e2e-" + role.lower()),
              "roles": [role], "exp": now + lifetime, "iat": now}
    if nik:
        claims["nik"] = nik
    signing_input = (_b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     _b64url(json.dumps(claims, separators=(",", ":")).encode())).encode("ascii")
    return signing_input.decode("ascii") + "." + _b64url(_rs256_sign(key_path, signing_input))


# ---------------------------------------------------------------------------------------------
# Test data the services accept.

def make_pdf(text="sertel e2e"):
    """A small but well-formed PDF (header, one page, xref, startxref, %%EOF)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n% " + text.encode() + b"\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def make_png(width=4, height=3, seed=0):
    """A real PNG (8-bit RGB) with a correct IHDR, IDAT and IEND."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + bytes(((x * 40 + y * 7 + seed) % 256) for x in range(width * 3))
                   for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_nik(serial, female=True):
    """A NIK with a valid structure: Jakarta Pusat (31 71 01), born 1-Jan-1990, serial."""
    day = 1 + (40 if female else 0)
    return "317101%02d0190%04d" % (day, serial)


def make_applicant(m, serial, label):
    """An Applicant whose NIK, email and phone are unique for `serial`."""
    return m.common_pb2.Applicant(
        nik=make_nik(serial),
        nip="19900101201503%s%03d" % ("2", serial),
        full_name="Siti Aminah %s" % label,
        email="pemohon.%s.%d@kota.go.id" % (label.lower(), serial),
        phone="+628123456%04d" % serial,
        unit="DISKOMINFO",  # a code of the unit registry (IntakeService.ListUnits)
        position="Analis Sistem Informasi",
    )


def four_documents(m, tag="v1"):
    k = m.common_pb2
    return [
        k.Document(kind=k.DOCUMENT_KIND_REQUEST_LETTER, filename="surat-permohonan.pdf",
                   content_type="application/pdf", content=make_pdf("surat " + tag)),
        k.Document(kind=k.DOCUMENT_KIND_BSRE_FORM, filename="formulir-bsre.pdf",
                   content_type="application/pdf", content=make_pdf("formulir " + tag)),
        k.Document(kind=k.DOCUMENT_KIND_KTP_COPY, filename="ktp.png",
                   content_type="image/png", content=make_png(seed=len(tag))),
        k.Document(kind=k.DOCUMENT_KIND_SK_COPY, filename="sk.pdf",
                   content_type="application/pdf", content=make_pdf("sk " + tag)),
    ]


def complete_checklist(m):
    """The verifier's checklist of SOP step 5 with every item found complete."""
    return m.disposition_pb2.Checklist(request_letter_ok=True, bsre_form_ok=True,
                                       ktp_copy_ok=True, sk_copy_ok=True,
                                       identity_matches_documents=True)


# A passphrase that meets the policy (10+ chars, 3 classes, no NIK/NIP/name/birth date).
STRONG_PASSPHRASE = "Kupu-kupu Terbang#Tinggi 7392"


# ---------------------------------------------------------------------------------------------
# Polling.

def wait_until(fn, timeout=30.0, interval=0.2, what="condition"):
    """Calls fn until it returns something truthy; returns that, or raises AssertionError."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            v = fn()
            if v:
                return v
        except Exception as e:  # a transient error while the suite settles
            last_exc = e
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.0f s waiting for %s%s" % (
                timeout, what, (" (last error: %r)" % last_exc) if last_exc else ""))
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# The SMTP sink's mail and the WhatsApp stub's messages.

class Mail:
    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.raw = f.read()
        self.msg = email.message_from_bytes(self.raw, policy=email.policy.default)
        rcpt = self.msg.get("X-Sink-Rcpt-To", "") or ""
        self.rcpt_to = [a.strip().lower() for a in str(rcpt).split(",") if a.strip()]
        self.to = str(self.msg.get("To", "") or "").lower()
        self.subject = str(self.msg.get("Subject", "") or "")

    def addressed_to(self, addr):
        addr = addr.lower()
        return addr in self.rcpt_to or addr in self.to

    def text(self):
        """The decoded text/plain body (quoted-printable / base64 undone)."""
        part = self.msg.get_body(preferencelist=("plain",))
        if part is None:
            return ""
        return part.get_content()

    def attachments(self):
        """[(filename, content_type, bytes)]"""
        out = []
        for part in self.msg.iter_attachments():
            out.append((part.get_filename(), part.get_content_type(),
                        part.get_payload(decode=True)))
        return out

    def activation_code(self):
        for line in self.text().splitlines():
            line = line.strip()
            if line.startswith("Kode aktivasi:"):
                return line.split(":", 1)[1].strip()
        return None


def read_mail(home, recipient=None):
    """All complete .eml files in $SERTEL_HOME/mail (optionally only those to `recipient`)."""
    out = []
    for path in sorted(glob.glob(os.path.join(home, "mail", "*.eml"))):
        try:
            m = Mail(path)
        except OSError:
            continue
        if recipient is None or m.addressed_to(recipient):
            out.append(m)
    return out


def fetch_link(url, ca_file, method="GET"):
    """(HTTP status, body, headers) of a one-time download link, over verified TLS."""
    import ssl
    import urllib.error
    import urllib.request
    ctx = ssl.create_default_context(cafile=ca_file)
    req = urllib.request.Request(url, method=method, headers={"User-Agent": "sertel-e2e/1"})
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def read_whatsapp_webhooks(home):
    """The stub's webhook calls (one JSON object per attempt)."""
    out = []
    try:
        with open(os.path.join(home, "whatsapp", "messages", "webhooks.jsonl")) as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue
    except OSError:
        pass
    return out


def read_whatsapp(home):
    out = []
    for path in sorted(glob.glob(os.path.join(home, "whatsapp", "messages", "*.json"))):
        try:
            with open(path) as f:
                out.append(json.load(f))
        except (OSError, ValueError):
            continue
    return out


# ---------------------------------------------------------------------------------------------
# The suite.

class Suite:
    """Channels and stubs to the four services of the suite started by with_suite.sh."""

    def __init__(self, googleapis):
        generate_stubs(googleapis)
        import grpc
        self.grpc = grpc
        self.m = pb()
        env = os.environ
        missing = [v for v in ("SERTEL_HOME", "SERTEL_CA_FILE", "SERTEL_INTAKE_ADDRESS",
                               "SERTEL_DISPOSITION_ADDRESS", "SERTEL_CERTIFICATE_ADDRESS",
                               "SERTEL_NOTIFICATION_ADDRESS") if not env.get(v)]
        if missing:
            raise RuntimeError("run me under tests/e2e/with_suite.sh; missing " + ", ".join(missing))
        self.home = env["SERTEL_HOME"]
        self.root = env.get("SERTEL_ROOT", REPO_ROOT)
        self.ca_file = env["SERTEL_CA_FILE"]
        # scripts/up.sh serves the handover's one-time links 1100 above the certificate service.
        cert_port = int(env["SERTEL_CERTIFICATE_ADDRESS"].rsplit(":", 1)[1])
        self.download_base = "https://127.0.0.1:%d/unduh" % (cert_port + 1100)
        self.key = os.path.join(self.home, "jwt", "signing-key.pem")
        with open(env["SERTEL_CA_FILE"], "rb") as f:
            creds = grpc.ssl_channel_credentials(root_certificates=f.read())
        m = self.m
        self.channels = {}

        def ch(name):
            c = grpc.secure_channel(env["SERTEL_%s_ADDRESS" % name.upper()], creds)
            self.channels[name] = c
            return c
        self.intake = m.intake_pb2_grpc.IntakeServiceStub(ch("intake"))
        self.disposition = m.disposition_pb2_grpc.DispositionServiceStub(ch("disposition"))
        self.certificate = m.certificate_pb2_grpc.CertificateServiceStub(ch("certificate"))
        self.notification = m.notification_pb2_grpc.NotificationServiceStub(ch("notification"))

    def close(self):
        for c in self.channels.values():
            c.close()

    def wait_ready(self, timeout=30):
        for name, c in self.channels.items():
            try:
                self.grpc.channel_ready_future(c).result(timeout=timeout)
            except self.grpc.FutureTimeoutError:
                raise AssertionError("%s service not ready after %d s" % (name, timeout))

    # -- auth ----------------------------------------------------------------------------------
    def token(self, role, nik=None, sub=None):
        return mint_jwt(self.key, role, sub=sub, nik=nik)

    def md(self, role, nik=None, sub=None):
        if role == "APPLICANT" and sub is None and nik:
            sub = "applicant-" + nik
        return [("authorization", "Bearer " + self.token(role, nik=nik, sub=sub))]

    # -- steps ---------------------------------------------------------------------------------
    def submit(self, applicant, as_operator=False, documents=None, request_id=None):
        m = self.m
        req = m.intake_pb2.SubmitApplicationRequest(
            request_id=request_id or ("py-e2e-" + uuid.uuid4().hex),
            applicant=applicant, documents=documents or four_documents(m),
            note="submitted by the Python end-to-end test")
        md = self.md("OPERATOR") if as_operator else self.md("APPLICANT", nik=applicant.nik)
        return self.intake.SubmitApplication(req, metadata=md, timeout=15)

    def get_application(self, app_id, role="AUDITOR", nik=None):
        return self.intake.GetApplication(self.m.intake_pb2.GetApplicationRequest(id=app_id),
                                          metadata=self.md(role, nik=nik), timeout=10)

    def get_case(self, app_id, role="AUDITOR"):
        return self.disposition.GetCase(
            self.m.disposition_pb2.GetCaseRequest(application_id=app_id),
            metadata=self.md(role), timeout=10)

    def inbox(self, role):
        """Every case in `role`'s inbox (all pages)."""
        cases, token = [], ""
        while True:
            r = self.disposition.ListInbox(
                self.m.disposition_pb2.ListInboxRequest(page_size=100, page_token=token),
                metadata=self.md(role), timeout=10)
            cases.extend(r.cases)
            token = r.next_page_token
            if not token:
                return cases

    def wait_in_inbox(self, role, app_id, timeout=30):
        """Polls `role`'s inbox until the case is there; returns the inbox entry."""
        def find():
            for c in self.inbox(role):
                if c.application_id == app_id:
                    return c
            return None
        return wait_until(find, timeout=timeout,
                          what="application %s in the inbox of %s" % (app_id, role))

    def forward(self, role, app_id, note=None):
        """Finds the case in `role`'s inbox, then forwards it with GetCase's version."""
        self.wait_in_inbox(role, app_id)
        version = self.get_case(app_id, role=role).version
        return self.disposition.Forward(
            self.m.disposition_pb2.ForwardRequest(
                application_id=app_id, expected_version=version,
                note=note or "ditelaah; diteruskan (%s)" % role),
            metadata=self.md(role), timeout=15)

    def forward_to_verifier(self, app_id):
        for role in ("HEAD_OF_AGENCY", "HEAD_OF_DIVISION", "HEAD_OF_SECTION"):
            self.forward(role, app_id)

    def verify(self, app_id):
        m = self.m
        self.wait_in_inbox("VERIFIER", app_id)
        version = self.get_case(app_id, role="VERIFIER").version
        checklist = complete_checklist(m)
        return self.disposition.Verify(
            m.disposition_pb2.VerifyRequest(application_id=app_id, expected_version=version,
                                            checklist=checklist, note="lengkap"),
            metadata=self.md("VERIFIER"), timeout=15)

    # -- mail ----------------------------------------------------------------------------------
    def mails_to(self, recipient):
        return read_mail(self.home, recipient)

    def activation_mails(self, recipient):
        return [x for x in self.mails_to(recipient) if x.activation_code()]

    def wait_activation_code(self, recipient, timeout=30):
        mails = wait_until(lambda: self.activation_mails(recipient), timeout=timeout,
                           what="an activation-code email to %s" % recipient)
        return mails[-1].activation_code()

    def wait_mail(self, recipient, predicate, timeout=30, what="an email"):
        def find():
            return [x for x in self.mails_to(recipient) if predicate(x)]
        return wait_until(find, timeout=timeout, what="%s to %s" % (what, recipient))


def health_status(channel, service=""):
    """grpc.health.v1.Health/Check on `channel`: 'SERVING', 'NOT_SERVING', ... or the RPC error's
    code name. The two tiny messages are encoded by hand (field 1: the service name; the answer's
    field 1: the status enum), so no health stub is needed."""
    import grpc
    check = channel.unary_unary("/grpc.health.v1.Health/Check",
                                request_serializer=lambda b: b, response_deserializer=lambda b: b)
    name = service.encode()
    request = (b"\x0a" + bytes([len(name)]) + name) if name else b""
    try:
        answer = check(request, timeout=5)
    except grpc.RpcError as e:
        return e.code().name
    status = answer[1] if len(answer) >= 2 and answer[0] == 0x08 else 0
    return {0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN"}.get(status, "?")


def localized_violations(err):
    """[(field, reason, English description, Bahasa Indonesia message)] of the error's
    google.rpc.BadRequest."""
    from google.rpc import error_details_pb2
    status = rpc_error_details(err)
    out = []
    for any_msg in (status.details if status is not None else []):
        br = error_details_pb2.BadRequest()
        if any_msg.Is(br.DESCRIPTOR) and any_msg.Unpack(br):
            out.extend((v.field, v.reason, v.description, v.localized_message.message)
                       for v in br.field_violations)
    return out


def rpc_error_details(err):
    """The google.rpc.Status carried in the grpc-status-details-bin trailer of an RpcError."""
    from google.rpc import status_pb2
    for key, value in (err.trailing_metadata() or ()):
        if key == "grpc-status-details-bin":
            s = status_pb2.Status()
            s.ParseFromString(value)
            return s
    return None


def bad_request_fields(err):
    """The field names of every google.rpc.BadRequest field violation in the error's details."""
    from google.rpc import error_details_pb2
    status = rpc_error_details(err)
    fields = []
    if status is None:
        return fields
    for any_msg in status.details:
        br = error_details_pb2.BadRequest()
        if any_msg.Is(br.DESCRIPTOR) and any_msg.Unpack(br):
            fields.extend((v.field, v.description) for v in br.field_violations)
    return fields


def openssl_pkcs12_opens(p12_bytes, passphrase):
    """True when `openssl pkcs12` opens the keystore with the passphrase (and not without)."""
    d = tempfile.mkdtemp(prefix="sertel-p12.")
    try:
        p12 = os.path.join(d, "f.p12")
        pw = os.path.join(d, "pass")
        with open(p12, "wb") as f:
            f.write(p12_bytes)
        with open(pw, "w") as f:
            f.write(passphrase + "\n")
        os.chmod(pw, 0o600)

        def run(pass_file):
            return subprocess.run(["openssl", "pkcs12", "-in", p12, "-passin", "file:" + pass_file,
                                   "-nokeys", "-info"], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, errors="replace")
        ok = run(pw)
        with open(pw, "w") as f:
            f.write("Salah-Passphrase-999\n")
        wrong = run(pw)
        return ok.returncode == 0 and "BEGIN CERTIFICATE" in ok.stdout, wrong.returncode != 0, ok.stdout
    finally:
        shutil.rmtree(d, True)


def _run_in(folder, script, output, what, env=None):
    """Runs the bash `script` in `folder`; the bytes of the file `output` it made."""
    r = subprocess.run(["bash", "-c", script], cwd=folder, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace")
    if r.returncode != 0:
        raise AssertionError("%s failed:\n%s" % (what, r.stdout))
    with open(os.path.join(folder, output), "rb") as f:
        return f.read()


def sign_pdf_with_nss(p12_bytes, passphrase, pdf_bytes):
    """The PDF signed as a holder's own software would (issue 21): the keystore imported into a
    new NSS database with pk12util (the library behind Firefox, Thunderbird and LibreOffice),
    then poppler's pdfsig -add-signature with the key it holds."""
    d = tempfile.mkdtemp(prefix="sertel-sign.")
    try:
        for name, data, mode in (("holder.p12", p12_bytes, "wb"), ("in.pdf", pdf_bytes, "wb"),
                                 ("pass", passphrase, "w")):
            with open(os.path.join(d, name), mode) as f:
                f.write(data)
        os.chmod(os.path.join(d, "pass"), 0o600)
        script = ("set -e; mkdir nss; certutil -N -d sql:nss --empty-password;"
                  " pk12util -i holder.p12 -d sql:nss -w pass;"
                  " nick=$(certutil -L -d sql:nss | grep 'u,u,u' | head -1 |"
                  " sed -E 's/[[:space:]]+[^[:space:]]+$//');"
                  " pdfsig -add-signature -nssdir sql:nss -nick \"$nick\" in.pdf signed.pdf")
        return _run_in(d, script, "signed.pdf", "signing with NSS and pdfsig")
    finally:
        shutil.rmtree(d, True)


def self_made_p12(common_name, nik, passphrase):
    """A PKCS#12 with a self-signed certificate naming a real holder (no CA of ours)."""
    d = tempfile.mkdtemp(prefix="sertel-self.")
    try:
        subj = "/CN=%s/serialNumber=%s" % (common_name, nik)
        script = ("set -e; openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem"
                  " -days 30 -subj \"$SUBJ\" -addext keyUsage=critical,digitalSignature,nonRepudiation"
                  " >/dev/null 2>&1; openssl pkcs12 -export -inkey k.pem -in c.pem -out s.p12"
                  " -passout env:PASS")
        return _run_in(d, script, "s.p12", "making a self-signed PKCS#12",
                       env=dict(os.environ, SUBJ=subj, PASS=passphrase))
    finally:
        shutil.rmtree(d, True)


class SuiteTest(unittest.TestCase):
    """A test case against the suite with_suite.sh started: cls.s (the Suite), cls.m (the
    generated modules), cls.grpc; rpc_error() asserts a call's status code."""

    GOOGLEAPIS = None  # set by the test module from its --googleapis option

    @classmethod
    def setUpClass(cls):
        cls.s = Suite(cls.GOOGLEAPIS)
        cls.s.wait_ready()
        cls.m = cls.s.m
        cls.grpc = cls.s.grpc

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def rpc_error(self, code, fn, *args, **kwargs):
        with self.assertRaises(self.grpc.RpcError) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.code(), code, cm.exception.details())
        return cm.exception
