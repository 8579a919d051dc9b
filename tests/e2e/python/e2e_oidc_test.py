#!/usr/bin/python3
# Identity as an agency runs it (issue 17), end to end against a real OpenID provider: npm's
# oidc-provider on loopback (tests/e2e/with_oidc.sh), the four services configured from its
# issuer URL alone (discovery, JWKS), realm roles with the sertel- prefix and the NIK in a
# claim, as a Keycloak realm carries them. Proves: a whole application with the provider's
# tokens (aud an array); `sertelctl login` by the device flow and by PKCE, whoami, a refresh
# with the refresh token, logout revoking it; the provider rotating its signing key (RSA to EC)
# with every service still running the same process; a token signed by a key never published
# UNAUTHENTICATED; roles in an unmapped claim, and a provider role claiming SERVICE,
# PERMISSION_DENIED.
#
#   bash tests/e2e/with_oidc.sh 19460 bash tests/e2e/with_suite.sh BUILD_DIR 19151 \
#        /usr/bin/python3 tests/e2e/python/e2e_oidc_test.py --googleapis DIR
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oidc_peer  # noqa: E402
import sertel_client as sc  # noqa: E402

OPTS, UNITTEST_ARGV = sc.parse_args()
PEER_DIR = os.environ.get("SERTEL_OIDC_PEER_DIR", "")
ISSUER = os.environ.get("SERTEL_OIDC_ISSUER", "")

# The provider's user for each sertel role (tests/e2e/python/oidc_users.json).
USER_OF_ROLE = {
    "APPLICANT": "pemohon.siti",
    "OPERATOR": "front.desk",
    "HEAD_OF_AGENCY": "kepala.dinas",
    "HEAD_OF_DIVISION": "kepala.bidang",
    "HEAD_OF_SECTION": "kepala.seksi",
    "VERIFIER": "verifikator",
    "AUDITOR": "auditor",
}
APPLICANT_NIK = "3171014101900501"


def service_pids():
    home = os.environ["SERTEL_HOME"]
    out = {}
    for svc in ("intake", "disposition", "certificate", "notification"):
        with open(os.path.join(home, "run", svc + ".pid")) as f:
            out[svc] = int(f.read().strip())
    return out


class OidcSuite(sc.Suite):
    """The suite, with each role's token from the provider instead of the development signer."""

    def __init__(self, googleapis, peer):
        super().__init__(googleapis)
        self.peer = peer
        self.tokens = {}

    def login(self, user):
        self.tokens[user] = self.peer.device_login(user)["access_token"]
        return self.tokens[user]

    def token(self, role, nik=None, sub=None):
        user = USER_OF_ROLE[role]
        return self.tokens.get(user) or self.login(user)


