"""Issue 23, 6: secrets stay secret. After the other scenarios, the passphrase every owner set
and the private key of every keystore handed over by email (opened here with that passphrase:
the owner's copy is the only place it may be) are searched for in every place the suite writes:
each service's log and output, a full pg_dumpall, the SMTP sink's mail, the WhatsApp stub's
records and a core dump forced from each service. Each secret in the forms it could leak in: as
is, hex (what pg_dump writes for bytea) and base64 (PEM bodies, JSON); for a key also its PKCS#8
DER and its private number.

The cores: each service's core limit is raised as an operator's `ulimit -c unlimited` would
(prlimit), then it is sent SIGSEGV; the kernel writes its core where core_pattern says (here
`core`, in the process's working directory). The certificate service holds the CA key and sees
every passphrase: it must write none (process_hygiene.h: not dumpable). Each core is searched,
then deleted at once, and the suite is started again."""
import base64
import glob
import os
import re
import signal
import subprocess
import tempfile
import time

import sertel_client as sc
from scenario_crash import SERVICES, service_pid, up
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


def search(places, needles):
    """Sorted 'what in place' for every needle found in a place. Thousands of needles over
    hundreds of MiB of cores: GNU grep's fixed-string matcher (one pass over each place for all
    needles) finds the candidates - each needle's longest run without a newline or NUL, which a
    line-based pattern cannot hold - and each candidate is confirmed whole."""
    by_run = {}
    exact = []  # needles without such a run of 8 bytes: searched for one by one
    for what, needle in needles:
        run = max(re.split(b"[\n\x00]", needle), key=len)
        if len(run) >= 8:
            by_run.setdefault(run, []).append((what, needle))
        else:
            exact.append((what, needle))
    hits = set()
    # The patterns are the secrets themselves: in memory only (memfd), never in a file a killed
    # run would leave behind.
    fd = os.memfd_create("sertel-chaos-patterns")
    try:
        os.write(fd, b"\n".join(by_run) + b"\n")
        for place, data in places.items():
            os.lseek(fd, 0, os.SEEK_SET)
            found = subprocess.run(["grep", "-a", "-F", "-c", "-f", "/dev/fd/%d" % fd],
                                   input=data, stdout=subprocess.PIPE, pass_fds=(fd,),
                                   env=dict(os.environ, LC_ALL="C"))
            if found.returncode > 1:
                raise AssertionError("grep failed on %s" % place)
            # Any candidate: every needle is checked whole in that place (grep reports matches
            # that do not overlap, and a fragment is not the secret).
            suspects = needles if found.returncode == 0 else exact
            hits.update("%s in %s" % (what, place) for what, needle in suspects if needle in data)
    finally:
        os.close(fd)
    return sorted(hits)


def core_pattern():
    with open("/proc/sys/kernel/core_pattern") as f:
        return f.read().strip()


def hard_core_limit(pid):
    with open("/proc/%d/limits" % pid) as f:
        line = [line for line in f if line.startswith("Max core file size")][0]
    return line.split()[5]  # "Max core file size  <soft> <hard> bytes"


def force_core(home, name):
    """(the core `name` wrote when it crashed with SIGSEGV as bytes, or None when it wrote none;
    its hard core limit before). Raises when the kernel cannot write cores where this can read
    them. No core is left on disk, whatever happens."""
    pattern = core_pattern()
    if pattern.startswith("|") or "%" in pattern:
        raise AssertionError("core_pattern is %r: cores are not plain files here" % pattern)
    pid = service_pid(home, name)
    cwd = os.readlink("/proc/%d/cwd" % pid)
    # core_uses_pid appends ".<pid>"; both names are looked for (and removed).
    candidates = [os.path.join(cwd, pattern), os.path.join(cwd, "%s.%d" % (pattern, pid))]
    for where in candidates:
        if os.path.exists(where):
            os.unlink(where)  # an earlier crash's core: not this one's
    hard_limit = hard_core_limit(pid)
    try:
        return read_core(pid, name, candidates), hard_limit
    finally:
        for where in candidates:
            if os.path.exists(where):
                os.unlink(where)  # a core holds a process's memory: it never stays on disk


