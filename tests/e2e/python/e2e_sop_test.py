#!/usr/bin/python3
# The SOP end to end from a second, independent client: Python (Debian's python3-grpcio) with
# stubs generated from protos/ alone, against the four real service processes over TLS, started by
# tests/e2e/with_suite.sh. Proves: the happy path twice (hand-over by EMAIL and by WHATSAPP, with
# the activation code read from the SMTP sink, the PKCS#12 opened with the passphrase, the
# certificate checked against its holder, the statistics and the SLA report), return and
# resubmit, reject, and bad input through the real stack (UNAUTHENTICATED, PERMISSION_DENIED,
# ABORTED, INVALID_ARGUMENT with google.rpc.BadRequest field violations).
#
#   bash tests/e2e/with_suite.sh BUILD_DIR 23151 /usr/bin/python3 \
#        tests/e2e/python/e2e_sop_test.py [--googleapis DIR] [unittest options]
import os
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sertel_client as sc  # noqa: E402

OPTS, UNITTEST_ARGV = sc.parse_args()
SUITE = None  # sc.Suite, made once for the whole run


def suite():
    global SUITE
    if SUITE is None:
        SUITE = sc.Suite(OPTS.googleapis)
        SUITE.wait_ready()
    return SUITE


class SopEndToEnd(unittest.TestCase):
    """Test methods run in name order; test_1 leaves state (two handed-over certificates) that
    test_9 reports on."""

    happy = {}  # label -> {"app_id", "applicant"} for the applications handed over by test_1

    @classmethod
    def setUpClass(cls):
        cls.s = suite()
        cls.m = cls.s.m
        cls.grpc = cls.s.grpc
        cls.started_at = time.time()

    # -- helpers -----------------------------------------------------------------------------
    def assertRpcError(self, code, fn, *args, **kwargs):
        with self.assertRaises(self.grpc.RpcError) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.code(), code,
                         "expected %s, got %s: %s" % (code, cm.exception.code(),
                                                      cm.exception.details()))
        return cm.exception

    def status_name(self, value):
        return self.m.common_pb2.ApplicationStatus.Name(value)

    def wait_status(self, app_id, status, timeout=30):
        want = self.m.common_pb2.ApplicationStatus.Value("APPLICATION_STATUS_" + status)
        last = [None]

        def check():
            a = self.s.get_application(app_id)
            last[0] = a.status
            return a if a.status == want else None
        try:
            return sc.wait_until(check, timeout=timeout,
                                 what="application %s to be %s" % (app_id, status))
        except AssertionError as e:
            raise AssertionError("%s; last status %s" % (
                e, self.status_name(last[0]) if last[0] is not None else None))

    # -- 1. the happy path, twice ------------------------------------------------------------
    def test_1_happy_path_email_and_whatsapp(self):
        s, m = self.s, self.m
        k = m.common_pb2
        apps = {
            "A": {"applicant": sc.make_applicant(m, 101, "A"), "channel": k.CHANNEL_EMAIL,
                  "as_operator": False},
            "B": {"applicant": sc.make_applicant(m, 102, "B"), "channel": k.CHANNEL_WHATSAPP,
                  "as_operator": True},
        }
        # Step 1: A applies in person (APPLICANT token with own NIK), B through the front desk.
        for label, x in apps.items():
            a = s.submit(x["applicant"], as_operator=x["as_operator"])
            self.assertTrue(a.id)
            self.assertEqual(a.applicant.nik, x["applicant"].nik)
            self.assertEqual(len(a.documents), 4)
            for d in a.documents:
                self.assertEqual(d.content, b"", "Application must carry documents without content")
                self.assertEqual(len(d.sha256), 64)
            x["app_id"] = a.id
        # Steps 2-4: each head finds the case in the inbox and forwards it.
        for role in ("HEAD_OF_AGENCY", "HEAD_OF_DIVISION", "HEAD_OF_SECTION"):
            for label, x in apps.items():
                entry = s.wait_in_inbox(role, x["app_id"])
                self.assertTrue(entry.HasField("due_at"), "inbox entries carry due_at")
                c = s.forward(role, x["app_id"])
                self.assertEqual(c.application_id, x["app_id"])
        # Step 5: the verifier checks every item and sends it to the CA.
        for label, x in apps.items():
            c = s.verify(x["app_id"])
            self.assertEqual(c.status, m.disposition_pb2.CASE_STATUS_SENT_TO_CA)
        # The certificate service mails the activation code to the applicant.
        for label, x in apps.items():
            x["code"] = s.wait_activation_code(x["applicant"].email, timeout=30)
            self.assertTrue(x["code"])
            self.wait_status(x["app_id"], "AWAITING_PASSPHRASE")
        # Issue 18 (SERTEL_CERTIFICATE_CODE_CHANNELS=email,whatsapp for this suite): the code also
        # reached B's phone as Meta's AUTHENTICATION template with its copy-code button; B types
        # the code from WhatsApp.
        b_digits = apps["B"]["applicant"].phone.lstrip("+")
        otp = sc.wait_until(
            lambda: [x for x in sc.read_whatsapp(s.home)
                     if x.get("request", {}).get("to") == b_digits
                     and x["request"]["template"]["name"] == "sertel_kode_aktivasi"],
            timeout=30, what="the activation code by WhatsApp")
        comps = otp[0]["request"]["template"]["components"]
        body = [c for c in comps if c["type"] == "body"][0]["parameters"]
        button = [c for c in comps if c["type"] == "button"][0]
        self.assertEqual(len(body), 1, "an AUTHENTICATION template takes the code only")
        self.assertEqual(button["parameters"][0]["text"], body[0]["text"])
        self.assertEqual(body[0]["text"].replace("-", ""), apps["B"]["code"].replace("-", ""))
        apps["B"]["code"] = button["parameters"][0]["text"]
        # Step 6: the owner enters the passphrase with the code.
        for label, x in apps.items():
            cert = s.certificate.SetPassphrase(
                m.certificate_pb2.SetPassphraseRequest(
                    application_id=x["app_id"], activation_code=x["code"],
                    passphrase=sc.STRONG_PASSPHRASE),
                metadata=s.md("APPLICANT", nik=x["applicant"].nik), timeout=60)
            self.assertEqual(cert.nik, x["applicant"].nik)
            self.assertEqual(cert.email, x["applicant"].email)
            self.assertIn("BEGIN CERTIFICATE", cert.certificate_pem)
            self.assertEqual(cert.status, m.certificate_pb2.CERTIFICATE_STATUS_VALID)
            # Issue 21: the new key signed a test document that verified for its holder.
            self.assertEqual(cert.proof_of_use.indication,
                             m.certificate_pb2.PROOF_INDICATION_PASSED, str(cert.proof_of_use))
            self.assertEqual([c.name for c in cert.proof_of_use.checks if not c.passed], [])
            x["serial"] = cert.serial
        # Step 7: the verifier hands it over, A by email, B by WhatsApp.
        for label, x in apps.items():
            e = s.certificate.HandOver(
                m.certificate_pb2.HandOverRequest(application_id=x["app_id"],
                                                  channel=x["channel"]),
                metadata=s.md("VERIFIER"), timeout=30)
            self.assertEqual(e.status, m.certificate_pb2.ENROLLMENT_STATUS_HANDED_OVER)

        # A: an email with a .p12 attachment that opens with the passphrase (and not without).
        a = apps["A"]
        mails = s.wait_mail(a["applicant"].email,
                            lambda x: any((n or "").lower().endswith(".p12")
                                          for n, _, _ in x.attachments()),
                            what="the hand-over email with a .p12")
        self.assertEqual(len(mails), 1, "exactly one hand-over email")
        p12s = [c for n, _, c in mails[0].attachments() if (n or "").lower().endswith(".p12")]
        self.assertEqual(len(p12s), 1)
        a["emailed_p12"] = p12s[0]
        self.assertNotIn(sc.STRONG_PASSPHRASE, mails[0].text(), "the passphrase is never sent")
        opens, wrong_refused, info = sc.openssl_pkcs12_opens(p12s[0], sc.STRONG_PASSPHRASE)
        self.assertTrue(opens, "the mailed PKCS#12 opens with the passphrase:\n" + info)
        self.assertTrue(wrong_refused, "the mailed PKCS#12 must not open with a wrong passphrase")

        # B (issue 18): the WhatsApp template carries the one-time link's token in its URL
        # button, never the keystore; the link gives the PKCS#12 once, then 410.
        b = apps["B"]
        digits = b["applicant"].phone.lstrip("+")
        msgs = sc.wait_until(
            lambda: [x for x in sc.read_whatsapp(s.home)
                     if x.get("request", {}).get("to") == digits
                     and x["request"]["template"]["name"] == "sertel_serah_terima"],
            timeout=30, what="the hand-over WhatsApp message to %s" % digits)
        self.assertEqual(len(msgs), 1, "exactly one hand-over WhatsApp message to B")
        self.assertFalse(msgs[0].get("media"), "nothing in Meta's media store: %r" % msgs[0])
        tmpl = msgs[0]["request"]["template"]
        self.assertEqual(tmpl["name"], "sertel_serah_terima")
        buttons = [c for c in tmpl["components"] if c.get("type") == "button"]
        self.assertEqual(len(buttons), 1, str(tmpl))
        token = buttons[0]["parameters"][0]["text"]
        link = "%s/%s" % (s.download_base, token)
        status, body, headers = sc.fetch_link(link, s.ca_file)
        self.assertEqual(status, 200, body[:200])
        self.assertIn("attachment", headers.get("Content-Disposition", ""))
        opens, wrong_refused, info = sc.openssl_pkcs12_opens(body, sc.STRONG_PASSPHRASE)
        self.assertTrue(opens, "the downloaded PKCS#12 opens with the passphrase:\n" + info)
        self.assertTrue(wrong_refused, "and not with a wrong one")
        self.assertEqual(sc.fetch_link(link, s.ca_file)[0], 410, "a link gives it once")
        self.assertEqual(sc.fetch_link(s.download_base + "/" + "A" * 43, s.ca_file)[0], 404)
        # The stub reported delivery by signed webhook, and the notification service took it.
        delivered = sc.wait_until(
            lambda: [w for w in sc.read_whatsapp_webhooks(s.home)
                     if w.get("event") in ("delivered", "read") and w.get("status_code") == 200],
            timeout=30, what="the delivery report taken by the webhook")
        self.assertTrue(delivered)
        # Nothing was sent to B's email with a keystore.
        self.assertFalse([x for x in s.mails_to(b["applicant"].email) if x.attachments()],
                         "B chose WhatsApp: no keystore by email")

        for label, x in apps.items():
            app = self.wait_status(x["app_id"], "HANDED_OVER")
            self.assertEqual(app.current_step, k.STEP_HANDOVER)
            self.assertGreater(len(app.timeline), 0)
            steps = {t.step for t in app.timeline}
            for st in (k.STEP_SUBMISSION, k.STEP_HEAD_OF_AGENCY_REVIEW,
                       k.STEP_HEAD_OF_DIVISION_REVIEW, k.STEP_HEAD_OF_SECTION_REVIEW,
                       k.STEP_VERIFICATION):
                self.assertIn(st, steps, "%s's timeline has step %s" % (label, k.Step.Name(st)))
            # The applicant sees it too.
            own = s.get_application(x["app_id"], role="APPLICANT", nik=x["applicant"].nik)
            self.assertEqual(own.status, k.APPLICATION_STATUS_HANDED_OVER)

            ks = s.certificate.DownloadKeystore(
                m.certificate_pb2.DownloadKeystoreRequest(application_id=x["app_id"]),
                metadata=s.md("APPLICANT", nik=x["applicant"].nik), timeout=15)
            self.assertTrue(ks.pkcs12)
            self.assertIn("BEGIN CERTIFICATE", ks.certificate_pem)
            opens, _, info = sc.openssl_pkcs12_opens(ks.pkcs12, sc.STRONG_PASSPHRASE)
            self.assertTrue(opens, "the downloaded PKCS#12 opens with the passphrase:\n" + info)

            ok = s.certificate.CheckCertificate(
                m.certificate_pb2.CheckCertificateRequest(certificate_pem=ks.certificate_pem,
                                                          expected_nik=x["applicant"].nik),
                metadata=s.md("AUDITOR"), timeout=15)
            self.assertTrue(ok.ok, "the certificate matches its holder: %s" % ok)
            self.assertEqual(len(ok.findings), 0)

            other_nik = sc.make_nik(999)
            bad = s.certificate.CheckCertificate(
                m.certificate_pb2.CheckCertificateRequest(certificate_pem=ks.certificate_pem,
                                                          expected_nik=other_nik),
                metadata=s.md("AUDITOR"), timeout=15)
            self.assertFalse(bad.ok)
            self.assertIn(m.certificate_pb2.FINDING_CODE_NIK_MISMATCH,
                          [f.code for f in bad.findings], str(bad))

        stats = s.certificate.GetStatistics(m.certificate_pb2.GetStatisticsRequest(),
                                            metadata=s.md("AUDITOR"), timeout=15)
        self.assertEqual(stats.holders_with_valid_certificate, 2, str(stats))
        SopEndToEnd.happy = {label: x for label, x in apps.items()}

    # -- 2. return and resubmit ----------------------------------------------------------------
    def test_2_return_and_resubmit(self):
        s, m = self.s, self.m
        k = m.common_pb2
        applicant = sc.make_applicant(m, 103, "C")
        app_id = s.submit(applicant).id
        s.forward("HEAD_OF_AGENCY", app_id)
        s.wait_in_inbox("HEAD_OF_DIVISION", app_id)
        version = s.get_case(app_id, role="HEAD_OF_DIVISION").version
        c = s.disposition.Return(
            m.disposition_pb2.ReturnRequest(
                application_id=app_id, expected_version=version,
                reason="Fotokopi KTP tidak terbaca", missing_documents=[k.DOCUMENT_KIND_KTP_COPY]),
            metadata=s.md("HEAD_OF_DIVISION"), timeout=15)
        self.assertEqual(c.status, m.disposition_pb2.CASE_STATUS_RETURNED)

        app = self.wait_status(app_id, "RETURNED")
        self.assertIn(k.DOCUMENT_KIND_KTP_COPY, list(app.missing_documents))
        self.assertIn("KTP", app.return_reason)
        mail = s.wait_mail(applicant.email, lambda x: "dikembalikan" in x.subject.lower(),
                           what="the APPLICATION_RETURNED email")[0]
        body = mail.text()
        self.assertIn(app_id, body)
        self.assertIn("Fotokopi KTP tidak terbaca", body)
        self.assertIn("fotokopi KTP", body)  # the missing document, by its label
        # Not in anybody's inbox while returned.
        self.assertNotIn(app_id, [x.application_id for x in s.inbox("HEAD_OF_DIVISION")])

        new_ktp = k.Document(kind=k.DOCUMENT_KIND_KTP_COPY, filename="ktp-baru.png",
                             content_type="image/png", content=sc.make_png(8, 5, seed=77))
        r = s.intake.ResubmitDocuments(
            m.intake_pb2.ResubmitDocumentsRequest(application_id=app_id, documents=[new_ktp],
                                                  request_id="py-e2e-resubmit-" + app_id),
            metadata=s.md("APPLICANT", nik=applicant.nik), timeout=15)
        self.assertEqual(r.id, app_id)
        # Routing resumes at the step that returned it: the head of division's inbox.
        s.wait_in_inbox("HEAD_OF_DIVISION", app_id, timeout=30)
        case = s.get_case(app_id)
        self.assertEqual(case.current_step, k.STEP_HEAD_OF_DIVISION_REVIEW)
        self.assertEqual(case.status, m.disposition_pb2.CASE_STATUS_IN_REVIEW)
        self.wait_status(app_id, "IN_REVIEW")
        doc = s.intake.GetDocument(
            m.intake_pb2.GetDocumentRequest(application_id=app_id, kind=k.DOCUMENT_KIND_KTP_COPY),
            metadata=s.md("HEAD_OF_DIVISION"), timeout=15)
        self.assertEqual(doc.content, new_ktp.content, "the reviewer sees the new KTP copy")
        # ... and can be forwarded on.
        s.forward("HEAD_OF_DIVISION", app_id)
        s.wait_in_inbox("HEAD_OF_SECTION", app_id)
        s.forward("HEAD_OF_SECTION", app_id)
        s.wait_in_inbox("VERIFIER", app_id)
        self.assertEqual(s.get_case(app_id).current_step, k.STEP_VERIFICATION)

    # -- 3. reject -----------------------------------------------------------------------------
    def test_3_reject(self):
        s, m = self.s, self.m
        k = m.common_pb2
        applicant = sc.make_applicant(m, 104, "D")
        app_id = s.submit(applicant).id
        s.wait_in_inbox("HEAD_OF_AGENCY", app_id)
        version = s.get_case(app_id, role="HEAD_OF_AGENCY").version
        c = s.disposition.Reject(
            m.disposition_pb2.RejectRequest(application_id=app_id, expected_version=version,
                                            reason="Pemohon bukan pegawai Pemerintah Kota"),
            metadata=s.md("HEAD_OF_AGENCY"), timeout=15)
        self.assertEqual(c.status, m.disposition_pb2.CASE_STATUS_REJECTED)
        app = self.wait_status(app_id, "REJECTED")
        self.assertEqual(app.current_step, k.STEP_HEAD_OF_AGENCY_REVIEW,
                         "rejected where it stood")
        mail = s.wait_mail(applicant.email, lambda x: "ditolak" in x.subject.lower(),
                           what="the APPLICATION_REJECTED email")[0]
        self.assertIn("Pemohon bukan pegawai Pemerintah Kota", mail.text())
        version = s.get_case(app_id, role="HEAD_OF_AGENCY").version
        self.assertRpcError(
            self.grpc.StatusCode.FAILED_PRECONDITION, s.disposition.Forward,
            m.disposition_pb2.ForwardRequest(application_id=app_id, expected_version=version,
                                             note="terlanjur"),
            metadata=s.md("HEAD_OF_AGENCY"), timeout=15)
        self.assertNotIn(app_id, [x.application_id for x in s.inbox("HEAD_OF_AGENCY")])

    # -- 4. bad input through the real stack --------------------------------------------------
    def test_4_bad_input(self):
        s, m = self.s, self.m
        k = m.common_pb2
        code = self.grpc.StatusCode
        applicant = sc.make_applicant(m, 105, "F")
        # No token.
        self.assertRpcError(code.UNAUTHENTICATED, s.intake.GetApplication,
                            m.intake_pb2.GetApplicationRequest(id="whatever"), timeout=10)
        self.assertRpcError(code.UNAUTHENTICATED, s.disposition.ListInbox,
                            m.disposition_pb2.ListInboxRequest(), timeout=10)
        self.assertRpcError(
            code.UNAUTHENTICATED, s.intake.SubmitApplication,
            m.intake_pb2.SubmitApplicationRequest(request_id="py-e2e-" + uuid.uuid4().hex,
                                                  applicant=applicant,
                                                  documents=sc.four_documents(m)), timeout=10)
        # A token signed by some other key, an expired one, one for another audience.
        with tempfile.TemporaryDirectory() as d:
            other_key = os.path.join(d, "other-key.pem")
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                            "rsa_keygen_bits:2048", "-out", other_key], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            forged = sc.mint_jwt(other_key, "AUDITOR")
        expired = sc.mint_jwt(s.key, "AUDITOR", lifetime=-300)
        for bad_token in (forged, expired, "not-a-jwt"):
            self.assertRpcError(code.UNAUTHENTICATED, s.intake.GetApplication,
                                m.intake_pb2.GetApplicationRequest(id="whatever"),
                                metadata=[("authorization", "Bearer " + bad_token)], timeout=10)

        app_id = s.submit(applicant).id
        # An applicant touching another person's application.
        other = sc.make_nik(106)
        self.assertRpcError(code.PERMISSION_DENIED, s.intake.GetApplication,
                            m.intake_pb2.GetApplicationRequest(id=app_id),
                            metadata=s.md("APPLICANT", nik=other), timeout=10)
        self.assertRpcError(
            code.PERMISSION_DENIED, s.intake.WithdrawApplication,
            m.intake_pb2.WithdrawApplicationRequest(application_id=app_id, reason="bukan saya"),
            metadata=s.md("APPLICANT", nik=other), timeout=10)
        # A role that may not forward.
        s.wait_in_inbox("HEAD_OF_AGENCY", app_id)
        version = s.get_case(app_id).version
        self.assertRpcError(
            code.PERMISSION_DENIED, s.disposition.Forward,
            m.disposition_pb2.ForwardRequest(application_id=app_id, expected_version=version),
            metadata=s.md("APPLICANT", nik=applicant.nik), timeout=10)
        # A stale expected_version: the version the case had before the head of agency
        # forwarded it. The version check comes before the step's role check, so both the next
        # head and the one who just forwarded get ABORTED.
        s.forward("HEAD_OF_AGENCY", app_id)
        self.assertGreater(s.get_case(app_id).version, version)
        for role in ("HEAD_OF_DIVISION", "HEAD_OF_AGENCY"):
            self.assertRpcError(
                code.ABORTED, s.disposition.Forward,
                m.disposition_pb2.ForwardRequest(application_id=app_id, expected_version=version,
                                                 note="stale"),
                metadata=s.md(role), timeout=10)
        # Nothing moved: the case still waits for the head of division.
        self.assertEqual(s.get_case(app_id).current_step, k.STEP_HEAD_OF_DIVISION_REVIEW)
        # A document that is not a PDF, JPEG or PNG (a PDF by its name only), and a bad phone:
        # INVALID_ARGUMENT, with every violation in a google.rpc.BadRequest.
        docs = sc.four_documents(m)
        docs[1].filename = "formulir.pdf"
        docs[1].content_type = "application/pdf"
        docs[1].content = b"MZ\x90\x00 this is not a PDF at all, just bytes named .pdf"
        bad = sc.make_applicant(m, 107, "G")
        bad.phone = "0812-3456"
        req = m.intake_pb2.SubmitApplicationRequest(request_id="py-e2e-" + uuid.uuid4().hex,
                                                    applicant=bad, documents=docs)
        err = self.assertRpcError(code.INVALID_ARGUMENT, s.intake.SubmitApplication, req,
                                  metadata=s.md("APPLICANT", nik=bad.nik), timeout=10)
        status = sc.rpc_error_details(err)
        self.assertIsNotNone(status, "grpc-status-details-bin trailer with a google.rpc.Status")
        self.assertEqual(status.code, code.INVALID_ARGUMENT.value[0])
        self.assertEqual(status.message, err.details())
        fields = dict(sc.bad_request_fields(err))
        self.assertIn("documents[1].content", fields, fields)
        self.assertIn("applicant.phone", fields, "all violations at once: %s" % fields)
        # Nothing was stored for it.
        listed = s.intake.ListApplications(m.intake_pb2.ListApplicationsRequest(nik=bad.nik),
                                           metadata=s.md("AUDITOR"), timeout=10)
        self.assertEqual(len(listed.applications), 0)
        # An unknown application.
        self.assertRpcError(code.NOT_FOUND, s.disposition.GetCase,
                            m.disposition_pb2.GetCaseRequest(application_id=str(uuid.uuid4())),
                            metadata=s.md("AUDITOR"), timeout=10)

    # -- 5. a document signed with the keystore handed over by email (after test_1) -----------
    def test_5_document_signed_with_the_handed_over_keystore(self):
        """Issue 21: the holder imports the emailed PKCS#12 into NSS and signs a PDF with
        pdfsig; VerifyDocument names the holder (TOTAL_PASSED), a changed byte is TOTAL_FAILED,
        a self-made certificate is NOT_ISSUED_BY_CA, and after a revocation a new check reports
        it (the revocation revokes A: test_8 and test_9 only read its timeline)."""
        if len(SopEndToEnd.happy) != 2:
            self.skipTest("the happy path did not complete")
        s, m = self.s, self.m
        c = m.certificate_pb2
        a = SopEndToEnd.happy["A"]
        pdf = sc.make_pdf("surat tugas nomor 800/123")
        signed = sc.sign_pdf_with_nss(a["emailed_p12"], sc.STRONG_PASSPHRASE, pdf)

        def verify(doc, nik=""):
            return s.certificate.VerifyDocument(c.VerifyDocumentRequest(pdf=doc, expected_nik=nik),
                                                metadata=s.md("AUDITOR"), timeout=30)
        v = verify(signed, a["applicant"].nik)
        self.assertEqual(v.indication, c.INDICATION_TOTAL_PASSED, str(v))
        self.assertEqual(len(v.signatures), 1)
        self.assertEqual(v.signatures[0].signer.full_name, a["applicant"].full_name)
        self.assertEqual(v.signatures[0].signer.nik, a["applicant"].nik)
        self.assertEqual(v.signatures[0].signer.serial, a["serial"])

        tampered = signed.replace(b"800/123", b"800/124", 1)
        self.assertNotEqual(tampered, signed)
        t = verify(tampered, a["applicant"].nik)
        self.assertEqual(t.indication, c.INDICATION_TOTAL_FAILED, str(t))
        self.assertFalse(t.signatures[0].intact)

        forged = sc.sign_pdf_with_nss(sc.self_made_p12(a["applicant"].full_name,
                                                       a["applicant"].nik, "Uji-1"), "Uji-1", pdf)
        f = verify(forged, a["applicant"].nik)
        self.assertNotEqual(f.indication, c.INDICATION_TOTAL_PASSED, str(f))
        self.assertFalse(f.signatures[0].issued_by_ca)
        self.assertIn(c.FINDING_CODE_NOT_ISSUED_BY_CA, [x.code for x in f.signatures[0].findings])

        s.certificate.RevokeCertificate(
            c.RevokeCertificateRequest(serial=a["serial"],
                                       reason=c.REVOCATION_REASON_KEY_COMPROMISE),
            metadata=s.md("VERIFIER"), timeout=15)
        r = verify(signed, a["applicant"].nik)
        self.assertNotEqual(r.indication, c.INDICATION_TOTAL_PASSED, str(r))
        self.assertEqual(r.signatures[0].status_now, c.CERTIFICATE_STATUS_REVOKED, str(r))
        self.assertIn(c.FINDING_CODE_REVOKED, [x.code for x in r.signatures[0].findings])

    # -- 8. the timeline of a handed-over application (after test_1) ---------------------------
    def test_8_timeline_covers_all_seven_steps(self):
        if len(SopEndToEnd.happy) != 2:
            self.skipTest("the happy path did not complete")
        k = self.m.common_pb2
        for label, x in sorted(SopEndToEnd.happy.items()):
            app = self.s.get_application(x["app_id"])
            shown = ["%s %s %s" % (k.Step.Name(t.step), t.action, t.actor_role)
                     for t in app.timeline]
            steps = {t.step for t in app.timeline}
            missing = [k.Step.Name(st) for st in range(1, 8) if st not in steps]
            self.assertEqual(missing, [], "%s: GetApplication's timeline covers all seven SOP "
                             "steps; it has:\n  %s" % (label, "\n  ".join(shown)))
            for t in app.timeline:
                self.assertTrue(t.HasField("at"), "every timeline entry has its time: %s" % t)

    # -- 9. the SLA report (after test_1) -----------------------------------------------------
    def test_9_sla_report_lists_every_sop_step(self):
        if len(SopEndToEnd.happy) != 2:
            self.skipTest("the happy path did not complete")
        s, m = self.s, self.m
        k = m.common_pb2
        from google.protobuf import timestamp_pb2
        frm, to = timestamp_pb2.Timestamp(), timestamp_pb2.Timestamp()
        frm.FromSeconds(int(self.started_at) - 3600)
        to.FromSeconds(int(time.time()) + 3600)
        r = s.disposition.GetSlaReport(m.common_pb2.GetSlaReportRequest(**{"from": frm,
                                                                                "to": to}),
                                       metadata=s.md("AUDITOR"), timeout=15)
        by_step = {x.step: x for x in r.steps}
        listed = sorted(k.Step.Name(x) for x in by_step)
        for st in (k.STEP_HEAD_OF_AGENCY_REVIEW, k.STEP_HEAD_OF_DIVISION_REVIEW,
                   k.STEP_HEAD_OF_SECTION_REVIEW, k.STEP_VERIFICATION):
            self.assertIn(st, by_step, "SLA report lists %s (listed: %s)" % (k.Step.Name(st),
                                                                           listed))
            self.assertGreaterEqual(by_step[st].count, 2, str(by_step[st]))
        # The SOP has seven steps; the report must cover all of them (steps 1, 6 and 7 too).
        missing = [k.Step.Name(st) for st in range(1, 8) if st not in by_step]
        self.assertEqual(missing, [], "SLA report must list every SOP step 1..7; listed: %s"
                         % listed)
        for st in (k.STEP_SUBMISSION, k.STEP_PASSPHRASE, k.STEP_HANDOVER):
            self.assertGreaterEqual(by_step[st].count, 2, str(by_step[st]))


if __name__ == "__main__":
    try:
        prog = unittest.main(argv=UNITTEST_ARGV, verbosity=2, exit=False)
        ok = prog.result.wasSuccessful()
    finally:
        if SUITE is not None:
            SUITE.close()
    sys.exit(0 if ok else 1)
