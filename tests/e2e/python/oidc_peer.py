# The test side of the real OpenID provider that tests/e2e/with_oidc.sh runs
# (tests/harness/oidc_provider/provider.mjs, npm's oidc-provider): signs users in by the
# device flow or approves a browser sign-in as a person at a browser would (the provider's own
# HTML forms, its cookies, its redirects), refreshes, rotates the provider's signing key and
# forges tokens with a key the provider never published. Python's standard library only.
import base64
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

CLIENT_ID = "sertel"
SCOPE = "openid offline_access"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _b64url_decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_claims(token):
    """The payload of a JWT, unverified (the tests read what the provider put in it)."""
    return json.loads(_b64url_decode(token.split(".")[1]))


def decode_header(token):
    return json.loads(_b64url_decode(token.split(".")[0]))


class _Forms(HTMLParser):
    """The forms of a page: action, method and the values of their hidden inputs."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get"),
                               "id": a.get("id"), "fields": {}})
        elif tag == "input" and a.get("type") == "hidden" and self.forms and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = a.get("value", "")


class _SignInAs(urllib.request.HTTPRedirectHandler):
    """Follows the provider's redirects; at its interaction page, signs in as `login`."""

    def __init__(self, login):
        super().__init__()
        self.login = login
        self.landed = []

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        u = urllib.parse.urlparse(newurl)
        if re.match(r"^/interaction/[\w-]+$", u.path) and "login=" not in u.query:
            newurl = newurl + ("&" if u.query else "?") + "login=" + urllib.parse.quote(self.login)
        self.landed.append(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class OidcPeer:
    def __init__(self, issuer, peer_dir):
        self.issuer = issuer.rstrip("/")
        self.dir = peer_dir
        self.meta = self._json(self.issuer + "/.well-known/openid-configuration")

    @classmethod
    def attach(cls, issuer, peer_dir):
        return cls(issuer, peer_dir)

    # -- HTTP --------------------------------------------------------------------------------
    @staticmethod
    def _json(url, form=None, opener=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(url, data=data, headers={"Accept": "application/json"})
        try:
            with (opener or urllib.request.build_opener()).open(req, timeout=10) as r:
                return json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace")
            raise RuntimeError("%s answered HTTP %d: %s" % (url, e.code, body)) from None

    def _browser(self, login):
        handler = _SignInAs(login)
        jar = http.cookiejar.CookieJar()
        return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), handler), handler

    def _walk_forms(self, opener, url, max_pages=8):
        """Opens url and submits each page's form (the provider's confirm pages) until a page
        has none; returns that page's text."""
        data = None
        for _ in range(max_pages):
            with opener.open(urllib.request.Request(url, data=data), timeout=10) as r:
                page = r.read().decode("utf-8", "replace")
            p = _Forms()
            p.feed(page)
            forms = [f for f in p.forms if f["method"].lower() == "post"]
            if not forms:
                return page
            form = forms[0]
            url = urllib.parse.urljoin(url, form["action"])
            data = urllib.parse.urlencode(form["fields"]).encode()
        raise RuntimeError("the provider kept asking for forms at " + url)

    # -- the flows ---------------------------------------------------------------------------
    def approve_device(self, verification_uri_complete, login):
        """What the person does in a browser: opens the URL sertelctl printed, confirms the
        code, signs in."""
        opener, _ = self._browser(login)
        page = self._walk_forms(opener, verification_uri_complete)
        if "success" not in page.lower():
            raise RuntimeError("the device sign-in did not succeed: " + page[:500])
        return page

    def approve_browser(self, authorization_url, login):
        """The browser sign-in: the provider redirects back to sertelctl's loopback listener."""
        opener, handler = self._browser(login)
        with opener.open(authorization_url, timeout=10) as r:
            r.read()
        if not any("/callback?" in u and "code=" in u for u in handler.landed):
            raise RuntimeError("the provider never redirected to the callback: %s" % handler.landed)

    def device_login(self, login):
        """A whole device flow for one user, as a client: the token response."""
        start = self._json(self.meta["device_authorization_endpoint"],
                           {"client_id": CLIENT_ID, "scope": SCOPE})
        self.approve_device(start["verification_uri_complete"], login)
        return self._json(self.meta["token_endpoint"],
                          {"grant_type": DEVICE_GRANT, "device_code": start["device_code"],
                           "client_id": CLIENT_ID})

    def refresh(self, refresh_token):
        return self._json(self.meta["token_endpoint"],
                          {"grant_type": "refresh_token", "refresh_token": refresh_token,
                           "client_id": CLIENT_ID})

    # -- keys --------------------------------------------------------------------------------
    def rotate(self, kind):
        """Makes a new signing key (rsa or ec), publishes it first with the old ones after it
        and restarts the provider with them (its sessions are lost; the services are not
        touched). Returns the new key's kid."""
        keys_path = os.path.join(self.dir, "keys.json")
        with open(keys_path) as f:
            keys = json.load(f)["keys"]
        kid = "%s-%d" % (kind, len(keys) + 1)
        provider = os.path.join(os.path.dirname(__file__), "..", "..", "harness", "oidc_provider",
                                "provider.mjs")
        new = json.loads(subprocess.run(["node", provider, "--make-key", kind, "--kid", kid],
                                        check=True, capture_output=True, text=True).stdout)
        with open(keys_path, "w") as f:
            json.dump({"keys": [new] + keys}, f)
        with open(os.path.join(self.dir, "pid")) as f:
            pid = int(f.read().strip())
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
                time.sleep(0.05)
            except ProcessLookupError:
                break
        subprocess.run(["bash", os.path.join(self.dir, "start.sh")], check=True)
        self.meta = self._json(self.issuer + "/.well-known/openid-configuration")
        return kid

    def sign_foreign_token(self, claims, kid):
        """A token with the given claims and kid, RS256-signed by a key nobody published."""
        header = {"alg": "RS256", "typ": "at+jwt", "kid": kid}
        signing_input = (_b64url(json.dumps(header).encode()) + "." +
                         _b64url(json.dumps(claims).encode())).encode("ascii")
        with tempfile.TemporaryDirectory() as d:
            key = os.path.join(d, "k.pem")
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                            "rsa_keygen_bits:2048", "-out", key], check=True, capture_output=True)
            sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
                                 input=signing_input, capture_output=True, check=True).stdout
        return signing_input.decode("ascii") + "." + _b64url(sig)
