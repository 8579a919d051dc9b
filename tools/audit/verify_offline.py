#!/usr/bin/python3
"""Verifies a service's audit chain without the service (docs/security.md, "Verifying offline").

Reads the rows with psql (any role that may read the schema: the service's own, or a restored
backup's owner), recomputes every HMAC-SHA-256 link with the service's audit key, checks the head,
and, given a checkpoint file from `sertelctl audit checkpoint`, checks the checkpoint's Ed25519
signature (with openssl) and that the chain still holds the checkpoint's row with its hash.

  tools/audit/verify_offline.py --database-url postgresql://... --service intake \\
      --hmac-key .sertel/audit/intake-hmac.key [--checkpoint checkpoints.json]

Exit 0 when intact, 1 when broken (the first broken row is printed), 2 on a usage or access
error. Python's standard library and the openssl and psql commands only.
"""
import argparse
import csv
import hashlib
import hmac
import io
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime


def canonical_row(seq, at_micros, actor_sub, actor_role, action, entity_type, entity_id, details,
                  nonce=b""):
    """v1 for a row from before migration C007 (no nonce); v2, the same then the nonce, after."""
    out = b"sertel.audit.v2;" if nonce else b"sertel.audit.v1;"
    for field in (str(seq), str(at_micros), actor_sub, actor_role, action, entity_type,
                  entity_id, details):
        raw = field.encode("utf-8")
        out += str(len(raw)).encode() + b":" + raw + b";"
    if nonce:
        out += str(len(nonce)).encode() + b":" + nonce + b";"
    return out


def canonical_unlinked(nonce, at_micros, actor_sub, actor_role, action, entity_type, entity_id,
                       details):
    """What an unlinked row's MAC covers (issue 22: rows wait unlinked until the chainer links
    them right after commit)."""
    out = b"sertel.audit.unlinked.v1;"
    for raw in (nonce, str(at_micros).encode(), actor_sub.encode("utf-8"),
                actor_role.encode("utf-8"), action.encode("utf-8"), entity_type.encode("utf-8"),
                entity_id.encode("utf-8"), details.encode("utf-8")):
        out += str(len(raw)).encode() + b":" + raw + b";"
    return out


def canonical_checkpoint(c):
    at = int(datetime.fromisoformat(c["at"].replace("Z", "+00:00")).timestamp())
    out = b"sertel.audit.checkpoint.v1;"
    for field in (c["service"].encode(), str(c["seq"]).encode(), bytes.fromhex(c["head_hash"]),
                  str(at).encode(), c["key_id"].encode()):
        out += str(len(field)).encode() + b":" + field + b";"
    return out


def b64url_decode(text):
    import base64
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def psql_csv(url, sql):
    r = subprocess.run(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                        "COPY (%s) TO STDOUT WITH (FORMAT csv)" % sql],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.decode().strip())
    return list(csv.reader(io.StringIO(r.stdout.decode("utf-8"), newline="")))


def verify_signature(checkpoint, public_key_pem):
    with tempfile.TemporaryDirectory() as d:
        paths = {n: os.path.join(d, n) for n in ("key.pem", "msg", "sig")}
        with open(paths["key.pem"], "w") as f:
            f.write(public_key_pem)
        with open(paths["msg"], "wb") as f:
            f.write(canonical_checkpoint(checkpoint))
        with open(paths["sig"], "wb") as f:
            f.write(b64url_decode(checkpoint["signature"]))
        r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths["key.pem"],
                            "-rawin", "-in", paths["msg"], "-sigfile", paths["sig"]],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return r.returncode == 0


def verify(url, schema, key, checkpoint=None):
    """(ok, rows_checked, first_broken_seq, problem)."""
    rows = psql_csv(url, "SELECT seq, at_micros, actor_sub, actor_role, action, entity_type, "
                         "entity_id, details, encode(prev_hash, 'hex'), encode(hash, 'hex'), "
                         "coalesce(encode(nonce, 'hex'), '') "
                         "FROM %s.audit_log WHERE seq IS NOT NULL ORDER BY seq" % schema)
    unlinked = psql_csv(url, "SELECT id, encode(nonce, 'hex'), at_micros, actor_sub, actor_role, "
                             "action, entity_type, entity_id, details, encode(row_mac, 'hex') "
                             "FROM %s.audit_log WHERE seq IS NULL ORDER BY id" % schema)
    head = psql_csv(url, "SELECT last_seq, encode(last_hash, 'hex'), keyed FROM %s.audit_head"
                    % schema)[0]
    if head[2] != "t" and int(head[0]) > 0:
        return False, 0, 1, "the chain is not keyed"
    prev = bytes(32)
    n = 0
    seen = {}
    for r in rows:
        seq = int(r[0])
        if seq != n + 1:
            return False, n, n + 1, "row %d is missing (next row is %d)" % (n + 1, seq)
        if bytes.fromhex(r[8]) != prev:
            return False, n, seq, "row %d does not link to the row before it" % seq
        mac = hmac.new(key, prev + canonical_row(*r[:8], nonce=bytes.fromhex(r[10])),
                       hashlib.sha256).digest()
        if mac.hex() != r[9]:
            return False, n, seq, "row %d was altered: its hash does not match its content" % seq
        prev = mac
        n += 1
        seen[seq] = mac
    if int(head[0]) != n or head[1] != prev.hex():
        return False, n, n + 1, "the chain ends at row %d but its head says row %s" % (n, head[0])
    for r in unlinked:
        mac = hmac.new(key, canonical_unlinked(bytes.fromhex(r[1]), *r[2:9]), hashlib.sha256)
        if not hmac.compare_digest(mac.hexdigest(), r[9]):
            return (False, n, n + 1, "unlinked row id %s does not carry the service's MAC" % r[0])
    if checkpoint is not None and checkpoint["seq"] > 0:
        if n < checkpoint["seq"]:
            return (False, n, n + 1, "the chain has %d rows but the checkpoint of %s saw %d: rows "
                    "at the end were deleted" % (n, checkpoint["at"], checkpoint["seq"]))
        if seen[checkpoint["seq"]].hex() != checkpoint["head_hash"]:
            return (False, n, checkpoint["seq"], "row %d differs from the signed checkpoint"
                    % checkpoint["seq"])
    return True, n, 0, ""


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", required=True)
    p.add_argument("--service", required=True,
                   choices=["intake", "disposition", "certificate", "notification"])
    p.add_argument("--schema", help="default: the service's name")
    p.add_argument("--hmac-key", required=True, help="the service's SERTEL_AUDIT_HMAC_KEY_FILE")
    p.add_argument("--checkpoint", help="a file from `sertelctl audit checkpoint`")
    a = p.parse_args()
    with open(a.hmac_key, "rb") as f:
        key = f.read()
    checkpoint = None
    if a.checkpoint:
        with open(a.checkpoint) as f:
            checkpoint = json.load(f)["checkpoints"].get(a.service)
        if checkpoint is None:
            print("error: %s holds no checkpoint of %s" % (a.checkpoint, a.service), file=sys.stderr)
            return 2
        if checkpoint.get("service") != a.service or not verify_signature(
                checkpoint, checkpoint.get("public_key_pem", "")):
            print("BROKEN: the checkpoint's signature does not verify (edited or foreign)")
            return 1
    try:
        ok, n, first, problem = verify(a.database_url, a.schema or a.service, key, checkpoint)
    except RuntimeError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    if ok:
        print("%s: intact, %d rows" % (a.service, n))
        return 0
    print("%s: BROKEN at row %d: %s" % (a.service, first, problem))
    return 1


if __name__ == "__main__":
    sys.exit(main())