def read_core(pid, name, candidates):
    # The soft limit, up to the hard one: what `ulimit -c unlimited` in its shell would have
    # given it. The certificate service lowered its hard limit to 0 itself, and only a
    # privileged process may raise a hard limit: then it cannot be raised at all.
    raised = subprocess.run(["prlimit", "--pid", str(pid), "--core=unlimited:"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    if not raised:
        print("  %s: its core limit cannot be raised (hard limit %s)" % (name,
                                                                     hard_core_limit(pid)))
    os.kill(pid, signal.SIGSEGV)
    deadline = time.monotonic() + 120  # the kernel writes the core before the process is gone
    while time.monotonic() < deadline and os.path.exists("/proc/%d" % pid):
        time.sleep(0.1)
    if os.path.exists("/proc/%d" % pid):
        raise AssertionError("%s did not end within 120 s of SIGSEGV" % name)
    for where in candidates:
        if os.path.exists(where):
            with open(where, "rb") as f:
                return f.read()
    return None


def sanitized(home):
    """Whether the services run under AddressSanitizer (SERTEL_SANITIZE builds): ASan writes no
    core (its disable_coredump: the shadow memory would make it terabytes), so there is none to
    search."""
    for name in SERVICES:
        with open("/proc/%d/maps" % service_pid(home, name)) as maps:
            if "libasan" in maps.read():
                return True
    return False


def forced_cores(suite):
    """{service: (core bytes or None, its hard core limit)}, or None when the services are
    sanitized (no cores to force); the suite runs again afterwards."""
    if sanitized(suite.home):
        return None
    cores = {}
    try:
        for name in SERVICES:
            cores[name] = force_core(suite.home, name)  # (core or None, hard limit)
    finally:
        up(suite.root)
        suite.wait_ready(timeout=60)
    return cores


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
    # The passphrase as typed and as PKCS#12 uses it (a BMPString: UTF-16BE).
    needles = [("the passphrase", f) for f in forms(passphrase.encode())]
    needles += [("the passphrase (UTF-16)", f) for f in forms(passphrase.encode("utf-16-be"))]
    for i, (der, number) in enumerate(keys):
        needles += [("private key %d (PKCS#8)" % (i + 1), f) for f in forms(der)]
        needles += [("private key %d (private number)" % (i + 1), f) for f in forms(number)]
        # A BIGNUM in memory: little-endian words, i.e. the bytes reversed on x86-64.
        needles += [("private key %d (private number, in memory)" % (i + 1), f)
                    for f in forms(number[::-1])]
    # The control: the search finds a needle planted in a MiB of noise (else 0 hits proves
    # nothing), one whose newline-free run grep sees and one it cannot.
    control = {"control": os.urandom(1 << 20) + needles[-1][1] + b"\n\x00"}
    if "%s in control" % needles[-1][0] not in search(control, needles):
        raise AssertionError("the search does not find a planted secret")
    where = places(suite.home, os.environ["SERTEL_PG_PORT"])
    cores = forced_cores(suite)
    for name, (core, _) in (cores or {}).items():
        if core is not None:
            where["core of %s" % name] = core
    hits = search(where, needles)
    if cores is not None and cores["certificate"][0] is not None:
        hits.append("the certificate service wrote a core (it must not be dumpable)")
    if cores is not None and cores["certificate"][1] != "0":
        hits.append("the certificate service's hard core limit is %s, not 0"
                    % cores["certificate"][1])
    return {"passphrases": 1, "private_keys": len(keys), "places": sorted(where),
            "needles": len(needles),
            "cores": None if cores is None else {n: (len(c) if c is not None else None)
                                                 for n, (c, _) in cores.items()},
            "hard_core_limits": None if cores is None else {n: limit
                                                            for n, (_, limit) in cores.items()},
            "bytes_searched": sum(len(d) for d in where.values()), "hits": hits}
