#!/usr/bin/python3
"""Issue 23's chaos runner: drives a running suite (tests/e2e/with_suite.sh) from outside
through its public APIs and prints one table of figures; writes them as JSON. Every loop is
bounded in count and time. The exit code is 1 when any figure that must be zero is not.

  bash tests/e2e/with_oidc.sh 31660 bash tests/e2e/with_suite.sh BUILD_DIR 31151 \\
       /usr/bin/python3 tests/chaos/chaos.py --survey BUILD_DIR/tests/chaos/sertel_serial_survey \\
       [--quick] [--results FILE.json]

Its tokens are the development identity provider's (with_oidc.sh, provider_tokens.py).

scripts/chaos.sh runs it (installing and building first); scripts/test.sh runs it --quick.
docs/reliability.md explains each figure."""
import argparse
import datetime
import json
import os
import platform
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e", "python"))
import scenario_crash  # noqa: E402
import scenario_secrets  # noqa: E402
import sertel_client as sc  # noqa: E402
from provider_tokens import Provider, ProviderSuite  # noqa: E402
from scenario_matrix import Matrix  # noqa: E402
from scenario_races import Races  # noqa: E402
from scenario_serials import check as check_serials, survey  # noqa: E402
from scenario_tokens import TokenAttacks  # noqa: E402
from walk import Walker  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="CI's size: a few rounds of each")
    p.add_argument("--survey", required=True, help="the sertel_serial_survey program")
    p.add_argument("--results", default="", help="write the figures as JSON here")
    p.add_argument("--googleapis", default="")
    p.add_argument("--api-md", default=os.path.join(HERE, "..", "..", "docs", "api.md"),
                   help="the API page whose role tables the matrix checks")
    p.add_argument("--only", default="", help="comma-separated: crash,races,matrix,tokens,secrets,serials")
    return p.parse_args()


class Table:
    """Rows of (scenario, figure, value, must be, ok); printed as one aligned table."""

    def __init__(self):
        self.rows = []

    def add(self, scenario, figure, value, must, ok):
        self.rows.append((scenario, figure, str(value), must, "ok" if ok else "WRONG"))

    def wrong(self):
        return [r for r in self.rows if r[4] != "ok"]

    def print(self, title):
        head = ("scenario", "figure", "value", "must be", "")
        widths = [max(len(r[i]) for r in self.rows + [head]) for i in range(5)]
        line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
        print("\n" + title)
        print(line(head))
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for r in self.rows:
            print(line(r))
        sys.stdout.flush()


