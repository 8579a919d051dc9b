#!/usr/bin/python3
"""Proves check_manifests.py fails when it should: the base (rendered by the checker's own
stand-in for kustomize, so no kubectl is needed) passes, and each test breaks one property and
expects the problem named. Production cases use kubectl when it is installed.

    /usr/bin/python3 -m unittest discover -s k8s/tests -p 'test_*.py'
"""

import copy
import os
import shutil
import subprocess
import unittest

import check_manifests as cm

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
BASE = cm.load_lite(os.path.join(REPO, "k8s", "base"))


def find(objs, kind, name):
    return next(o for o in objs if o.get("kind") == kind and o["metadata"]["name"] == name)


def server(objs, svc):
    return find(objs, "Deployment", f"{svc}-service")["spec"]["template"]["spec"]["containers"][0]


def pod_spec(objs, kind, name):
    return find(objs, kind, name)["spec"]["template"]["spec"]


def migrate(objs, svc):
    return next(c for c in pod_spec(objs, "Job", "sertel-migrate")["containers"] if c["name"] == svc)


def env_entry(container, name):
    return next(e for e in container["env"] if e["name"] == name)


def problems(objs, profile="base"):
    return cm.Checker(objs, profile, REPO).run()


def config(objs, name):
    """A generated ConfigMap's data; kustomize adds a hash to the name, the stand-in does not."""
    return next(o for o in objs if o.get("kind") == "ConfigMap" and (
        o["metadata"]["name"] == name or o["metadata"]["name"].rsplit("-", 1)[0] == name))["data"]


ISSUER = "https://sso.example.invalid/realms/sertel"
# What the production overlay adds: TCP 443 to the identity provider from the four services.
IDP_EGRESS = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
              "metadata": {"name": "identity-provider-egress", "namespace": "sertel"},
              "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/component": "grpc-service"}},
                       "policyTypes": ["Egress"],
                       "egress": [{"to": [{"ipBlock": {"cidr": "192.0.2.10/32"}}],
                                   "ports": [{"protocol": "TCP", "port": 443}]}]}}


class BaseTest(unittest.TestCase):
    def setUp(self):
        self.objs = copy.deepcopy(BASE)

    def assertProblem(self, fragment, profile="base"):
        found = problems(self.objs, profile)
        self.assertTrue(any(fragment in p for p in found),
                        f"expected a problem mentioning {fragment!r}, got {found}")

    def policy(self, name):
        return find(self.objs, "NetworkPolicy", name)


class PassesTest(BaseTest):
    def test_base_passes(self):
        self.assertEqual(problems(self.objs), [])

    def test_sources_give_required_variables(self):
        src = cm.read_sources(REPO)
        self.assertIn("SERTEL_DATABASE_URL", src["intake"]["required"])
        self.assertIn("SERTEL_CERTIFICATE_CA_KEY", src["certificate"]["required"])
        self.assertIn("SERTEL_NOTIFICATION_SECRET_KEY_FILE", src["notification"]["at_parse"])


class PodHardeningTest(BaseTest):
    def test_writable_root_filesystem(self):
        server(self.objs, "intake")["securityContext"]["readOnlyRootFilesystem"] = False
        self.assertProblem("intake-service container server: readOnlyRootFilesystem")

    def test_root_user(self):
        server(self.objs, "disposition")["securityContext"]["runAsUser"] = 0
        self.assertProblem("runAsUser must be set and not 0")

    def test_capabilities_kept(self):
        del server(self.objs, "certificate")["securityContext"]["capabilities"]
        self.assertProblem("do not drop ALL")

    def test_privilege_escalation(self):
        job = find(self.objs, "Job", "sertel-migrate")
        job["spec"]["template"]["spec"]["containers"][0]["securityContext"]["allowPrivilegeEscalation"] = True
        self.assertProblem("allowPrivilegeEscalation is not false")

    def test_no_limits(self):
        del server(self.objs, "notification")["resources"]["limits"]
        self.assertProblem("no cpu in resources.limits")

    def test_token_automount(self):
        find(self.objs, "ServiceAccount", "intake-service")["automountServiceAccountToken"] = True
        self.assertProblem("ServiceAccount/intake-service: automountServiceAccountToken")


