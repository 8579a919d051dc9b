#!/usr/bin/env python3
"""Turns the JSON lines of one scripts/bench.sh run into issue 9's table (scenario | measured |
baseline measured in the same run | ratio | target | met?) and writes everything as one JSON
file: the machine, the table and every raw result.

  report.py results.jsonl --out bench/results/<date>.json [--quick 0|1]
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys


def machine():
    cpu = ""
    flags = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and not cpu:
                cpu = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                flags = line.split(":", 1)[1]
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem_kib = int(line.split()[1])
    pg = ""
    for cand in ("/usr/lib/postgresql/15/bin/postgres", "postgres"):
        try:
            pg = subprocess.run([cand, "--version"], stdout=subprocess.PIPE, text=True,
                                check=True).stdout.strip()
            break
        except (OSError, subprocess.CalledProcessError):
            continue
    try:
        ossl = subprocess.run(["openssl", "version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    except OSError:
        ossl = ""
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "sha_ni": " sha_ni" in flags,
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "postgresql": pg,
        "openssl": ossl,
    }


def fmt_rate(r, unit):
    return "%.0f %s/s" % (r, unit) if r >= 100 else "%.1f %s/s" % (r, unit)


def lat(r):
    return "p50 %.2f / p99 %.2f ms" % (r.get("p50_ms", 0), r.get("p99_ms", 0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jsonl")
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", default="0")
    ap.add_argument("--build-seconds", type=int, default=0)
    ap.add_argument("--bench-seconds", type=int, default=0)
    ap.add_argument("--iterations-default", default="100000")
    a = ap.parse_args()

    results = []
    with open(a.jsonl) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    results.append(json.loads(line))
                except ValueError:
                    print("report: skipping a malformed line: " + line[:120], file=sys.stderr)
    by = {}
    for r in results:
        by.setdefault(r.get("label", r.get("scenario")), r)
    rows = []

    def row(scenario, measured, baseline, ratio, target, met, note=""):
        rows.append({"scenario": scenario, "measured": measured, "baseline": baseline,
                     "ratio": None if ratio is None else round(ratio, 3), "target": target,
                     "met": met, "note": note})

    def get(label):
        return by.get(label)

    def div(x, y):
        return x / y if y else None

    # Forward vs pgbench -N.
    fw, pgb = get("forward"), get("pgbench_N_c8")
    if fw and pgb:
        ratio = div(fw["rate"], pgb["rate"])
        row("disposition Forward, 8 callers",
            "%s, %s" % (fmt_rate(fw["rate"], "transitions"), lat(fw)),
            "pgbench -N -c 8: %.0f TPS" % pgb["rate"], ratio, ">= 0.5x",
            ratio is not None and ratio >= 0.5,
            "%d errors" % fw.get("errors", 0) if fw.get("errors") else "")

    # GetCase / ListInbox / CheckCertificate vs echo.
    for label, echo_label, name, target in (
            ("getcase", "echo_getcase", "GetCase, 64 in flight", 0.5),
            ("listinbox_10k", "echo_listinbox", "ListInbox (10k closed), 64 in flight", 0.5),
            ("checkcert", "echo_checkcert", "CheckCertificate, 64 in flight", 0.8)):
        m, e = get(label), get(echo_label)
        if not (m and e):
            continue
        ratio = div(m["rate"], e["rate"])
        p99_ratio = div(m.get("p99_ms", 0), e.get("p99_ms", 0))
        # Issue 22's targets: every read path at least half the echo (CheckCertificate, served from
        # memory, 0.8x), and its p99 within twice the echo's.
        met = ratio is not None and ratio >= target and p99_ratio is not None and p99_ratio <= 2
        tgt = ">= %.1fx RPS, p99 <= 2x" % target
        row(name, "%s, %s" % (fmt_rate(m["rate"], "rpc"), lat(m)),
            "echo over TLS: %s, %s" % (fmt_rate(e["rate"], "rpc"), lat(e)), ratio, tgt, met,
            "p99 ratio %.2fx" % p99_ratio if p99_ratio is not None else "")

    # Issue 22: the callback-API echo against the synchronous one (the services' API). Beyond
    # 1.5x the services should move to the callback API.
    for sync_label, cb_label, name in (
            ("echo_getcase", "echo_cb_getcase", "echo GetCase: callback vs sync API"),
            ("echo_listinbox", "echo_cb_listinbox", "echo ListInbox: callback vs sync API"),
            ("echo_checkcert", "echo_cb_checkcert", "echo CheckCertificate: callback vs sync API")):
        sy, cb = get(sync_label), get(cb_label)
        if not (sy and cb):
            continue
        ratio = div(cb["rate"], sy["rate"])
        row(name, "callback: %s, %s" % (fmt_rate(cb["rate"], "rpc"), lat(cb)),
            "sync: %s, %s" % (fmt_rate(sy["rate"], "rpc"), lat(sy)), ratio, "<= 1.5x",
            ratio is not None and ratio <= 1.5,
            "per core (2 vCPUs shared with the client): %s vs %s" % (
                fmt_rate(cb["rate"] / 2, "rpc"), fmt_rate(sy["rate"] / 2, "rpc")))

    # ListInbox at 1M vs itself at 10k.
    small, big = get("listinbox_10k"), get("listinbox_big")
    if small and big:
        ratio = div(big["p99_ms"], small["p99_ms"])
        n = "100k" if a.quick == "1" else "1M"
        row("ListInbox p99 with %s closed cases" % n,
            "p99 %.2f ms (%s)" % (big["p99_ms"], fmt_rate(big["rate"], "rpc")),
            "itself at 10k: p99 %.2f ms" % small["p99_ms"], ratio, "<= 1.2x",
            ratio is not None and ratio <= 1.2)

    # The whole SOP vs the sum of its parts.
    sop = get("sop")
    if sop:
        steps = sop.get("steps", {})
        sync = ["1_submit", "2_forward", "3_forward", "4_forward", "5_verify",
                "6_set_passphrase", "7_handover"]
        parts = sum(steps.get(s, {}).get("mean_ms", 0) for s in sync)
        waits = sum(steps.get(s, {}).get("mean_ms", 0)
                    for s in ("wait_case_opened", "wait_activation_code"))
        e2e = sop.get("mean_ms", 0)
        per_step = ", ".join("%s %.0f" % (s, steps.get(s, {}).get("p50_ms", 0))
                             for s in sync + ["wait_case_opened", "wait_activation_code"])
        row("whole SOP, steps 1-7, 16 applications in parallel",
            "%s; per application mean %.0f ms, p99 %.0f ms" % (
                fmt_rate(sop["rate"], "applications"), e2e, sop.get("p99_ms", 0)),
            "sum of its parts (mean of the 7 steps' RPCs): %.0f ms; + async hops (outboxes, email) %.0f ms"
            % (parts, waits),
            div(parts, e2e), "-", None,
            "per-step p50 ms: " + per_step + "; %d failed" % sop.get("applications_failed", 0))

    # Issuance vs the naive libcrypto program.
    for tag, naive_label, iters in (("default", "naive_default", a.iterations_default),
                                    ("600k", "naive_600k", "600000")):
        m, n = get("issue_" + tag), get(naive_label)
        if not (m and n):
            continue
        ratio = div(m["rate"], n["rate"])
        row("SetPassphrase issuance at %s iterations, RSA-2048, both cores busy" % iters,
            "%s, %s" % (fmt_rate(m["rate"], "certificates"), lat(m)),
            "naive libcrypto (PKCS12_create_ex defaults, %d threads): %s, %s" % (
                n.get("concurrency", 0), fmt_rate(n["rate"], "certificates"), lat(n)),
            ratio, ">= 1.8x", ratio is not None and ratio >= 1.8,
            "%d errors" % m.get("errors", 0) if m.get("errors") else "")

    m, c = get("issue_2048"), get("cfssl_newcert")
    if m and c:
        ratio = div(m["rate"], c["rate"])
        row("issuance at 2048 iterations, P-256 keys, RSA-3072 CA",
            "%s, %s" % (fmt_rate(m["rate"], "certificates"), lat(m)),
            "cfssl newcert: %s, %s" % (fmt_rate(c["rate"], "certificates"), lat(c)), ratio,
            ">= 1.0x, lower p99",
            ratio is not None and ratio >= 1.0 and m["p99_ms"] < c["p99_ms"])

    # Memory.
    rss = {}
    for r in results:
        if r.get("scenario") == "rss":
            rss[r["service"]] = max(rss.get(r["service"], 0), r["rss_kib"])
    if rss:
        worst = max(rss.values()) / 1024
        row("memory: VmRSS per service after the load (max of two snapshots)",
            ", ".join("%s %.1f MiB" % (k, v / 1024) for k, v in rss.items()), "-", None,
            "<= 64 MiB each", worst <= 64)

    kdf = next((r for r in results if r.get("scenario") == "kdf"), None)
    check = get("keystore_check")

    # Print.
    headers = ["scenario", "measured", "baseline (same run)", "ratio", "target", "met?"]
    table = [[r["scenario"], r["measured"], r["baseline"],
              "-" if r["ratio"] is None else "%.2fx" % r["ratio"], r["target"],
              "-" if r["met"] is None else ("yes" if r["met"] else "NO")] for r in rows]
    print()
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for t in table:
        print("| " + " | ".join(t) + " |")
    for r in rows:
        if r["note"]:
            print("  * %s: %s" % (r["scenario"], r["note"]))
    if kdf:
        print("  * one derivation at %d iterations: PBKDF2-HMAC-SHA256 OpenSSL %.1f ms, sertel %.1f ms;"
              " PKCS#12 KDF (MAC) OpenSSL %.1f ms, sertel %.1f ms" % (
                  kdf["iterations"], kdf["openssl_pbkdf2_sha256_ms"], kdf["sertel_pbkdf2_sha256_ms"],
                  kdf["openssl_pkcs12kdf_sha256_ms"], kdf["sertel_pkcs12kdf_sha256_ms"]))
    if check:
        print("  * the sealed keystore opens with the passphrase and not with a wrong one: %s"
              % ("yes" if check.get("opens_with_passphrase_only") else "NO"))
    print("  * %d s of benchmarks after %d s of install and build%s" % (
        a.bench_seconds, a.build_seconds, " (--quick)" if a.quick == "1" else ""))

    doc = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
           "quick": a.quick == "1", "machine": machine(), "bench_seconds": a.bench_seconds,
           "build_seconds": a.build_seconds, "table": rows, "results": results}
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=1)
    m = doc["machine"]
    print("  * machine: %s x%d, %.1f GiB RAM, kernel %s, %s" % (
        m["cpu"], m["nproc"], m["ram_gib"], m["kernel"], m["postgresql"]))


if __name__ == "__main__":
    main()
