#!/usr/bin/python3
"""Checks sertel's rendered Kubernetes manifests against what the suite needs.

Reads the objects `kubectl kustomize k8s/overlays/<name>` prints (or, without kubectl, the base
folder itself through a small stand-in for kustomize) and reports every problem it finds, then
exits 1 if there was one. What it asserts, in the order of the report:

  pods        every namespaced object in namespace sertel; every container non-root (runAsNonRoot, runAsUser != 0), read-only root file
              system, no privilege escalation, capabilities drop ALL, requests and limits,
              RuntimeDefault seccomp, no service-account token (the ServiceAccount's or the
              pod's automountServiceAccountToken false)
  services    per service a Deployment (replicas, `command` = its binary, named ports), native
              gRPC liveness and readiness probes on the health-only port, a Service, a
              ServiceAccount, a PodDisruptionBudget and a HorizontalPodAutoscaler
  env         every variable the binaries require (RequiredString("SERTEL_...") in common/ and
              the service's sources, plus what Kubernetes needs: listen addresses on all
              interfaces, TLS, the audit keys, the downstream addresses of the call graph, the
              shared notification key) is set; people's token keys from exactly one source,
              SERTEL_OIDC_ISSUER (https://) or SERTEL_JWT_PUBLIC_KEYS with SERTEL_JWT_ISSUER
              (base may leave the choice to its overlays); every SERTEL_* variable set is one
              the binary reads (or feeds $(...) expansion only); files named by variables lie
              in mounted volumes
  database    each service connects as its own role: SERTEL_DATABASE_URL is
              postgresql://$(SERTEL_DB_USER):$(SERTEL_DB_PASSWORD)@... with both from the
              Secret sertel-db-<svc> (keys username, password), defined before it in env so
              Kubernetes expands them; no whole-URL Secret (a shared role); no service or
              migrate container refers to another service's sertel-db-*/sertel-audit-* Secret
              or to the database owner's or superuser's Secret
  audit       each service mounts its own Secret sertel-audit-<svc> at /etc/sertel/audit,
              read-only, defaultMode 0400; the migration Job mounts no audit keys
  images      one image for the four services and the migration Job, with a real tag
  job         a migration Job running `<svc>-service migrate` for all four services, each
              container connecting exactly as its service does (the same role's Secret)
  network     default deny; every containerPort covered by an ingress rule; the gRPC ports
              reachable exactly along the call graph of docs/architecture.md (and from
              the ingress namespace for the public services); egress exactly along it too, to
              PostgreSQL, DNS, SMTP and the WhatsApp API, and with SERTEL_OIDC_ISSUER to
              addresses outside the cluster on TCP 443 only (the identity provider)
  secrets     no Secret carrying data in base or production; no secret-looking value in a
              ConfigMap or a literal env value; no private key or password in k8s/
  overlay     dev: one PostgreSQL instance, the database URL's host one of its Services, and
              the mail sink notification-service points at; production: a CloudNativePG
              Cluster of 3 with backups and a ScheduledBackup, a managed role sertel_<svc> per
              service (login; no superuser, createdb, createrole, replication, bypassrls or
              memberships; password from sertel-db-<svc>) and its schema <svc> created owned by
              it at bootstrap, the URL at <cluster>-rw with sslmode=verify-full against the
              Cluster's CA (only ca.crt of the Secret <cluster>-ca, which also holds the CA's
              key), cert-manager Certificates for each service's mTLS Secret from a CA Issuer,
              the PrometheusRule alerting on DEAD outbox rows, and every service's token keys
              from the identity provider (SERTEL_OIDC_ISSUER, not PEM keys) with egress to it
              (TCP 443 outside the cluster)
  dockerfile  Debian 12 build stage using scripts/install-deps.sh, debian:12-slim runtime, USER
              10001 (= the pods' runAsUser), and every binary the manifests run copied in

Usage:
  check_manifests.py --profile dev rendered-dev.yaml        (output of kubectl kustomize)
  check_manifests.py --profile base --lite k8s/base          (no kubectl: the base folder)
Both take --repo ROOT (default: two folders up) for the sources, the Dockerfile and k8s/.
Standard library and python3-yaml (Debian's) only; run with /usr/bin/python3.
"""

import argparse
import ipaddress
import os
import re
import sys
import urllib.parse

import yaml

SERVICES = ("intake", "disposition", "certificate", "notification")
# docs/architecture.md: intake -> disposition -> certificate -> notification, plus
# intake -> notification, disposition -> notification, read-only intake -> certificate and the
# progress reports disposition -> intake and certificate -> intake (IntakeService.RecordProgress).
CALLS = {
    "intake": {"disposition", "certificate", "notification"},
    "disposition": {"certificate", "notification", "intake"},
    "certificate": {"notification", "intake"},
    "notification": set(),
}
# People (applicants, officials, verifiers) call these from outside the cluster; notification
# is called only by the other three services.
PUBLIC = {"intake", "disposition", "certificate"}
INGRESS_NS = {"sertel/ingress": "true"}
DATABASE_LABELS = {"app.kubernetes.io/component": "database"}
MIGRATE_JOB = "sertel-migrate"
NAMESPACE = "sertel"
CLUSTER_SCOPED = {"Namespace", "ClusterIssuer", "ClusterRole", "ClusterRoleBinding",
                  "CustomResourceDefinition", "PriorityClass", "StorageClass"}
BIN_DIR = "/usr/local/bin/"
# What Kubernetes needs beyond what the binaries insist on: the defaults bind 127.0.0.1 and dial
# 127.0.0.1, which inside a pod reach nothing; TLS is optional only for development; two
# notification replicas must share the key that encrypts activation codes at rest. People's
# token keys (one of two sources) are check_jwt's.
K8S_REQUIRED_COMMON = (
    "SERTEL_LISTEN_ADDRESS", "SERTEL_METRICS_ADDRESS", "SERTEL_HEALTH_PLAINTEXT_ADDRESS",
    "SERTEL_TLS_CERT", "SERTEL_TLS_KEY", "SERTEL_TLS_CA",
    # Optional to the binaries (an unkeyed chain, no signed checkpoints); never in a cluster.
    "SERTEL_AUDIT_HMAC_KEY_FILE", "SERTEL_AUDIT_CHECKPOINT_KEY_FILE",
)
K8S_REQUIRED_OWN = {
    "notification": ("SERTEL_NOTIFICATION_SECRET_KEY_FILE",),
}
# Variables naming files the binary reads (a comma-separated list for the JWT keys).
FILE_VARS = re.compile(r"^SERTEL_(TLS_(CERT|KEY|CA)|JWT_PUBLIC_KEYS|CERTIFICATE_CA_(KEY|CERT)"
                       r"|[A-Z0-9_]+_FILE)$")
SECRETISH_NAME = re.compile(r"PASSWORD|TOKEN|SECRET|PRIVATE")
URL_WITH_PASSWORD = re.compile(r"://[A-Za-z0-9._~-]+:[^/\s@%$(){}\[\]]+@")
PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob")
# Least privilege in PostgreSQL: each service connects as its own role, which owns its schema and
# has no right on the others'. The role's name and password come from its Secret (type
# kubernetes.io/basic-auth) and reach the URL by Kubernetes' $(...) expansion.
DB_ROLE = "sertel_{}"
DB_SECRET = "sertel-db-{}"
AUDIT_SECRET = "sertel-audit-{}"
AUDIT_DIR = "/etc/sertel/audit"
# Variables the manifests set that no binary reads, and why. Expansion only (permanent): the
# role's name and password, used only inside SERTEL_DATABASE_URL as $(SERTEL_DB_USER) and
# $(SERTEL_DB_PASSWORD).
EXPANSION_ONLY = ("SERTEL_DB_USER", "SERTEL_DB_PASSWORD")
# Secrets of a shared, more privileged role: the dev superuser's password and the single URL of
# before per-service roles. Production adds the Cluster's <name>-app and <name>-superuser.
SHARED_DB_SECRETS = {"sertel-dev-postgres", "sertel-database"}
EXPANSION = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")
DB_URL = re.compile(r"^postgres(?:ql)?://(?P<user>[^:@/]*)(?::(?P<password>[^@/]*))?@"
                    r"(?P<host>[^/:?]*)(?::(?P<port>\d+))?(?:/(?P<db>[^?]*))?(?:\?(?P<query>.*))?$")


# ------------------------------------------------------------------------------------------
# Loading

def load_rendered(paths):
    objs = []
    for p in paths:
        with (sys.stdin if p == "-" else open(p, encoding="utf-8")) as f:
            objs.extend(o for o in yaml.safe_load_all(f) if o)
    return objs


