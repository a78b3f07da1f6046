SELECT (SELECT COUNT(*) FROM incidents), (SELECT COUNT(*) FROM rulings)