class ServicesTest(BaseTest):
    def test_tcp_probe_instead_of_grpc(self):
        server(self.objs, "intake")["readinessProbe"] = {"tcpSocket": {"port": 50051}}
        self.assertProblem("readinessProbe is not a native grpc probe")

    def test_probe_on_tls_port(self):
        server(self.objs, "disposition")["livenessProbe"]["grpc"]["port"] = 50052
        self.assertProblem("livenessProbe probes port 50052")

    def test_missing_pdb(self):
        self.objs.remove(find(self.objs, "PodDisruptionBudget", "certificate-service"))
        self.assertProblem("no PodDisruptionBudget selects certificate-service")

    def test_missing_hpa(self):
        self.objs.remove(find(self.objs, "HorizontalPodAutoscaler", "notification-service"))
        self.assertProblem("HorizontalPodAutoscaler for notification-service")

    def test_wrong_binary(self):
        server(self.objs, "intake")["command"] = ["/usr/local/bin/disposition-service"]
        self.assertProblem("Deployment/intake-service: command")

    def test_one_replica(self):
        find(self.objs, "Deployment", "intake-service")["spec"]["replicas"] = 1
        self.assertProblem("replicas 1 < 2")


class EnvTest(BaseTest):
    def test_missing_downstream_address(self):
        del find(self.objs, "ConfigMap", "intake-service-config")["data"]["SERTEL_DISPOSITION_ADDRESS"]
        self.assertProblem("Deployment/intake-service: SERTEL_DISPOSITION_ADDRESS is not set")

    def test_missing_required_from_sources(self):
        del find(self.objs, "ConfigMap", "certificate-service-config")["data"]["SERTEL_CERTIFICATE_CA_KEY"]
        self.assertProblem("SERTEL_CERTIFICATE_CA_KEY is not set")

    def test_unknown_variable(self):
        find(self.objs, "ConfigMap", "disposition-service-config")["data"]["SERTEL_DISPOSITON_ADDRESS"] = "x:1"
        self.assertProblem("SERTEL_DISPOSITON_ADDRESS is set but disposition-service never reads it")

    def test_loopback_listen_address(self):
        find(self.objs, "ConfigMap", "intake-service-config")["data"]["SERTEL_LISTEN_ADDRESS"] = "127.0.0.1:50051"
        self.assertProblem("binds one address only")

    def test_address_to_wrong_service(self):
        cm_ = find(self.objs, "ConfigMap", "certificate-service-config")
        cm_["data"]["SERTEL_NOTIFICATION_ADDRESS"] = "notification-service:50053"
        self.assertProblem("SERTEL_NOTIFICATION_ADDRESS='notification-service:50053' is not the Service")

    def test_file_outside_mounts(self):
        find(self.objs, "ConfigMap", "sertel-common-config")["data"]["SERTEL_TLS_CA"] = "/etc/ssl/ca.pem"
        self.assertProblem("SERTEL_TLS_CA names /etc/ssl/ca.pem, which no volumeMount provides")

    def test_database_url_in_plain_text(self):
        server(self.objs, "intake")["env"] = [
            {"name": "SERTEL_DATABASE_URL", "value": "postgresql://sertel@postgres/sertel"}]
        self.assertProblem("the password in SERTEL_DATABASE_URL must be built from Secret sertel-db-intake")

    def test_audit_key_variable_missing(self):
        del find(self.objs, "ConfigMap", "sertel-common-config")["data"]["SERTEL_AUDIT_HMAC_KEY_FILE"]
        self.assertProblem("Deployment/disposition-service: SERTEL_AUDIT_HMAC_KEY_FILE is not set")

    def test_expansion_only_variable_unused(self):
        env_entry(server(self.objs, "certificate"), "SERTEL_DATABASE_URL")["value"] = \
            "postgresql://$(SERTEL_DB_USER)@postgres:5432/sertel"
        self.assertProblem("SERTEL_DB_PASSWORD is set for $(...) expansion only")


