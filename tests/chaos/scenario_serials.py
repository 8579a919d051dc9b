"""Issue 23, 7: serial numbers (RFC 5280 section 4.1.2.2; CA/Browser Forum Baseline Requirements
7.1: at least 64 bits from a CSPRNG, positive, at most 20 octets). The serials come from the
CA's own code (sertel_serial_survey issues them through the CertificateAuthority interface) and
from the certificates the suite issued during this run."""
import math
import subprocess


def survey(binary, count):
    """The serials (hex) of `count` certificates issued by the embedded CA."""
    r = subprocess.run([binary, str(count)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError("sertel_serial_survey failed: " + r.stderr.strip())
    return r.stdout.split()


def der_octets(value):
    """Octets of the DER INTEGER's content for a positive value (a leading 0 when the top bit is
    set, as DER requires)."""
    n = max(1, (value.bit_length() + 7) // 8)
    return n + 1 if value >> (8 * n - 1) & 1 else n


def check(serials):
    """The figures: count, distinct, not positive, longest in DER octets, and the bits that vary
    as a fair coin would (each bit position whose share of ones is within 5 sigma of one half;
    the entropy cannot be larger than that count, and 64 is the floor)."""
    values = [int(s, 16) for s in serials]
    n = len(values)
    width = max((v.bit_length() for v in values), default=0)
    sigma = math.sqrt(n) / 2 if n else 0
    fair = 0
    for bit in range(width):
        ones = sum(1 for v in values if v >> bit & 1)
        if n and abs(ones - n / 2) <= 5 * sigma:
            fair += 1
    longest = max((der_octets(v) for v in values), default=0)
    not_positive = sum(1 for v in values if v <= 0)
    return {"serials": n, "distinct": len(set(values)), "duplicates": n - len(set(values)),
            "not_positive": not_positive, "longest_octets": longest, "fair_bits": fair,
            "wrong": (n - len(set(values))) + not_positive + (1 if longest > 20 else 0)
            + (1 if fair < 64 else 0)}
