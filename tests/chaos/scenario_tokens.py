"""Issue 23, 4: token attacks against every service. Each attack token is sent to a read and a
state-changing RPC of each of the four services, the state-changing ones as requests that a
valid token would have carried out (a real case at its step, a real certificate); every answer
must be UNAUTHENTICATED and the database must be as it was (every table's row count and the sum
of every version column in the four schemas)."""
import hashlib
import hmac
import json
import os
import subprocess
import time

from provider_tokens import b64url, sign

SCHEMAS = ("intake", "disposition", "certificate", "notification")


def public_pem(key_path):
    return subprocess.run(["openssl", "pkey", "-in", key_path, "-pubout"],
                          stdout=subprocess.PIPE, check=True).stdout


def attack_tokens(provider, foreign_key_path, role):
    """{name: token}: the valid token (the control), then one per attack, each otherwise a
    valid token of the provider for `role`."""
    claims = provider.claims(role, sub="chaos-attacker")
    now = claims["iat"]
    text = json.dumps(claims, separators=(",", ":"))
    header = provider.header()

    def with_claims(**changes):
        return sign(provider.key, header, json.dumps(dict(claims, **changes), separators=(",", ":")))

    def unsigned(h):
        return (b64url(json.dumps(h, separators=(",", ":")).encode()) + "." +
                b64url(text.encode()))
    valid = sign(provider.key, header, text)
    head, body, sig = valid.split(".")
    forged = head + "." + body + "." + sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    hs_input = unsigned(dict(header, alg="HS256"))
    hs_sig = hmac.new(public_pem(provider.key), hs_input.encode(), hashlib.sha256).digest()
    every_role = ["sertel-head-of-agency", "sertel-verifier", "sertel-auditor"]
    duplicate = text[:-1] + ',"realm_access":{"roles":%s}}' % json.dumps(every_role)
    return {
        "valid (the control: never UNAUTHENTICATED)": valid,
        "no token": None,
        "forged signature": forged,
        "alg none": unsigned(dict(header, alg="none")) + ".",
        "HS256 keyed with the RSA public key": hs_input + "." + b64url(hs_sig),
        "wrong iss": with_claims(iss="https://sso.other-city.go.id/realms/pegawai"),
        "wrong aud": with_claims(aud=["another-system"]),
        "expired": with_claims(exp=now - 3600, iat=now - 7200),
        "not yet valid": with_claims(nbf=now + 3600, iat=now + 3600),
        "oversized (12 KiB)": with_claims(padding="x" * 9000),
        "bad base64": head + "." + body[:8] + "*!" + body[10:] + "." + sig,
        "duplicate claims": sign(provider.key, header, duplicate),
        "kid that points nowhere": sign(provider.key, dict(header, kid="nowhere"), text),
        "key nobody published": sign(foreign_key_path, header, text),
    }


