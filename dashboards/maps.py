"""The overview map: province shapes (63 before 1 July 2025, 34 from then) and both archipelagos.

The shapes are vendored in dashboards/assets/ (see its README: geoBoundaries, public domain),
keyed by GSO code; the figure joins them to the marts by code only. Hoàng Sa and Trường Sa are
drawn and labelled in both views, whatever the data. Province names are in the hover, never
printed on the map, so no two labels can overlap.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboards.data import Marts, matrix_cells
from dashboards.text import esc, hover

ASSETS = Path(__file__).parent / "assets"
SCHEMES = {"63": "vn_provinces_63.geojson", "34": "vn_provinces_34.geojson"}
NO_PLAN_COLOUR = "#dfe3e8"
ISLAND_COLOUR = "#0b4f8a"
STATUS_SCALE = [
    [0, "#eceff1"],
    [0.33, "#eceff1"],
    [0.33, "#f4b942"],
    [0.66, "#f4b942"],
    [0.66, "#1f6fb2"],
    [1, "#1f6fb2"],
]


@cache
def shapes(name: str) -> dict:
    """One vendored GeoJSON file (63 provinces, 34 units or the archipelagos)."""
    return json.loads((ASSETS / name).read_text(encoding="utf-8"))


def feature_codes(scheme: str) -> list[str]:
    return [f["properties"]["code"] for f in shapes(SCHEMES[scheme])["features"]]


def unit_counts(marts: Marts) -> dict[str, pl.DataFrame]:
    """Per map unit: plans and indicators stated (all, and per indicator: 0 none, 1 words, 2 number).

    The 63 view counts the plans filed under a pre-2025 province; the 34 view rolls every plan
    up to its 2025 unit (successor_code), so Hải Dương's plans count for Hải Phòng.
    """
    cells = matrix_cells(marts).filter(pl.col("status") == "stated")
    cells = cells.with_columns(
        pl.when(pl.col("qualitative").fill_null(False)).then(1).otherwise(2).alias("level"),
        pl.col("province_key").str.ends_with("/2025").alias("is_2025"),
    )
    docs = marts.documents.with_columns(pl.col("province_key").str.ends_with("/2025").alias("is_2025"))
    cells = cells.drop("unit")
    legacy = cells.filter(~pl.col("is_2025")).rename({"province_code": "map_unit"})
    rolled = cells.rename({"successor_code": "map_unit"})
    return {
        "63": summarise(legacy, docs.filter(~pl.col("is_2025")).rename({"province_code": "map_unit"})),
        "34": summarise(rolled, docs.rename({"successor_code": "map_unit"})),
    }


def summarise(cells: pl.DataFrame, docs: pl.DataFrame) -> pl.DataFrame:
    plans = (
        docs.drop_nulls("map_unit").group_by("map_unit").agg(pl.col("document_id").n_unique().alias("plans"))
    )
    stated = cells.drop_nulls("map_unit").group_by("map_unit", "indicator_code").agg(pl.col("level").max())
    return plans.join(stated, on="map_unit", how="left")


def measures(marts: Marts) -> list[tuple[str, str, str | None]]:
    """(code, Vietnamese label, English label) of what the map can be coloured by."""
    names = (
        matrix_cells(marts)
        .filter(pl.col("status") == "stated")
        .select("indicator_code", "indicator_name_vi", "indicator_name_en")
    )
    names = names.unique("indicator_code", keep="first", maintain_order=True).sort("indicator_code")
    own = [("__count__", "Số chỉ tiêu đã nêu", "Indicators stated")]
    return own + [(c, vi or c, en) for c, vi, en in names.iter_rows()]


def colour_values(counts: pl.DataFrame, codes: list[str], measure: str) -> list[float | None]:
    """z per unit with plans: the count of indicators stated, or one indicator's status level."""
    out = []
    for code in codes:
        rows = counts.filter(pl.col("map_unit") == code)
        if measure == "__count__":
            out.append(float(rows.drop_nulls("indicator_code").height))
        else:
            level = rows.filter(pl.col("indicator_code") == measure)["level"]
            out.append(float(level[0]) if level.len() else 0.0)
    return out


def unit_names(marts: Marts) -> dict[str, dict[str, str]]:
    """Names by code for each scheme, and the old provinces each 2025 unit is made of."""
    old = {c: n for c, n in marts.provinces.select("province_code", "province_name").iter_rows()}
    new = {c: n for c, n in marts.provinces_2025.select("province_code", "province_name").iter_rows()}
    for feature in shapes(SCHEMES["63"])["features"]:
        old.setdefault(feature["properties"]["code"], feature["properties"]["name"])
    for feature in shapes(SCHEMES["34"])["features"]:
        new.setdefault(feature["properties"]["code"], feature["properties"]["name"])
    return {"63": old, "34": new}


