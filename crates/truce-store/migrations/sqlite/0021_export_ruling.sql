-- Exports (issue 6): each ruling's CSV fields (`,verdict,agreement,guarantors,`,
-- quoted by `truce_tell::acled::ruling_segment` when recorded), and on each
-- incident a copy of its primary ruling's (the most severe verdict, then the
-- smallest agreement key, as `acled::primary` picks it), so that the CSV export
-- builds a row from one incident row without visiting rulings. The copy is
-- kept by the triggers that already keep the headline verdict (replaced here
-- to set both columns in one UPDATE, and to break verdict ties by agreement
-- key, so both columns name the same ruling). ex_ruling is NULL for an
-- incident without rulings and '!' when the primary ruling was recorded
-- without ex_segment (the export then writes that page row by row).
ALTER TABLE rulings ADD COLUMN ex_segment TEXT;
ALTER TABLE incidents ADD COLUMN ex_ruling TEXT;

DROP TRIGGER rulings_ix_verdict_insert;
DROP TRIGGER rulings_ix_verdict_update;
CREATE TRIGGER rulings_ix_verdict_insert AFTER INSERT ON rulings
BEGIN
    UPDATE incidents SET (ix_verdict, ex_ruling) = (
        SELECT verdict, coalesce(ex_segment, '!') FROM rulings WHERE incident_id = NEW.incident_id
        ORDER BY CASE verdict WHEN 'violation' THEN 0 WHEN 'excluded_party' THEN 1 WHEN 'undetermined' THEN 2 ELSE 3 END,
                 agreement_key
        LIMIT 1)
    WHERE id = NEW.incident_id;
END;
CREATE TRIGGER rulings_ix_verdict_update AFTER UPDATE OF verdict, ex_segment ON rulings
BEGIN
    UPDATE incidents SET (ix_verdict, ex_ruling) = (
        SELECT verdict, coalesce(ex_segment, '!') FROM rulings WHERE incident_id = NEW.incident_id
        ORDER BY CASE verdict WHEN 'violation' THEN 0 WHEN 'excluded_party' THEN 1 WHEN 'undetermined' THEN 2 ELSE 3 END,
                 agreement_key
        LIMIT 1)
    WHERE id = NEW.incident_id;
END;
UPDATE incidents SET ex_ruling = '!' WHERE EXISTS (SELECT 1 FROM rulings WHERE incident_id = incidents.id);