def psql(pg_port, sql):
    """The output (-At) of `sql` as the suite's PostgreSQL superuser; raises when it fails."""
    url = "postgresql://postgres@127.0.0.1:%s/postgres" % pg_port
    return subprocess.run(["psql", url, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          stdout=subprocess.PIPE, check=True, text=True).stdout


def fingerprint(pg_port):
    """Row counts of every table and sums of every version column, in the four schemas."""
    tables = psql(pg_port, "SELECT table_schema || '.' || table_name, "
                  "bool_or(column_name = 'version') FROM information_schema.columns "
                  "WHERE table_schema IN (%s) GROUP BY 1 ORDER BY 1"
                  % ",".join("'%s'" % s for s in SCHEMAS)).split()
    parts = []
    for line in tables:
        name, has_version = line.split("|")
        version = "coalesce(sum(version), 0)" if has_version == "t" else "0"
        parts.append("SELECT '%s', count(*), %s FROM %s" % (name, version, name))
    return psql(pg_port, " UNION ALL ".join(parts))


def quiet_fingerprint(pg_port, timeout=60):
    """The fingerprint once the suite has settled (its outboxes delivered): the same twice, 2 s
    apart."""
    deadline = time.monotonic() + timeout
    last = fingerprint(pg_port)
    while time.monotonic() < deadline:
        time.sleep(2)
        now = fingerprint(pg_port)
        if now == last:
            return now
        last = now
    raise AssertionError("the suite's tables kept changing for %d s" % timeout)


class TokenAttacks:
    def __init__(self, walker, work_dir):
        self.w = walker
        self.s = walker.s
        self.m = walker.m
        self.foreign_key = self.foreign_key_in(work_dir)

    @staticmethod
    def foreign_key_in(work_dir):
        """An RSA key nobody published (made once per run in `work_dir`)."""
        path = os.path.join(work_dir, "foreign-key.pem")
        if not os.path.exists(path):
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                            "rsa_keygen_bits:2048", "-out", path],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return path

    def targets(self, case, issued):
        """(name, role a valid token would need, call(metadata)) per RPC."""
        s, m = self.s, self.m
        i, d, c, n = m.intake_pb2, m.disposition_pb2, m.certificate_pb2, m.notification_pb2
        version = s.get_case(case["app_id"]).version
        new = self.w.applicant("Token")
        import sertel_client as sc
        return [
            ("IntakeService.SubmitApplication", "OPERATOR", lambda md: s.intake.SubmitApplication(
                i.SubmitApplicationRequest(request_id="chaos-token-attack", applicant=new,
                                           documents=sc.four_documents(m)),
                metadata=md, timeout=15)),
            ("IntakeService.GetApplication", "AUDITOR", lambda md: s.intake.GetApplication(
                i.GetApplicationRequest(id=case["app_id"]), metadata=md, timeout=15)),
            ("DispositionService.Forward", "HEAD_OF_AGENCY", lambda md: s.disposition.Forward(
                d.ForwardRequest(application_id=case["app_id"], expected_version=version,
                                 note="diteruskan"), metadata=md, timeout=15)),
            ("DispositionService.ListInbox", "HEAD_OF_AGENCY", lambda md: s.disposition.ListInbox(
                d.ListInboxRequest(page_size=10), metadata=md, timeout=15)),
            ("CertificateService.RevokeCertificate", "VERIFIER",
             lambda md: s.certificate.RevokeCertificate(
                 c.RevokeCertificateRequest(serial=issued["serial"],
                                            reason=c.REVOCATION_REASON_KEY_COMPROMISE),
                 metadata=md, timeout=15)),
            ("CertificateService.GetStatistics", "AUDITOR", lambda md: s.certificate.GetStatistics(
                c.GetStatisticsRequest(), metadata=md, timeout=15)),
            ("NotificationService.SendNotification", "OPERATOR",
             lambda md: s.notification.SendNotification(
                 n.SendNotificationRequest(), metadata=md, timeout=15)),
            ("NotificationService.ListNotifications", "AUDITOR",
             lambda md: s.notification.ListNotifications(
                 n.ListNotificationsRequest(page_size=10), metadata=md, timeout=15)),
        ]

    def run(self):
        import grpc
        case = self.w.submitted("TokenCase")
        issued = self.w.issued("TokenCert")
        targets = self.targets(case, issued)
        tokens = {role: attack_tokens(self.s.provider, self.foreign_key, role)
                  for role in sorted({role for _, role, _ in targets})}
        before = quiet_fingerprint(os.environ["SERTEL_PG_PORT"])
        rows = []
        control = None
        for attack in tokens["AUDITOR"]:
            row = {"attack": attack, "calls": 0, "unauthenticated": 0, "other": []}
            for rpc, role, call in targets:
                # The control changes nothing either: it calls the reading RPCs only.
                if control is None and not any(w in rpc for w in (".Get", ".List")):
                    continue
                token = tokens[role][attack]
                md = [] if token is None else [("authorization", "Bearer " + token)]
                row["calls"] += 1
                try:
                    call(md)
                    code = "OK"
                except grpc.RpcError as e:
                    code = e.code().name
                if code == "UNAUTHENTICATED":
                    row["unauthenticated"] += 1
                else:
                    row["other"].append("%s: %s" % (rpc, code))
            if control is None:
                control = row
            else:
                rows.append(row)
        after = quiet_fingerprint(os.environ["SERTEL_PG_PORT"])
        changed = [a for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
        return control, rows, changed
