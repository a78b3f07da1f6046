-- One page of the ACLED CSV export as text, built by the database: each row is
-- `ex_head || updated_at (s) || ruling || ex_tail || '\n'`, where the ruling
-- part is the primary ruling's ex_segment (copied onto the incident as
-- ex_ruling by migration 0021's trigger; looked up among the agreement's
-- rulings, agreement keys in byte order, when the export is of one agreement)
-- or `,,,,` for none. One result row per page. `fallback` counts the rows that
-- cannot be built here (no export parts of encoding $8, or a primary ruling
-- recorded without ex_segment); the caller then writes that page row by row
-- from `csv_page.sql`.
WITH page AS (
    SELECT i.id, i.updated_at, i.ex_version, i.ex_head, i.ex_tail,
           CASE WHEN $5::TEXT IS NULL AND i.ex_ruling IS NOT NULL THEN i.ex_ruling ELSE (
               SELECT coalesce(r.ex_segment, '!') FROM rulings r
               WHERE r.incident_id = i.id AND ($5::TEXT IS NULL OR r.agreement_key = $5)
               ORDER BY CASE r.verdict WHEN 'violation' THEN 0 WHEN 'excluded_party' THEN 1 WHEN 'undetermined' THEN 2 ELSE 3 END,
                        r.agreement_key COLLATE "C"
               LIMIT 1) END AS seg
    FROM incidents i
    WHERE i.id > $1
      AND ($2::BIGINT IS NULL OR i.time_from >= $2)
      AND ($3::BIGINT IS NULL OR i.time_from < $3)
      AND ($4::TEXT IS NULL OR lower(i.body::jsonb ->> 'admin1') = lower($4))
      AND (($5::TEXT IS NULL AND $6::TEXT IS NULL) OR EXISTS (
            SELECT 1 FROM rulings r WHERE r.incident_id = i.id
              AND ($5 IS NULL OR r.agreement_key = $5) AND ($6 IS NULL OR r.verdict = $6)))
    ORDER BY i.id LIMIT $7
)
SELECT count(*) AS n, max(id) AS last,
       coalesce(sum(CASE WHEN ex_version = $8 AND ex_head IS NOT NULL AND ex_tail IS NOT NULL
                          AND (seg IS NULL OR seg <> '!') THEN 0 ELSE 1 END), 0)::BIGINT AS fallback,
       string_agg(ex_head || (updated_at / 1000) || coalesce(seg, ',,,,') || ex_tail || chr(10), '' ORDER BY id) AS text
FROM page