class TokenKeysTest(BaseTest):
    """People's token keys: SERTEL_OIDC_ISSUER or SERTEL_JWT_PUBLIC_KEYS, exactly one."""
    def common(self):
        return config(self.objs, "sertel-common-config")

    def use_oidc(self):
        self.common()["SERTEL_OIDC_ISSUER"] = ISSUER
        self.objs.append(copy.deepcopy(IDP_EGRESS))

    def test_base_leaves_the_choice_to_the_overlays(self):
        self.assertNotIn("SERTEL_OIDC_ISSUER", self.common())
        self.assertNotIn("SERTEL_JWT_PUBLIC_KEYS", self.common())

    def test_oidc_with_egress_to_the_provider_passes(self):
        self.use_oidc()
        self.assertEqual(problems(self.objs), [])

    def test_oidc_and_pem_keys(self):
        self.use_oidc()
        self.common()["SERTEL_JWT_PUBLIC_KEYS"] = "/etc/sertel/jwt/current.pem"
        self.assertProblem("Deployment/intake-service: both SERTEL_OIDC_ISSUER and SERTEL_JWT_PUBLIC_KEYS "
                           "are set")

    def test_neither_when_deployed(self):
        # Fine in base (the overlays choose); as a deployed profile, no person could sign in.
        self.assertProblem("Deployment/certificate-service: neither SERTEL_OIDC_ISSUER nor "
                           "SERTEL_JWT_PUBLIC_KEYS is set", profile="dev")

    def test_http_issuer(self):
        self.use_oidc()
        self.common()["SERTEL_OIDC_ISSUER"] = "http://sso.example.invalid/realms/sertel"
        self.assertProblem("SERTEL_OIDC_ISSUER='http://sso.example.invalid/realms/sertel' is not an "
                           "https:// URL")

    def test_pem_keys_without_issuer(self):
        self.common()["SERTEL_JWT_PUBLIC_KEYS"] = "/etc/sertel/jwt/current.pem"
        self.assertProblem("Deployment/notification-service: SERTEL_JWT_PUBLIC_KEYS is set without "
                           "SERTEL_JWT_ISSUER")

    def test_jwt_issuer_differs_from_oidc_issuer(self):
        self.use_oidc()
        self.common()["SERTEL_JWT_ISSUER"] = "sertel-dev"
        self.assertProblem("SERTEL_JWT_ISSUER='sertel-dev' differs from SERTEL_OIDC_ISSUER")

    def test_provider_ca_outside_mounts(self):
        self.use_oidc()
        self.common()["SERTEL_OIDC_CA_FILE"] = "/etc/ssl/idp-ca.pem"
        self.assertProblem("SERTEL_OIDC_CA_FILE names /etc/ssl/idp-ca.pem, which no volumeMount provides")

    def test_provider_ca_without_issuer(self):
        self.common()["SERTEL_OIDC_CA_FILE"] = "/etc/sertel/tls/ca.crt"
        self.assertProblem("SERTEL_OIDC_CA_FILE is set without SERTEL_OIDC_ISSUER")

    def test_provider_egress_beyond_https(self):
        self.use_oidc()
        find(self.objs, "NetworkPolicy", "identity-provider-egress")["spec"]["egress"][0]["ports"].append(
            {"protocol": "TCP", "port": 80})
        self.assertProblem("Deployment/disposition-service: NetworkPolicy/identity-provider-egress allows "
                           "egress to ('ip', '192.0.2.10/32'); only notification-service talks to the outside")

    def test_provider_egress_without_oidc(self):
        self.objs.append(copy.deepcopy(IDP_EGRESS))
        self.assertProblem("Deployment/intake-service: NetworkPolicy/identity-provider-egress allows egress")