def unit_hover(
    name: str, scheme: str, members: list[str], row: dict[str, Any], measure: tuple[str, str], z: float
) -> str:
    """Hover of one unit: its name, what it is made of (2025 view), plans and the value shown."""
    code, measure_vi = measure
    level = {0: "không nêu", 1: "nêu định tính", 2: "nêu có số liệu"}
    value = f"{int(z)}" if code == "__count__" else level.get(int(z), "")
    return hover(
        f"<b>{esc(name)}</b>" + (" (đơn vị từ 1/7/2025)" if scheme == "34" else ""),
        scheme == "34" and len(members) > 1 and f"Gồm: {esc(', '.join(members))}",
        scheme == "63" and members and members[0] and f"Từ 1/7/2025 thuộc: {esc(members[0])}",
        f"Số kế hoạch: {row.get('plans') or 0}",
        f"{esc(measure_vi)}: {value}",
    )


def province_map(marts: Marts) -> go.Figure:
    """Choropleth of the units with plans over every unit's shape, the archipelagos always drawn.

    Two menus: the 63/34 switch (trace visibility) and the colouring (indicators stated, or
    one chosen indicator's status). Both work offline: plotly's own updatemenus, no callbacks.
    """
    counts, names = unit_counts(marts), unit_names(marts)
    members = {
        f["properties"]["code"]: f["properties"].get("members", []) for f in shapes(SCHEMES["34"])["features"]
    }
    choices = measures(marts)
    successors = dict(marts.provinces.select("province_code", "successor_name").rows())
    fig = go.Figure()
    styles: dict[str, list[dict]] = {code: [] for code, _, _ in choices}
    for scheme, file in SCHEMES.items():
        visible = scheme == "63"
        every = feature_codes(scheme)
        fig.add_trace(base_trace(shapes(file), every, names[scheme], scheme, visible))
        with_plans = [c for c in every if c in set(counts[scheme]["map_unit"].to_list())]
        plans = {
            r["map_unit"]: r
            for r in counts[scheme].unique("map_unit", keep="first", maintain_order=True).to_dicts()
        }
        for code, vi, _ in choices:
            z = colour_values(counts[scheme], with_plans, code)
            member_names = {c: [names["63"].get(m, m) for m in members.get(c, [])] for c in with_plans}
            if scheme == "63":  # the other way round: the 2025 unit each old province is part of
                member_names = {c: [successors.get(c, "")] for c in with_plans}
            tips = [
                unit_hover(names[scheme].get(c, c), scheme, member_names[c], plans.get(c, {}), (code, vi), v)
                for c, v in zip(with_plans, z, strict=True)
            ]
            styles[code].append(measure_style(code, vi, z, tips, catalog_size(marts)))
        first = styles["__count__"][-1]
        fig.add_trace(
            go.Choropleth(
                geojson=shapes(file),
                featureidkey="properties.code",
                locations=with_plans,
                marker={"line": {"width": 0.6, "color": "#ffffff"}},
                hovertemplate="%{customdata}<extra></extra>",
                name=f"{scheme} tỉnh, thành phố",
                visible=visible,
                showscale=visible,
                **{k: v[0] for k, v in first.items()},
            )
        )
    fig.add_trace(archipelago_trace())
    fig.add_trace(sea_label())
    return map_layout(fig, styles, choices)


def sea_label() -> go.Scattergeo:
    """'Biển Đông' between the coast and the archipelagos, as on every map of Viet Nam."""
    return go.Scattergeo(
        lon=[112.6],
        lat=[13.2],
        mode="text",
        text=["<i>Biển Đông</i>"],
        textfont={"size": 14, "color": "#5b7a99"},
        hoverinfo="skip",
        showlegend=False,
        name="Biển Đông",
    )


def menu_texts(marts: Marts, lang: str) -> dict[str, str]:
    """relayout keys -> labels of the colouring menu, for the language toggle."""
    return {
        f"updatemenus[1].buttons[{i}].label": esc((en if lang == "en" and en else vi)[:60])
        for i, (_, vi, en) in enumerate(measures(marts))
    }


def catalog_size(marts: Marts) -> int:
    return max(1, marts.indicators.filter(pl.col("indicator_code") != "other").height)


