INSERT INTO rulings (incident_id, agreement_key, agreement_version, verdict, body, hash, updated_at, ex_guarantors, ex_segment)
SELECT x.incident_id, x.agreement_key, x.agreement_version, x.verdict, x.body, x.hash, $2, x.ex_guarantors, x.ex_segment
FROM jsonb_to_recordset($1::jsonb)
    AS x(incident_id TEXT, agreement_key TEXT, agreement_version BIGINT, verdict TEXT, body TEXT, hash TEXT,
         ex_guarantors TEXT, ex_segment TEXT)
ON CONFLICT (incident_id, agreement_key) DO NOTHING
