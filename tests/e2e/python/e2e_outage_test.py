#!/usr/bin/python3
# Health tells the truth, across the four real processes: PostgreSQL is stopped under the
# running suite; every service reports NOT_SERVING (on its TLS port and on the plaintext probe
# port), its "liveness" stays SERVING (no restart is called for), a submission answers
# UNAVAILABLE and changes nothing; PostgreSQL is started again; every service reports SERVING
# by itself, without a restart, and a submission works. Needs a suite of its own
# (tests/e2e/with_suite.sh, port base 29151).
#
#   bash tests/e2e/with_suite.sh BUILD_DIR 29151 /usr/bin/python3 \
#        tests/e2e/python/e2e_outage_test.py [--googleapis DIR]
import os
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sertel_client as sc  # noqa: E402

OPTS, UNITTEST_ARGV = sc.parse_args()
SERVICES = ("intake", "disposition", "certificate", "notification")


class DatabaseOutage(sc.SuiteTest):
    GOOGLEAPIS = OPTS.googleapis

    def pg(self, command):
        args = ["bash", os.path.join(self.s.root, "scripts", "pg.sh"), command,
                os.path.join(self.s.home, "pg")]
        if command == "start":
            args += [os.environ["SERTEL_PG_PORT"], "fast"]
        r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, "pg.sh %s failed:\n%s" % (command, r.stdout))

    def all_health(self, service=""):
        return {name: sc.health_status(self.s.channels[name], service) for name in SERVICES}

    def wait_health(self, want, what):
        return sc.wait_until(lambda: all(v == want for v in self.all_health().values()),
                             timeout=30, what=what)

    def test_outage_and_recovery(self):
        m = self.m
        self.assertEqual(self.all_health(), {n: "SERVING" for n in SERVICES})
        a = sc.make_applicant(m, 501, "Outage")
        self.pg("stop")
        try:
            self.wait_health("NOT_SERVING", "every service to report NOT_SERVING")
            self.assertEqual(self.all_health("liveness"), {n: "SERVING" for n in SERVICES},
                             "alive: the outage is no reason to restart")
            self.rpc_error(self.grpc.StatusCode.UNAVAILABLE, self.s.submit, a, as_operator=True,
                           request_id="py-outage-1")
        finally:
            self.pg("start")
        self.wait_health("SERVING", "every service to report SERVING again")
        # Nothing was stored during the outage; the same request now goes through once.
        listed = self.s.intake.ListApplications(m.intake_pb2.ListApplicationsRequest(nik=a.nik),
                                                metadata=self.s.md("AUDITOR"), timeout=10)
        self.assertEqual(len(listed.applications), 0)
        app = self.s.submit(a, as_operator=True, request_id="py-outage-1")
        self.assertTrue(app.id)
        self.s.wait_in_inbox("HEAD_OF_AGENCY", app.id)  # and the outbox delivered it onwards
        receipt = self.s.wait_mail(a.email, lambda x: "diterima" in x.subject,
                                   what="the submission receipt")
        self.assertEqual(len(receipt), 1)


if __name__ == "__main__":
    prog = unittest.main(argv=UNITTEST_ARGV, verbosity=2, exit=False)
    sys.exit(0 if prog.result.wasSuccessful() else 1)
