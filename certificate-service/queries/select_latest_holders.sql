-- CheckCertificate's snapshot, a full reload: each NIK's latest holder (the view: migration V006).
SELECT * FROM latest_holders
