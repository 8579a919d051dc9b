"""Issue 23, 1: crash anywhere. Applications are driven through all seven steps by concurrent
clients while a controller SIGKILLs a random service (and restarts it, as an orchestrator
would) at random moments, restarts PostgreSQL once with `pg_ctl -m immediate`, and stops the
SMTP sink and the WhatsApp stub for a while. Each client is what a careful caller is: it reads
where its application stands and does the next step, with the same request_id on a retry, so a
reply lost in a crash never makes it act twice. Afterwards every application must have reached
HANDED_OVER, every email and WhatsApp message it is owed must have arrived once (a resent email
with the same Message-ID, which a mail client drops, is counted apart), every audit chain must
verify and the holder count must have grown by the certificates handed over."""
import glob
import os
import queue
import random
import signal
import subprocess
import threading
import time

import sertel_client as sc
from scenario_tokens import psql

SERVICES = ("intake", "disposition", "certificate", "notification")
TRANSIENT = ("UNAVAILABLE", "DEADLINE_EXCEEDED", "ABORTED", "INTERNAL", "UNKNOWN",
             "RESOURCE_EXHAUSTED", "CANCELLED")
STEP_ROLE = {2: "HEAD_OF_AGENCY", 3: "HEAD_OF_DIVISION", 4: "HEAD_OF_SECTION"}


class MailIndex:
    """The sink's mail, read incrementally: {recipient: [(Message-ID, subject, has .p12,
    activation code)]}."""

    def __init__(self, home):
        self.dir = os.path.join(home, "mail")
        self.seen = set()
        self.by_rcpt = {}
        self.lock = threading.Lock()

    def refresh(self):
        with self.lock:
            for path in sorted(glob.glob(os.path.join(self.dir, "*.eml"))):
                if path in self.seen:
                    continue
                self.seen.add(path)
                m = sc.Mail(path)
                p12 = any((n or "").lower().endswith(".p12") for n, _, _ in m.attachments())
                entry = (str(m.msg.get("Message-ID", "")), m.subject, p12, m.activation_code())
                for r in m.rcpt_to or [m.to]:
                    self.by_rcpt.setdefault(r, []).append(entry)

    def of(self, recipient):
        self.refresh()
        with self.lock:
            return list(self.by_rcpt.get(recipient.lower(), []))