class DatabaseRolesTest(BaseTest):
    def test_base_services_use_their_own_roles(self):
        for svc in cm.SERVICES:
            refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in server(self.objs, svc)["env"]
                    if "valueFrom" in e}
            self.assertEqual(refs["SERTEL_DB_USER"], {"name": f"sertel-db-{svc}", "key": "username"})
            self.assertEqual(refs["SERTEL_DB_PASSWORD"], {"name": f"sertel-db-{svc}", "key": "password"})

    def test_shared_url_secret(self):
        entry = env_entry(server(self.objs, "intake"), "SERTEL_DATABASE_URL")
        entry.clear()
        entry.update({"name": "SERTEL_DATABASE_URL",
                      "valueFrom": {"secretKeyRef": {"name": "sertel-database", "key": "url"}}})
        self.assertProblem("Deployment/intake-service: SERTEL_DATABASE_URL comes whole from Secret "
                           "sertel-database key url")

    def test_another_services_password(self):
        ref = env_entry(server(self.objs, "intake"), "SERTEL_DB_PASSWORD")["valueFrom"]["secretKeyRef"]
        ref["name"] = "sertel-db-disposition"
        self.assertProblem("Deployment/intake-service: the password in SERTEL_DATABASE_URL must be built "
                           "from Secret sertel-db-intake key password (the service's own role), is "
                           "'$(SERTEL_DB_PASSWORD)' from Secret sertel-db-disposition key password")
        self.assertProblem("Deployment/intake-service: uses Secret sertel-db-disposition, "
                           "disposition-service's")

    def test_another_services_role_name(self):
        ref = env_entry(server(self.objs, "notification"), "SERTEL_DB_USER")["valueFrom"]["secretKeyRef"]
        ref["name"] = "sertel-db-certificate"
        self.assertProblem("the user in SERTEL_DATABASE_URL must be built from Secret sertel-db-notification")

    def test_superuser_secret(self):
        ref = env_entry(server(self.objs, "certificate"), "SERTEL_DB_PASSWORD")["valueFrom"]["secretKeyRef"]
        ref["name"] = "sertel-dev-postgres"
        self.assertProblem("uses Secret sertel-dev-postgres, a shared or more privileged database role's")

    def test_url_before_its_variables(self):
        env = server(self.objs, "disposition")["env"]
        env.insert(0, env.pop(next(i for i, e in enumerate(env) if e["name"] == "SERTEL_DATABASE_URL")))
        self.assertProblem("Deployment/disposition-service: SERTEL_DATABASE_URL refers to $(SERTEL_DB_USER), "
                           "which is not defined before it")

    def test_migrate_uses_another_services_role(self):
        c = migrate(self.objs, "intake")
        for name in ("SERTEL_DB_USER", "SERTEL_DB_PASSWORD"):
            env_entry(c, name)["valueFrom"]["secretKeyRef"]["name"] = "sertel-db-disposition"
        self.assertProblem("Job/sertel-migrate container intake: SERTEL_DATABASE_URL is "
                           "postgresql://<Secret sertel-db-disposition key username>")
        self.assertProblem("Job/sertel-migrate container intake: the password in SERTEL_DATABASE_URL must be "
                           "built from Secret sertel-db-intake")

    def test_migrate_differs_from_its_service(self):
        env_entry(migrate(self.objs, "certificate"), "SERTEL_DATABASE_URL")["value"] = \
            "postgresql://$(SERTEL_DB_USER):$(SERTEL_DB_PASSWORD)@elsewhere:5432/sertel"
        self.assertProblem("Job/sertel-migrate container certificate: SERTEL_DATABASE_URL is "
                           "postgresql://<Secret sertel-db-certificate key username>:<Secret "
                           "sertel-db-certificate key password>@elsewhere")


