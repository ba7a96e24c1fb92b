"""Rebuild the vendored province shapes of the dashboards' map from the geoBoundaries source file.

    python scripts/build_map_data.py SOURCE.geojson            # write dashboards/assets/vn_*.geojson
    python scripts/build_map_data.py SOURCE.geojson --check    # only verify the committed files

SOURCE is geoBoundaries gbOpen VNM ADM1 (`geoBoundaries-VNM-ADM1.geojson`, boundaryID
VNM-ADM1-63759600, public domain; see dashboards/assets/README.md). It has 64 shapes: the 63
provinces, Côn Đảo as a shape of its own, and Đà Nẵng and Khánh Hòa with the islands of Hoàng Sa
and Trường Sa as parts of their shapes.

Why codes, not names: every shape is matched to a GSO code by the seat coordinates in the
province seed (point in polygon), never by its spelling, and checked to be one-to-one. The 34
units from 1 July 2025 are dissolved (shapely union) from the 63 by the seed's successor_code:
each new unit is a union of whole old provinces. The archipelagos are written as a layer of
their own so the map can draw and label them at every zoom.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

from shapely.geometry import MultiPolygon, Point, Polygon, box, mapping, shape
from shapely.ops import unary_union

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED = REPO_ROOT / "dbt_project" / "seeds" / "provinces.csv"
ASSETS = REPO_ROOT / "dashboards" / "assets"
TOLERANCE = 0.005  # degrees (about 500 m): below one screen pixel on a whole-country map
DIGITS = 3
# Sea areas of the two archipelagos (generous boxes, far from the mainland coast); the province
# whose shape has parts inside one is the one the archipelago belongs to.
ARCHIPELAGOS = {
    "hoang_sa": ("Quần đảo Hoàng Sa", "Hoang Sa (Paracel) Islands", box(110.5, 15.3, 113.5, 17.6)),
    "truong_sa": ("Quần đảo Trường Sa", "Truong Sa (Spratly) Islands", box(111.0, 6.0, 117.5, 12.3)),
}


def load_seed(path: Path = SEED) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def shapes_by_iso(source: dict) -> dict[str, MultiPolygon | Polygon]:
    """One geometry per ISO 3166-2 code: the source splits some provinces (Côn Đảo) in two."""
    parts: dict[str, list] = defaultdict(list)
    for feature in source["features"]:
        parts[feature["properties"]["shapeISO"]].append(shape(feature["geometry"]).buffer(0))
    return {iso: unary_union(geoms) for iso, geoms in parts.items()}


def match_codes(shapes: dict[str, MultiPolygon | Polygon], seed: list[dict[str, str]]) -> dict[str, str]:
    """GSO code -> ISO code, by which shape holds (or lies nearest to) the province's seat."""
    matched: dict[str, str] = {}
    for row in seed:
        seat = Point(float(row["longitude"]), float(row["latitude"]))
        iso = min(shapes, key=lambda k: (not shapes[k].contains(seat), shapes[k].distance(seat)))
        matched[row["province_code"]] = iso
    if len(set(matched.values())) != len(matched) or len(matched) != len(shapes):
        clash = sorted(k for k, v in matched.items() if list(matched.values()).count(v) > 1)
        raise SystemExit(f"seats do not match shapes one to one: {clash}")
    return matched


def rounded(geom: MultiPolygon | Polygon) -> dict:
    """GeoJSON geometry, simplified and rounded: small enough to ship, tiny islands kept."""
    simple = geom.simplify(TOLERANCE, preserve_topology=True)
    text = json.dumps(mapping(simple))
    data = json.loads(text)

    def walk(node):
        if isinstance(node, float):
            return round(node, DIGITS)
        return [walk(x) for x in node] if isinstance(node, (list, tuple)) else node

    data["coordinates"] = walk(data["coordinates"])
    return data


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def build(source: dict, seed: list[dict[str, str]]) -> dict[str, dict]:
    """The three vendored files: 63 provinces, 34 units (dissolved), the archipelagos."""
    shapes = shapes_by_iso(source)
    codes = match_codes(shapes, seed)
    old = {row["province_code"]: shapes[codes[row["province_code"]]] for row in seed}
    names = {row["province_code"]: row["province_name"] for row in seed}
    groups: dict[str, list[str]] = defaultdict(list)
    for row in seed:
        groups[row["successor_code"]].append(row["province_code"])
    new_names = {row["successor_code"]: row["successor_name"] for row in seed}
    provinces = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name": names[code]},
            "geometry": rounded(g),
        }
        for code, g in sorted(old.items())
    ]
    units = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name": new_names[code], "members": sorted(members)},
            "geometry": rounded(unary_union([old[m] for m in members])),
        }
        for code, members in sorted(groups.items())
    ]
    return {
        "vn_provinces_63.geojson": collection(provinces),
        "vn_provinces_34.geojson": collection(units),
        "vn_archipelagos.geojson": collection(archipelagos(old, seed)),
    }


def archipelagos(old: dict[str, MultiPolygon | Polygon], seed: list[dict[str, str]]) -> list[dict]:
    """Each archipelago's islands, the province it belongs to, and a point to put its label."""
    successor = {row["province_code"]: row["successor_code"] for row in seed}
    owner = {row["province_code"]: f"{row['unit_type']} {row['province_name']}" for row in seed}
    features = []
    for key, (name_vi, name_en, area) in ARCHIPELAGOS.items():
        owners = [code for code, geom in old.items() if geom.intersects(area)]
        if len(owners) != 1:
            raise SystemExit(f"{name_vi}: expected one province with islands there, found {owners}")
        islands = old[owners[0]].intersection(area)
        centre = islands.envelope.centroid
        features.append(
            {
                "type": "Feature",
                "id": key,
                "properties": {
                    "key": key,
                    "name_vi": name_vi,
                    "name_en": name_en,
                    "province_code": owners[0],
                    "province": owner[owners[0]],
                    "successor_code": successor[owners[0]],
                    "label_lon": round(centre.x, 2),
                    "label_lat": round(centre.y, 2),
                },
                "geometry": rounded(islands),
            }
        )
    return features


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="geoBoundaries-VNM-ADM1.geojson")
    parser.add_argument("--check", action="store_true", help="verify the committed files only")
    args = parser.parse_args(argv)
    files = build(json.loads(args.source.read_text(encoding="utf-8")), load_seed())
    stale = []
    for name, data in files.items():
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        target = ASSETS / name
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"{target.relative_to(REPO_ROOT)}: {len(data['features'])} features, {len(text):,} bytes")
    if stale:
        print(f"out of date: {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
