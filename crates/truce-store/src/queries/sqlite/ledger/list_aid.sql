SELECT id, destination AS place, pcode, admin1_pcode, day, items AS detail, status, source FROM aid_deliveries
WHERE day >= $1 AND day <= $2 ORDER BY day, id
