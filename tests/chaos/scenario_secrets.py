"""Issue 23, 6: secrets stay secret. After the other scenarios, the passphrase every owner set
and the private key of every keystore handed over by email (opened here with that passphrase:
the owner's copy is the only place it may be) are searched for in every place the suite writes:
each service's log and output, a full pg_dumpall, the SMTP sink's mail and the WhatsApp stub's
records. Each secret in the forms it could leak in: as is, hex (what pg_dump writes for bytea)
and base64 (PEM bodies, JSON); for a key also its PKCS#8 DER and its private number."""
import base64
import glob
import os
import re
import subprocess
import tempfile

import sertel_client as sc
from scenario_tokens import quiet_fingerprint


def forms(secret):
    """The byte strings `secret` (bytes) could appear as."""
    out = {secret, secret.hex().encode(), secret.hex().upper().encode()}
    b64 = base64.b64encode(secret)
    # A base64 run inside a longer text starts at any of three alignments; 24 characters of each
    # are enough to be unique and short enough to survive line wrapping at 64.
    for shift in range(3):
        chunk = base64.b64encode(secret[shift:])[4:28]
        if len(chunk) >= 16:
            out.add(chunk)
    out.add(b64[:24])
    return [f for f in out if len(f) >= 8]


def private_numbers(key_pem):
    """The private scalar (EC) or exponent (RSA) of a PEM key, as bytes."""
    text = subprocess.run(["openssl", "pkey", "-noout", "-text"], input=key_pem,
                          stdout=subprocess.PIPE, check=True).stdout.decode()
    m = re.search(r"(?:priv|privateExponent):\s*\n((?:\s+[0-9a-f:]+\n)+)", text)
    if not m:
        raise AssertionError("no private number in the key's text form")
    return bytes.fromhex(re.sub(r"[^0-9a-f]", "", m.group(1))).lstrip(b"\x00")


def keys_of_keystores(home, passphrase):
    """(PKCS#8 DER, private number) of each keystore the sink received by email."""
    out = []
    with tempfile.TemporaryDirectory() as d:
        pw = os.path.join(d, "pass")
        with open(os.open(pw, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(passphrase + "\n")
        for mail in sc.read_mail(home):
            for name, _, content in mail.attachments():
                if not (name or "").lower().endswith(".p12"):
                    continue
                p12 = os.path.join(d, "k.p12")
                with open(p12, "wb") as f:
                    f.write(content)
                pem = subprocess.run(["openssl", "pkcs12", "-in", p12, "-nocerts", "-nodes",
                                      "-passin", "file:" + pw], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, check=True).stdout
                der = subprocess.run(["openssl", "pkey", "-outform", "DER"], input=pem,
                                     stdout=subprocess.PIPE, check=True).stdout
                out.append((der, private_numbers(pem)))
    return out


def places(home, pg_port):
    """{place: bytes} of everything the suite wrote that a secret must not be in."""
    out = {}
    for path in sorted(glob.glob(os.path.join(home, "logs", "*"))):
        with open(path, "rb") as f:
            out["log " + os.path.basename(path)] = f.read()
    out["pg_dumpall"] = subprocess.run(
        ["pg_dumpall", "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres"],
        stdout=subprocess.PIPE, check=True).stdout
    mails = [m for m in sc.read_mail(home)]
    out["SMTP sink mail (%d messages)" % len(mails)] = b"\n".join(m.raw for m in mails)
    stub = b""
    for path in sorted(glob.glob(os.path.join(home, "whatsapp", "messages", "**", "*"),
                                 recursive=True)):
        if os.path.isfile(path):
            with open(path, "rb") as f:
                stub += f.read()
    out["WhatsApp stub records"] = stub
    return out


def run(walker, passphrase):
    """Figures: secrets searched for, places searched, hits (each as 'secret in place'). One
    more application is handed over by email first, so that at least one key is searched for."""
    suite, m = walker.s, walker.m
    x = walker.issued("Secret")
    suite.certificate.HandOver(
        m.certificate_pb2.HandOverRequest(application_id=x["app_id"],
                                          channel=m.common_pb2.CHANNEL_EMAIL),
        metadata=suite.md("VERIFIER"), timeout=30)
    suite.wait_mail(x["applicant"].email,
                    lambda mail: any((n or "").lower().endswith(".p12")
                                     for n, _, _ in mail.attachments()),
                    timeout=60, what="the keystore by email")
    quiet_fingerprint(os.environ["SERTEL_PG_PORT"])  # every outbox delivered
    keys = keys_of_keystores(suite.home, passphrase)
    needles = [("the passphrase", f) for f in forms(passphrase.encode())]
    for i, (der, number) in enumerate(keys):
        needles += [("private key %d (PKCS#8)" % (i + 1), f) for f in forms(der)]
        needles += [("private key %d (private number)" % (i + 1), f) for f in forms(number)]
    where = places(suite.home, os.environ["SERTEL_PG_PORT"])
    hits = sorted({"%s in %s" % (what, place) for place, data in where.items()
                   for what, needle in needles if needle in data})
    return {"passphrases": 1, "private_keys": len(keys), "places": sorted(where),
            "needles": len(needles),
            "bytes_searched": sum(len(d) for d in where.values()), "hits": hits}