class AuditKeysTest(BaseTest):
    def audit_volume(self, svc):
        spec = pod_spec(self.objs, "Deployment", f"{svc}-service")
        return next(v for v in spec["volumes"] if v["name"] == "audit")

    def test_another_services_audit_keys(self):
        self.audit_volume("intake")["secret"]["secretName"] = "sertel-audit-disposition"
        self.assertProblem("Deployment/intake-service: /etc/sertel/audit is Secret sertel-audit-disposition; "
                           "want Secret sertel-audit-intake")
        self.assertProblem("Deployment/intake-service: uses Secret sertel-audit-disposition, "
                           "disposition-service's")

    def test_audit_keys_not_mounted(self):
        c = server(self.objs, "notification")
        c["volumeMounts"] = [m for m in c["volumeMounts"] if m["mountPath"] != "/etc/sertel/audit"]
        self.assertProblem("Deployment/notification-service: nothing is mounted at /etc/sertel/audit")

    def test_audit_keys_world_readable(self):
        self.audit_volume("certificate")["secret"]["defaultMode"] = 0o444
        self.assertProblem("Deployment/certificate-service: the Secret at /etc/sertel/audit has defaultMode "
                           "0o444; want 0400")

    def test_audit_keys_writable(self):
        c = server(self.objs, "disposition")
        next(m for m in c["volumeMounts"] if m["name"] == "audit")["readOnly"] = False
        self.assertProblem("Deployment/disposition-service: /etc/sertel/audit is not mounted readOnly")

    def test_migrate_gets_audit_keys(self):
        spec = pod_spec(self.objs, "Job", "sertel-migrate")
        spec["volumes"].append({"name": "audit", "secret": {"secretName": "sertel-audit-intake",
                                                            "defaultMode": 0o400}})
        migrate(self.objs, "intake").setdefault("volumeMounts", []).append(
            {"name": "audit", "mountPath": "/etc/sertel/audit", "readOnly": True})
        self.assertProblem("Job/sertel-migrate container intake: mounts Secret sertel-audit-intake; "
                           "`migrate` neither chains nor signs")

    def test_dev_plaintext(self):
        find(self.objs, "ConfigMap", "sertel-common-config")["data"]["SERTEL_DEV_PLAINTEXT"] = "true"
        self.assertProblem("SERTEL_DEV_PLAINTEXT is on")


class ImagesAndJobTest(BaseTest):
    def test_different_image(self):
        server(self.objs, "notification")["image"] = "sertel:other"
        self.assertProblem("must run one image")

    def test_latest(self):
        for o in self.objs:
            t = cm.pod_template(o)
            for c in (t or {}).get("spec", {}).get("containers", []):
                if c.get("image", "").startswith("sertel"):
                    c["image"] = "sertel:latest"
        self.assertProblem("pin a version")

    def test_no_job(self):
        self.objs.remove(find(self.objs, "Job", "sertel-migrate"))
        self.assertProblem("no migration Job")

    def test_job_misses_a_service(self):
        spec = find(self.objs, "Job", "sertel-migrate")["spec"]["template"]["spec"]
        spec["containers"] = [c for c in spec["containers"] if c["name"] != "certificate"]
        self.assertProblem("no container runs [/usr/local/bin/certificate-service, migrate]")

    def test_job_misses_notification_secret(self):
        spec = find(self.objs, "Job", "sertel-migrate")["spec"]["template"]["spec"]
        for c in spec["containers"]:
            c.pop("volumeMounts", None)
        self.assertProblem("SERTEL_NOTIFICATION_SECRET_KEY_FILE names")


class NetworkTest(BaseTest):
    def test_no_default_deny(self):
        self.objs.remove(self.policy("default-deny"))
        self.assertProblem("no default-deny NetworkPolicy")

    def test_notification_calls_intake(self):
        rule = self.policy("intake-service")["spec"]["ingress"][0]
        rule["from"].append({"podSelector": {"matchLabels": {"app.kubernetes.io/name": "notification-service"}}})
        self.assertProblem("intake-service gRPC port 50051 is reachable from")

    def test_notification_public(self):
        rule = self.policy("notification-service")["spec"]["ingress"][0]
        rule["from"].append({"namespaceSelector": {"matchLabels": {"sertel/ingress": "true"}}})
        self.assertProblem("notification-service gRPC port 50054 is reachable from")

    def test_open_ingress(self):
        self.policy("disposition-service")["spec"]["ingress"][0].pop("from")
        self.assertProblem("disposition-service gRPC port 50052 is reachable from")

    def test_missing_call_graph_edge(self):
        egress = self.policy("disposition-service")["spec"]["egress"]
        self.policy("disposition-service")["spec"]["egress"] = [
            r for r in egress if r["ports"][0]["port"] != 50053]
        self.assertProblem("disposition-service cannot reach certificate-service:50053")

    def test_upward_call(self):
        self.policy("certificate-service")["spec"]["egress"].append({
            "to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "disposition-service"}}}],
            "ports": [{"port": 50052}]})
        self.assertProblem("certificate-service may reach disposition-service:50052")

    def test_port_not_covered(self):
        ingress = self.policy("notification-service")["spec"]["ingress"]
        self.policy("notification-service")["spec"]["ingress"] = [
            r for r in ingress if r["ports"][0]["port"] != 52054]
        self.assertProblem("containerPort 52054 (grpc-health) is not covered")

    def test_no_database_egress(self):
        self.policy("sertel-migrate")["spec"]["egress"] = []
        self.assertProblem("Job/sertel-migrate: no egress to PostgreSQL")

    def test_internet_egress_elsewhere(self):
        self.policy("intake-service")["spec"]["egress"].append({"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]})
        self.assertProblem("only notification-service talks to the outside")

    def test_no_smtp_egress(self):
        rules = self.policy("notification-service")["spec"]["egress"]
        rules[1]["ports"] = [{"port": 443}]
        self.assertProblem("no egress to SMTP port 587")


class SecretsTest(BaseTest):
    def test_secret_with_data(self):
        self.objs.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "sertel-database"},
                          "stringData": {"url": "postgresql://x"}})
        self.assertProblem("Secret/sertel-database carries data")

    def test_password_in_configmap(self):
        find(self.objs, "ConfigMap", "notification-service-config")["data"]["SERTEL_NOTIFICATION_SMTP_URL"] = \
            "smtp://sertel:" + "hunter2@smtp.example.invalid:587"  # split: k8s/ is scanned too
        self.assertProblem("a URL with a password")

    def test_secret_value_not_file(self):
        find(self.objs, "ConfigMap", "notification-service-config")["data"]["SERTEL_SMTP_PASSWORD"] = "x"
        self.assertProblem("looks like a secret")


