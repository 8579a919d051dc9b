"""Applications moved to a given SOP step through the suite's public APIs, for the chaos
scenarios: each one a new applicant (NIK, NIP, email and phone unique to this run)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "python"))
import sertel_client as sc  # noqa: E402

HEADS = ("HEAD_OF_AGENCY", "HEAD_OF_DIVISION", "HEAD_OF_SECTION")


class Walker:
    """Makes applications and walks them: submitted (in the head of agency's inbox), at the
    verifier (step 5), awaiting the passphrase (step 6, the code received), issued (step 7)."""

    # make_nik and the phone number take four digits of serial.
    FIRST_SERIAL, LAST_SERIAL = 100, 9999

    def __init__(self, suite):
        self.s = suite
        self.m = suite.m
        self.next_serial = self.FIRST_SERIAL
        self.serials = []  # of every certificate issued through set_passphrase

    def applicant(self, label):
        if self.next_serial % 1000 == 0:
            self.next_serial += 1  # a NIP's last three digits are never 000
        if self.next_serial > self.LAST_SERIAL:
            raise RuntimeError("more applications than this runner has applicants for")
        # A name takes letters only: the serial's digits as letters (100 -> "baa").
        tag = "".join(chr(ord("a") + int(d)) for d in str(self.next_serial))
        a = sc.make_applicant(self.m, self.next_serial % 1000, label + tag)
        # make_applicant's NIP holds three digits of serial; the appointment's month (digits
        # 13-14 of the 18) holds the thousands, so every NIP stays valid and unique.
        a.nik = sc.make_nik(self.next_serial)
        a.nip = "19900101201%d%02d2%03d" % (self.next_serial // 12000, 1 + self.next_serial // 1000
                                            % 12, self.next_serial % 1000)
        a.email = "pemohon.%s.%d@kota.go.id" % ((label + tag).lower(), self.next_serial)
        a.phone = "+628123456%04d" % self.next_serial
        self.next_serial += 1
        return a

    def submitted(self, label):
        a = self.applicant(label)
        app = self.s.submit(a)
        self.s.wait_in_inbox("HEAD_OF_AGENCY", app.id)
        return {"app_id": app.id, "applicant": a}

    def at_verifier(self, label):
        x = self.submitted(label)
        self.s.forward_to_verifier(x["app_id"])
        self.s.wait_in_inbox("VERIFIER", x["app_id"])
        return x

    def awaiting_passphrase(self, label):
        x = self.at_verifier(label)
        self.s.verify(x["app_id"])
        x["code"] = self.s.wait_activation_code(x["applicant"].email, timeout=60)
        return x

    def issued(self, label):
        x = self.awaiting_passphrase(label)
        cert = self.set_passphrase(x)
        x["serial"] = cert.serial
        return x

    def set_passphrase(self, x, request_id=""):
        cert = self.s.certificate.SetPassphrase(
            self.m.certificate_pb2.SetPassphraseRequest(
                application_id=x["app_id"], activation_code=x["code"],
                passphrase=sc.STRONG_PASSPHRASE, request_id=request_id),
            metadata=self.s.md("APPLICANT", nik=x["applicant"].nik), timeout=60)
        self.serials.append(cert.serial)
        return cert
