SELECT id, settlement AS place, pcode, admin1_pcode, day, parties AS detail, status, source FROM local_agreements
WHERE day >= $1 AND day <= $2 ORDER BY day, id
