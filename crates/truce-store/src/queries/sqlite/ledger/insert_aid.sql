INSERT INTO aid_deliveries (destination, pcode, admin1_pcode, day, items, status, source, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