class Driver:
    """Moves one application on, one step per call, from wherever it stands."""

    def __init__(self, suite, mails, n, applicant, channel):
        self.s, self.m, self.mails = suite, suite.m, mails
        self.n, self.a, self.channel = n, applicant, channel
        self.app_id = None
        self.done = False
        self.last = ""  # what its latest step did, or the error it met (for a stuck one)

    def md(self, role):
        if role == "APPLICANT":
            return self.s.md("APPLICANT", nik=self.a.nik)
        return self.s.md(role)

    def code(self):
        codes = [c for _, _, _, c in self.mails.of(self.a.email) if c]
        return codes[-1] if codes else None

    def step(self):
        """One action; returns what it did ("wait" when the suite has to move first)."""
        m = self.m
        if self.app_id is None:
            req = m.intake_pb2.SubmitApplicationRequest(
                request_id="chaos-crash-%d" % self.n, applicant=self.a,
                documents=sc.four_documents(m), note="chaos")
            self.app_id = self.s.intake.SubmitApplication(req, metadata=self.md("APPLICANT"),
                                                          timeout=20).id
            return "submitted"
        try:
            case = self.s.disposition.GetCase(
                m.disposition_pb2.GetCaseRequest(application_id=self.app_id),
                metadata=self.md("AUDITOR"), timeout=20)
        except self.s.grpc.RpcError as e:
            if e.code().name == "NOT_FOUND":
                return "wait"  # intake's OpenCase is still in its outbox
            raise
        d = m.disposition_pb2
        if case.status == d.CASE_STATUS_IN_REVIEW:
            step = int(case.current_step)
            if step in STEP_ROLE:
                self.s.disposition.Forward(
                    d.ForwardRequest(application_id=self.app_id, expected_version=case.version,
                                     note="diteruskan"),
                    metadata=self.md(STEP_ROLE[step]), timeout=20)
                return "forwarded"
            self.s.disposition.Verify(
                d.VerifyRequest(application_id=self.app_id, expected_version=case.version,
                                checklist=sc.complete_checklist(m), note="lengkap"),
                metadata=self.md("VERIFIER"), timeout=20)
            return "verified"
        if case.status != d.CASE_STATUS_SENT_TO_CA:
            raise AssertionError("case %s is %s" % (self.app_id, d.CaseStatus.Name(case.status)))
        c = m.certificate_pb2
        try:
            e = self.s.certificate.GetEnrollment(c.GetEnrollmentRequest(application_id=self.app_id),
                                                 metadata=self.md("VERIFIER"), timeout=20)
        except self.s.grpc.RpcError as err:
            if err.code().name == "NOT_FOUND":
                return "wait"  # disposition's StartEnrollment is still in its outbox
            raise
        if e.status == c.ENROLLMENT_STATUS_AWAITING_PASSPHRASE:
            code = self.code()
            if code is None:
                return "wait"
            self.s.certificate.SetPassphrase(
                c.SetPassphraseRequest(application_id=self.app_id, activation_code=code,
                                       passphrase=sc.STRONG_PASSPHRASE,
                                       request_id="chaos-sp-%d" % self.n),
                metadata=self.md("APPLICANT"), timeout=60)
            return "passphrase set"
        if e.status == c.ENROLLMENT_STATUS_ISSUED:
            self.s.certificate.HandOver(
                c.HandOverRequest(application_id=self.app_id, channel=self.channel,
                                  request_id="chaos-ho-%d" % self.n),
                metadata=self.md("VERIFIER"), timeout=30)
            return "handed over"
        if e.status == c.ENROLLMENT_STATUS_HANDED_OVER:
            self.done = True
            return "done"
        raise AssertionError("enrollment %s is %s" % (self.app_id,
                                                       c.EnrollmentStatus.Name(e.status)))


def service_pid(home, name):
    """The pid scripts/up.sh recorded for `name` (a service, the sink or the stub)."""
    with open(os.path.join(home, "run", name + ".pid")) as f:
        return int(f.read().strip())


def up(root):
    """scripts/up.sh: starts whatever of the suite is not running, as an orchestrator would."""
    subprocess.run(["bash", os.path.join(root, "scripts", "up.sh")],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300, check=True)


class Faults:
    """The controller: kills, a database restart, the SMTP sink and the WhatsApp stub stopped."""

    def __init__(self, suite, kills, outage_s, rng, release):
        self.s, self.home, self.root = suite, suite.home, suite.root
        self.kills_planned, self.outage_s, self.rng = kills, outage_s, rng
        self.release = release  # release(i, n): let the i-th of n shares of applications start
        self.log = []
        self.doing = ""  # the fault under way, for a controller that does not come back
        self.stop = threading.Event()

    def pid(self, name):
        return service_pid(self.home, name)

    def up(self):
        up(self.root)

    def kill(self, name, sig):
        try:
            os.kill(self.pid(name), sig)
        except (OSError, ValueError):
            return
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid(name), 0)
                time.sleep(0.05)
            except OSError:
                break

    def pause(self, lo, hi):
        return self.stop.wait(self.rng.uniform(lo, hi))

    def run(self):
        plan = ["kill"] * self.kills_planned
        # One each of the others, at random places among the kills.
        for other in ("postgres", "smtp-sink", "whatsapp-stub"):
            plan.insert(self.rng.randrange(len(plan) + 1), other)
        # The applications start in shares, one before each fault, so that every fault meets
        # applications at every step.
        for i, action in enumerate(plan):
            self.doing = action
            self.release(i, len(plan))
            if self.pause(0.2, 1.5):  # the share is on its way through the steps
                return
            if action == "kill":
                victim = self.rng.choice(SERVICES)
                self.kill(victim, signal.SIGKILL)
                self.log.append("SIGKILL " + victim)
                self.up()
            elif action == "postgres":
                subprocess.run(["bash", os.path.join(self.root, "scripts", "pg.sh"),
                                "restart-immediate", os.path.join(self.home, "pg")],
                               stdout=subprocess.DEVNULL, timeout=120, check=True)
                self.log.append("PostgreSQL restarted (immediate)")
            else:
                self.kill(action, signal.SIGTERM)
                self.log.append("%s stopped for %d s" % (action, self.outage_s))
                self.stop.wait(self.outage_s)
                self.up()


