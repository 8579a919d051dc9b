-- certificate-service: the SLA report reads steps 6 and 7 by time (CertificateService.GetSlaReport).
CREATE INDEX enrollment_timeline_sla ON enrollment_timeline (at, step)
  WHERE (step = 6 AND action = 'ISSUED') OR (step = 7 AND action = 'HANDED_OVER');