@unittest.skipUnless(shutil.which("kubectl"), "kubectl is not installed")
class OverlaysTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        def render(name):
            out = subprocess.run(["kubectl", "kustomize", os.path.join(REPO, "k8s", "overlays", name)],
                                 check=True, capture_output=True, text=True).stdout
            return [o for o in cm.yaml.safe_load_all(out) if o]
        cls.dev = render("dev")
        cls.production = render("production")

    def assertProblem(self, objs, profile, fragment):
        found = problems(objs, profile)
        self.assertTrue(any(fragment in p for p in found), f"expected {fragment!r}, got {found}")

    def test_overlays_pass(self):
        self.assertEqual(problems(self.dev, "dev"), [])
        self.assertEqual(problems(self.production, "production"), [])

    # -- production: per-service roles and TLS to the Cluster
    def roles(self, objs):
        return find(objs, "Cluster", "sertel-db")["spec"]["managed"]["roles"]

    def role(self, objs, name):
        return next(r for r in self.roles(objs) if r["name"] == name)

    def test_production_rendering_keeps_expansion_order(self):
        for o in self.production:
            t = cm.pod_template(o)
            for c in (t or {}).get("spec", {}).get("containers", []):
                names = [e["name"] for e in c.get("env") or []]
                if "SERTEL_DATABASE_URL" in names:
                    self.assertEqual(names[-3:], ["SERTEL_DB_USER", "SERTEL_DB_PASSWORD", "SERTEL_DATABASE_URL"],
                                     f"{o['metadata']['name']} {c['name']}")

    def test_production_shared_app_uri(self):
        objs = copy.deepcopy(self.production)
        entry = env_entry(server(objs, "disposition"), "SERTEL_DATABASE_URL")
        entry.clear()
        entry.update({"name": "SERTEL_DATABASE_URL",
                      "valueFrom": {"secretKeyRef": {"name": "sertel-db-app", "key": "uri"}}})
        self.assertProblem(objs, "production", "Deployment/disposition-service: SERTEL_DATABASE_URL comes "
                           "whole from Secret sertel-db-app key uri")

    def test_production_migrate_expansion_order(self):
        objs = copy.deepcopy(self.production)
        env = migrate(objs, "notification")["env"]
        env.append(env.pop(next(i for i, e in enumerate(env) if e["name"] == "SERTEL_DB_PASSWORD")))
        self.assertProblem(objs, "production", "Job/sertel-migrate container notification: "
                           "SERTEL_DATABASE_URL refers to $(SERTEL_DB_PASSWORD), which is not defined before it")

    def test_no_managed_role(self):
        objs = copy.deepcopy(self.production)
        find(objs, "Cluster", "sertel-db")["spec"]["managed"]["roles"] = [
            r for r in self.roles(objs) if r["name"] != "sertel_notification"]
        self.assertProblem(objs, "production", "Cluster/sertel-db: no managed role sertel_notification")

    def test_managed_role_superuser(self):
        objs = copy.deepcopy(self.production)
        self.role(objs, "sertel_intake")["superuser"] = True
        self.assertProblem(objs, "production", "managed role sertel_intake has superuser")

    def test_managed_role_without_login(self):
        objs = copy.deepcopy(self.production)
        self.role(objs, "sertel_certificate")["login"] = False
        self.assertProblem(objs, "production", "managed role sertel_certificate cannot log in")

    def test_managed_role_with_membership(self):
        objs = copy.deepcopy(self.production)
        self.role(objs, "sertel_disposition")["inRoles"] = ["sertel_intake"]
        self.assertProblem(objs, "production", "managed role sertel_disposition is a member of")

    def test_managed_role_password_of_another_service(self):
        objs = copy.deepcopy(self.production)
        self.role(objs, "sertel_disposition")["passwordSecret"]["name"] = "sertel-db-intake"
        self.assertProblem(objs, "production", "managed role sertel_disposition takes its password from "
                           "sertel-db-intake; want Secret sertel-db-disposition")

    def test_schema_not_created_for_its_role(self):
        objs = copy.deepcopy(self.production)
        initdb = find(objs, "Cluster", "sertel-db")["spec"]["bootstrap"]["initdb"]
        initdb["postInitApplicationSQL"] = [s for s in initdb["postInitApplicationSQL"]
                                            if "SCHEMA certificate" not in s]
        self.assertProblem(objs, "production", "does not create schema certificate owned by sertel_certificate")

    def test_database_ca_key_mounted(self):
        objs = copy.deepcopy(self.production)
        vol = next(v for v in pod_spec(objs, "Deployment", "intake-service")["volumes"] if v["name"] == "db-ca")
        del vol["secret"]["items"]
        self.assertProblem(objs, "production", "Deployment/intake-service: volume db-ca mounts Secret "
                           "sertel-db-ca beyond ca.crt")

    def test_database_without_tls_verification(self):
        objs = copy.deepcopy(self.production)
        entry = env_entry(server(objs, "notification"), "SERTEL_DATABASE_URL")
        entry["value"] = entry["value"].replace("sslmode=verify-full", "sslmode=require")
        self.assertProblem(objs, "production", "Deployment/notification-service: SERTEL_DATABASE_URL has "
                           "sslmode=require; want verify-full")

    def test_database_replica_host(self):
        objs = copy.deepcopy(self.production)
        entry = env_entry(migrate(objs, "intake"), "SERTEL_DATABASE_URL")
        entry["value"] = entry["value"].replace("@sertel-db-rw:", "@sertel-db-ro:")
        self.assertProblem(objs, "production", "Job/sertel-migrate container intake: SERTEL_DATABASE_URL "
                           "connects to 'sertel-db-ro'; want sertel-db-rw")

    def test_database_root_certificate_elsewhere(self):
        objs = copy.deepcopy(self.production)
        vol = next(v for v in pod_spec(objs, "Deployment", "certificate-service")["volumes"]
                   if v["name"] == "db-ca")
        vol["secret"]["secretName"] = "certificate-service-tls"
        self.assertProblem(objs, "production", "Deployment/certificate-service: sslrootcert "
                           "/etc/sertel/db-ca/ca.crt comes from certificate-service-tls")

    def test_overlay_object_outside_the_namespace(self):
        objs = copy.deepcopy(self.production)
        del find(objs, "Cluster", "sertel-db")["metadata"]["namespace"]
        self.assertProblem(objs, "production", "Cluster/sertel-db: namespace None, want sertel")

    def test_dev_database_host_unknown(self):
        objs = copy.deepcopy(self.dev)
        entry = env_entry(server(objs, "intake"), "SERTEL_DATABASE_URL")
        entry["value"] = entry["value"].replace("@postgres:", "@db:")
        self.assertProblem(objs, "dev", "dev: Deployment/intake-service's SERTEL_DATABASE_URL names host 'db'")

    def test_cluster_of_one(self):
        objs = copy.deepcopy(self.production)
        find(objs, "Cluster", "sertel-db")["spec"]["instances"] = 1
        self.assertProblem(objs, "production", "fewer than 3 instances")

    def test_no_scheduled_backup(self):
        objs = [o for o in copy.deepcopy(self.production) if o["kind"] != "ScheduledBackup"]
        self.assertProblem(objs, "production", "no ScheduledBackup")

    def test_certificate_without_client_auth(self):
        objs = copy.deepcopy(self.production)
        find(objs, "Certificate", "intake-service-tls")["spec"]["usages"] = ["server auth"]
        self.assertProblem(objs, "production", "lack server auth and client auth")

    def test_certificate_naming_another_service(self):
        objs = copy.deepcopy(self.production)
        find(objs, "Certificate", "intake-service-tls")["spec"]["uris"] = ["spiffe://sertel/disposition"]
        self.assertProblem(objs, "production", "uris must be exactly spiffe://sertel/intake")

    def test_certificate_without_spiffe_id(self):
        objs = copy.deepcopy(self.production)
        del find(objs, "Certificate", "notification-service-tls")["spec"]["uris"]
        self.assertProblem(objs, "production", "uris must be exactly spiffe://sertel/notification")

    def test_database_label_missing(self):
        objs = copy.deepcopy(self.production)
        del find(objs, "Cluster", "sertel-db")["spec"]["inheritedMetadata"]
        self.assertProblem(objs, "production", "inheritedMetadata.labels lack")

    def test_production_database_open_to_everyone(self):
        objs = copy.deepcopy(self.production)
        find(objs, "NetworkPolicy", "sertel-db")["spec"]["ingress"].append({"ports": [{"port": 5432}]})
        self.assertProblem(objs, "production", "CloudNativePG/sertel-db-N: PostgreSQL reachable from")

    def test_no_dead_outbox_alert(self):
        objs = [o for o in copy.deepcopy(self.production) if o["kind"] != "PrometheusRule"]
        self.assertProblem(objs, "production", "no PrometheusRule alerts on sertel_outbox_dead_rows")

    def test_dead_outbox_alert_fires_at_once(self):
        objs = copy.deepcopy(self.production)
        del find(objs, "PrometheusRule", "sertel-outbox")["spec"]["groups"][0]["rules"][0]["for"]
        self.assertProblem(objs, "production", "should wait a while")

    # -- people's token keys: the identity provider in production, fixed PEM keys in dev
    def test_production_with_pem_keys(self):
        objs = copy.deepcopy(self.production)
        common = config(objs, "sertel-common-config")
        del common["SERTEL_OIDC_ISSUER"]
        common.update({"SERTEL_JWT_PUBLIC_KEYS": "/etc/sertel/jwt/current.pem", "SERTEL_JWT_ISSUER": ISSUER})
        self.assertProblem(objs, "production", "production: Deployment/intake-service should take people's "
                           "token keys from SERTEL_OIDC_ISSUER")

    def test_production_without_provider_egress(self):
        objs = [o for o in copy.deepcopy(self.production)
                if not (o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == "identity-provider-egress")]
        self.assertProblem(objs, "production", "production: Deployment/certificate-service has no egress to "
                           "TCP 443 outside the cluster")

    def test_dev_without_key_source(self):
        objs = copy.deepcopy(self.dev)
        del config(objs, "sertel-common-config")["SERTEL_JWT_PUBLIC_KEYS"]
        self.assertProblem(objs, "dev", "Deployment/intake-service: neither SERTEL_OIDC_ISSUER nor "
                           "SERTEL_JWT_PUBLIC_KEYS is set")

    def test_dev_mail_sink_unreachable(self):
        objs = [o for o in copy.deepcopy(self.dev)
                if not (o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == "notification-service-mail-sink")]
        self.assertProblem(objs, "dev", "cannot reach its SMTP server")

    def test_dev_database_open_to_mail_sink(self):
        objs = copy.deepcopy(self.dev)
        find(objs, "NetworkPolicy", "postgres")["spec"]["ingress"][0]["from"].append(
            {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "mail-sink"}}})
        self.assertProblem(objs, "dev", "PostgreSQL reachable from")


if __name__ == "__main__":
    unittest.main()
