"""Issue 23, 3: who may do what. Every RPC of every service (from the protos' descriptors, as
served on each port) x every caller: the seven roles of people (tokens of the development
identity provider), no token, an expired token, a token from another issuer and the four
services' client certificates. The roles each RPC admits are read from docs/api.md's tables
("who may call"); every cell must answer as documented: UNAUTHENTICATED for the three bad
credentials, PERMISSION_DENIED for a caller the RPC does not admit, and for one it admits
anything else (the request is empty, so an admitted caller meets the request's checks). An RPC
the protos serve that docs/api.md does not list is a wrong cell too."""
import importlib
import json
import os
import re

from provider_tokens import sign

PEOPLE = ("APPLICANT", "OPERATOR", "HEAD_OF_AGENCY", "HEAD_OF_DIVISION", "HEAD_OF_SECTION",
          "VERIFIER", "AUDITOR")
OFFICIALS = ("HEAD_OF_AGENCY", "HEAD_OF_DIVISION", "HEAD_OF_SECTION")
SERVICES = ("intake", "disposition", "certificate", "notification")
BAD = ("no token", "expired token", "token from another issuer")
# Which port serves each proto service (the audit and outbox services are on every one).
HOSTS = {"IntakeService": ("intake",), "DispositionService": ("disposition",),
         "CertificateService": ("certificate",), "NotificationService": ("notification",),
         "AuditService": SERVICES, "OutboxAdminService": SERVICES}
PROTO_MODULES = ("intake", "disposition", "certificate", "notification", "audit", "outbox_admin")


def admitted(who_may_call):
    """The callers a "who may call" cell of docs/api.md names: people's roles and services."""
    text = who_may_call
    out = set()
    if "any role" in text or "any authenticated caller" in text:
        out.update(PEOPLE)  # people only: services are named one by one
    if "officials" in text:
        out.update(OFFICIALS)
    for m in re.finditer(r"SERVICE(?: \(([^)]*)\))?", text):
        out.update("service " + s.strip() for s in (m.group(1) or ", ".join(SERVICES)).split(","))
    text = re.sub(r"SERVICE(?: \([^)]*\))?", "", text)
    out.update(r for r in PEOPLE if re.search(r"\b%s\b" % r, text))
    return out


def documented(api_md_path):
    """{(proto service, rpc): admitted callers} from the tables of docs/api.md."""
    out = {}
    service, column = None, None
    with open(api_md_path, encoding="utf-8") as f:
        for line in f:
            h = re.match(r"^## (\w+Service) ", line)
            if h:
                service, column = h.group(1), None
                continue
            if line.startswith("## "):
                service, column = None, None
                continue
            if service is None or not line.startswith("|"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if "who may call" in cells:
                column = cells.index("who may call")
                continue
            name = re.match(r"^`(\w+)`", cells[0])
            if column is not None and name and len(cells) > column:
                out[(service, name.group(1))] = admitted(cells[column])
    return out


def served(modules):
    """[(proto service, rpc, full method path)] of every RPC in the protos."""
    out = []
    for mod in modules:
        for svc in mod.DESCRIPTOR.services_by_name.values():
            for method in svc.methods:
                out.append((svc.name, method.name, "/%s/%s" % (svc.full_name, method.name)))
    return out


class Matrix:
    def __init__(self, suite, foreign_key):
        import grpc
        self.grpc = grpc
        self.s = suite
        self.foreign_key = foreign_key
        self.modules = [importlib.import_module("sertel.v1.%s_pb2" % n) for n in PROTO_MODULES]
        home = suite.home
        with open(os.path.join(home, "tls", "ca.pem"), "rb") as f:
            ca = f.read()
        self.service_channels = {}
        for svc in SERVICES:
            with open(os.path.join(home, "tls", "%s-key.pem" % svc), "rb") as k, \
                    open(os.path.join(home, "tls", "%s.pem" % svc), "rb") as c:
                creds = grpc.ssl_channel_credentials(ca, k.read(), c.read())
            self.service_channels[svc] = {
                host: grpc.secure_channel(os.environ["SERTEL_%s_ADDRESS" % host.upper()], creds)
                for host in SERVICES}

    def close(self):
        for by_host in self.service_channels.values():
            for c in by_host.values():
                c.close()

    def callers(self):
        """{caller: (channel for a host, metadata)}."""
        p = self.s.provider
        expired = dict(p.claims("AUDITOR"), exp=1, iat=0)
        other = dict(p.claims("AUDITOR"), iss="https://sso.other-city.go.id/realms/pegawai")
        tokens = {r: self.s.token(r, nik="3171014101900999" if r == "APPLICANT" else None,
                                  sub="applicant-3171014101900999" if r == "APPLICANT" else None)
                  for r in PEOPLE}
        tokens["expired token"] = sign(p.key, p.header(), json.dumps(expired))
        tokens["token from another issuer"] = sign(self.foreign_key, dict(p.header(), kid="x"),
                                                   json.dumps(other))
        out = {}
        for name, tok in list(tokens.items()) + [("no token", None)]:
            md = [("authorization", "Bearer " + tok)] if tok else []
            out[name] = (lambda host: self.s.channels[host], md)
        for svc in SERVICES:
            out["service " + svc] = (lambda host, svc=svc: self.service_channels[svc][host], [])
        return out

    def expected(self, caller, allowed):
        if caller in BAD:
            return "UNAUTHENTICATED"
        return "ADMITTED" if caller in allowed else "PERMISSION_DENIED"

    def run(self, api_md_path):
        docs = documented(api_md_path)
        rows, wrong = {}, []
        cells = 0
        undocumented = []
        callers = self.callers()
        for service, rpc, path in served(self.modules):
            if (service, rpc) not in docs:
                undocumented.append("%s.%s" % (service, rpc))
                continue
            allowed = docs[(service, rpc)]
            for host in HOSTS[service]:
                for caller, (channel_of, md) in callers.items():
                    call = channel_of(host).unary_unary(path, request_serializer=lambda b: b,
                                                        response_deserializer=lambda b: b)
                    try:
                        call(b"", metadata=md, timeout=15)
                        code = "OK"
                    except self.grpc.RpcError as e:
                        code = e.code().name
                    want = self.expected(caller, allowed)
                    got = code if code in ("UNAUTHENTICATED", "PERMISSION_DENIED") else "ADMITTED"
                    cells += 1
                    if got != want:
                        wrong.append("%s.%s at %s as %s: %s, documented %s"
                                     % (service, rpc, host, caller, code, want))
        return {"cells": cells, "callers": sorted(callers), "wrong": wrong,
                "undocumented": undocumented}
