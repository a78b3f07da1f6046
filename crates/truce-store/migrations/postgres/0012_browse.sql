-- Browsing derived incidents: columns generated from the canonical JSON so the
-- server filters and clusters in SQL, and the headline verdict (the most severe
-- ruling) kept by a trigger on rulings. Prefixed ix_ to stay clear of other areas.
ALTER TABLE incidents
    ADD COLUMN ix_admin1 TEXT GENERATED ALWAYS AS ((body::jsonb) ->> 'admin1') STORED,
    ADD COLUMN ix_event_type TEXT GENERATED ALWAYS AS ((body::jsonb) ->> 'event_type') STORED,
    ADD COLUMN ix_sub_event_type TEXT GENERATED ALWAYS AS ((body::jsonb) ->> 'sub_event_type') STORED,
    ADD COLUMN ix_status TEXT GENERATED ALWAYS AS ((body::jsonb) ->> 'status') STORED,
    ADD COLUMN ix_lat DOUBLE PRECISION GENERATED ALWAYS AS (((body::jsonb) ->> 'lat')::double precision) STORED,
    ADD COLUMN ix_lon DOUBLE PRECISION GENERATED ALWAYS AS (((body::jsonb) ->> 'lon')::double precision) STORED,
    ADD COLUMN ix_verdict TEXT;

CREATE INDEX incidents_ix_time ON incidents (time_from, id);
CREATE INDEX incidents_ix_admin1 ON incidents (ix_admin1, time_from);
CREATE INDEX incidents_ix_verdict ON incidents (ix_verdict, time_from);
CREATE INDEX incidents_ix_type ON incidents (ix_event_type, time_from);

CREATE FUNCTION truce_ix_verdict() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE incidents SET ix_verdict = (
        SELECT verdict FROM rulings WHERE incident_id = NEW.incident_id
        ORDER BY CASE verdict WHEN 'violation' THEN 0 WHEN 'excluded_party' THEN 1 WHEN 'undetermined' THEN 2 ELSE 3 END
        LIMIT 1)
    WHERE id = NEW.incident_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER rulings_ix_verdict AFTER INSERT OR UPDATE OF verdict ON rulings
    FOR EACH ROW EXECUTE FUNCTION truce_ix_verdict();
UPDATE incidents SET ix_verdict = (
    SELECT verdict FROM rulings WHERE incident_id = incidents.id
    ORDER BY CASE verdict WHEN 'violation' THEN 0 WHEN 'excluded_party' THEN 1 WHEN 'undetermined' THEN 2 ELSE 3 END
    LIMIT 1);