def load_lite(folder):
    """The base folder as kustomize would render it, for machines without kubectl: its
    resources (files only), configMapGenerator (envs, files and literals, no hash suffix) and
    namespace. Overlays need the real kustomize."""
    with open(os.path.join(folder, "kustomization.yaml"), encoding="utf-8") as f:
        k = yaml.safe_load(f)
    objs = []
    for r in k.get("resources", []):
        path = os.path.join(folder, r)
        if os.path.isdir(path):
            raise SystemExit(f"--lite renders only plain files, not {r}")
        with open(path, encoding="utf-8") as f:
            objs.extend(o for o in yaml.safe_load_all(f) if o)
    for g in k.get("configMapGenerator", []):
        data = {}
        for env in g.get("envs", []):
            with open(os.path.join(folder, env), encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if line and not line.startswith("#"):
                        key, _, value = line.partition("=")
                        data[key] = value
        for lit in g.get("literals", []):
            key, _, value = lit.partition("=")
            data[key] = value
        for entry in g.get("files", []):
            key, _, path = entry.rpartition("=") if "=" in entry else ("", "", entry)
            with open(os.path.join(folder, path), encoding="utf-8") as f:
                data[key or os.path.basename(path)] = f.read()
        objs.append({"apiVersion": "v1", "kind": "ConfigMap",
                     "metadata": {"name": g["name"]}, "data": data})
    ns = k.get("namespace")
    if ns:
        for o in objs:
            if o.get("kind") != "Namespace":
                o.setdefault("metadata", {})["namespace"] = ns
    return objs


def read_sources(repo):
    """From the C++ sources: the variables each binary reads, requires, and reads files for
    while parsing its configuration. common/ counts for every service."""
    def scan(folder):
        read, required, at_parse = set(), set(), set()
        for dirpath, _, files in os.walk(folder):
            for name in files:
                if not name.endswith((".cc", ".h")):
                    continue
                with open(os.path.join(dirpath, name), encoding="utf-8", errors="replace") as f:
                    text = f.read()
                read |= set(re.findall(r'"(SERTEL_[A-Z0-9_]+)"', text))
                required |= set(re.findall(r'RequiredString\(\s*"(SERTEL_[A-Z0-9_]+)"', text))
                at_parse |= set(re.findall(r'ReadSecretFile\(\s*env,\s*"(SERTEL_[A-Z0-9_]+)"',
                                           text))
        return read, required, at_parse

    common = scan(os.path.join(repo, "common"))
    if "SERTEL_DATABASE_URL" not in common[0]:
        raise SystemExit(f"check_manifests: no SERTEL_* variables in {repo}/common; "
                         "is --repo the repository root?")
    out = {}
    for svc in SERVICES:
        own = scan(os.path.join(repo, f"{svc}-service", "src"))
        out[svc] = {
            "read": common[0] | own[0],
            "required": common[1] | own[1],
            "at_parse": common[2] | own[2],
        }
    return out


# ------------------------------------------------------------------------------------------
# Small helpers

def name_of(o):
    return o.get("metadata", {}).get("name", "?")


def labels_match(selector, labels):
    """A LabelSelector (matchLabels, matchExpressions) against a label map. {} matches all."""
    if selector is None:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in selector.get("matchExpressions") or []:
        key, op, values = e.get("key"), e.get("operator"), e.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def pod_template(o):
    kind = o.get("kind")
    spec = o.get("spec") or {}
    if kind == "CronJob":
        return ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template")
    if kind in WORKLOAD_KINDS:
        return spec.get("template")
    return None


_QUANTITY = re.compile(r"^([0-9.]+)([a-zA-Z]*)$")
_SUFFIX = {"": 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
           "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def quantity(q):
    m = _QUANTITY.match(str(q))
    if not m or m.group(2) not in _SUFFIX:
        return None
    return float(m.group(1)) * _SUFFIX[m.group(2)]


def host_port(address):
    """'0.0.0.0:50051' -> ('0.0.0.0', 50051); '[::]:1' -> ('::', 1); None if malformed."""
    m = re.match(r"^(?:dns:///)?\[?([^\]]*)\]?:(\d+)$", address or "")
    return (m.group(1), int(m.group(2))) if m else None


class Workload:
    """A pod template and where it came from."""

    def __init__(self, obj):
        self.obj = obj
        self.kind = obj["kind"]
        self.name = name_of(obj)
        self.template = pod_template(obj) or {}
        self.labels = (self.template.get("metadata") or {}).get("labels") or {}
        self.spec = self.template.get("spec") or {}

    def containers(self, init=True):
        out = list(self.spec.get("containers") or [])
        if init:
            out += self.spec.get("initContainers") or []
        return out

    def __repr__(self):
        return f"{self.kind}/{self.name}"


# ------------------------------------------------------------------------------------------
# The checker

class Checker:
    def __init__(self, objs, profile, repo):
        self.objs = objs
        self.profile = profile
        self.repo = repo
        self.problems = []
        self.checks = 0
        self.by_kind = {}
        for o in objs:
            self.by_kind.setdefault(o.get("kind"), []).append(o)
        self.workloads = [Workload(o) for o in objs if o.get("kind") in WORKLOAD_KINDS]
        self.configmaps = {name_of(o): o.get("data") or {} for o in self.by_kind.get("ConfigMap", [])}
        self.sources = read_sources(repo) if repo else None

    # -- reporting
    def check(self, ok, area, message):
        self.checks += 1
        if not ok:
            self.problems.append(f"[{area}] {message}")
        return ok

    def get(self, kind, name):
        for o in self.by_kind.get(kind, []):
            if name_of(o) == name:
                return o
        return None

    def workload(self, kind, name):
        for w in self.workloads:
            if w.kind == kind and w.name == name:
                return w
        return None

    def run(self):
        self.check_namespace()
        self.check_pods()
        self.check_service_accounts()
        for svc in SERVICES:
            self.check_service(svc)
        self.check_images()
        self.check_migration_job()
        self.check_network()
        self.check_secrets()
        if self.profile == "dev":
            self.check_dev()
        if self.profile == "production":
            self.check_production()
        if self.repo:
            self.check_dockerfile()
            self.check_repo_for_secrets()
        return self.problems

    # -- namespace: everything in sertel, where the Secrets are -------------------------------
    def check_namespace(self):
        for o in self.objs:
            if o.get("kind") in CLUSTER_SCOPED:
                continue
            ns = (o.get("metadata") or {}).get("namespace")
            self.check(ns == NAMESPACE, "pods",
                       f"{o.get('kind')}/{name_of(o)}: namespace {ns!r}, want {NAMESPACE} (without one, "
                       "kubectl apply puts it in the context's namespace, away from its Secrets)")

    # -- pods: hardening and resources -------------------------------------------------------
    def check_pods(self):
        for w in self.workloads:
            psc = w.spec.get("securityContext") or {}
            for flag in ("hostNetwork", "hostPID", "hostIPC"):
                self.check(not w.spec.get(flag), "pods", f"{w}: {flag} is set")
            for c in w.containers():
                where = f"{w} container {c.get('name')}"
                sc = c.get("securityContext") or {}

                def eff(key):
                    return sc[key] if key in sc else psc.get(key)

                self.check(eff("runAsNonRoot") is True, "pods", f"{where}: runAsNonRoot is not true")
                uid = eff("runAsUser")
                self.check(isinstance(uid, int) and uid != 0, "pods",
                           f"{where}: runAsUser must be set and not 0 (is {uid!r})")
                self.check(sc.get("readOnlyRootFilesystem") is True, "pods",
                           f"{where}: readOnlyRootFilesystem is not true")
                self.check(sc.get("allowPrivilegeEscalation") is False, "pods",
                           f"{where}: allowPrivilegeEscalation is not false")
                self.check(not sc.get("privileged"), "pods", f"{where}: privileged")
                caps = sc.get("capabilities") or {}
                self.check("ALL" in (caps.get("drop") or []), "pods",
                           f"{where}: capabilities do not drop ALL")
                self.check(not caps.get("add"), "pods", f"{where}: capabilities added: {caps.get('add')}")
                seccomp = (sc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type")
                self.check(seccomp in ("RuntimeDefault", "Localhost"), "pods",
                           f"{where}: seccompProfile is not RuntimeDefault")
                res = c.get("resources") or {}
                for part in ("requests", "limits"):
                    for r in ("cpu", "memory"):
                        self.check(r in (res.get(part) or {}), "pods",
                                   f"{where}: no {r} in resources.{part}")
                for r in ("cpu", "memory"):
                    req = quantity((res.get("requests") or {}).get(r, ""))
                    lim = quantity((res.get("limits") or {}).get(r, ""))
                    if req is not None and lim is not None:
                        self.check(req <= lim, "pods", f"{where}: {r} request above its limit")

    def check_service_accounts(self):
        accounts = {name_of(o): o for o in self.by_kind.get("ServiceAccount", [])}
        for name, sa in accounts.items():
            self.check(sa.get("automountServiceAccountToken") is False, "pods",
                       f"ServiceAccount/{name}: automountServiceAccountToken is not false")
        for w in self.workloads:
            sa_name = w.spec.get("serviceAccountName") or "default"
            pod_level = w.spec.get("automountServiceAccountToken")
            sa = accounts.get(sa_name)
            no_token = pod_level is False or (
                pod_level is None and sa is not None and sa.get("automountServiceAccountToken") is False)
            self.check(no_token, "pods", f"{w}: the pod would get a service-account token "
                       f"(ServiceAccount {sa_name}, automountServiceAccountToken {pod_level!r})")
            self.check(sa_name in accounts, "pods",
                       f"{w}: uses ServiceAccount {sa_name}, which the manifests do not define")

    # -- the four services -------------------------------------------------------------------
    def env_of(self, container, where, area="env"):
        """The container's environment: {name: value or ('secret', name, key) or
        ('unresolved', ...)}. ConfigMaps come from the rendered objects."""
        env = {}
        for ef in container.get("envFrom") or []:
            prefix = ef.get("prefix", "")
            if "configMapRef" in ef:
                cm = ef["configMapRef"].get("name")
                if self.check(cm in self.configmaps, area,
                              f"{where}: envFrom ConfigMap {cm} is not in the manifests"):
                    for k, v in self.configmaps[cm].items():
                        env[prefix + k] = v
            elif "secretRef" in ef:
                self.check(False, area, f"{where}: envFrom a whole Secret ({ef['secretRef'].get('name')}); "
                           "name the keys instead so the checker can see them")
        for e in container.get("env") or []:
            if "value" in e:
                env[e["name"]] = str(e["value"])
            elif "valueFrom" in e and "secretKeyRef" in e["valueFrom"]:
                ref = e["valueFrom"]["secretKeyRef"]
                env[e["name"]] = ("secret", ref.get("name"), ref.get("key"))
            elif "valueFrom" in e and "configMapKeyRef" in e["valueFrom"]:
                ref = e["valueFrom"]["configMapKeyRef"]
                env[e["name"]] = self.configmaps.get(ref.get("name"), {}).get(ref.get("key"), "")
            else:
                env[e["name"]] = ("unresolved",)
        return env

    def service_container(self, svc):
        w = self.workload("Deployment", f"{svc}-service")
        if w is None:
            return None, None
        cs = w.containers(init=False)
        return w, (cs[0] if len(cs) == 1 else next((c for c in cs if c.get("name") == "server"), None))

    def check_service(self, svc):
        name = f"{svc}-service"
        w, c = self.service_container(svc)
        if not self.check(w is not None, "services", f"no Deployment {name}"):
            return
        if not self.check(c is not None, "services", f"Deployment/{name}: no container named server"):
            return
        d = w.obj
        where = f"Deployment/{name}"
        min_replicas = 1 if self.profile == "dev" else 2
        self.check((d["spec"].get("replicas") or 1) >= min_replicas, "services",
                   f"{where}: replicas {d['spec'].get('replicas')} < {min_replicas}")
        self.check(labels_match(d["spec"].get("selector"), w.labels), "services",
                   f"{where}: selector does not match the pod template's labels")
        cmd = (c.get("command") or []) + (c.get("args") or [])
        self.check(cmd[:1] == [BIN_DIR + name] and "migrate" not in cmd, "services",
                   f"{where}: command is {cmd}, want [{BIN_DIR + name}]")

        ports = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
        for pname in ("grpc", "http-metrics", "grpc-health"):
            self.check(pname in ports, "services", f"{where}: no containerPort named {pname}")

        env = self.env_of(c, where)
        self.check_env(svc, where, env, c, w, ports)
        self.check_database_url(svc, where, c)
        self.check_own_secrets(svc, where, c, w)
        self.check_audit_keys(svc, where, c, w)

        # Probes: native gRPC, on the plaintext health-only listener.
        health = host_port(env.get("SERTEL_HEALTH_PLAINTEXT_ADDRESS") if isinstance(
            env.get("SERTEL_HEALTH_PLAINTEXT_ADDRESS"), str) else "")
        for probe in ("livenessProbe", "readinessProbe"):
            p = c.get(probe) or {}
            if self.check("grpc" in p, "services", f"{where}: {probe} is not a native grpc probe"):
                port = p["grpc"].get("port")
                self.check(health is not None and port == health[1], "services",
                           f"{where}: {probe} probes port {port}, but SERTEL_HEALTH_PLAINTEXT_ADDRESS "
                           f"is {env.get('SERTEL_HEALTH_PLAINTEXT_ADDRESS')!r} (TLS ports cannot be probed)")

        # Service, ServiceAccount, PDB, HPA.
        s = self.get("Service", name)
        if self.check(s is not None, "services", f"no Service {name}"):
            sel = s["spec"].get("selector") or {}
            self.check(bool(sel) and all(w.labels.get(k) == v for k, v in sel.items()), "services",
                       f"Service/{name}: selector {sel} does not select the Deployment's pods")
            grpc = [p for p in s["spec"].get("ports") or [] if p.get("name") == "grpc"]
            if self.check(len(grpc) == 1, "services", f"Service/{name}: no port named grpc"):
                target = grpc[0].get("targetPort", grpc[0].get("port"))
                self.check(target in ("grpc", ports.get("grpc")), "services",
                           f"Service/{name}: port grpc targets {target}, not the container's grpc port")
        sa_name = w.spec.get("serviceAccountName")
        self.check(sa_name == name, "services", f"{where}: serviceAccountName is {sa_name!r}, want {name}")
        pdbs = [p for p in self.by_kind.get("PodDisruptionBudget", [])
                if labels_match(p["spec"].get("selector"), w.labels)]
        if self.check(len(pdbs) >= 1, "services", f"no PodDisruptionBudget selects {name}'s pods"):
            spec = pdbs[0]["spec"]
            self.check("minAvailable" in spec or "maxUnavailable" in spec, "services",
                       f"PodDisruptionBudget/{name_of(pdbs[0])}: neither minAvailable nor maxUnavailable")
        hpas = [h for h in self.by_kind.get("HorizontalPodAutoscaler", [])
                if (h["spec"].get("scaleTargetRef") or {}).get("name") == name
                and (h["spec"].get("scaleTargetRef") or {}).get("kind") == "Deployment"]
        if self.check(len(hpas) == 1, "services",
                      f"want one HorizontalPodAutoscaler for {name}, found {len(hpas)}"):
            spec = hpas[0]["spec"]
            lo, hi = spec.get("minReplicas", 1), spec.get("maxReplicas", 0)
            self.check(min_replicas <= lo <= hi, "services",
                       f"HorizontalPodAutoscaler/{name}: minReplicas {lo}, maxReplicas {hi}")
            # A PDB of minAvailable >= the minimum replicas would block every drain.
            spec_pdb = pdbs[0]["spec"] if pdbs else {}
            if isinstance(spec_pdb.get("minAvailable"), int):
                self.check(spec_pdb["minAvailable"] < lo, "services",
                           f"PodDisruptionBudget for {name}: minAvailable {spec_pdb['minAvailable']} "
                           f"would block node drains at {lo} replicas")

    def check_env(self, svc, where, env, container, w, ports):
        src = self.sources[svc] if self.sources else None
        required = set(K8S_REQUIRED_COMMON) | set(K8S_REQUIRED_OWN.get(svc, ()))
        required |= {f"SERTEL_{callee.upper()}_ADDRESS" for callee in CALLS[svc]}
        if src:
            required |= src["required"]
        for var in sorted(required):
            v = env.get(var)
            self.check(v not in (None, ""), "env", f"{where}: {var} is not set")
        if src:
            for var in sorted(env):
                if var.startswith("SERTEL_") and var not in EXPANSION_ONLY:
                    self.check(var in src["read"], "env",
                               f"{where}: {var} is set but {svc}-service never reads it (typo?)")
        url = self.resolve_database_url(container)
        for var in EXPANSION_ONLY:
            if var in env:
                self.check(url is not None and var in url["refs"], "env",
                           f"{where}: {var} is set for $(...) expansion only, but SERTEL_DATABASE_URL "
                           f"does not refer to it")
        # Values the checker can judge.
        self.check(str(env.get("SERTEL_DEV_PLAINTEXT", "false")).lower() in ("false", "0", "no", "off"),
                   "env", f"{where}: SERTEL_DEV_PLAINTEXT is on (development only)")
        for var, pname in (("SERTEL_LISTEN_ADDRESS", "grpc"), ("SERTEL_METRICS_ADDRESS", "http-metrics"),
                           ("SERTEL_HEALTH_PLAINTEXT_ADDRESS", "grpc-health")):
            v = env.get(var)
            if not isinstance(v, str) or not v:
                continue
            hp = host_port(v)
            if self.check(hp is not None, "env", f"{where}: {var}={v!r} is not host:port"):
                self.check(hp[0] in ("0.0.0.0", "::", ""), "env",
                           f"{where}: {var}={v!r} binds one address only; a pod needs 0.0.0.0")
                self.check(ports.get(pname) == hp[1], "env",
                           f"{where}: {var} port {hp[1]} is not containerPort {pname} ({ports.get(pname)})")
        for callee in sorted(CALLS[svc]):
            var = f"SERTEL_{callee.upper()}_ADDRESS"
            v = env.get(var)
            if not isinstance(v, str) or not v:
                continue
            hp = host_port(v)
            target = self.get("Service", f"{callee}-service")
            want_port = next((p.get("port") for p in (target or {}).get("spec", {}).get("ports", [])
                              if p.get("name") == "grpc"), None)
            ok = hp is not None and hp[0].split(".")[0] == f"{callee}-service" and hp[1] == want_port
            self.check(ok, "env", f"{where}: {var}={v!r} is not the Service {callee}-service:{want_port}")
        self.check_jwt(where, env)
        self.check_files(where, env, container, w, set(env))
        for var, v in env.items():
            if isinstance(v, str) and var.startswith("SERTEL_"):
                self.check_not_secret_value(f"{where} env {var}", var, v)

    def check_jwt(self, where, env):
        """People's token keys come from exactly one source (common/config.cc refuses both):
        the identity provider's JWKS (SERTEL_OIDC_ISSUER, https://: http is accepted only on
        loopback, which in a pod is the pod itself) or fixed PEM keys (SERTEL_JWT_PUBLIC_KEYS,
        which need SERTEL_JWT_ISSUER). Without either every person's token is refused; base
        may leave the choice to its overlays, which are what gets deployed."""
        def is_set(var):
            return env.get(var) not in (None, "")

        oidc, pem = is_set("SERTEL_OIDC_ISSUER"), is_set("SERTEL_JWT_PUBLIC_KEYS")
        self.check(not (oidc and pem), "env",
                   f"{where}: both SERTEL_OIDC_ISSUER and SERTEL_JWT_PUBLIC_KEYS are set; the service "
                   "refuses to start (keys from the identity provider or fixed PEM keys, not both)")
        self.check(oidc or pem or self.profile == "base", "env",
                   f"{where}: neither SERTEL_OIDC_ISSUER nor SERTEL_JWT_PUBLIC_KEYS is set; every "
                   "person's token would be refused")
        if pem and not oidc:
            self.check(is_set("SERTEL_JWT_ISSUER"), "env",
                       f"{where}: SERTEL_JWT_PUBLIC_KEYS is set without SERTEL_JWT_ISSUER, the `iss` "
                       "its tokens carry")
        if oidc:
            issuer = env["SERTEL_OIDC_ISSUER"]
            url = urllib.parse.urlsplit(issuer) if isinstance(issuer, str) else None
            self.check(url is not None and url.scheme == "https" and bool(url.hostname), "env",
                       f"{where}: SERTEL_OIDC_ISSUER={issuer!r} is not an https:// URL (http is only "
                       "for a provider on loopback, which in a pod is the pod itself)")
            jwt_issuer = env.get("SERTEL_JWT_ISSUER")
            self.check(jwt_issuer in (None, "", issuer), "env",
                       f"{where}: SERTEL_JWT_ISSUER={jwt_issuer!r} differs from SERTEL_OIDC_ISSUER; "
                       "the service refuses to start (leave it unset)")
        self.check(oidc or not is_set("SERTEL_OIDC_CA_FILE"), "env",
                   f"{where}: SERTEL_OIDC_CA_FILE is set without SERTEL_OIDC_ISSUER; the service "
                   "refuses to start")

    def check_files(self, where, env, container, w, variables):
        """Every file a variable names lies in a volume mounted into the container."""
        mounts = container.get("volumeMounts") or []
        volumes = {v.get("name"): v for v in w.spec.get("volumes") or []}
        for var in sorted(variables):
            v = env.get(var)
            if not FILE_VARS.match(var) or not isinstance(v, str) or not v:
                continue
            for path in [p.strip() for p in v.split(",") if p.strip()]:
                mount = next((m for m in mounts if path.startswith(m.get("mountPath", "").rstrip("/") + "/")),
                             None)
                if not self.check(mount is not None, "env",
                                  f"{where}: {var} names {path}, which no volumeMount provides"):
                    continue
                vol = volumes.get(mount.get("name")) or {}
                key = os.path.relpath(path, mount["mountPath"])
                src = vol.get("secret") or vol.get("configMap")
                items = (src or {}).get("items")
                if items is not None:
                    self.check(any(i.get("path") == key for i in items), "env",
                               f"{where}: {var} names {path}, but volume {mount.get('name')} projects only "
                               f"{[i.get('path') for i in items]}")
                if vol.get("configMap") and vol["configMap"].get("name") in self.configmaps:
                    self.check(key in self.configmaps[vol["configMap"]["name"]], "env",
                               f"{where}: {var} names {path}, but ConfigMap {vol['configMap']['name']} has no key {key}")

    # -- database roles and audit keys ---------------------------------------------------------
    def shared_db_secrets(self):
        out = set(SHARED_DB_SECRETS)
        for cl in self.by_kind.get("Cluster", []):
            out |= {f"{name_of(cl)}-app", f"{name_of(cl)}-superuser"}
        return out

    @staticmethod
    def secret_ref(entry):
        ref = ((entry or {}).get("valueFrom") or {}).get("secretKeyRef")
        return (ref.get("name"), ref.get("key")) if ref else None

    def resolve_database_url(self, container):
        """SERTEL_DATABASE_URL as the kubelet makes it, or None when unset: {'value': the text
        (None when the whole URL is a secretKeyRef, then 'whole': (secret, key)), 'refs': {VAR:
        (secret, key), 'value', or None when VAR is not defined before the URL}, 'resolved':
        the text with each $(VAR) from a Secret shown as <Secret name key>, to compare}."""
        env_list = (container or {}).get("env") or []
        idx = next((i for i, e in enumerate(env_list) if e.get("name") == "SERTEL_DATABASE_URL"), None)
        if idx is None:
            return None
        entry = env_list[idx]
        if "value" not in entry:
            ref = self.secret_ref(entry)
            return {"value": None, "whole": ref, "refs": {},
                    "resolved": f"<whole URL from Secret {ref[0]} key {ref[1]}>" if ref else "<unresolved>"}
        value = str(entry["value"])
        # Kubernetes expands $(VAR) from envFrom and from the env entries before this one;
        # anything else stays as written.
        defined = {}
        for ef in container.get("envFrom") or []:
            for k in self.configmaps.get((ef.get("configMapRef") or {}).get("name"), {}):
                defined[ef.get("prefix", "") + k] = "value"
        for e in env_list[:idx]:
            defined[e.get("name")] = self.secret_ref(e) or "value"
        refs = {var: defined.get(var) for var in EXPANSION.findall(value)}

        def show(m):
            r = refs.get(m.group(1))
            return f"<Secret {r[0]} key {r[1]}>" if isinstance(r, tuple) else m.group(0)

        return {"value": value, "whole": None, "refs": refs, "resolved": EXPANSION.sub(show, value)}

    def check_database_url(self, svc, where, container):
        """SERTEL_DATABASE_URL connects as the service's own role: its user and password are
        $(VAR)s of the Secret sertel-db-<svc> (keys username, password), defined before it."""
        url = self.resolve_database_url(container)
        want = DB_SECRET.format(svc)
        if url is None:
            return None  # "is not set" is the env checks' to report
        if url["value"] is None:
            src = "Secret {} key {}".format(*url["whole"]) if url["whole"] else "something not a Secret"
            self.check(False, "database",
                       f"{where}: SERTEL_DATABASE_URL comes whole from {src}, a shared role's URL; "
                       f"build it from the service's own role: postgresql://$(SERTEL_DB_USER):"
                       f"$(SERTEL_DB_PASSWORD)@... with both from Secret {want}")
            return url
        for var, r in sorted(url["refs"].items()):
            self.check(r is not None, "database",
                       f"{where}: SERTEL_DATABASE_URL refers to $({var}), which is not defined before "
                       f"it in env; Kubernetes would pass \"$({var})\" on unexpanded")
        m = DB_URL.match(url["value"])
        if not self.check(m is not None, "database",
                          f"{where}: SERTEL_DATABASE_URL {url['value']!r} is not a postgresql:// URL"):
            return url
        for part, key in (("user", "username"), ("password", "password")):
            text = m.group(part) or ""
            var = EXPANSION.fullmatch(text)
            source = url["refs"].get(var.group(1)) if var else None
            origin = " from Secret {} key {}".format(*source) if isinstance(source, tuple) else ""
            self.check(source == (want, key), "database",
                       f"{where}: the {part} in SERTEL_DATABASE_URL must be built from Secret {want} "
                       f"key {key} (the service's own role), is {text!r}{origin}")
        return url

    def secrets_used(self, container, w):
        """Names of the Secrets a container reads: env, envFrom and its mounted volumes."""
        names = set()
        for e in container.get("env") or []:
            ref = self.secret_ref(e)
            if ref:
                names.add(ref[0])
        for ef in container.get("envFrom") or []:
            if "secretRef" in ef:
                names.add(ef["secretRef"].get("name"))
        volumes = {v.get("name"): v for v in w.spec.get("volumes") or []}
        for m in container.get("volumeMounts") or []:
            v = volumes.get(m.get("name")) or {}
            if v.get("secret"):
                names.add(v["secret"].get("secretName"))
            for source in (v.get("projected") or {}).get("sources") or []:
                if source.get("secret"):
                    names.add(source["secret"].get("name"))
        return {n for n in names if n}

    def check_own_secrets(self, svc, where, container, w, migrate=False):
        """Least privilege: a service (or its migrate container) holds only its own role and
        audit keys, never another service's or a shared, more privileged role's."""
        shared = self.shared_db_secrets()
        for name in sorted(self.secrets_used(container, w)):
            other = next((o for o in SERVICES if o != svc
                          and name in (DB_SECRET.format(o), AUDIT_SECRET.format(o))), None)
            area = "audit" if name.startswith("sertel-audit-") else "database"
            self.check(other is None, area, f"{where}: uses Secret {name}, {other}-service's; a service "
                       "holds only its own database role and audit keys")
            self.check(name not in shared, "database",
                       f"{where}: uses Secret {name}, a shared or more privileged database role's")
            if migrate:
                self.check(name != AUDIT_SECRET.format(svc), "audit",
                           f"{where}: mounts Secret {name}; `migrate` neither chains nor signs audit "
                           "rows, so it gets no audit keys")

    def check_audit_keys(self, svc, where, container, w):
        """The service's own Secret sertel-audit-<svc> at /etc/sertel/audit, read-only, 0400."""
        want = AUDIT_SECRET.format(svc)
        mount = next((m for m in container.get("volumeMounts") or []
                      if m.get("mountPath", "").rstrip("/") == AUDIT_DIR), None)
        if not self.check(mount is not None, "audit",
                          f"{where}: nothing is mounted at {AUDIT_DIR}; want Secret {want}, the "
                          "service's audit keys (hmac.key, checkpoint-key.pem)"):
            return
        vol = next((v for v in w.spec.get("volumes") or [] if v.get("name") == mount.get("name")), {})
        secret = vol.get("secret") or {}
        got = f"Secret {secret['secretName']}" if secret.get("secretName") else "not a Secret volume"
        self.check(secret.get("secretName") == want, "audit",
                   f"{where}: {AUDIT_DIR} is {got}; want Secret {want}: each service's audit keys "
                   "are its own")
        self.check(mount.get("readOnly") is True, "audit", f"{where}: {AUDIT_DIR} is not mounted readOnly")
        mode = secret.get("defaultMode", 0o644)
        self.check((mode & ~0o400) == 0, "audit",
                   f"{where}: the Secret at {AUDIT_DIR} has defaultMode {oct(mode)}; want 0400 (owner "
                   "read only; fsGroup adds group read)")

    def check_database_tls(self, where, container, w, cname):
        """Production: the Cluster's read-write Service, sslmode=verify-full, and the root
        certificate from the Cluster's CA Secret."""
        url = self.resolve_database_url(container)
        m = DB_URL.match(url["value"]) if url and url["value"] else None
        if m is None:
            return
        host = m.group("host")
        self.check(host.split(".")[0] == f"{cname}-rw", "database",
                   f"{where}: SERTEL_DATABASE_URL connects to {host!r}; want {cname}-rw, the Cluster's "
                   "read-write Service")
        query = urllib.parse.parse_qs(m.group("query") or "")
        mode = (query.get("sslmode") or ["prefer"])[0]
        if not self.check(mode == "verify-full", "database",
                          f"{where}: SERTEL_DATABASE_URL has sslmode={mode}; want verify-full (TLS, the "
                          f"server's certificate checked against the Cluster's CA and its name)"):
            return
        path = (query.get("sslrootcert") or [""])[0]
        mount = next((mt for mt in container.get("volumeMounts") or []
                      if path.startswith(mt.get("mountPath", "").rstrip("/") + "/")), None)
        if not self.check(bool(path) and mount is not None, "database",
                          f"{where}: SERTEL_DATABASE_URL's sslrootcert {path!r} lies in no volumeMount"):
            return
        vol = next((v for v in w.spec.get("volumes") or [] if v.get("name") == mount.get("name")), {})
        secret = (vol.get("secret") or {}).get("secretName")
        self.check(secret == f"{cname}-ca", "database",
                   f"{where}: sslrootcert {path} comes from {secret or 'no Secret'}; want Secret "
                   f"{cname}-ca, the Cluster's CA")

    def check_database_ca_key(self, cname):
        """CloudNativePG's <cluster>-ca Secret holds ca.key too: mount ca.crt only."""
        for w in self.workloads:
            for v in w.spec.get("volumes") or []:
                sources = [v.get("secret") or {}] + [(s.get("secret") or {}) for s in
                                                     (v.get("projected") or {}).get("sources") or []]
                for s in sources:
                    if (s.get("secretName") or s.get("name")) != f"{cname}-ca":
                        continue
                    keys = {i.get("key") for i in s.get("items") or []}
                    self.check(s.get("items") is not None and keys == {"ca.crt"}, "database",
                               f"{w}: volume {v.get('name')} mounts Secret {cname}-ca beyond ca.crt; it "
                               "also holds ca.key, the CA's private key")

    def check_managed_roles(self, cl):
        """Production: a login role per service, nothing more, its password the service's
        Secret; and its schema created owned by it when the Cluster is bootstrapped."""
        cname = name_of(cl)
        spec = cl.get("spec") or {}
        roles = {r.get("name"): r for r in (spec.get("managed") or {}).get("roles") or []}
        initdb = (spec.get("bootstrap") or {}).get("initdb") or {}
        sql = list(initdb.get("postInitApplicationSQL") or [])
        for ref in (initdb.get("postInitApplicationSQLRefs") or {}).get("configMapRefs") or []:
            sql.append(self.configmaps.get(ref.get("name"), {}).get(ref.get("key"), ""))
        sql = "\n".join(map(str, sql))
        for svc in SERVICES:
            role = DB_ROLE.format(svc)
            r = roles.get(role)
            if not self.check(r is not None and r.get("ensure", "present") == "present", "database",
                              f"Cluster/{cname}: no managed role {role} (spec.managed.roles, ensure "
                              "present)"):
                continue
            self.check(r.get("login") is True, "database",
                       f"Cluster/{cname}: managed role {role} cannot log in (want login: true)")
            extra = [k for k in ("superuser", "createdb", "createrole", "replication", "bypassrls")
                     if r.get(k)]
            self.check(not extra, "database",
                       f"Cluster/{cname}: managed role {role} has {', '.join(extra)}; a service's role "
                       "needs none of them")
            self.check(not r.get("inRoles"), "database",
                       f"Cluster/{cname}: managed role {role} is a member of {r.get('inRoles')}; it "
                       "should hold only what it owns")
            secret = (r.get("passwordSecret") or {}).get("name")
            self.check(secret == DB_SECRET.format(svc), "database",
                       f"Cluster/{cname}: managed role {role} takes its password from {secret}; want "
                       f"Secret {DB_SECRET.format(svc)}, the one {svc}-service connects with")
            owned = re.search(rf"\bCREATE\s+SCHEMA\s+(IF\s+NOT\s+EXISTS\s+)?\"?{svc}\"?\s+"
                              rf"AUTHORIZATION\s+\"?{role}\"?(\s|;|$)", sql, re.I)
            self.check(owned is not None, "database",
                       f"Cluster/{cname}: bootstrap.initdb.postInitApplicationSQL does not create schema "
                       f"{svc} owned by {role} (its role may not create schemas, so migrate cannot)")

    # -- images --------------------------------------------------------------------------------
    def check_images(self):
        images = {}
        for svc in SERVICES:
            _, c = self.service_container(svc)
            if c is not None:
                images[f"Deployment/{svc}-service"] = c.get("image")
        job = self.workload("Job", MIGRATE_JOB)
        for c in (job.containers() if job else []):
            images[f"Job/{MIGRATE_JOB} container {c.get('name')}"] = c.get("image")
        distinct = set(images.values())
        self.check(len(distinct) == 1, "images",
                   "the services and the migration Job must run one image, found: "
                   + ", ".join(f"{k}={v}" for k, v in sorted(images.items())))
        for image in distinct:
            image = image or ""
            tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
            self.check(tag not in ("", "latest") or "@sha256:" in image, "images",
                       f"image {image!r} has no tag (or :latest); pin a version")
            if self.profile == "production":
                self.check("/" in image and tag not in ("dev",), "images",
                           f"production image {image!r} should name a registry and a release tag")

    # -- migration job -------------------------------------------------------------------------
    def check_migration_job(self):
        job = self.workload("Job", MIGRATE_JOB)
        if not self.check(job is not None, "job", f"no migration Job {MIGRATE_JOB}"):
            return
        spec = job.obj.get("spec") or {}
        self.check(job.spec.get("restartPolicy") in ("OnFailure", "Never"), "job",
                   f"{job}: restartPolicy must be OnFailure or Never")
        self.check("backoffLimit" in spec, "job", f"{job}: no backoffLimit")
        for svc in SERVICES:
            name = f"{svc}-service"
            cs = [c for c in job.containers()
                  if (c.get("command") or []) + (c.get("args") or []) == [BIN_DIR + name, "migrate"]]
            if not self.check(len(cs) == 1, "job", f"{job}: no container runs [{BIN_DIR + name}, migrate]"):
                continue
            c = cs[0]
            where = f"{job} container {c.get('name')}"
            env = self.env_of(c, where, area="job")
            # The migrations run as the schema's owner, the service's own role: the same
            # connection as the Deployment's, and no audit keys.
            mine = self.check_database_url(svc, where, c)
            self.check_own_secrets(svc, where, c, job, migrate=True)
            _, server = self.service_container(svc)
            theirs = self.resolve_database_url(server) if server is not None else None
            if mine is not None and theirs is not None:
                self.check(mine["resolved"] == theirs["resolved"], "job",
                           f"{where}: SERTEL_DATABASE_URL is {mine['resolved']}, Deployment/{name}'s "
                           f"{theirs['resolved']}; migrate must connect as the service does (its role "
                           "owns the schema)")
            # `migrate` checks the whole configuration first, so what the binary requires must
            # be set, and files it reads while parsing must be mounted.
            src = self.sources[svc] if self.sources else {"required": set(), "at_parse": set()}
            for var in sorted(src["required"] | {"SERTEL_TLS_CERT", "SERTEL_TLS_KEY", "SERTEL_TLS_CA"}):
                self.check(env.get(var) not in (None, ""), "job", f"{where}: {var} is not set")
            self.check_files(where, env, c, job, src["at_parse"] & set(env))

    # -- network policies ------------------------------------------------------------------------
    def policies(self):
        return self.by_kind.get("NetworkPolicy", [])

    @staticmethod
    def types(np):
        spec = np.get("spec") or {}
        t = spec.get("policyTypes")
        if t:
            return set(t)
        return {"Ingress"} | ({"Egress"} if "egress" in spec else set())

    def selecting(self, w, direction):
        return [np for np in self.policies()
                if direction in self.types(np) and labels_match(np["spec"].get("podSelector"), w.labels)]

    @staticmethod
    def port_allowed(rule, number, name=None, protocol="TCP"):
        ports = rule.get("ports")
        if not ports:
            return True
        for p in ports:
            if p.get("protocol", "TCP") != protocol:
                continue
            if "port" not in p:
                return True
            port = p["port"]
            end = p.get("endPort")
            if port == number or (name is not None and port == name):
                return True
            if isinstance(port, int) and end and port <= number <= end:
                return True
        return False

    def peers(self, rule, key):
        """A rule's peers as tuples: ('pod', workload), ('ns', labels), ('ns+pod', ...),
        ('ip', cidr) or ('any',)."""
        entries = rule.get(key)
        if not entries:
            return [("any",)]
        out = []
        for peer in entries:
            if "ipBlock" in peer:
                out.append(("ip", peer["ipBlock"].get("cidr")))
            elif "namespaceSelector" in peer:
                ns = tuple(sorted((peer["namespaceSelector"].get("matchLabels") or {}).items()))
                if "podSelector" in peer:
                    pods = tuple(sorted((peer["podSelector"].get("matchLabels") or {}).items()))
                    out.append(("ns+pod", ns, pods))
                else:
                    out.append(("ns", ns))
            elif "podSelector" in peer:
                matched = [w for w in self.workloads if labels_match(peer["podSelector"], w.labels)]
                out.extend(("pod", repr(w)) for w in matched)
                if not matched:
                    labels = tuple(sorted((peer["podSelector"].get("matchLabels") or {}).items()))
                    out.append(("pod-selector", labels))
        return out

    def ingress_peers(self, w, number, name=None, protocol="TCP"):
        out = set()
        for np in self.selecting(w, "Ingress"):
            for rule in np["spec"].get("ingress") or []:
                if self.port_allowed(rule, number, name, protocol):
                    out |= set(self.peers(rule, "from"))
        return out

    def egress_allows(self, w, target_w, number, name=None):
        for np in self.selecting(w, "Egress"):
            for rule in np["spec"].get("egress") or []:
                if not self.port_allowed(rule, number, name):
                    continue
                for peer in self.peers(rule, "to"):
                    if peer == ("any",) or peer == ("pod", repr(target_w)):
                        return True
                    if peer[0] == "ip" and peer[1] in ("0.0.0.0/0", "::/0"):
                        return True
        return False

    def check_network(self):
        # Default deny for everything in the namespace, both ways.
        deny = [np for np in self.policies()
                if np["spec"].get("podSelector") == {} and self.types(np) == {"Ingress", "Egress"}
                and not np["spec"].get("ingress") and not np["spec"].get("egress")]
        self.check(bool(deny), "network", "no default-deny NetworkPolicy (podSelector {}, Ingress and Egress)")
        for w in self.workloads:
            self.check(bool(self.selecting(w, "Ingress")), "network", f"{w}: no NetworkPolicy limits its ingress")
            self.check(bool(self.selecting(w, "Egress")), "network", f"{w}: no NetworkPolicy limits its egress")
            for c in w.containers():
                for p in c.get("ports") or []:
                    peers = self.ingress_peers(w, p.get("containerPort"), p.get("name"), p.get("protocol", "TCP"))
                    self.check(bool(peers), "network",
                               f"{w}: containerPort {p.get('containerPort')} ({p.get('name')}) is not "
                               "covered by any NetworkPolicy ingress rule")
            dns = any(self.port_allowed(r, 53, protocol="UDP")
                      for np in self.selecting(w, "Egress") for r in np["spec"].get("egress") or [])
            self.check(dns, "network", f"{w}: no egress to DNS (UDP 53)")

        ingress_ns = ("ns", tuple(sorted(INGRESS_NS.items())))
        deployments = {svc: self.workload("Deployment", f"{svc}-service") for svc in SERVICES}
        if None in deployments.values():
            return
        for svc, w in deployments.items():
            _, c = self.service_container(svc)
            ports = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
            port = ports.get("grpc")
            got = self.ingress_peers(w, port, "grpc")
            want = {("pod", f"Deployment/{caller}-service") for caller in SERVICES if svc in CALLS[caller]}
            if svc in PUBLIC:
                want.add(ingress_ns)
            self.check(got == want, "network",
                       f"{svc}-service gRPC port {port} is reachable from {sorted(map(str, got))}; the call "
                       f"graph allows exactly {sorted(map(str, want))}")
            # Egress along the call graph, to the other services' gRPC ports.
            for other, ow in deployments.items():
                if other == svc:
                    continue
                _, oc = self.service_container(other)
                oport = {p.get("name"): p.get("containerPort") for p in oc.get("ports") or []}.get("grpc")
                allowed = self.egress_allows(w, ow, oport, "grpc")
                if other in CALLS[svc]:
                    self.check(allowed, "network", f"{svc}-service cannot reach {other}-service:{oport} "
                               "(egress), but the call graph needs it")
                else:
                    self.check(not allowed, "network", f"{svc}-service may reach {other}-service:{oport} "
                               "(egress), which the call graph does not allow")
        # PostgreSQL: the four services and the migration Job reach it; nothing else does.
        job = self.workload("Job", MIGRATE_JOB)
        for w in list(deployments.values()) + ([job] if job else []):
            ok = False
            for np in self.selecting(w, "Egress"):
                for rule in np["spec"].get("egress") or []:
                    if not self.port_allowed(rule, 5432):
                        continue
                    for peer in rule.get("to") or []:
                        sel = peer.get("podSelector")
                        if sel is not None and "namespaceSelector" not in peer and \
                                labels_match(sel, DATABASE_LABELS):
                            ok = True
                        if "ipBlock" in peer:
                            ok = True
            self.check(ok, "network", f"{w}: no egress to PostgreSQL (port 5432, pods labelled "
                       f"{DATABASE_LABELS})")
        for db in [w for w in self.workloads if labels_match({"matchLabels": DATABASE_LABELS}, w.labels)]:
            self.check_database_ingress(db)
        # notification-service: SMTP and the WhatsApp Cloud API.
        n = deployments["notification"]
        _, nc = self.service_container("notification")
        env = self.env_of(nc, "Deployment/notification-service", area="network")
        url = env.get("SERTEL_NOTIFICATION_SMTP_URL", "smtp://127.0.0.1:2525")
        m = re.match(r"^smtps?://(?:[^@/]*@)?([^:/]+)(?::(\d+))?", url if isinstance(url, str) else "")
        if self.check(m is not None, "network", f"SERTEL_NOTIFICATION_SMTP_URL {url!r} is not an smtp URL"):
            host = m.group(1)
            port = int(m.group(2) or (465 if url.startswith("smtps") else 25))
            svc = self.get("Service", host.split(".")[0])
            if svc is not None:
                self.check(self.reaches_service(n, svc, port), "network",
                           f"notification-service cannot reach its SMTP server {url} "
                           "(Service, egress and the server's ingress)")
            else:
                self.check(self.egress_to_internet(n, port), "network",
                           f"notification-service has no egress to SMTP port {port} ({url})")
        self.check(self.egress_to_internet(n, 443), "network",
                   "notification-service has no egress to HTTPS (443) for the WhatsApp Cloud API")
        # Nothing else leaves for the internet, but a service configured from an OpenID
        # provider (SERTEL_OIDC_ISSUER) fetches its keys over HTTPS: to addresses outside the
        # cluster (ipBlocks) on TCP 443 only.
        oidc = set()
        for svc, dw in deployments.items():
            _, c = self.service_container(svc)
            if self.env_of(c, f"{dw}", area="network").get("SERTEL_OIDC_ISSUER") not in (None, ""):
                oidc.add(repr(dw))
        for w in self.workloads:
            if w is n:
                continue
            for np in self.selecting(w, "Egress"):
                for rule in np["spec"].get("egress") or []:
                    to_idp = repr(w) in oidc and self.https_only(rule)
                    for peer in self.peers(rule, "to"):
                        if peer == ("any",) or (peer[0] == "ip" and not to_idp):
                            self.check(False, "network", f"{w}: NetworkPolicy/{name_of(np)} allows egress "
                                       f"to {peer}; only notification-service talks to the outside (and, "
                                       "with SERTEL_OIDC_ISSUER, the services to their identity provider "
                                       "on TCP 443)")

    @staticmethod
    def https_only(rule):
        """The rule opens TCP 443 and nothing else."""
        ports = rule.get("ports") or []
        return bool(ports) and all(p.get("protocol", "TCP") == "TCP" and p.get("port") == 443
                                   and not p.get("endPort") for p in ports)

    def reaches_service(self, w, service, port):
        """Whether w may open `port` of a Service in the manifests: the port exists, selects a
        workload, w's egress allows that workload's target port and its ingress allows w."""
        sp = next((p for p in service["spec"].get("ports") or [] if p.get("port") == port), None)
        selector = {"matchLabels": service["spec"].get("selector") or {}}
        targets = [t for t in self.workloads if labels_match(selector, t.labels)]
        if sp is None or not targets:
            return False
        tport = sp.get("targetPort", port)
        number = next((p.get("containerPort") for c in targets[0].containers()
                       for p in c.get("ports") or []
                       if tport in (p.get("name"), p.get("containerPort"))), None)
        return (number is not None and self.egress_allows(w, targets[0], number)
                and ("pod", repr(w)) in self.ingress_peers(targets[0], number))

    def check_database_ingress(self, db, also=()):
        """PostgreSQL (port 5432) is reachable from the four services and the migration Job, and
        otherwise only from the peers in `also` (an operator's namespace, the instances)."""
        want = {("pod", f"Deployment/{svc}-service") for svc in SERVICES} | {("pod", f"Job/{MIGRATE_JOB}")}
        got = self.ingress_peers(db, 5432)
        extra = sorted(map(str, got - want - set(also)))
        self.check(want <= got and not extra, "network",
                   f"{db}: PostgreSQL reachable from {sorted(map(str, got))}; want the four services and "
                   f"the migration Job only (missing {sorted(map(str, want - got))}, extra {extra})")

    def egress_outside(self, w, port):
        """The peers outside the cluster w's egress allows on TCP `port`: ('any',) and
        ('ip', cidr) (an ipBlock names addresses, not pods)."""
        return [peer for np in self.selecting(w, "Egress") for rule in np["spec"].get("egress") or []
                if self.port_allowed(rule, port)
                for peer in self.peers(rule, "to") if peer == ("any",) or peer[0] == "ip"]

    def egress_to_internet(self, w, port):
        for peer in self.egress_outside(w, port):
            if peer == ("any",):
                return True
            try:
                if ipaddress.ip_network(peer[1]).prefixlen == 0:
                    return True
            except ValueError:
                pass
        return False

    # -- secrets ---------------------------------------------------------------------------------
    def check_not_secret_value(self, where, key, value):
        self.check(not PRIVATE_KEY.search(value), "secrets", f"{where}: holds a private key")
        self.check(not URL_WITH_PASSWORD.search(value), "secrets", f"{where}: a URL with a password")
        if SECRETISH_NAME.search(key) and not key.endswith("_FILE"):
            self.check(False, "secrets", f"{where}: {key} looks like a secret; pass a file from a Secret")

    def check_secrets(self):
        if self.profile in ("base", "production"):
            for s in self.by_kind.get("Secret", []):
                self.check(not s.get("data") and not s.get("stringData"), "secrets",
                           f"Secret/{name_of(s)} carries data; Secrets are referenced, never committed")
        for name, data in self.configmaps.items():
            for k, v in data.items():
                self.check_not_secret_value(f"ConfigMap/{name}", k, str(v))
        for w in self.workloads:
            for c in w.containers():
                for e in c.get("env") or []:
                    if "value" in e:
                        self.check_not_secret_value(f"{w} container {c.get('name')} env",
                                                    e["name"], str(e["value"]))

    # -- overlays --------------------------------------------------------------------------------
    def check_dev(self):
        dbs = [w for w in self.workloads if w.kind == "StatefulSet" and labels_match(
            {"matchLabels": DATABASE_LABELS}, w.labels)]
        if self.check(len(dbs) == 1, "overlay", f"dev: want one PostgreSQL StatefulSet, found {len(dbs)}"):
            self.check(dbs[0].obj["spec"].get("replicas", 1) == 1, "overlay",
                       "dev: the PostgreSQL StatefulSet should run a single instance")
        for svc in SERVICES:
            _, c = self.service_container(svc)
            db = self.resolve_database_url(c) if c is not None else None
            m = DB_URL.match(db["value"]) if db and db["value"] else None
            if m is not None:
                host = m.group("host").split(".")[0]
                self.check(self.get("Service", host) is not None, "overlay",
                           f"dev: Deployment/{svc}-service's SERTEL_DATABASE_URL names host {host!r}, "
                           "which is no Service in the manifests")
        _, nc = self.service_container("notification")
        if nc is not None:
            url = self.env_of(nc, "notification", area="overlay").get("SERTEL_NOTIFICATION_SMTP_URL", "")
            host = re.sub(r"^smtps?://(?:[^@/]*@)?([^:/]+).*$", r"\1", str(url))
            self.check(self.get("Service", host) is not None, "overlay",
                       f"dev: SERTEL_NOTIFICATION_SMTP_URL {url!r} should name the in-cluster mail sink's Service")

    def check_production(self):
        clusters = self.by_kind.get("Cluster", [])
        if not self.check(len(clusters) == 1, "overlay", "production: want one CloudNativePG Cluster"):
            return
        cl = clusters[0]
        cname = name_of(cl)
        spec = cl.get("spec") or {}
        self.check(spec.get("instances", 1) >= 3, "overlay", f"Cluster/{cname}: fewer than 3 instances")
        inherited = ((spec.get("inheritedMetadata") or {}).get("labels")) or {}
        self.check(labels_match({"matchLabels": DATABASE_LABELS}, inherited), "overlay",
                   f"Cluster/{cname}: inheritedMetadata.labels lack {DATABASE_LABELS}, which the services' "
                   "egress rules select")
        # The instances' pods are the operator's, not in the manifests: check the policy that
        # selects pods labelled like them.
        pods = Workload({"kind": "Deployment", "metadata": {"name": f"{cname}-N"},
                         "spec": {"template": {"metadata": {"labels": {**inherited, "cnpg.io/cluster": cname}}}}})
        pods.kind = "CloudNativePG"
        self.check(bool(self.selecting(pods, "Ingress")), "network",
                   f"Cluster/{cname}: no NetworkPolicy limits ingress to its pods")
        self.check_database_ingress(pods, also={
            ("pod-selector", (("cnpg.io/cluster", cname),)),
            ("ns", (("kubernetes.io/metadata.name", "cnpg-system"),)),
        })
        plugins = [p for p in spec.get("plugins") or [] if p.get("isWALArchiver")]
        in_tree = (spec.get("backup") or {}).get("barmanObjectStore")
        self.check(bool(plugins) or bool(in_tree), "overlay", f"Cluster/{cname}: no backup / WAL archiving")
        for p in plugins:
            store = (p.get("parameters") or {}).get("barmanObjectName")
            self.check(self.get("ObjectStore", store) is not None, "overlay",
                       f"Cluster/{cname}: plugin names ObjectStore {store!r}, which is not in the manifests")
        self.check(any((b.get("spec") or {}).get("cluster", {}).get("name") == cname
                       for b in self.by_kind.get("ScheduledBackup", [])), "overlay",
                   f"production: no ScheduledBackup for Cluster/{cname}")
        # Per-service roles, the schemas they own, and TLS to the Cluster.
        self.check_managed_roles(cl)
        self.check_database_ca_key(cname)
        job = self.workload("Job", MIGRATE_JOB)
        for svc in SERVICES:
            w, c = self.service_container(svc)
            if c is not None:
                self.check_database_tls(f"Deployment/{svc}-service", c, w, cname)
            for jc in (job.containers() if job else []):
                if (jc.get("command") or [])[:1] == [f"{BIN_DIR}{svc}-service"]:
                    self.check_database_tls(f"{job} container {jc.get('name')}", jc, job, cname)
        # cert-manager: a CA Issuer and a Certificate per service TLS Secret.
        issuers = {(o["kind"], name_of(o)): o
                   for o in self.by_kind.get("Issuer", []) + self.by_kind.get("ClusterIssuer", [])}
        self.check(any((o.get("spec") or {}).get("ca", {}).get("secretName") for o in issuers.values()),
                   "overlay", "production: no cert-manager CA Issuer (spec.ca.secretName)")
        certs = {(c.get("spec") or {}).get("secretName"): c for c in self.by_kind.get("Certificate", [])}
        for svc in SERVICES:
            w, c = self.service_container(svc)
            if w is None:
                continue
            tls = next((v for v in w.spec.get("volumes") or []
                        for m in c.get("volumeMounts") or []
                        if m.get("name") == v.get("name") and m.get("mountPath") == "/etc/sertel/tls"), None)
            secret = ((tls or {}).get("secret") or {}).get("secretName")
            cert = certs.get(secret)
            if not self.check(cert is not None, "overlay",
                              f"production: no cert-manager Certificate writes {svc}-service's TLS Secret {secret}"):
                continue
            cs = cert.get("spec") or {}
            usages = set(cs.get("usages") or [])
            self.check({"server auth", "client auth"} <= usages, "overlay",
                       f"Certificate/{name_of(cert)}: usages {sorted(usages)} lack server auth and client auth (mTLS)")
            self.check(f"{svc}-service" in (cs.get("dnsNames") or []), "overlay",
                       f"Certificate/{name_of(cert)}: dnsNames lack {svc}-service, the name callers dial")
            self.check((cs.get("uris") or []) == [f"spiffe://sertel/{svc}"], "overlay",
                       f"Certificate/{name_of(cert)}: uris must be exactly spiffe://sertel/{svc}, "
                       f"the identity the role tables name")
            ref = cs.get("issuerRef") or {}
            self.check((ref.get("kind", "Issuer"), ref.get("name")) in issuers, "overlay",
                       f"Certificate/{name_of(cert)}: issuer {ref} is not in the manifests")
        # People's token keys from the identity provider, which rotates them by itself
        # (docs/identity.md); fixed PEM keys are for dev and air-gapped sites. The provider is
        # outside the cluster, at an address only the site knows: any egress on TCP 443 there.
        for svc in SERVICES:
            w, c = self.service_container(svc)
            if c is None:
                continue
            env = self.env_of(c, f"{w}", area="overlay")
            self.check(env.get("SERTEL_OIDC_ISSUER") not in (None, "")
                       and env.get("SERTEL_JWT_PUBLIC_KEYS") in (None, ""), "overlay",
                       f"production: {w} should take people's token keys from SERTEL_OIDC_ISSUER (the "
                       "identity provider, keys rotating by themselves), not SERTEL_JWT_PUBLIC_KEYS")
            self.check(bool(self.egress_outside(w, 443)), "network",
                       f"production: {w} has no egress to TCP 443 outside the cluster, so it cannot "
                       "fetch the identity provider's keys (NetworkPolicy identity-provider-egress)")
        # docs/operations.md: a DEAD outbox row raises an alert (the gauge above 0 for a while).
        alerts = [r for rule in self.by_kind.get("PrometheusRule", [])
                  for g in (rule.get("spec") or {}).get("groups") or []
                  for r in g.get("rules") or []
                  if r.get("alert") and "sertel_outbox_dead_rows" in str(r.get("expr", ""))]
        if self.check(bool(alerts), "overlay",
                      "production: no PrometheusRule alerts on sertel_outbox_dead_rows "
                      "(docs/operations.md, \"When an outbox row is DEAD\")"):
            self.check(all(r.get("for") for r in alerts), "overlay",
                       "production: the sertel_outbox_dead_rows alert should wait a while (`for`)")

    # -- the Dockerfile and the repository -------------------------------------------------------
    def check_dockerfile(self):
        path = os.path.join(self.repo, "Dockerfile")
        if not self.check(os.path.exists(path), "dockerfile", "no Dockerfile at the repository root"):
            return
        with open(path, encoding="utf-8") as f:
            text = f.read()
        froms = re.findall(r"^FROM\s+(\S+)", text, re.M)
        self.check(bool(froms) and froms[0] == "debian:12", "dockerfile",
                   f"build stage is {froms[:1]}, want debian:12")
        self.check(bool(froms) and froms[-1] == "debian:12-slim", "dockerfile",
                   f"runtime stage is {froms[-1:]}, want debian:12-slim")
        self.check("scripts/install-deps.sh" in text, "dockerfile",
                   "the build stage should install the packages through scripts/install-deps.sh")
        users = re.findall(r"^USER\s+(\S+)", text, re.M)
        uid = users[-1].split(":")[0] if users else None
        self.check(uid is not None and uid.isdigit() and uid != "0", "dockerfile",
                   f"the runtime stage's USER is {uid!r}; want a numeric non-root uid")
        for svc in SERVICES:
            _, c = self.service_container(svc)
            if c is None:
                continue
            run_as = ((c.get("securityContext") or {}).get("runAsUser"))
            self.check(str(run_as) == uid, "dockerfile",
                       f"Deployment/{svc}-service runs as uid {run_as}, the image's USER is {uid}")
        binaries = set()
        for w in self.workloads:
            for c in w.containers():
                cmd = c.get("command") or []
                if cmd and cmd[0].startswith(BIN_DIR):
                    binaries.add(cmd[0][len(BIN_DIR):])
        for b in sorted(binaries):
            self.check(re.search(rf"\b{re.escape(b)}\b", text) is not None, "dockerfile",
                       f"the manifests run {BIN_DIR}{b}, which the Dockerfile does not build/copy")
        self.check(re.search(r"\bsertelctl\b", text) is not None, "dockerfile", "the image lacks sertelctl")

    def check_repo_for_secrets(self):
        for dirpath, _, files in os.walk(os.path.join(self.repo, "k8s")):
            for name in files:
                path = os.path.join(dirpath, name)
                try:
                    with open(path, encoding="utf-8") as f:
                        text = f.read()
                except (UnicodeDecodeError, OSError):
                    continue
                rel = os.path.relpath(path, self.repo)
                self.check(not PRIVATE_KEY.search(text), "secrets", f"{rel}: contains a private key")
                self.check(not URL_WITH_PASSWORD.search(text), "secrets", f"{rel}: contains a URL with a password")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--profile", choices=("base", "dev", "production"), required=True)
    ap.add_argument("--repo", default=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                    "..", "..")))
    ap.add_argument("--lite", metavar="KUSTOMIZE_DIR",
                    help="render this folder with the built-in stand-in instead of reading files")
    ap.add_argument("files", nargs="*", help="rendered YAML (kubectl kustomize output); - for stdin")
    args = ap.parse_args(argv)
    if args.lite:
        objs = load_lite(args.lite)
    elif args.files:
        objs = load_rendered(args.files)
    else:
        ap.error("give rendered YAML files or --lite DIR")
    checker = Checker(objs, args.profile, args.repo)
    problems = checker.run()
    if problems:
        print(f"check_manifests ({args.profile}): {len(problems)} problem(s) in {len(objs)} objects:")
        for p in problems:
            print(f"  - {p}")
        return 1
    print(f"check_manifests ({args.profile}): OK, {checker.checks} checks on {len(objs)} objects")
    return 0


if __name__ == "__main__":
    sys.exit(main())
