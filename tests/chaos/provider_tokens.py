"""Tokens as the development identity provider issues them: with_oidc.sh's OpenID provider
(npm's oidc-provider), Keycloak's shape (iss the provider's URL, aud ["sertel", "account"],
realm roles "sertel-..." under realm_access.roles, the NIK in "nik", header kid), signed with
the provider's own key. The chaos runner needs tokens for many applicants (each with a NIK of
its own) and for attacks on well-signed tokens, which a login per token cannot give; so it signs
them with the provider's key, exported once from the provider's private JWKS."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "python"))
import sertel_client as sc  # noqa: E402

_EXPORT = ("const c = require('crypto');"
           "const k = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).keys[0];"
           "process.stdout.write(JSON.stringify({kid: k.kid, pem: c.createPrivateKey("
           "{key: k, format: 'jwk'}).export({format: 'pem', type: 'pkcs8'})}));")


b64url = sc._b64url  # noqa: SLF001 (the one base64url of the Python client)


def sign(key_path, header, claims_text):
    """A compact JWS: `header` (a dict) and the claims exactly as given (text), RS256, signed
    as sertel_client signs the development tokens."""
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     b64url(claims_text.encode())).encode("ascii")
    return signing_input.decode("ascii") + "." + b64url(sc._rs256_sign(key_path, signing_input))


class Provider:
    """The provider's signing key (as a PEM file in `work_dir`), its kid and its issuer."""

    def __init__(self, work_dir):
        peer_dir, self.issuer = os.environ["SERTEL_OIDC_PEER_DIR"], os.environ["SERTEL_OIDC_ISSUER"]
        out = json.loads(subprocess.run(["node", "-e", _EXPORT,
                                         os.path.join(peer_dir, "keys.json")],
                                        stdout=subprocess.PIPE, check=True, text=True).stdout)
        self.kid = out["kid"]
        self.key = os.path.join(work_dir, "provider-key.pem")
        with open(os.open(self.key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(out["pem"])

    def header(self):
        return {"alg": "RS256", "typ": "at+jwt", "kid": self.kid}

    def claims(self, role, nik=None, sub=None, lifetime=600):
        now = int(time.time())
        c = {"iss": self.issuer, "aud": ["sertel", "account"], "azp": "sertelctl",
             "sub": sub or "chaos-" + role.lower(),
             "realm_access": {"roles": ["sertel-" + role.lower().replace("_", "-")]},
             "exp": now + lifetime, "iat": now}
        if nik:
            c["nik"] = nik
        return c

    def token(self, role, nik=None, sub=None):
        return sign(self.key, self.header(),
                    json.dumps(self.claims(role, nik, sub), separators=(",", ":")))


class ProviderSuite(sc.Suite):
    """The suite, every call with a token of the development identity provider (cached for five
    of its ten minutes)."""

    def __init__(self, googleapis, provider):
        super().__init__(googleapis)
        self.provider = provider
        self.cache = {}

    def token(self, role, nik=None, sub=None):
        key = (role, nik, sub)
        hit = self.cache.get(key)
        if hit is None or hit[1] < time.monotonic():
            hit = (self.provider.token(role, nik, sub), time.monotonic() + 300)
            self.cache[key] = hit
        return hit[0]
