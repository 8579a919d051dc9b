#!/usr/bin/python3
# Boundaries across the four real processes (issue 15): what step 1 accepts reaches step 7, what
# a later step would refuse step 1 refuses first, notices carry what officials write, a locked
# activation code has a remedy and a retried handover sends one email; and (issue 16) each
# service's database role reads only its own schema, and intake's TLS identity cannot have the CA
# sign a name. Needs a suite of its own
# (tests/e2e/with_suite.sh, port base 27151).
#
#   bash tests/e2e/with_suite.sh BUILD_DIR 27151 /usr/bin/python3 \
#        tests/e2e/python/e2e_boundaries_test.py [--googleapis DIR]
import os
import subprocess
import sys
import unittest
import uuid

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sertel_client as sc  # noqa: E402

OPTS, UNITTEST_ARGV = sc.parse_args()

# The largest and most unusual values step 1 accepts (common/field_rules.h): a 64-character
# name of multi-byte letters with an apostrophe, a hyphen and a title; the unit whose official
# name is 95 characters (its OU is the registry's abbreviation); a 200-character position; a
# 1000-character note over several lines.
LONG_NAME = "Dr. \u00c9mile N\u00fa\u00f1ez-D'\u00c1vila Prawiran\u00e9gara Wi\u00f0\u00e6\u00f8 Sekar \u00c5yu Putri"
LONG_NAME += " Lestari"[:64 - len(LONG_NAME)]
LONG_NAME += "a" * (64 - len(LONG_NAME))
assert len(LONG_NAME) == 64 and len(LONG_NAME.encode()) > 64
POSITION = ("Pranata Komputer Ahli Muda pada Bidang Pemberdayaan Perempuan, Perlindungan Anak "
            "dan Keluarga Berencana ")
POSITION = (POSITION * 3)[:200]
NOTE = ("Mohon diproses.\nSurat permohonan dari Kepala Dinas terlampir;\n\tKTP dan SK sudah "
        "dilegalisir oleh pejabat yang berwenang.\n" * 20)[:1000]


def subject_of(pem):
    """{attribute long name: UTF-8 value} of the certificate's subject, as openssl reads it."""
    r = subprocess.run(["openssl", "x509", "-noout", "-subject", "-nameopt",
                        "multiline,utf8,-esc_msb"], input=pem.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, check=True)
    out = {}
    for line in r.stdout.decode("utf-8").splitlines()[1:]:
        key, _, value = line.strip().partition(" = ")
        out[key.strip()] = value
    return out