def main():
    opts = parse_args()
    only = set(filter(None, opts.only.split(","))) or {"crash", "races", "matrix", "tokens", "secrets", "serials"}
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="sertel-chaos.")
    suite = ProviderSuite(opts.googleapis or sc.parse_args([])[0].googleapis, Provider(work))
    suite.wait_ready(timeout=60)
    walker = Walker(suite)
    table = Table()
    figures = {}
    try:
        if "crash" in only:
            # (applications, clients, kills, outage s, budget s, drain s): the quick run's
            # bounds end it inside ctest's 600 s with its table, a stuck application and its
            # rows printed, rather than killed with nothing said.
            size = ((24, 4, 3, 5, 240, 120) if opts.quick else (500, 8, 20, 60, 2400, 600))
            f = scenario_crash.run(walker, *size)
            figures["crash"] = f
            table.add("1 crash: %d applications, %d clients, %d faults" % (
                f["applications"], f["clients"], len(f["faults"])),
                "kills / reached the end / stuck / lost / duplicated",
                "%d / %d / %d / %d / %d" % (f["kills"], f["reached_end"], len(f["stuck"]),
                                            len(f["lost"]), len(f["duplicated"])),
                "- / %d / 0 / 0 / 0" % f["applications"],
                not f["stuck"] and not f["lost"] and not f["duplicated"])
            bad_chains = {k: v for k, v in f["audit_chains"].items() if v}
            table.add("1 crash: audit chains afterwards", "services whose chain verifies",
                      "%d of 4" % (4 - len(bad_chains)), "4 of 4", not bad_chains)
            table.add("1 crash: the recorded holder count", "grew by / certificates handed over",
                      "%d / %d" % (f["holders_added"], f["handed_over"]), "equal",
                      f["holders_added"] == f["handed_over"])
            table.add("1 crash: time", "seconds until every client was done",
                      f["seconds_to_drain"], "-", True)
            table.add("1 crash: emails resent with the same Message-ID",
                      "dropped by a mail client (at-least-once)", f["resent_same_message_id"],
                      "-", True)
            print("  faults: " + "; ".join(f["faults"]))
            print("  retried: %s" % f["errors_retried"])
            for w in (f["stuck"] + f["lost"] + f["duplicated"])[:10]:
                print("  " + w)
            for detail in f["stuck_detail"]:
                print("  stuck: %s" % json.dumps(detail, ensure_ascii=False))
            for k, v in bad_chains.items():
                print("  audit chain of %s: %s" % (k, v))
        if "races" in only:
            rounds = 3 if opts.quick else 100
            rows = Races(walker).run(rounds)
            figures["races"] = rows
            for r in rows:
                table.add("2 races: " + r["pair"], "rounds / one winner / in order / wrong",
                          "%d / %d / %d / %d" % (r["rounds"], r["one_winner"], r["in_order"],
                                                 r["wrong"]),
                          "wrong = 0", r["wrong"] == 0)
                for e in r["examples"]:
                    print("  %s: %s" % (r["pair"], e))
        if "matrix" in only:
            matrix = Matrix(suite, TokenAttacks.foreign_key_in(work))
            try:
                f = matrix.run(opts.api_md)
            finally:
                matrix.close()
            figures["matrix"] = f
            table.add("3 who may do what: %d callers" % len(f["callers"]),
                      "cells / wrong / RPCs not in docs/api.md",
                      "%d / %d / %d" % (f["cells"], len(f["wrong"]), len(f["undocumented"])),
                      "- / 0 / 0", not f["wrong"] and not f["undocumented"])
            for w in f["wrong"][:10] + f["undocumented"][:5]:
                print("  " + w)
        if "tokens" in only:
            control, rows, changed = TokenAttacks(walker, work).run()
            figures["tokens"] = {"control": control, "attacks": rows, "tables_changed": changed}
            table.add("4 tokens: a valid token (control)", "calls / UNAUTHENTICATED",
                      "%d / %d" % (control["calls"], control["unauthenticated"]),
                      "UNAUTHENTICATED = 0", control["unauthenticated"] == 0)
            for r in rows:
                table.add("4 tokens: " + r["attack"], "calls / UNAUTHENTICATED / other",
                          "%d / %d / %d" % (r["calls"], r["unauthenticated"], len(r["other"])),
                          "other = 0", not r["other"])
                for o in r["other"][:3]:
                    print("  %s: %s" % (r["attack"], o))
            table.add("4 tokens: the database afterwards", "tables changed", len(changed), "0",
                      not changed)
            for c in changed[:5]:
                print("  changed: " + c)
        if "secrets" in only:
            f = scenario_secrets.run(walker, sc.STRONG_PASSPHRASE)
            figures["secrets"] = f
            table.add("6 secrets: the passphrase and %d private keys" % f["private_keys"],
                      "places / MiB searched / hits",
                      "%d / %.1f / %d" % (len(f["places"]), f["bytes_searched"] / 2**20,
                                          len(f["hits"])),
                      "hits = 0 (keys >= 1)", not f["hits"] and f["private_keys"] >= 1)
            if f["cores"] is None:
                table.add("6 secrets: a core forced from each service",
                          "cores written / by the certificate service",
                          "not measured: sanitized services write no core", "-", True)
            else:
                written = [n for n, c in f["cores"].items() if c is not None]
                table.add("6 secrets: a core forced from each service",
                          "cores written / by the certificate service",
                          "%d / %d" % (len(written), int("certificate" in written)),
                          "%d / 0" % (len(f["cores"]) - 1),
                          len(written) == len(f["cores"]) - 1 and "certificate" not in written)
            for h in f["hits"][:5]:
                print("  found: " + h)
        if "serials" in only:
            count = 10000
            serials = survey(opts.survey, count)
            f = check_serials(serials)
            figures["serials"] = f
            table.add("7 serials: the CA's own code", "issued / duplicates / not positive",
                      "%d / %d / %d" % (f["serials"], f["duplicates"], f["not_positive"]),
                      "%d / 0 / 0" % count, f["serials"] == count and f["wrong"] == 0)
            table.add("7 serials: the CA's own code", "longest (DER octets) / fair bits",
                      "%d / %d" % (f["longest_octets"], f["fair_bits"]), "<= 20 / >= 64",
                      f["longest_octets"] <= 20 and f["fair_bits"] >= 64)
            if walker.serials:
                g = check_serials(walker.serials)
                figures["serials_of_the_suite"] = g
                table.add("7 serials: issued by the suite in this run",
                          "issued / duplicates / not positive / longest",
                          "%d / %d / %d / %d" % (g["serials"], g["duplicates"], g["not_positive"],
                                                 g["longest_octets"]),
                          "- / 0 / 0 / <= 20",
                          g["duplicates"] + g["not_positive"] == 0 and g["longest_octets"] <= 20)
        elapsed = time.monotonic() - started
        title = "sertel chaos run%s, %s UTC, %s (%d CPUs), %.0f s" % (
            " (--quick)" if opts.quick else "",
            datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), platform.node(),
            os.cpu_count() or 0, elapsed)
        table.print(title)
        print("\n5 fuzzing is measured by scripts/fuzz.sh (docs/reliability.md)")
        if opts.results:
            os.makedirs(os.path.dirname(os.path.abspath(opts.results)), exist_ok=True)
            with open(opts.results, "w") as out:
                json.dump({"title": title, "quick": opts.quick, "seconds": round(elapsed, 1),
                           "table": table.rows, "figures": figures}, out, indent=2)
            print("figures written to " + opts.results)
        return 1 if table.wrong() else 0
    finally:
        shutil.rmtree(work, True)
        suite.close()


if __name__ == "__main__":
    sys.exit(main())