class OidcEndToEnd(sc.SuiteTest):
    """In name order: test_5 rotates the provider's key, after the tests that use the first."""

    @classmethod
    def setUpClass(cls):
        if not PEER_DIR or not ISSUER:
            raise RuntimeError("run me under tests/e2e/with_oidc.sh")
        cls.peer = oidc_peer.OidcPeer.attach(ISSUER, PEER_DIR)
        cls.s = OidcSuite(OPTS.googleapis, cls.peer)
        cls.s.wait_ready()
        cls.m = cls.s.m
        cls.grpc = cls.s.grpc
        cls.pids = service_pids()
        cls.ctl = os.path.join(os.environ["SERTEL_BUILD_DIR"], "tools", "sertelctl", "sertelctl")

    def inbox_as(self, token):
        return self.s.disposition.ListInbox(
            self.m.disposition_pb2.ListInboxRequest(page_size=10),
            metadata=[("authorization", "Bearer " + token)], timeout=10)

    def sertelctl(self, *args, xdg, stdin=None, timeout=60, check=True):
        env = dict(os.environ, XDG_CONFIG_HOME=xdg)
        env.pop("SERTEL_TOKEN", None)
        r = subprocess.run([self.ctl, *args], env=env, input=stdin, capture_output=True,
                           text=True, timeout=timeout)
        if check:
            self.assertEqual(r.returncode, 0, "sertelctl %s: %s%s" % (" ".join(args), r.stdout,
                                                                     r.stderr))
        return r

    def start_login(self, *args, xdg):
        """sertelctl login running in the background; returns (process, first URL it prints)."""
        env = dict(os.environ, XDG_CONFIG_HOME=xdg)
        env.pop("SERTEL_TOKEN", None)
        p = subprocess.Popen([self.ctl, "login", "--issuer", ISSUER, *args], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        deadline = time.time() + 30
        while time.time() < deadline:
            line = p.stderr.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(r"(https?://\S+)", line)
            if found and ("user_code=" in found.group(1) or "code_challenge=" in found.group(1)):
                return p, found.group(1), lines
        p.kill()
        self.fail("sertelctl login printed no sign-in URL: %s" % "".join(lines))

    # -- 1. a whole application with the provider's tokens ----------------------------------
    def test_1_whole_application_with_provider_tokens(self):
        s, m = self.s, self.m
        token = s.token("VERIFIER")
        claims = oidc_peer.decode_claims(token)
        self.assertEqual(claims["iss"], ISSUER)
        self.assertIsInstance(claims["aud"], list, "aud as an array, as Keycloak issues it")
        self.assertIn("sertel", claims["aud"])
        self.assertIn("sertel-verifier", claims["realm_access"]["roles"])
        self.assertNotIn("roles", claims, "roles only where the provider puts them")

        applicant = sc.make_applicant(m, 501, "Oidc")
        applicant.nik = APPLICANT_NIK
        a = s.submit(applicant)  # the APPLICANT's own token: the NIK claim is theirs
        s.forward_to_verifier(a.id)
        c = s.verify(a.id)
        self.assertEqual(c.status, m.disposition_pb2.CASE_STATUS_SENT_TO_CA)
        code = s.wait_activation_code(applicant.email, timeout=30)
        cert = s.certificate.SetPassphrase(
            m.certificate_pb2.SetPassphraseRequest(application_id=a.id, activation_code=code,
                                                   passphrase=sc.STRONG_PASSPHRASE),
            metadata=s.md("APPLICANT"), timeout=60)
        self.assertEqual(cert.nik, APPLICANT_NIK)
        e = s.certificate.HandOver(
            m.certificate_pb2.HandOverRequest(application_id=a.id,
                                              channel=m.common_pb2.CHANNEL_EMAIL),
            metadata=s.md("VERIFIER"), timeout=30)
        self.assertEqual(e.status, m.certificate_pb2.ENROLLMENT_STATUS_HANDED_OVER)
        timeline = s.get_application(a.id).timeline
        actors = {t.actor_sub for t in timeline}
        for user in ("kepala.dinas", "kepala.bidang", "kepala.seksi", "verifikator"):
            self.assertIn(user, actors, "the provider's subject is the actor on the timeline")

    # -- 2. sertelctl login by the device flow, whoami, refresh, logout --------------------
    def test_2_sertelctl_device_login_refresh_and_logout(self):
        with tempfile.TemporaryDirectory() as xdg:
            p, url, _ = self.start_login(xdg=xdg)
            self.peer.approve_device(url, "verifikator")
            out, err = p.communicate(timeout=60)
            self.assertEqual(p.returncode, 0, out + err)
            cache = os.path.join(xdg, "sertel", "tokens.json")
            self.assertEqual(stat.S_IMODE(os.stat(cache).st_mode), 0o600)
            self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(cache)).st_mode), 0o700)

            who = json.loads(self.sertelctl("-o", "json", "whoami", xdg=xdg).stdout)
            self.assertEqual(who["subject"], "verifikator")
            self.assertEqual(who["roles"], ["VERIFIER"])
            self.assertEqual(who["nik"], "3171010101900514")
            # Any command now runs as the signed-in person, with no token in the environment.
            self.sertelctl("inbox", xdg=xdg)

            # The access token expires: the next command refreshes it with the refresh token.
            with open(cache) as f:
                cached = json.load(f)
            self.assertTrue(cached["refresh_token"], "offline_access gives a refresh token")
            cached["expires_at"] = int(time.time()) - 1
            with open(cache, "w") as f:
                json.dump(cached, f)
            self.sertelctl("inbox", xdg=xdg)
            with open(cache) as f:
                refreshed = json.load(f)
            self.assertNotEqual(refreshed["access_token"], cached["access_token"])
            self.assertGreater(refreshed["expires_at"], time.time())
            self.assertEqual(stat.S_IMODE(os.stat(cache).st_mode), 0o600)

            # logout revokes the refresh token at the provider and removes the cache.
            self.sertelctl("logout", xdg=xdg)
            self.assertFalse(os.path.exists(cache))
            with self.assertRaises(Exception):
                self.peer.refresh(refreshed["refresh_token"])
            r = self.sertelctl("whoami", xdg=xdg, check=False)
            self.assertEqual(r.returncode, 26, r.stdout + r.stderr)

    def test_3_sertelctl_browser_login_with_pkce(self):
        with tempfile.TemporaryDirectory() as xdg:
            p, url, _ = self.start_login("--browser", xdg=xdg)
            q = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
            self.assertEqual(q["code_challenge_method"], ["S256"])
            self.assertTrue(q["redirect_uri"][0].startswith("http://127.0.0.1:"))
            self.peer.approve_browser(url, "kepala.dinas")
            out, err = p.communicate(timeout=60)
            self.assertEqual(p.returncode, 0, out + err)
            who = json.loads(self.sertelctl("-o", "json", "whoami", xdg=xdg).stdout)
            self.assertEqual(who["roles"], ["HEAD_OF_AGENCY"])

    # -- 4. refusals -----------------------------------------------------------------------
    def test_4_unpublished_keys_unmapped_roles_and_a_claimed_service_role(self):
        g = self.grpc.StatusCode
        real = oidc_peer.decode_claims(self.s.token("VERIFIER"))
        # A token exactly like the provider's, signed by a key it never published.
        forged = self.peer.sign_foreign_token(real, kid="k1")
        self.rpc_error(g.UNAUTHENTICATED, self.inbox_as, forged)
        forged = self.peer.sign_foreign_token(real, kid="never-published")
        self.rpc_error(g.UNAUTHENTICATED, self.inbox_as, forged)
        # Roles in a claim the suite does not read (SERTEL_JWT_ROLES_CLAIM=realm_access.roles).
        elsewhere = self.peer.device_login("roles.elsewhere")["access_token"]
        self.assertIn("sertel-verifier", oidc_peer.decode_claims(elsewhere)["groups"])
        self.rpc_error(g.PERMISSION_DENIED, self.inbox_as, elsewhere)
        # A provider role naming SERVICE grants nothing: services are client certificates.
        impostor = self.peer.device_login("service.impostor")["access_token"]
        self.rpc_error(g.PERMISSION_DENIED, self.inbox_as, impostor)
        self.rpc_error(
            g.PERMISSION_DENIED, self.s.disposition.OpenCase,
            self.m.disposition_pb2.OpenCaseRequest(application_id="00000000-0000-4000-8000-000000000000"),
            metadata=[("authorization", "Bearer " + impostor)], timeout=10)

    # -- 5. the provider rotates its key; no service restarts ------------------------------
    def test_5_key_rotation_without_restarting_any_service(self):
        old_token = self.s.token("VERIFIER")
        new_kid = self.peer.rotate("ec")
        token = self.s.login("verifikator")
        header = oidc_peer.decode_header(token)
        self.assertEqual(header["kid"], new_kid)
        self.assertEqual(header["alg"], "ES256")
        # The new key, found by its kid without a restart: an unknown kid makes each service
        # fetch the JWKS again, at most once per 30 s (test 4's unknown kid may have just used
        # that turn), so this waits up to 40 s; it never needs a restart.
        sc.wait_until(lambda: self.inbox_as(token) is not None, timeout=40,
                      what="the services to accept the provider's new key")
        self.inbox_as(old_token)  # the old key is still published: its tokens still pass
        # Every role's next call passes with a token signed by the new key.
        for role in ("HEAD_OF_AGENCY", "AUDITOR"):
            self.s.login(USER_OF_ROLE[role])
        self.s.inbox("HEAD_OF_AGENCY")
        # The auditor's new token passes authentication and the role check: the case is unknown.
        self.rpc_error(self.grpc.StatusCode.NOT_FOUND, self.s.get_case,
                            "00000000-0000-4000-8000-000000000000", role="AUDITOR")
        self.assertEqual(service_pids(), self.pids, "no service was restarted")
        for svc, pid in self.pids.items():
            os.kill(pid, 0)  # still alive


if __name__ == "__main__":
    prog = unittest.main(argv=UNITTEST_ARGV, verbosity=2, exit=False)
    sys.exit(0 if prog.result.wasSuccessful() else 1)