def measure_style(code: str, label: str, z: list[float], tips: list[str], top: int) -> dict[str, list]:
    """restyle arguments (one-element lists) that colour a data trace by one measure."""
    if code == "__count__":
        return {
            "z": [z],
            "customdata": [tips],
            "zmin": [0],
            "zmax": [max([*z, 1.0])],
            "colorscale": ["YlGnBu"],
            "colorbar": [{"title": {"text": "Số chỉ tiêu<br>đã nêu"}, "thickness": 14, "len": 0.5, "x": 0.8}],
        }
    return {
        "z": [z],
        "customdata": [tips],
        "zmin": [-0.5],
        "zmax": [2.5],
        "colorscale": [STATUS_SCALE],
        "colorbar": [
            {
                "title": {"text": esc(label[:28])},
                "tickvals": [0, 1, 2],
                "ticktext": ["Không nêu", "Nêu định tính", "Nêu có số liệu"],
                "thickness": 14,
                "len": 0.5,
                "x": 0.8,
            }
        ],
    }


def base_trace(
    geo: dict, codes: list[str], names: dict[str, str], scheme: str, visible: bool
) -> go.Choropleth:
    """Every unit's shape in grey: a province without a plan in the warehouse is still on the map."""
    return go.Choropleth(
        geojson=geo,
        featureidkey="properties.code",
        locations=codes,
        z=[0] * len(codes),
        colorscale=[[0, NO_PLAN_COLOUR], [1, NO_PLAN_COLOUR]],
        showscale=False,
        marker={"line": {"width": 0.5, "color": "#ffffff"}},
        customdata=[f"<b>{esc(names.get(c, c))}</b><br>Chưa có kế hoạch trong kho" for c in codes],
        hovertemplate="%{customdata}<extra></extra>",
        name=f"{scheme} (nền)",
        visible=visible,
    )


def archipelago_trace() -> go.Scattergeo:
    """Every island of Hoàng Sa and Trường Sa as a dot, and the archipelago's name beside it."""
    lons, lats, texts, tips = [], [], [], []
    for feature in shapes("vn_archipelagos.geojson")["features"]:
        p = feature["properties"]
        polygons = feature["geometry"]["coordinates"]
        if feature["geometry"]["type"] == "Polygon":
            polygons = [polygons]
        owner = p.get("province", "")  # "thành phố Đà Nẵng", from the province seed
        tip = hover(f"<b>{esc(p['name_vi'])}</b>", owner and f"thuộc {owner}", f"<i>{esc(p['name_en'])}</i>")
        for polygon in polygons:
            ring = polygon[0]
            lons.append(sum(x for x, _ in ring) / len(ring))
            lats.append(sum(y for _, y in ring) / len(ring))
            texts.append("")
            tips.append(tip)
        lons.append(p["label_lon"])
        lats.append(min(lats[-len(polygons) :]) - 0.2)  # under the islands, never on them
        texts.append(f"<b>{esc(p['name_vi'])}</b>")
        tips.append(tip)
    return go.Scattergeo(
        lon=lons,
        lat=lats,
        mode="markers+text",
        text=texts,
        textposition="bottom center",
        textfont={"size": 12, "color": ISLAND_COLOUR},
        marker={"size": 4, "color": ISLAND_COLOUR},
        customdata=tips,
        hovertemplate="%{customdata}<extra></extra>",
        name="Quần đảo Hoàng Sa, Trường Sa",
        showlegend=False,
    )


def map_layout(fig: go.Figure, styles: dict[str, list[dict]], choices: list) -> go.Figure:
    """Fixed frame over the mainland and both archipelagos, the two menus, no base-map borders."""
    data_traces = [1, 3]
    scheme_buttons = [
        {
            "label": label,
            "method": "restyle",
            "args": [
                {
                    "visible": [v, v, not v, not v, True, True],
                    "showscale": [False, v, False, not v, False, False],
                }
            ],
        }
        for label, v in (
            ("63 tỉnh, thành phố (trước 1/7/2025)", True),
            ("34 tỉnh, thành phố (từ 1/7/2025)", False),
        )
    ]
    measure_buttons = [
        {
            "label": esc(vi[:60]),
            "method": "restyle",
            "args": [{k: [s[k][0] for s in styles[code]] for k in styles[code][0]}, data_traces],
        }
        for code, vi, _ in choices
    ]
    menu = {
        "direction": "down",
        "showactive": True,
        "xanchor": "left",
        "yanchor": "top",
        "bgcolor": "#ffffff",
    }
    fig.update_layout(
        updatemenus=[
            {**menu, "buttons": scheme_buttons, "x": 0.0, "y": 1.0},
            {**menu, "buttons": measure_buttons, "x": 0.0, "y": 0.93},
        ],
        geo={
            "projection_type": "mercator",
            "lonaxis_range": [101.8, 117.8],
            "lataxis_range": [6.2, 23.6],
            "showcountries": False,
            "showland": True,
            "landcolor": "#f5f3ee",
            "showocean": True,
            "oceancolor": "#e3eef7",
            "showlakes": False,
            "showcoastlines": False,
            "showframe": False,
            "resolution": 50,
            "scope": "asia",
        },
    )
    return fig