class Boundaries(sc.SuiteTest):
    GOOGLEAPIS = OPTS.googleapis
    serial = 300

    # -- helpers -------------------------------------------------------------------------------
    def applicant(self, label):
        Boundaries.serial += 1
        return sc.make_applicant(self.m, Boundaries.serial, label)

    def wait_status(self, app_id, status, timeout=30):
        want = self.m.common_pb2.ApplicationStatus.Value("APPLICATION_STATUS_" + status)
        return sc.wait_until(lambda: self.s.get_application(app_id).status == want,
                             timeout=timeout, what="application %s to be %s" % (app_id, status))

    def submit(self, applicant, note=""):
        m = self.m
        req = m.intake_pb2.SubmitApplicationRequest(
            request_id="py-b-" + uuid.uuid4().hex, applicant=applicant,
            documents=sc.four_documents(m), note=note)
        return self.s.intake.SubmitApplication(req, metadata=self.s.md("OPERATOR"), timeout=15)

    def to_awaiting_passphrase(self, applicant, note="", notes=None):
        """Steps 1-5; returns (application id, the activation code mailed to the applicant)."""
        a = self.submit(applicant, note=note)
        for role in ("HEAD_OF_AGENCY", "HEAD_OF_DIVISION", "HEAD_OF_SECTION"):
            self.s.forward(role, a.id, note=notes)
        self.s.verify(a.id)
        code = self.s.wait_activation_code(applicant.email, timeout=30)
        self.wait_status(a.id, "AWAITING_PASSPHRASE")
        return a.id, code

    def set_passphrase(self, app_id, code, role="VERIFIER", nik=None, request_id=""):
        return self.s.certificate.SetPassphrase(
            self.m.certificate_pb2.SetPassphraseRequest(
                application_id=app_id, activation_code=code, passphrase=sc.STRONG_PASSPHRASE,
                request_id=request_id),
            metadata=self.s.md(role, nik=nik), timeout=60)

    def hand_over(self, app_id, request_id=""):
        return self.s.certificate.HandOver(
            self.m.certificate_pb2.HandOverRequest(application_id=app_id,
                                                   channel=self.m.common_pb2.CHANNEL_EMAIL,
                                                   request_id=request_id),
            metadata=self.s.md("VERIFIER"), timeout=30)

    def handover_mails(self, email):
        return [x for x in self.s.mails_to(email)
                if any((n or "").lower().endswith(".p12") for n, _, _ in x.attachments())]

    # -- 1. the largest values step 1 accepts reach step 7 ----------------------------------------
    def test_1_the_largest_values_reach_handover(self):
        m = self.m
        units = self.s.intake.ListUnits(m.intake_pb2.ListUnitsRequest(),
                                        metadata=self.s.md("APPLICANT", nik=sc.make_nik(1)),
                                        timeout=10)
        by_code = {u.code: u for u in units.units}
        self.assertIn("DP3AP2KB", by_code)
        self.assertGreater(len(by_code["DP3AP2KB"].name), 64)  # too long for an OU
        self.assertLessEqual(len(by_code["DP3AP2KB"].certificate_ou), 64)

        multi_line_note = "Diteruskan untuk diproses.\nMohon periksa SK terbaru.\n\t- Kasi"
        # The longest of everything, and the most unusual: 64 characters of CJK (192 bytes),
        # an apostrophe, a single-letter word, the shortest position.
        unusual = ("Ni Ketut O'Neil-Tan \u738b\u5c0f\u660e \u0645\u062d\u0645\u062f " +
                   "\u00e0" * 64)[:64]
        for label, name, unit, position, note in (
                ("Long", LONG_NAME, "DP3AP2KB", POSITION, NOTE),
                ("Unusual", unusual, "SETWAN", "X", "")):
            a = self.applicant(label)
            a.full_name, a.unit, a.position = name, unit, position
            app_id, code = self.to_awaiting_passphrase(a, note=note, notes=multi_line_note)
            cert = self.set_passphrase(app_id, code)
            subject = subject_of(cert.certificate_pem)
            self.assertEqual(subject.get("commonName"), name)
            self.assertEqual(subject.get("organizationalUnitName"), by_code[unit].certificate_ou)
            self.assertEqual(cert.unit, unit)
            self.hand_over(app_id)
            self.wait_status(app_id, "HANDED_OVER")
            app = self.s.get_application(app_id)
            self.assertEqual(app.note, note)
            self.assertEqual(app.applicant.full_name, name)
            self.assertIn(multi_line_note, [t.note for t in app.timeline])
            self.assertFalse(app.HasField("attention"), str(app.attention))
            self.assertEqual(len(sc.wait_until(lambda: self.handover_mails(a.email), timeout=30,
                                               what="the hand-over email")), 1)

    def test_2_what_the_certificate_would_refuse_is_refused_at_step_1(self):
        m = self.m
        a = self.applicant("TooLong")
        a.full_name = LONG_NAME + "b"  # 65 characters: the CN holds 64
        a.unit = "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan " \
                 "Keluarga Berencana"  # a name, not a code
        err = self.rpc_error(self.grpc.StatusCode.INVALID_ARGUMENT, self.submit, a)
        got = {f: (reason, en, id_) for f, reason, en, id_ in sc.localized_violations(err)}
        self.assertEqual(got["applicant.full_name"][0], "TOO_LONG")
        self.assertIn("at most 64", got["applicant.full_name"][1])
        self.assertIn("paling banyak 64 karakter", got["applicant.full_name"][2])
        self.assertEqual(got["applicant.unit"][0], "NOT_A_CODE")
        self.assertTrue(got["applicant.unit"][2], "the unit's violation is in Bahasa Indonesia too")
        # Nothing was stored: the applicant has no application.
        listed = self.s.intake.ListApplications(m.intake_pb2.ListApplicationsRequest(nik=a.nik),
                                                metadata=self.s.md("AUDITOR"), timeout=10)
        self.assertEqual(len(listed.applications), 0)
        # NIK and NIP must agree (birth date and sex): a man's NIP with a woman's NIK.
        b = self.applicant("Mismatch")
        b.nip = b.nip[:14] + "1" + b.nip[15:]
        err = self.rpc_error(self.grpc.StatusCode.INVALID_ARGUMENT, self.submit, b)
        fields = {(f, reason) for f, reason, _, _ in sc.localized_violations(err)}
        self.assertIn(("applicant.nik", "NIK_NIP_MISMATCH"), fields)
        self.assertIn(("applicant.nip", "NIK_NIP_MISMATCH"), fields)

    # -- 2. notices carry what officials write ----------------------------------------------------
    def test_3_a_multi_line_reason_arrives_in_the_email(self):
        m = self.m
        a = self.applicant("Returned")
        app = self.submit(a)
        self.s.wait_in_inbox("HEAD_OF_AGENCY", app.id)
        version = self.s.get_case(app.id, role="HEAD_OF_AGENCY").version
        reason = ("Berkas belum lengkap:\n\t1. KTP buram, mohon dipindai ulang;\n"
                  "\t2. SK yang terlampir bukan SK terakhir.\nTerima kasih.")
        self.s.disposition.Return(
            m.disposition_pb2.ReturnRequest(application_id=app.id, expected_version=version,
                                            reason=reason,
                                            missing_documents=[m.common_pb2.DOCUMENT_KIND_KTP_COPY]),
            metadata=self.s.md("HEAD_OF_AGENCY"), timeout=15)
        mail = self.s.wait_mail(a.email, lambda x: "dikembalikan" in x.subject,
                                what="the return notice")[-1]
        self.assertIn(reason, mail.text().replace("\r\n", "\n"))

    # -- 3. a locked code has a remedy ------------------------------------------------------------
    def test_4_a_locked_code_is_replaced_and_the_new_one_works(self):
        m = self.m
        a = self.applicant("Locked")
        app_id, code = self.to_awaiting_passphrase(a)
        wrong = "AAAA-AAAA-AAAA" if code != "AAAA-AAAA-AAAA" else "BBBB-BBBB-BBBB"
        for i in range(5):  # typed at the desk by the verifier: counted like the owner's
            with self.assertRaises(self.grpc.RpcError):
                self.set_passphrase(app_id, wrong)
        err = self.rpc_error(self.grpc.StatusCode.FAILED_PRECONDITION, self.set_passphrase,
                             app_id, code)
        self.assertIn("resend", err.details().lower())  # the error names the remedy
        before = len(self.s.activation_mails(a.email))
        key = "py-resend-" + uuid.uuid4().hex
        resend = m.certificate_pb2.ResendActivationCodeRequest(application_id=app_id,
                                                               request_id=key)
        e = self.s.certificate.ResendActivationCode(resend, metadata=self.s.md("VERIFIER"),
                                                    timeout=15)
        self.assertEqual(e.status, m.certificate_pb2.ENROLLMENT_STATUS_AWAITING_PASSPHRASE)
        again = self.s.certificate.ResendActivationCode(resend, metadata=self.s.md("VERIFIER"),
                                                        timeout=15)
        self.assertEqual(again.activation_resends_left, e.activation_resends_left,
                         "the same request_id does nothing again")
        mails = sc.wait_until(lambda: self.s.activation_mails(a.email)[before:] or None,
                              timeout=30, what="the new activation code")
        new_code = mails[-1].activation_code()
        self.assertNotEqual(new_code, code)
        # The old code is dead (a wrong code like any other), the new one works (for the
        # owner, in person).
        self.rpc_error(self.grpc.StatusCode.INVALID_ARGUMENT, self.set_passphrase, app_id,
                       code, "APPLICANT", a.nik)
        cert = self.set_passphrase(app_id, new_code, role="APPLICANT", nik=a.nik)
        self.assertEqual(cert.nik, a.nik)
        self.assertEqual(len(self.s.activation_mails(a.email)), before + 1,
                         "one resend, one new code")

    # -- 4. a retried handover sends one email ----------------------------------------------------
    def test_5_a_handover_retried_with_its_request_id_sends_one_email(self):
        a = self.applicant("Retry")
        app_id, code = self.to_awaiting_passphrase(a)
        self.set_passphrase(app_id, code, request_id="py-pass-" + uuid.uuid4().hex)
        key = "py-handover-" + uuid.uuid4().hex
        first = self.hand_over(app_id, request_id=key)
        second = self.hand_over(app_id, request_id=key)  # the reply was "lost": the caller retries
        self.assertEqual(first.status, second.status)
        self.assertEqual(first.version, second.version)
        sc.wait_until(lambda: self.handover_mails(a.email), timeout=30, what="the hand-over email")
        self.wait_status(app_id, "HANDED_OVER")
        self.assertEqual(len(self.handover_mails(a.email)), 1, "exactly one hand-over email")
        # The same key with another payload is refused.
        self.rpc_error(self.grpc.StatusCode.ALREADY_EXISTS, self.s.certificate.HandOver,
                       self.m.certificate_pb2.HandOverRequest(
                           application_id=app_id, channel=self.m.common_pb2.CHANNEL_WHATSAPP,
                           request_id=key),
                       metadata=self.s.md("VERIFIER"), timeout=30)

    # -- least privilege (issue 16) -----------------------------------------------------------
    def psql_as(self, service, sql):
        """Runs `sql` as `service`'s own PostgreSQL role; (exit code, output)."""
        url = subprocess.run(
            ["bash", os.path.join(self.s.root, "scripts", "pg-roles.sh"), "url",
             "postgresql://postgres@127.0.0.1:%s/postgres" % os.environ["SERTEL_PG_PORT"],
             os.path.join(self.s.home, "db"), service],
            stdout=subprocess.PIPE, check=True).stdout.decode().strip()
        r = subprocess.run(["psql", url, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return r.returncode, r.stdout.decode()

    def test_6_a_service_role_reads_only_its_own_schema(self):
        # Attack: intake (which faces the public) reads the keystores and the audit chains.
        for sql in ("SELECT count(*) FROM certificate.keystores",
                    "SELECT count(*) FROM certificate.audit_log",
                    "SELECT count(*) FROM disposition.cases",
                    "UPDATE notification.outbox SET attempts = 0"):
            rc, out = self.psql_as("intake", sql)
            self.assertNotEqual(rc, 0, sql)
            self.assertIn("permission denied for schema", out, sql)
        rc, out = self.psql_as("notification", "SELECT count(*) FROM intake.applications")
        self.assertIn("permission denied for schema intake", out)
        # Each owns its own (the services migrated their schemas as these roles).
        for svc in ("intake", "disposition", "certificate", "notification"):
            rc, out = self.psql_as(svc, "SELECT count(*) FROM %s.schema_migrations" % svc)
            self.assertEqual(rc, 0, out)
            self.assertGreater(int(out.strip()), 0, svc)
            rc, owner = self.psql_as(svc, "SELECT nspowner::regrole FROM pg_namespace "
                                          "WHERE nspname = '%s'" % svc)
            self.assertEqual(owner.strip(), "sertel_" + svc)

    def service_channel(self, service, target):
        """A channel to `target` presenting `service`'s TLS identity (its spiffe:// SAN)."""
        tls = os.path.join(self.s.home, "tls")
        with open(os.path.join(tls, "ca.pem"), "rb") as ca, \
                open(os.path.join(tls, service + ".pem"), "rb") as cert, \
                open(os.path.join(tls, service + "-key.pem"), "rb") as key:
            creds = self.grpc.ssl_channel_credentials(ca.read(), key.read(), cert.read())
        return self.grpc.secure_channel(os.environ["SERTEL_%s_ADDRESS" % target.upper()], creds)

    def test_7_intakes_identity_cannot_have_the_ca_sign_a_name(self):
        m = self.m
        a = self.applicant("Penyusup")
        req = m.certificate_pb2.StartEnrollmentRequest(
            application_id=str(uuid.uuid4()), applicant=a, request_id="attack-" + uuid.uuid4().hex)
        channel = self.service_channel("intake", "certificate")
        try:
            stub = m.certificate_pb2_grpc.CertificateServiceStub(channel)
            err = self.rpc_error(self.grpc.StatusCode.PERMISSION_DENIED, stub.StartEnrollment, req,
                                 timeout=15)
            self.assertIn("disposition", err.details())
        finally:
            channel.close()
        # Nor a token claiming SERVICE, over any connection.
        self.rpc_error(self.grpc.StatusCode.PERMISSION_DENIED, self.s.certificate.StartEnrollment,
                       req, metadata=self.s.md("SERVICE"), timeout=15)
        # sertelctl's certificate is a person's: without a token it is nobody.
        channel = self.service_channel("client", "certificate")
        try:
            stub = m.certificate_pb2_grpc.CertificateServiceStub(channel)
            self.rpc_error(self.grpc.StatusCode.UNAUTHENTICATED, stub.StartEnrollment, req,
                           timeout=15)
        finally:
            channel.close()
        self.assertEqual(self.s.mails_to(a.email), [], "no activation code was sent")

    def test_8_after_a_handover_the_keystore_is_in_exactly_one_row(self):
        a = self.applicant("Salinan")
        app_id, code = self.to_awaiting_passphrase(a)
        self.set_passphrase(app_id, code)
        self.hand_over(app_id)
        sc.wait_until(lambda: self.handover_mails(a.email), timeout=30, what="the hand-over email")
        self.wait_status(app_id, "HANDED_OVER")
        p12 = [c for n, _, c in self.handover_mails(a.email)[0].attachments()
               if (n or "").endswith(".p12")][0]
        self.assertGreater(len(p12), 500)
        dump = subprocess.run(
            ["pg_dump", "-h", "127.0.0.1", "-p", os.environ["SERTEL_PG_PORT"], "-U", "postgres",
             "--data-only", "postgres"], stdout=subprocess.PIPE, check=True).stdout
        # bytea is dumped as hex; a copy anywhere else (the outbox payload, the notification's
        # attachment) would show as a second occurrence, whole or inside a longer value.
        copies = dump.count(p12.hex().encode())
        self.assertEqual(copies, 1, "the PKCS#12 is kept in certificate.keystores only")

    def test_9_the_process_holding_the_ca_key_writes_no_core(self):
        with open(os.path.join(self.s.home, "run", "certificate.pid")) as f:
            pid = f.read().strip()
        with open("/proc/%s/limits" % pid) as f:
            core = [line for line in f if line.startswith("Max core file size")][0].split()
        # Debian's default hard limit is unlimited: 0 here is the service's own doing.
        self.assertEqual(core[4:6], ["0", "0"], "soft and hard core limits are 0")

    def test_10_token_less_floods_of_large_calls_do_not_grow_intake(self):
        """64 concurrent token-less 20 MiB SubmitApplication calls are refused before they are
        read: intake's resident memory grows by far less than the 1.25 GiB they carry."""
        import threading
        import time
        m = self.m
        doc = m.common_pb2.Document(kind=m.common_pb2.DOCUMENT_KIND_REQUEST_LETTER,
                                    filename="big.pdf", content_type="application/pdf",
                                    content=b"%PDF-1.7\n" + b"x" * (20 * 1024 * 1024 - 4096))
        req = m.intake_pb2.SubmitApplicationRequest(request_id="flood", documents=[doc])
        with open(os.path.join(self.s.home, "run", "intake.pid")) as f:
            pid = f.read().strip()

        def rss_kib():
            with open("/proc/%s/status" % pid) as f:
                return int([l for l in f if l.startswith("VmRSS:")][0].split()[1])

        def flood(metadata_for):
            """(codes, RSS growth in MiB at the peak) of 64 concurrent calls."""
            before = rss_kib()
            peak = [before]
            done = threading.Event()

            def sample():
                while not done.is_set():
                    peak[0] = max(peak[0], rss_kib())
                    time.sleep(0.005)
            codes = []

            def call(i):
                try:
                    self.s.intake.SubmitApplication(req, metadata=metadata_for(i), timeout=120)
                    codes.append("OK")
                except self.grpc.RpcError as e:
                    codes.append(e.code().name)
            sampler = threading.Thread(target=sample)
            sampler.start()
            calls = [threading.Thread(target=call, args=(i,)) for i in range(64)]
            for t in calls:
                t.start()
            for t in calls:
                t.join()
            done.set()
            sampler.join()
            return codes, (peak[0] - before) / 1024.0

        codes, growth_mib = flood(lambda i: ())
        # The baseline in the same run: the same calls with a valid token each, which intake
        # must read before it can refuse them (the documents are too large).
        tokens = [self.s.md("OPERATOR", sub="flood-%d" % i) for i in range(64)]
        base_codes, base_mib = flood(lambda i: tokens[i])
        print("\n[measure] 64 concurrent 20 MiB SubmitApplication calls, intake RSS growth at the "
              "peak: %.1f MiB without a token (refused before read) vs %.1f MiB with a token "
              "(read, then refused): %.1fx" % (growth_mib, base_mib,
                                                base_mib / max(growth_mib, 0.1)), file=sys.stderr)
        self.assertNotIn("OK", base_codes)
        self.assertEqual(set(codes), {"UNAUTHENTICATED"}, codes[:5])
        # Buffering them all would be 64 x 20 MiB = 1280 MiB. Under AddressSanitizer freed memory
        # stays resident in its quarantine (256 MiB unless ASAN_OPTIONS sets quarantine_size_mb),
        # so the bound grows by that much there.
        bound_mib = 256 + asan_quarantine_mib()
        self.assertLess(growth_mib, bound_mib, "intake buffered the token-less requests")


def asan_quarantine_mib():
    """The memory AddressSanitizer keeps freed, when the suite runs under it (else 0)."""
    if "address" not in os.environ.get("SERTEL_SANITIZE", ""):
        return 0
    for option in os.environ.get("ASAN_OPTIONS", "").split(":"):
        if option.startswith("quarantine_size_mb="):
            return int(option.split("=", 1)[1])
    return 256


if __name__ == "__main__":
    prog = unittest.main(argv=UNITTEST_ARGV, verbosity=2, exit=False)
    sys.exit(0 if prog.result.wasSuccessful() else 1)
