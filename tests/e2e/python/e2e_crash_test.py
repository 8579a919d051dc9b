#!/usr/bin/python3
# Crash safety across the real processes, from the Python client: the notification service is
# killed with SIGKILL before the verifier sends an application to the CA; the activation code the
# certificate service then owes the applicant must arrive exactly once after the service is
# restarted (scripts/up.sh starts only what is not running) - not lost, not duplicated - and it
# must work for SetPassphrase. Needs a suite of its own (tests/e2e/with_suite.sh, port base 25151).
#
#   bash tests/e2e/with_suite.sh BUILD_DIR 25151 /usr/bin/python3 \
#        tests/e2e/python/e2e_crash_test.py [--googleapis DIR]
import json
import os
import signal
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sertel_client as sc  # noqa: E402

OPTS, UNITTEST_ARGV = sc.parse_args()


def process_state(pid):
    """'gone', 'zombie' or 'alive'."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "gone"
    return "zombie" if state in ("Z", "X") else "alive"


class NotificationCrash(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = sc.Suite(OPTS.googleapis)
        cls.s.wait_ready()
        cls.m = cls.s.m

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def kill_notification(self):
        pid_file = os.path.join(self.s.home, "run", "notification.pid")
        with open(pid_file) as f:
            pid = int(f.read().strip())
        self.assertEqual(process_state(pid), "alive", "notification service runs before the kill")
        os.kill(pid, signal.SIGKILL)
        sc.wait_until(lambda: process_state(pid) != "alive", timeout=10,
                      what="notification service (pid %d) to die" % pid)
        sys.stderr.write("notification service (pid %d) killed: %s\n" % (pid, process_state(pid)))
        # A zombie (nobody here reaps the orphan) is dead: scripts/up.sh knows that and starts
        # the service again; its pid file stays as it is.
        return pid

    def restart_suite(self):
        """Runs scripts/up.sh again with with_suite.sh's environment: it starts what is missing."""
        up = os.path.join(self.s.root, "scripts", "up.sh")
        env = dict(os.environ, SERTEL_SKIP_BUILD="1")
        r = subprocess.run(["bash", up], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=120)
        sys.stderr.write("".join("[up again] " + line + "\n" for line in r.stdout.splitlines()))
        self.assertEqual(r.returncode, 0, "scripts/up.sh failed:\n" + r.stdout)

    def certificate_outbox_retries(self):
        """How many failed deliveries of notification.SendNotification certificate.log shows."""
        n = 0
        try:
            with open(os.path.join(self.s.home, "logs", "certificate.log")) as f:
                for line in f:
                    try:
                        e = json.loads(line)
                    except ValueError:
                        continue
                    if (e.get("event") == "outbox_retry" and
                            e.get("topic") == "notification.SendNotification"):
                        n += 1
        except OSError:
            pass
        return n

    def test_activation_code_exactly_once_across_a_notification_crash(self):
        s, m = self.s, self.m
        applicant = sc.make_applicant(m, 201, "E")
        app_id = s.submit(applicant).id
        s.forward_to_verifier(app_id)
        s.wait_in_inbox("VERIFIER", app_id)
        # Let the submission receipt go out first, so that only the activation code is owed.
        s.wait_mail(applicant.email, lambda x: app_id in x.text(), timeout=30,
                    what="the submission receipt")

        old_pid = self.kill_notification()
        c = s.verify(app_id)
        self.assertEqual(c.status, m.disposition_pb2.CASE_STATUS_SENT_TO_CA)
        # The enrollment goes on without the notification service (it is the certificate
        # service's outbox that owes the activation code) ...
        app = sc.wait_until(
            lambda: (lambda a: a if a.status == m.common_pb2.APPLICATION_STATUS_AWAITING_PASSPHRASE
                     else None)(s.get_application(app_id)),
            timeout=30, what="application %s to be AWAITING_PASSPHRASE" % app_id)
        self.assertEqual(app.current_step, m.common_pb2.STEP_PASSPHRASE)
        # ... which it tries, and fails, to deliver while the service is down.
        time.sleep(2)
        retries = sc.wait_until(lambda: self.certificate_outbox_retries(), timeout=15,
                                what="the certificate service to retry SendNotification")
        sys.stderr.write("certificate outbox retries while notification was down: %d\n" % retries)
        self.assertEqual(s.activation_mails(applicant.email), [],
                         "no activation code can be sent while the notification service is down")

        self.restart_suite()
        with open(os.path.join(s.home, "run", "notification.pid")) as f:
            new_pid = int(f.read().strip())
        self.assertNotEqual(new_pid, old_pid)
        self.assertEqual(process_state(new_pid), "alive")

        mails = sc.wait_until(lambda: s.activation_mails(applicant.email), timeout=45,
                              what="the activation-code email after the restart")
        # Wait a few more seconds for a duplicate that must not come.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            mails = s.activation_mails(applicant.email)
            self.assertEqual(len(mails), 1, "exactly one activation-code email: %s" %
                             [x.path for x in mails])
            time.sleep(0.25)
        self.assertEqual(len(mails), 1)

        # The notification service's own record agrees: one ACTIVATION_CODE, delivered.
        r = s.notification.ListNotifications(
            m.notification_pb2.ListNotificationsRequest(application_id=app_id, page_size=100),
            metadata=s.md("AUDITOR"), timeout=10)
        codes = [n for n in r.notifications
                 if n.template == m.notification_pb2.NOTIFICATION_TEMPLATE_ACTIVATION_CODE]
        self.assertEqual(len(codes), 1, str(r))
        self.assertEqual(codes[0].status, m.notification_pb2.NOTIFICATION_STATUS_DELIVERED)

        # And the code works.
        cert = s.certificate.SetPassphrase(
            m.certificate_pb2.SetPassphraseRequest(application_id=app_id,
                                                   activation_code=mails[0].activation_code(),
                                                   passphrase=sc.STRONG_PASSPHRASE),
            metadata=s.md("APPLICANT", nik=applicant.nik), timeout=60)
        self.assertEqual(cert.nik, applicant.nik)


if __name__ == "__main__":
    prog = unittest.main(argv=UNITTEST_ARGV, verbosity=2, exit=False)
    sys.exit(0 if prog.result.wasSuccessful() else 1)
