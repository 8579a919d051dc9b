// certificate-service's domain parts built over one store, CA and clock: what the gRPC handler
// (certificate_service_impl.h), the periodic jobs and the /crl.der route call. Wiring only; each
// part is its own class (enrollment and issuance, handover, revocation and CRL, certificates and
// checks, statistics and reports, the jobs' operations).
//
//   CertificateManagers managers(&store, ca.get(), &codes, KeyGenerator(alg),
//                                Pkcs12Sealer({}), settings, &clock, &snapshot);
//   managers.handover.HandOver(caller, app_id, channel);
#pragma once

#include "activation_code.h"
#include "certificate_authority.h"
#include "certificate_settings.h"
#include "certificate_store.h"
#include "check_manager.h"
#include "common/clock.h"
#include "document_manager.h"
#include "enrollment_manager.h"
#include "handover_manager.h"
#include "key_generator.h"
#include "maintenance_manager.h"
#include "pkcs12_sealer.h"
#include "report_manager.h"
#include "revocation_manager.h"

namespace sertel::certificate {

struct CertificateManagers {
  CertificateManagers(CertificateStore* store, CertificateAuthority* ca,
                      const ActivationCodes* codes, KeyGenerator keys, Pkcs12Sealer sealer,
                      const ManagerSettings& settings, const Clock* clock,
                      const CertificateSnapshot* snapshot)
      : enrollment(store, ca, codes, keys, sealer, settings, clock),
        handover(store, ca, codes, settings, clock),
        revocation(store, ca, settings, clock),
        checks(store, ca, clock, snapshot),
        documents(&checks, clock),
        reports(store, clock),
        maintenance(store, settings, clock) {}

  EnrollmentManager enrollment;    // SOP steps 5-6
  HandoverManager handover;        // SOP step 7
  RevocationManager revocation;    // revocation and the CRL
  CheckManager checks;             // certificates and the SOP's warning
  DocumentManager documents;       // signed documents (VerifyDocument)
  ReportManager reports;           // statistics and the SLA report
  MaintenanceManager maintenance;  // the periodic jobs' work
};

}  // namespace sertel::certificate
