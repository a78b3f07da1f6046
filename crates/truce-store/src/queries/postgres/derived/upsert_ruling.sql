INSERT INTO rulings (incident_id, agreement_key, agreement_version, verdict, body, hash, updated_at, ex_guarantors, ex_segment)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (incident_id, agreement_key) DO UPDATE SET agreement_version = excluded.agreement_version,
    verdict = excluded.verdict, body = excluded.body, hash = excluded.hash, updated_at = excluded.updated_at,
    ex_guarantors = excluded.ex_guarantors, ex_segment = excluded.ex_segment
