SELECT g.gx, g.gy, g.n, g.violation, g.excluded_party, g.undetermined, g.not_covered, g.lon, g.lat,
       CASE WHEN g.n = 1 THEN coalesce((
           SELECT MIN(i.id) FROM incidents i
           WHERE i.ix_lon >= g.gx * $7 - 180.0 - 1e-9 AND i.ix_lon < (g.gx + 1) * $7 - 180.0 + 1e-9
             AND i.ix_lat >= g.gy * $7 - 90.0 - 1e-9 AND i.ix_lat < (g.gy + 1) * $7 - 90.0 + 1e-9
             AND CAST((i.ix_lon + 180.0) / $7 AS INTEGER) = g.gx AND CAST((i.ix_lat + 90.0) / $7 AS INTEGER) = g.gy
             AND ($2 IS NULL OR i.ix_verdict = $2)), '') ELSE '' END AS sample
FROM (
    SELECT gx, gy, SUM(n) AS n,
           SUM(CASE WHEN verdict = 'violation' THEN n ELSE 0 END) AS violation,
           SUM(CASE WHEN verdict = 'excluded_party' THEN n ELSE 0 END) AS excluded_party,
           SUM(CASE WHEN verdict = 'undetermined' THEN n ELSE 0 END) AS undetermined,
           SUM(CASE WHEN verdict = 'not_covered' THEN n ELSE 0 END) AS not_covered,
           SUM(sum_lon) / SUM(n) AS lon, SUM(sum_lat) / SUM(n) AS lat
    FROM map_cells
    WHERE zoom = $1 AND n > 0 AND ($2 IS NULL OR verdict = $2)
      AND gx BETWEEN CAST(($3 + 180.0) / $7 AS INTEGER) AND CAST(($4 + 180.0) / $7 AS INTEGER)
      AND gy BETWEEN CAST(($5 + 90.0) / $7 AS INTEGER) AND CAST(($6 + 90.0) / $7 AS INTEGER)
    GROUP BY gx, gy
) g
