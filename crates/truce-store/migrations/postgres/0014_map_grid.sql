-- Fast browsing at 100,000 incidents (issue 5): composite indexes that match the
-- filtered page queries (admin1 and verdict, newest first), a covering index for
-- map aggregation over rows, and a precomputed map grid. `map_cells` holds, per
-- zoom level 0-8 (cells 2/2^zoom degrees, as the API draws them), grid cell and
-- headline verdict ('' before judging), the incident count and coordinate sums;
-- a trigger on incidents keeps it exact in the same transaction as the change.
CREATE INDEX incidents_ix_admin1_verdict_time ON incidents (ix_admin1, ix_verdict, time_from, id);
CREATE INDEX incidents_ix_admin1_time ON incidents (ix_admin1, time_from, id);
CREATE INDEX incidents_ix_verdict_time ON incidents (ix_verdict, time_from, id);
CREATE INDEX incidents_ix_lonlat ON incidents (ix_lon, ix_lat, ix_verdict, time_from, ix_admin1, id);

CREATE TABLE map_zooms (
    zoom INTEGER PRIMARY KEY,
    cell DOUBLE PRECISION NOT NULL      -- degrees: 2 / 2^zoom
);
INSERT INTO map_zooms (zoom, cell) VALUES
    (0, 2.0), (1, 1.0), (2, 0.5), (3, 0.25), (4, 0.125), (5, 0.0625), (6, 0.03125), (7, 0.015625), (8, 0.0078125);

CREATE TABLE map_cells (
    zoom    INTEGER NOT NULL,
    gx      BIGINT  NOT NULL,           -- floor((lon + 180) / cell)
    gy      BIGINT  NOT NULL,           -- floor((lat + 90) / cell)
    verdict TEXT    NOT NULL,           -- headline verdict, '' when not judged
    n       BIGINT  NOT NULL,
    sum_lon DOUBLE PRECISION NOT NULL,
    sum_lat DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (zoom, gx, gy, verdict)
);

INSERT INTO map_cells (zoom, gx, gy, verdict, n, sum_lon, sum_lat)
SELECT z.zoom, floor((i.ix_lon + 180.0) / z.cell)::bigint, floor((i.ix_lat + 90.0) / z.cell)::bigint,
       coalesce(i.ix_verdict, ''), COUNT(*), SUM(i.ix_lon), SUM(i.ix_lat)
FROM incidents i, map_zooms z
WHERE i.ix_lon IS NOT NULL AND i.ix_lat IS NOT NULL
GROUP BY 1, 2, 3, 4;

-- Repeated updates of one row inside a transaction leave a chain of row
-- versions that every later update walks, so a batch of thousands of incidents
-- in a few coarse cells would be quadratic. Row triggers therefore append
-- signed deltas, and a deferred trigger folds them into map_cells once per
-- transaction at commit (the first one to fire does it; the rest see the flag).
CREATE TABLE map_cell_deltas (
    zoom    INTEGER NOT NULL,
    gx      BIGINT  NOT NULL,
    gy      BIGINT  NOT NULL,
    verdict TEXT    NOT NULL,
    n       BIGINT  NOT NULL,
    sum_lon DOUBLE PRECISION NOT NULL,
    sum_lat DOUBLE PRECISION NOT NULL
);

CREATE FUNCTION truce_map_grid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.ix_lon IS NOT NULL AND OLD.ix_lat IS NOT NULL THEN
        INSERT INTO map_cell_deltas (zoom, gx, gy, verdict, n, sum_lon, sum_lat)
        SELECT z.zoom, floor((OLD.ix_lon + 180.0) / z.cell)::bigint, floor((OLD.ix_lat + 90.0) / z.cell)::bigint,
               coalesce(OLD.ix_verdict, ''), -1, -OLD.ix_lon, -OLD.ix_lat
        FROM map_zooms z;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.ix_lon IS NOT NULL AND NEW.ix_lat IS NOT NULL THEN
        INSERT INTO map_cell_deltas (zoom, gx, gy, verdict, n, sum_lon, sum_lat)
        SELECT z.zoom, floor((NEW.ix_lon + 180.0) / z.cell)::bigint, floor((NEW.ix_lat + 90.0) / z.cell)::bigint,
               coalesce(NEW.ix_verdict, ''), 1, NEW.ix_lon, NEW.ix_lat
        FROM map_zooms z;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER incidents_grid AFTER INSERT OR DELETE ON incidents
    FOR EACH ROW EXECUTE FUNCTION truce_map_grid();
CREATE TRIGGER incidents_grid_update AFTER UPDATE ON incidents
    FOR EACH ROW
    WHEN (OLD.ix_verdict IS DISTINCT FROM NEW.ix_verdict OR OLD.ix_lon IS DISTINCT FROM NEW.ix_lon
          OR OLD.ix_lat IS DISTINCT FROM NEW.ix_lat)
    EXECUTE FUNCTION truce_map_grid();

CREATE FUNCTION truce_map_fold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('truce.map_folded', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('truce.map_folded', 'on', true);
        WITH d AS (DELETE FROM map_cell_deltas RETURNING *)
        INSERT INTO map_cells (zoom, gx, gy, verdict, n, sum_lon, sum_lat)
        SELECT zoom, gx, gy, verdict, SUM(n), SUM(sum_lon), SUM(sum_lat) FROM d GROUP BY 1, 2, 3, 4
        ON CONFLICT (zoom, gx, gy, verdict) DO UPDATE
            SET n = map_cells.n + EXCLUDED.n, sum_lon = map_cells.sum_lon + EXCLUDED.sum_lon,
                sum_lat = map_cells.sum_lat + EXCLUDED.sum_lat;
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER incidents_grid_fold AFTER INSERT OR UPDATE OR DELETE ON incidents
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION truce_map_fold();
