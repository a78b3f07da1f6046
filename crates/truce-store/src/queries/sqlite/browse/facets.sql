SELECT 'admin1' AS facet, ix_admin1 AS value, COUNT(*) AS n FROM incidents WHERE ix_admin1 IS NOT NULL GROUP BY ix_admin1
UNION ALL
SELECT 'event_type', ix_event_type, COUNT(*) FROM incidents WHERE ix_event_type IS NOT NULL GROUP BY ix_event_type
UNION ALL
SELECT 'status', ix_status, COUNT(*) FROM incidents WHERE ix_status IS NOT NULL GROUP BY ix_status
UNION ALL
SELECT 'verdict', ix_verdict, COUNT(*) FROM incidents WHERE ix_verdict IS NOT NULL GROUP BY ix_verdict
