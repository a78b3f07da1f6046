SELECT g.gx, g.gy, g.n, g.violation, g.excluded_party, g.undetermined, g.not_covered, g.lon, g.lat,
       CASE WHEN g.n = 1 THEN coalesce((
           SELECT MIN(i.id) FROM incidents i
           WHERE i.ix_lon >= g.gx * $7::float8 - 180.0 - 1e-9 AND i.ix_lon < (g.gx + 1) * $7::float8 - 180.0 + 1e-9
             AND i.ix_lat >= g.gy * $7::float8 - 90.0 - 1e-9 AND i.ix_lat < (g.gy + 1) * $7::float8 - 90.0 + 1e-9
             AND floor((i.ix_lon + 180.0) / $7::float8)::bigint = g.gx
             AND floor((i.ix_lat + 90.0) / $7::float8)::bigint = g.gy
             AND ($2::text IS NULL OR i.ix_verdict = $2::text)), '') ELSE '' END AS sample
FROM (
    SELECT gx, gy, SUM(n)::bigint AS n,
           coalesce(SUM(n) FILTER (WHERE verdict = 'violation'), 0)::bigint AS violation,
           coalesce(SUM(n) FILTER (WHERE verdict = 'excluded_party'), 0)::bigint AS excluded_party,
           coalesce(SUM(n) FILTER (WHERE verdict = 'undetermined'), 0)::bigint AS undetermined,
           coalesce(SUM(n) FILTER (WHERE verdict = 'not_covered'), 0)::bigint AS not_covered,
           SUM(sum_lon) / SUM(n) AS lon, SUM(sum_lat) / SUM(n) AS lat
    FROM map_cells
    WHERE zoom = $1::int AND n > 0 AND ($2::text IS NULL OR verdict = $2::text)
      AND gx BETWEEN floor(($3::float8 + 180.0) / $7::float8)::bigint AND floor(($4::float8 + 180.0) / $7::float8)::bigint
      AND gy BETWEEN floor(($5::float8 + 90.0) / $7::float8)::bigint AND floor(($6::float8 + 90.0) / $7::float8)::bigint
    GROUP BY gx, gy
) g
