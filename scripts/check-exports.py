"""Checks `truce export` output with real consumers: pandas, shapely, json.

Usage: check-exports.py DIR  (DIR holds out.csv, out.geojson, out.jsonl, agreements.json)
"""
import json
import sys

import pandas as pd
import shapely
from shapely.geometry import shape

d = sys.argv[1]
ACLED = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
         "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
         "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
         "tags,timestamp").split(",")
EXTRA = ["verdict", "agreement", "guarantors", "corroboration", "source_spans"]

df = pd.read_csv(f"{d}/out.csv")
assert list(df.columns) == ACLED + EXTRA, list(df.columns)
assert len(df) > 0, "no rows"
for col in ["year", "time_precision", "iso", "fatalities", "timestamp", "corroboration"]:
    assert pd.api.types.is_integer_dtype(df[col]), (col, df[col].dtype)
for col in ["latitude", "longitude"]:
    assert pd.api.types.is_float_dtype(df[col]), (col, df[col].dtype)
    assert df[col].dropna().between(-180, 180).all(), col
dates = pd.to_datetime(df["event_date"], format="%d %B %Y")
assert (dates.dt.year == df["year"]).all(), "year matches event_date"
assert df["event_id_cnty"].is_unique
assert set(df["verdict"].dropna()) <= {"violation", "not_covered", "excluded_party", "undetermined"}
print(f"csv: {len(df)} rows, {len(df.columns)} columns, dtypes ok")

geo = json.load(open(f"{d}/out.geojson"))
assert geo["type"] == "FeatureCollection" and "crs" not in geo
n = 0
for f in geo["features"]:
    assert f["type"] == "Feature"
    if f["geometry"] is None:
        continue
    g = shape(f["geometry"])
    assert g.geom_type == "Point" and shapely.is_valid(g), f["id"]
    if (f.get("properties") or {}).get("admin1_pcode"):
        # A place with a governorate lies in Syria (lon, lat order).
        assert 35 < g.x < 43 and 32 < g.y < 38, ("lon/lat order, inside Syria", f["id"], g.x, g.y)
    else:
        # A place abroad ("Ankara", "Turkey") has no governorate; still WGS84 lon, lat.
        assert -180 <= g.x <= 180 and -90 <= g.y <= 90, ("lon/lat order", f["id"], g.x, g.y)
    n += 1
assert len(geo["features"]) == len(df), "one feature per CSV row"
print(f"geojson: {len(geo['features'])} features, {n} points valid in shapely")

kinds = {}
with open(f"{d}/out.jsonl") as fh:
    for i, line in enumerate(fh, 1):
        obj = json.loads(line)
        assert set(obj) == {"type", "record"}, i
        kinds[obj["type"]] = kinds.get(obj["type"], 0) + 1
assert kinds.get("incident") == len(df), kinds
assert kinds.get("agreement", 0) >= 1 and kinds.get("ruling", 0) >= 1, kinds
print(f"jsonl: {sum(kinds.values())} lines {kinds}")

agreements = json.load(open(f"{d}/agreements.json"))
assert all({"key", "title", "kind", "effective", "scope", "exclusions"} <= set(a) for a in agreements)
print(f"agreements: {len(agreements)} in the file schema")
print("check-exports: ok")
