-- Fast browsing at 100,000 incidents (issue 5): composite indexes that match the
-- filtered page queries (admin1 and verdict, newest first), a covering index for
-- map aggregation over rows, and a precomputed map grid. `map_cells` holds, per
-- zoom level 0-8 (cells 2/2^zoom degrees, as the API draws them), grid cell and
-- headline verdict ('' before judging), the incident count and coordinate sums;
-- triggers on incidents keep it exact in the same transaction as the change,
-- each a primary-key upsert per zoom (+1 for the new cell, -1 for the old one).
CREATE INDEX incidents_ix_admin1_verdict_time ON incidents (ix_admin1, ix_verdict, time_from, id);
CREATE INDEX incidents_ix_admin1_time ON incidents (ix_admin1, time_from, id);
CREATE INDEX incidents_ix_verdict_time ON incidents (ix_verdict, time_from, id);
CREATE INDEX incidents_ix_lonlat ON incidents (ix_lon, ix_lat, ix_verdict, time_from, ix_admin1, id);

CREATE TABLE map_zooms (
    zoom INTEGER PRIMARY KEY,
    cell REAL    NOT NULL               -- degrees: 2 / 2^zoom
);
INSERT INTO map_zooms (zoom, cell) VALUES
    (0, 2.0), (1, 1.0), (2, 0.5), (3, 0.25), (4, 0.125), (5, 0.0625), (6, 0.03125), (7, 0.015625), (8, 0.0078125);

CREATE TABLE map_cells (
    zoom    INTEGER NOT NULL,
    gx      INTEGER NOT NULL,           -- CAST((lon + 180) / cell AS INTEGER)
    gy      INTEGER NOT NULL,           -- CAST((lat + 90) / cell AS INTEGER)
    verdict TEXT    NOT NULL,           -- headline verdict, '' when not judged
    n       INTEGER NOT NULL,
    sum_lon REAL    NOT NULL,
    sum_lat REAL    NOT NULL,
    PRIMARY KEY (zoom, gx, gy, verdict)
);

INSERT INTO map_cells (zoom, gx, gy, verdict, n, sum_lon, sum_lat)
SELECT z.zoom, CAST((i.ix_lon + 180.0) / z.cell AS INTEGER), CAST((i.ix_lat + 90.0) / z.cell AS INTEGER),
       coalesce(i.ix_verdict, ''), COUNT(*), SUM(i.ix_lon), SUM(i.ix_lat)
FROM incidents i, map_zooms z
WHERE i.ix_lon IS NOT NULL AND i.ix_lat IS NOT NULL
GROUP BY 1, 2, 3, 4;

CREATE TRIGGER incidents_grid_insert AFTER INSERT ON incidents
WHEN NEW.ix_lon IS NOT NULL AND NEW.ix_lat IS NOT NULL
BEGIN
    INSERT INTO map_cells (zoom, gx, gy, verdict, n, sum_lon, sum_lat)
    SELECT zoom, CAST((NEW.ix_lon + 180.0) / cell AS INTEGER), CAST((NEW.ix_lat + 90.0) / cell AS INTEGER),
           coalesce(NEW.ix_verdict, ''), 1, NEW.ix_lon, NEW.ix_lat
    FROM map_zooms WHERE true
    ON CONFLICT (zoom, gx, gy, verdict) DO UPDATE
        SET n = n + excluded.n, sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat;
END;

CREATE TRIGGER incidents_grid_update AFTER UPDATE OF body, ix_verdict ON incidents
WHEN OLD.ix_verdict IS NOT NEW.ix_verdict OR OLD.ix_lon IS NOT NEW.ix_lon OR OLD.ix_lat IS NOT NEW.ix_lat
BEGIN
    INSERT INTO map_cells (zoom, gx, gy, verdict, n, sum_lon, sum_lat)
    SELECT zoom, CAST((OLD.ix_lon + 180.0) / cell AS INTEGER), CAST((OLD.ix_lat + 90.0) / cell AS INTEGER),
           coalesce(OLD.ix_verdict, ''), -1, -OLD.ix_lon, -OLD.ix_lat
    FROM map_zooms WHERE OLD.ix_lon IS NOT NULL AND OLD.ix_lat IS NOT NULL
    ON CONFLICT (zoom, gx, gy, verdict) DO UPDATE
        SET n = n + excluded.n, sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat;
    INSERT INTO map_cells (zoom, gx, gy, verdict, n, sum_lon, sum_lat)
    SELECT zoom, CAST((NEW.ix_lon + 180.0) / cell AS INTEGER), CAST((NEW.ix_lat + 90.0) / cell AS INTEGER),
           coalesce(NEW.ix_verdict, ''), 1, NEW.ix_lon, NEW.ix_lat
    FROM map_zooms WHERE NEW.ix_lon IS NOT NULL AND NEW.ix_lat IS NOT NULL
    ON CONFLICT (zoom, gx, gy, verdict) DO UPDATE
        SET n = n + excluded.n, sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat;
END;

CREATE TRIGGER incidents_grid_delete AFTER DELETE ON incidents
WHEN OLD.ix_lon IS NOT NULL AND OLD.ix_lat IS NOT NULL
BEGIN
    INSERT INTO map_cells (zoom, gx, gy, verdict, n, sum_lon, sum_lat)
    SELECT zoom, CAST((OLD.ix_lon + 180.0) / cell AS INTEGER), CAST((OLD.ix_lat + 90.0) / cell AS INTEGER),
           coalesce(OLD.ix_verdict, ''), -1, -OLD.ix_lon, -OLD.ix_lat
    FROM map_zooms WHERE true
    ON CONFLICT (zoom, gx, gy, verdict) DO UPDATE
        SET n = n + excluded.n, sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat;
END;