def drain(pg_port, timeout):
    """Waits (bounded) until no outbox row is PENDING and no notification QUEUED or SENDING."""
    sql = ("SELECT (SELECT count(*) FROM intake.outbox WHERE status = 'PENDING') + "
           "(SELECT count(*) FROM disposition.outbox WHERE status = 'PENDING') + "
           "(SELECT count(*) FROM certificate.outbox WHERE status = 'PENDING') + "
           "(SELECT count(*) FROM notification.notifications "
           "WHERE status IN ('QUEUED', 'SENDING'))")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psql(pg_port, sql).strip() == "0":
                return
        except subprocess.CalledProcessError:
            pass  # the database is still coming back
        time.sleep(1)


def where_it_stands(pg_port, d):
    """For an application that did not reach its end: what its client last met, and every row
    the four services hold about it that could say why (case, enrollment, outbox rows,
    notifications)."""
    out = {"client": d.n, "application_id": d.app_id, "last": d.last}
    if d.app_id is None:
        return out
    app = d.app_id.replace("'", "")
    queries = {
        "case": "SELECT status || ' step ' || current_step || ' v' || version "
                "FROM disposition.cases WHERE application_id = '%s'" % app,
        "enrollment": "SELECT status || ' v' || version || ' tries ' || activation_attempts || "
                      "' codes ' || activation_codes_sent || ' issuing_until ' || "
                      "coalesce(issuing_until::text, '-') "
                      "FROM certificate.enrollments WHERE application_id = '%s'" % app,
        "outbox": " UNION ALL ".join(
            "SELECT '%s ' || topic || ' ' || status || ' attempts ' || attempts || ' ' || "
            "coalesce(last_error, '') FROM %s.outbox WHERE application_id = '%s'"
            % (schema, schema, app) for schema in ("intake", "disposition", "certificate")),
        "notifications": "SELECT channel || ' ' || template || ' ' || status || ' attempts ' || "
                         "attempts || ' ' || coalesce(last_error, '') "
                         "FROM notification.notifications WHERE application_id = '%s' "
                         "ORDER BY seq" % app,
    }
    for name, sql in queries.items():
        try:
            out[name] = psql(pg_port, sql).strip().splitlines()
        except subprocess.CalledProcessError as e:
            out[name] = "unreadable: %s" % e
    return out


def whatsapp_handovers(home):
    """{digits: count} of the handover template messages the stub accepted."""
    out = {}
    for rec in sc.read_whatsapp(home):
        req = rec.get("request", {})
        if req.get("template", {}).get("name") == "sertel_serah_terima":
            out[req.get("to")] = out.get(req.get("to"), 0) + 1
    return out


def audit_chains(suite):
    """{service: problem or ""} of VerifyAuditChain on each service."""
    import importlib
    audit = importlib.import_module("sertel.v1.audit_pb2")
    grpc_mod = importlib.import_module("sertel.v1.audit_pb2_grpc")
    out = {}
    for name in SERVICES:
        r = grpc_mod.AuditServiceStub(suite.channels[name]).VerifyAuditChain(
            audit.VerifyAuditChainRequest(), metadata=suite.md("AUDITOR"), timeout=60)
        out[name] = "" if r.ok else (r.problem or "broken at %d" % r.first_broken_seq)
    return out


def holders(suite):
    return suite.certificate.GetStatistics(suite.m.certificate_pb2.GetStatisticsRequest(),
                                           metadata=suite.md("AUDITOR"),
                                           timeout=30).holders_with_valid_certificate


