#!/usr/bin/env python3
"""Builds a merge development set from FA-KES: pairs of articles about the same
event versus different events.

FA-KES gives each article the date and location of its main event. Articles
with the same date and location are taken as the same event (positives); the
negatives are articles about the same location more than a week apart, which
share places and actors but not the event. This is a proxy label: two distinct
strikes in one city on one day count as "same". Fixed seed, deterministic.
Usage: merge_pairs.py FAKES.csv > pairs.jsonl
"""
import csv, collections, datetime, itertools, json, random, sys

csv.field_size_limit(1 << 24)
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", errors="replace", newline="")))


def day(s):
    m, d, y = s.strip().split("/")
    return datetime.date(int(y), int(m), int(d))


def doc(r):
    return {"id": r["unit_id"], "text": (r["article_title"] + "\n\n" + r["article_content"]).strip(), "published": day(r["date"]).isoformat()}


groups = collections.defaultdict(list)
for r in rows:
    groups[(r["date"], r["location"].strip().lower())].append(r)
pos = [p for g in groups.values() for p in itertools.combinations(g, 2)]
by_loc = collections.defaultdict(list)
for r in rows:
    by_loc[r["location"].strip().lower()].append(r)
neg_pool = [(a, b) for g in by_loc.values() for a, b in itertools.combinations(g, 2) if abs((day(a["date"]) - day(b["date"])).days) > 7]
rnd = random.Random(7)
neg = rnd.sample(neg_pool, min(len(pos), len(neg_pool)))
for same, pairs in ((True, pos), (False, neg)):
    for a, b in pairs:
        print(json.dumps({"a": doc(a), "b": doc(b), "same": same}, ensure_ascii=False))
