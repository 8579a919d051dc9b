"""Issue 23, 2: two officials (or two devices) acting on the same case at the same moment.
Each round makes a fresh application at the right step, releases both calls together (a
barrier) and checks that exactly one wins, the loser is ABORTED or FAILED_PRECONDITION, the
case moved exactly one step, and the CA signed at most one certificate for the enrollment
(counted on the certificate service's sertel_ca_certificates_signed_total)."""
import os
import threading
import urllib.request

import sertel_client as sc

LOSER_CODES = ("ABORTED", "FAILED_PRECONDITION")


def race(first, second):
    """Runs both calls at once; their outcomes, 'OK' or the gRPC code's name."""
    import grpc
    barrier = threading.Barrier(2)
    out = [None, None]

    def run(i, fn):
        barrier.wait(timeout=30)
        try:
            fn()
            out[i] = "OK"
        except grpc.RpcError as e:
            out[i] = e.code().name
    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return tuple(out)


def ca_signatures():
    """Certificates the certificate service's CA signed since the process started."""
    port = int(os.environ["SERTEL_CERTIFICATE_ADDRESS"].rsplit(":", 1)[1]) + 1000
    text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10).read()
    return sum(float(line.split()[-1]) for line in text.decode().splitlines()
               if line.startswith("sertel_ca_certificates_signed_total"))


class Races:
    def __init__(self, walker):
        self.w = walker
        self.s = walker.s
        self.m = walker.m

    # -- the calls ------------------------------------------------------------------------------
    def forward(self, x, version, sub):
        d = self.m.disposition_pb2
        return lambda: self.s.disposition.Forward(
            d.ForwardRequest(application_id=x["app_id"], expected_version=version,
                             note="diteruskan oleh %s" % sub),
            metadata=self.s.md("HEAD_OF_AGENCY", sub=sub), timeout=30)

    def give_back(self, x, version):
        d, k = self.m.disposition_pb2, self.m.common_pb2
        return lambda: self.s.disposition.Return(
            d.ReturnRequest(application_id=x["app_id"], expected_version=version,
                            reason="SK belum dilegalisir",
                            missing_documents=[k.DOCUMENT_KIND_SK_COPY]),
            metadata=self.s.md("HEAD_OF_AGENCY", sub="kadis-b"), timeout=30)

    def verify(self, x, version):
        d = self.m.disposition_pb2
        return lambda: self.s.disposition.Verify(
            d.VerifyRequest(application_id=x["app_id"], expected_version=version,
                            checklist=sc.complete_checklist(self.m), note="lengkap"),
            metadata=self.s.md("VERIFIER"), timeout=30)

    def withdraw(self, x):
        i = self.m.intake_pb2
        return lambda: self.s.intake.WithdrawApplication(
            i.WithdrawApplicationRequest(application_id=x["app_id"], reason="tidak jadi"),
            metadata=self.s.md("APPLICANT", nik=x["applicant"].nik), timeout=30)

    def hand_over(self, x):
        c, k = self.m.certificate_pb2, self.m.common_pb2
        return lambda: self.s.certificate.HandOver(
            c.HandOverRequest(application_id=x["app_id"], channel=k.CHANNEL_EMAIL),
            metadata=self.s.md("VERIFIER"), timeout=30)

    def revoke(self, x):
        c = self.m.certificate_pb2
        return lambda: self.s.certificate.RevokeCertificate(
            c.RevokeCertificateRequest(serial=x["serial"],
                                       reason=c.REVOCATION_REASON_KEY_COMPROMISE),
            metadata=self.s.md("VERIFIER"), timeout=30)

    # -- one round of each pair: (outcomes, what is wrong or "") -------------------------------
    def one_step(self, x, before):
        after = self.s.get_case(x["app_id"]).version
        return "" if after == before + 1 else "the case moved %d versions" % (after - before)

    def forward_forward(self, n):
        x = self.w.submitted("RaceFF")
        v = self.s.get_case(x["app_id"]).version
        out = race(self.forward(x, v, "kadis-a"), self.forward(x, v, "kadis-b"))
        return out, self.one_step(x, v)

    def forward_return(self, n):
        x = self.w.submitted("RaceFR")
        v = self.s.get_case(x["app_id"]).version
        out = race(self.forward(x, v, "kadis-a"), self.give_back(x, v))
        return out, self.one_step(x, v)

    def verify_withdraw(self, n):
        x = self.w.at_verifier("RaceVW")
        v = self.s.get_case(x["app_id"]).version
        out = race(self.verify(x, v), self.withdraw(x))
        status = self.m.common_pb2.ApplicationStatus.Name(self.s.get_application(x["app_id"]).status)
        withdrawn = "WITHDRAWN" in status
        if out[0] == "OK" and withdrawn:
            return out, "verified, yet the application is %s" % status
        if out[1] == "OK" and not withdrawn:
            return out, "withdrawn, yet the application is %s" % status
        return out, ""

    def passphrase_passphrase(self, n):
        x = self.w.awaiting_passphrase("RacePP")
        signed = ca_signatures()
        out = race(lambda: self.w.set_passphrase(x, "race-%d-a" % n),
                   lambda: self.w.set_passphrase(x, "race-%d-b" % n))
        extra = ca_signatures() - signed - 1
        return out, ("the CA signed %d more certificate(s) than it kept" % extra) if extra else ""

    def handover_revoke(self, n):
        x = self.w.issued("RaceHR")
        out = race(self.hand_over(x), self.revoke(x))
        e = self.s.certificate.GetEnrollment(
            self.m.certificate_pb2.GetEnrollmentRequest(application_id=x["app_id"]),
            metadata=self.s.md("VERIFIER"), timeout=10)
        at = {t.action: t.at.ToNanoseconds() for t in e.timeline}
        # A revoked certificate is never handed over: both may succeed only in that order.
        if out == ("OK", "OK"):
            return ("OK", "HANDED_OVER_FIRST"), (
                "" if at.get("HANDED_OVER", 0) <= at.get("REVOKED", 0)
                else "handed over after its revocation")
        return out, ""

    PAIRS = (("Forward/Forward", "forward_forward"), ("Forward/Return", "forward_return"),
             ("Verify/Withdraw", "verify_withdraw"),
             ("SetPassphrase/SetPassphrase", "passphrase_passphrase"),
             ("HandOver/Revoke", "handover_revoke"))

    def run(self, rounds):
        """One figure row per pair: rounds, one winner, wrong (with the first few reasons)."""
        rows = []
        for name, method in self.PAIRS:
            row = {"pair": name, "rounds": 0, "one_winner": 0, "in_order": 0, "wrong": 0,
                   "examples": []}
            for n in range(rounds):
                out, wrong = getattr(self, method)(n)
                row["rounds"] += 1
                winners = [o for o in out if o == "OK"]
                if out == ("OK", "HANDED_OVER_FIRST"):
                    row["in_order"] += 1
                elif len(winners) != 1 or any(o not in ("OK",) + LOSER_CODES for o in out):
                    wrong = wrong or "outcomes %s" % (out,)
                else:
                    row["one_winner"] += 1
                if wrong:
                    row["wrong"] += 1
                    if len(row["examples"]) < 3:
                        row["examples"].append(wrong)
            rows.append(row)
        return rows