def run(walker, applications, clients, kills, outage_s, budget_s, drain_s, seed=23):
    s, m = walker.s, walker.m
    rng = random.Random(seed)
    mails = MailIndex(s.home)
    holders_before = holders(s)
    k = m.common_pb2
    drivers = [Driver(s, mails, i, walker.applicant("Crash"),
                      k.CHANNEL_WHATSAPP if i % 4 == 3 else k.CHANNEL_EMAIL)
               for i in range(applications)]
    todo = queue.Queue()

    released = set()

    def release(i, n):
        for d in drivers[i * len(drivers) // n:(i + 1) * len(drivers) // n]:
            if d.n not in released:  # each driver is in the queue at most once
                released.add(d.n)
                todo.put(d)
    errors = {}
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + budget_s

    def client():
        while time.monotonic() < deadline and not all(d.done for d in drivers):
            try:
                d = todo.get(timeout=0.5)
            except queue.Empty:
                continue
            try:
                did = d.step()
                d.last = did
            except s.grpc.RpcError as e:
                did = "error"
                d.last = "%s: %s" % (e.code().name, e.details())
                with lock:
                    errors[e.code().name] = errors.get(e.code().name, 0) + 1
                if e.code().name not in TRANSIENT:
                    # A step refused for good (e.g. a stale read): read again and go on.
                    time.sleep(0.2)
            except (AssertionError, OSError) as e:
                with lock:
                    errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
                did = "error"
                d.last = "%s: %s" % (type(e).__name__, e)
            if not d.done:
                if did in ("wait", "error"):
                    time.sleep(0.3)
                todo.put(d)

    faults = Faults(s, kills, outage_s, rng, release)
    controller = threading.Thread(target=faults.run)
    controller.start()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    # Until every application is done or the budget is spent; the clients never wait on the
    # controller, nor the figures on a controller stuck in a fault (it is named in the log).
    while time.monotonic() < deadline and not all(d.done for d in drivers):
        if not controller.is_alive():
            release(0, 1)  # a controller that stopped early leaves none unstarted
        time.sleep(0.5)
    release(0, 1)
    for t in threads:
        t.join()
    drained_at = time.monotonic()
    faults.stop.set()
    controller.join(timeout=min(400, budget_s))
    if controller.is_alive():
        faults.log.append("the controller was still at: %s" % faults.doing)
    faults.up()  # whatever the controller was doing, everything runs again
    # The owed messages: every outbox row and every notification settled (a message waiting in
    # its backoff after an outage is still owed), then the figures.
    drain(os.environ["SERTEL_PG_PORT"], timeout=drain_s)
    stub = whatsapp_handovers(s.home)
    lost, duplicated, resent = [], [], 0
    for d in drivers:
        got = mails.of(d.a.email)
        ids = [mid for mid, _, _, _ in got]
        resent += len(ids) - len(set(ids))
        unique = {}
        for mid, subject, p12, code in got:
            unique[mid] = (subject, p12, code)
        kinds = {"receipt": [v for v in unique.values() if "diterima" in v[0]],
                 "activation code": [v for v in unique.values() if v[2]]}
        if d.channel == k.CHANNEL_EMAIL:
            kinds["keystore by email"] = [v for v in unique.values() if v[1]]
        else:
            kinds["handover by WhatsApp"] = [None] * stub.get(d.a.phone.lstrip("+"), 0)
        for kind, found in kinds.items():
            if d.done and not found:
                lost.append("%s: %s" % (d.app_id, kind))
            if len(found) > 1:
                duplicated.append("%s: %s x%d" % (d.app_id, kind, len(found)))
    chains = audit_chains(s)
    handed_over = sum(1 for d in drivers if d.done)
    return {
        "applications": applications, "clients": clients, "faults": faults.log,
        "kills": sum(1 for f in faults.log if f.startswith("SIGKILL")),
        "reached_end": handed_over,
        "stuck": ["%s (%s)" % (d.app_id, d.n) for d in drivers if not d.done],
        "stuck_detail": [where_it_stands(os.environ["SERTEL_PG_PORT"], d)
                         for d in drivers if not d.done][:5],
        "lost": lost, "duplicated": duplicated, "resent_same_message_id": resent,
        "audit_chains": chains,
        "holders_added": holders(s) - holders_before, "handed_over": handed_over,
        "errors_retried": errors,
        "seconds_to_drain": round(drained_at - started, 1),
    }
