"""The province gazetteer built from the checked seeds, and the seeds cross-checked against the libraries."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import importlib.util
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from pipelines.gazetteer.sources import (
    ALIASES_SEED,
    CONTEXTS_SEED,
    CURRENT_SEED,
    FORMER_NAMES_SEED,
    LEGACY_SEED,
    gazetteer_from_seeds,
    read_aliases,
    read_former_names,
)
from pipelines.gazetteer.units import FormerName, Gazetteer, Province
from pipelines.text.normalize import fold_diacritics, normalize_unicode

REPO_ROOT = Path(__file__).parents[1]
REFERENCE_DIR = Path(__file__).parents[1].parent / "shared" / "reference"
REFERENCE_CSV = REFERENCE_DIR / "provinces_2025.csv"
BEFORE = datetime.date(2024, 6, 1)
AFTER = datetime.date(2025, 8, 1)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def seed_script() -> ModuleType:
    path = REPO_ROOT / "scripts" / "build_province_seed.py"
    spec = importlib.util.spec_from_file_location("build_province_seed", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _code(unit: Province | None) -> str | None:
    return unit.code if unit else None


# --------------------------------------------------------------------------- the unit lists


def test_codes_order_and_types(gaz: Gazetteer) -> None:
    """Which units there are is the reference's and the libraries' to say (tests below); here, that
    each era lists them once, in code order, with two-digit codes and a province-level type."""
    for units, era in ((gaz.legacy(), "legacy"), (gaz.current(), "current")):
        codes = [p.code for p in units]
        assert codes == sorted(codes)
        assert len(set(codes)) == len(codes)
        assert all(len(c) == 2 and c.isdigit() for c in codes)
        assert {p.era for p in units} == {era}
        assert {p.unit_type for p in units} == {"tỉnh", "thành phố"}


def test_load_is_cached(gaz: Gazetteer) -> None:
    assert Gazetteer.load() is gaz


def test_names_are_nfc_with_official_tone_marks(gaz: Gazetteer) -> None:
    for unit in [*gaz.legacy(), *gaz.current()]:
        assert unicodedata.is_normalized("NFC", unit.name)
        assert normalize_unicode(unit.name) == unit.name
    # the check is exercised: some names have a final "oa/oe/uy" whose tone placement it proves
    assert any(_new_style(unit.name) != unit.name for unit in gaz.legacy())


def test_official_tone_placement() -> None:
    assert normalize_unicode("Thuỷ") == "Thủy"
    assert normalize_unicode("Hoà Bình") == "Hòa Bình"
    assert normalize_unicode("KHÁNH HOÀ") == "KHÁNH HÒA"
    assert normalize_unicode("khoẻ") == "khỏe"
    # The tone stays where it is when the cluster is not final, or "u" belongs to "qu".
    for word in ("Hoàng", "quý", "Quỳnh", "Nguyễn", "Thuyền"):
        assert normalize_unicode(word) == word


def _new_style(name: str) -> str:
    """``name`` with the tone of each final "oa", "oe", "uy" on the second vowel ("Hòa" → "Hoà")."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    moved = re.sub(rf"([oOuU])([{tones}])([aAeEyY])(?!\w)", r"\1\3\2", unicodedata.normalize("NFD", name))
    return unicodedata.normalize("NFC", moved)


def test_both_tone_placements_of_every_name_are_found(gaz: Gazetteer) -> None:
    """The seeds list one spelling; the other tone placement is the text normaliser's business."""
    units = [*gaz.legacy(), *gaz.current()]
    variants = {(u.name, _new_style(u.name)) for u in units if _new_style(u.name) != u.name}
    assert variants, "no name has a cluster whose tone can be placed two ways"
    for name, variant in sorted(variants):
        assert normalize_unicode(variant) == name
        for spelling in (name, variant, variant.upper()):
            found = gaz.lookup(spelling)
            assert found is not None and found.name == name, spelling
            assert [m.name for m in gaz.find_mentions(f"tỉnh {spelling} và")] == [name], spelling


def test_successors_and_regions(gaz: Gazetteer) -> None:
    current = {p.code: p for p in gaz.current()}
    for unit in gaz.legacy():
        assert unit.successor_code in current
        assert unit.successor_name == current[unit.successor_code].name
        assert unit.region is not None
    for unit in gaz.current():
        assert (unit.successor_code, unit.successor_name, unit.region) == (unit.code, unit.name, None)
    # Every current unit absorbed at least one legacy unit with its own name.
    assert {p.successor_code for p in gaz.legacy()} == set(current)


def test_coordinates_inside_vietnam(gaz: Gazetteer) -> None:
    for unit in [*gaz.legacy(), *gaz.current()]:
        assert unit.latitude is not None and unit.longitude is not None
        assert 8.0 < unit.latitude < 23.5
        assert 102.0 < unit.longitude < 110.0


# --------------------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    ("spelling", "official"),
    [
        ("Hung Yên", "Hưng Yên"),
        ("Hung Yen", "Hưng Yên"),
        ("HƯNG YÊN", "Hưng Yên"),
        (unicodedata.normalize("NFD", "Hưng Yên"), "Hưng Yên"),
        ("Ha Nam", "Hà Nam"),
        ("Hoà Bình", "Hòa Bình"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("tỉnh Khánh Hoà", "Khánh Hòa"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("tỉnh Hải Dương", "Hải Dương"),
        ("Dak Lak", "Đắk Lắk"),
        ("Đắk Lắk", "Đắk Lắk"),
        ("Đắc Lắc", "Đắk Lắk"),
        ("Đắk Nông", "Đắk Nông"),
        ("Dak Nong", "Đắk Nông"),
        ("Kon Tum", "Kon Tum"),
        ("Kontum", "Kon Tum"),
        ("Bắc Cạn", "Bắc Kạn"),
        ("Thừa Thiên Huế", "Huế"),
        ("Thừa Thiên - Huế", "Huế"),
        ("Huế", "Huế"),
        ("thành phố Huế", "Huế"),
        ("Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Bà Rịa – Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Bà Rịa -Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Ba Ria Vung Tau", "Bà Rịa - Vũng Tàu"),
        ("TP. Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP.Hồ Chí Minh", "Hồ Chí Minh"),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP HCM", "Hồ Chí Minh"),
        ("TP.HCM", "Hồ Chí Minh"),
        ("TPHCM", "Hồ Chí Minh"),
        ("Thành phố Hà Nội", "Hà Nội"),
        ("  hà   nội ", "Hà Nội"),
    ],
)
def test_lookup_variants(gaz: Gazetteer, spelling: str, official: str) -> None:
    """Another case, diacritics, hyphen, spacing, Unicode form or a known alias finds the unit that
    the official name finds."""
    found = gaz.lookup(spelling)
    assert found is not None and found.name == official
    assert found == gaz.lookup(official)


@pytest.mark.parametrize("name", ["", "Việt Nam", "Nam", "tỉnh", "Hà Nam Ninh", "Sài Gòn Xanh", "xyz"])
def test_lookup_unknown(gaz: Gazetteer, name: str) -> None:
    assert gaz.lookup(name) is None


def _names_of_both_eras(gaz: Gazetteer) -> list[tuple[Province, Province]]:
    """(legacy unit, current unit) pairs that carry the same name."""
    current = {unit.name: unit for unit in gaz.current()}
    return [(unit, current[unit.name]) for unit in gaz.legacy() if unit.name in current]


def test_lookup_by_date_for_names_of_both_eras(gaz: Gazetteer) -> None:
    """A name of both eras is the legacy unit until 30 June 2025 (and without a date), the current
    unit from 1 July 2025 (a datetime too), folded or not; the legacy unit is part of its namesake."""
    pairs = _names_of_both_eras(gaz)
    assert pairs, "the seeds have no name carried by a unit of each era"
    for legacy, current in pairs:
        for day in (None, BEFORE, datetime.date(2025, 6, 30)):
            assert gaz.lookup(legacy.name, day) == legacy, (legacy.name, day)
        for day in (datetime.date(2025, 7, 1), datetime.datetime(2025, 7, 1, 9, 0), AFTER):
            assert gaz.lookup(legacy.name, day) == current, (legacy.name, day)
        assert gaz.lookup(f"tinh {fold_diacritics(legacy.name)}", AFTER) == current
        assert legacy.successor_code == current.code
    # an abbreviation of a unit of both eras follows the date as well
    for day in (BEFORE, AFTER):
        assert gaz.lookup("TP. HCM", day) == gaz.lookup("Hồ Chí Minh", day)


@pytest.mark.parametrize("on_date", [None, BEFORE, AFTER])
def test_lookup_legacy_only_names(gaz: Gazetteer, on_date: datetime.date | None) -> None:
    """A name that no current unit carries is the legacy unit at any date, with its successor."""
    current = {unit.code: unit for unit in gaz.current()}
    legacy_only = [unit for unit in gaz.legacy() if unit.name not in {c.name for c in current.values()}]
    assert legacy_only, "the seeds have no unit whose name ended with the merger"
    for unit in legacy_only:
        found = gaz.lookup(unit.name, on_date)
        assert found == unit, unit.name
        assert found.successor_name == current[found.successor_code].name


# --------------------------------------------------------------------------- find_mentions


def test_find_mentions_offsets_exact(gaz: Gazetteer) -> None:
    text = (
        "Ủy ban nhân dân tỉnh Hưng Yên phối hợp với Thái Bình, Hung Yen và TP. Hồ Chí Minh; "
        "Việt Nam hợp tác với tỉnh Hà Nam và thành phố Hải Phòng (trước là Hải Dương)."
    )
    mentions = gaz.find_mentions(text)
    for m in mentions:
        assert text[m.start : m.end] == m.matched
    assert [(m.name, m.matched) for m in mentions] == [
        ("Hưng Yên", "Hưng Yên"),
        ("Thái Bình", "Thái Bình"),
        ("Hưng Yên", "Hung Yen"),
        ("Hồ Chí Minh", "Hồ Chí Minh"),
        ("Hà Nam", "Hà Nam"),
        ("Hải Phòng", "Hải Phòng"),
        ("Hải Dương", "Hải Dương"),
    ]
    first = mentions[0]
    assert (first.start, first.end) == (text.index("Hưng Yên"), text.index("Hưng Yên") + len("Hưng Yên"))


def test_find_mentions_viet_nam_and_word_boundaries(gaz: Gazetteer) -> None:
    assert gaz.find_mentions("Việt Nam") == []
    assert gaz.find_mentions("Cộng hòa xã hội chủ nghĩa Việt Nam, Viet Nam, VIỆT NAM") == []
    assert gaz.find_mentions("tỉnh Hà Nam Ninh (1976-1991)") == []
    assert gaz.find_mentions("HàNamx, xHà Nam, Hà Namz") == []
    assert [m.matched for m in gaz.find_mentions("(Hà Nam)")] == ["Hà Nam"]
    assert [m.matched for m in gaz.find_mentions("Quảng Nam-Đà Nẵng")] == ["Quảng Nam", "Đà Nẵng"]


def test_find_mentions_diacritics_and_unicode_forms(gaz: Gazetteer) -> None:
    nfc = "Khánh Hoà, Khánh Hòa, KHÁNH HOÀ, Khanh Hoa; Thừa Thiên Huế; Bà Rịa–Vũng Tàu; Đắc Lắc; Kontum"
    expected = ["Khánh Hòa"] * 4 + ["Huế", "Bà Rịa - Vũng Tàu", "Đắk Lắk", "Kon Tum"]
    for text in (nfc, unicodedata.normalize("NFD", nfc)):
        mentions = gaz.find_mentions(text)
        assert [m.name for m in mentions] == expected
        for m in mentions:
            assert text[m.start : m.end] == m.matched
    assert gaz.find_mentions(nfc)[4].matched == "Thừa Thiên Huế"  # the longest name wins


def test_find_mentions_common_phrases_are_not_provinces(gaz: Gazetteer) -> None:
    not_provinces = [
        "nâng cao bằng cách ứng dụng công nghệ",
        "vì mục đích hòa bình",
        "khu vực châu Á - Thái Bình Dương",
        "Việt Nam Định Hướng Phát Triển",
        "tham gia lại chương trình",
        "Viện Hải dương học",
        "hoa huệ và ân huệ",
        "học tập tư tưởng, đạo đức, phong cách Hồ Chí Minh; Giải thưởng Hồ Chí Minh",
        "chiến thắng Điện Biên Phủ",
        "chuyển thành hóa đơn điện tử",
        "làng sơn mài",
        # a commune or district that shares the province's name is not the province
        "xã Hòa Bình, huyện Điện Biên, Phường Thái Bình",
    ]
    for text in not_provinces:
        assert gaz.find_mentions(text) == [], text
    proper = (
        "tỉnh Cao Bằng, tỉnh Hoà Bình, TỈNH THÁI BÌNH, Hoa Binh, thành phố Huế, TP.HCM, "
        "các địa phương Hà Nam, thành phố Thanh Hóa"
    )
    assert [m.name for m in gaz.find_mentions(proper)] == [
        "Cao Bằng",
        "Hòa Bình",
        "Thái Bình",
        "Hòa Bình",
        "Huế",
        "Hồ Chí Minh",
        "Hà Nam",
        "Thanh Hóa",
    ]


def test_find_mentions_on_long_text_are_the_paragraphs_repeated(gaz: Gazetteer) -> None:
    """1 MB of one paragraph: every copy gives the paragraph's mentions at its own offsets (no match
    lost or merged across a copy's edge), the cut copy at the end only those it still holds whole."""
    paragraph = (
        "Căn cứ Nghị quyết số 57-NQ/TW về phát triển khoa học, công nghệ, đổi mới sáng tạo; "
        "Ủy ban nhân dân tỉnh Hưng Yên phối hợp với tỉnh Thái Bình, Hải Dương và thành phố Hà Nội "
        "nhằm nâng cao năng lực nghiên cứu và chuyển giao công nghệ tại Việt Nam.\n"
    )
    copies, rest = divmod(1_000_000, len(paragraph))
    text = paragraph * copies + paragraph[:rest]
    one = [(m.name, m.start, m.end) for m in gaz.find_mentions(paragraph)]
    assert len(one) >= 4
    expected = [(n, s + k * len(paragraph), e + k * len(paragraph)) for k in range(copies) for n, s, e in one]
    expected += [
        (n, s + copies * len(paragraph), e + copies * len(paragraph)) for n, s, e in one if e <= rest
    ]
    assert [(m.name, m.start, m.end) for m in gaz.find_mentions(text)] == expected


def test_every_unit_name_is_found_and_resolves(gaz: Gazetteer) -> None:
    """Each name after its unit type ("thành phố" where the context seed says the name needs it)."""
    city_only = {
        gaz.name_on(u, None) for u in gaz.legacy() if (u.code, "needs_city_prefix") in _context_rules()
    }
    for unit in [*gaz.legacy(), *gaz.current()]:
        text = f"thành phố {unit.name}" if unit.name in city_only else f"tỉnh {unit.name}"
        mentions = gaz.find_mentions(text)
        assert [m.name for m in mentions] == [unit.name]
        on_date = BEFORE if unit.era == "legacy" else AFTER
        assert gaz.lookup(unit.name, on_date) == unit


# --------------------------------------------------------------------------- seeds and reference


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_seed_files_match_the_gazetteer(gaz: Gazetteer, seed_script: ModuleType) -> None:
    """The gazetteer read from the seeds writes them back byte for byte: reading loses nothing
    (codes, names, coordinates to the last digit). Against the libraries: test_seeds_agree_with_the_libraries."""
    legacy_text = seed_script.render_csv(seed_script.LEGACY_COLUMNS, seed_script.legacy_rows(gaz))
    current_text = seed_script.render_csv(seed_script.CURRENT_COLUMNS, seed_script.current_rows(gaz))
    legacy_seed = REPO_ROOT / "dbt_project" / "seeds" / "provinces.csv"
    current_seed = REPO_ROOT / "dbt_project" / "seeds" / "provinces_2025.csv"
    assert legacy_seed.read_text(encoding="utf-8") == legacy_text, "run scripts/build_province_seed.py"
    assert current_seed.read_text(encoding="utf-8") == current_text, "run scripts/build_province_seed.py"

    rows = _read_csv(legacy_seed)
    assert list(rows[0]) == list(seed_script.LEGACY_COLUMNS)
    current_rows = _read_csv(current_seed)
    assert list(current_rows[0]) == list(seed_script.CURRENT_COLUMNS)
    assert {r["successor_code"] for r in rows} == {r["province_code"] for r in current_rows}


@pytest.mark.skipif(not REFERENCE_CSV.exists(), reason="shared/reference is not available")
def test_seed_and_gazetteer_agree_with_reference(gaz: Gazetteer, seed_script: ModuleType) -> None:
    problems = seed_script.reference_disagreements(
        seed_script.legacy_rows(gaz), seed_script.current_rows(gaz), REFERENCE_CSV
    )
    assert problems == []
    reference = _read_csv(REFERENCE_CSV)
    assert {r["old_code"] for r in reference} == {u.code for u in gaz.legacy()}
    assert {r["new_code"] for r in reference} == {u.code for u in gaz.current()}
    for row in reference:
        old = gaz.lookup(row["old_name"], datetime.date(2025, 6, 30))
        new = gaz.lookup(row["new_name"], datetime.date(2025, 7, 1))
        assert old is not None and new is not None
        assert (old.code, old.unit_type, old.region) == (row["old_code"], row["old_type"], row["region"])
        assert (old.successor_code, old.successor_name) == (row["new_code"], row["new_name"])
        assert (new.code, new.name, new.unit_type, new.era) == (
            row["new_code"],
            row["new_name"],
            row["new_type"],
            "current",
        )


@pytest.mark.skipif(not REFERENCE_CSV.exists(), reason="shared/reference is not available")
def test_reference_cross_check_catches_disagreements(
    gaz: Gazetteer, seed_script: ModuleType, tmp_path: Path
) -> None:
    bad = tmp_path / "provinces_2025.csv"
    bad.write_text(
        REFERENCE_CSV.read_text(encoding="utf-8").replace("72,Tây Ninh,tỉnh,80,", "72,Tây Ninh,tỉnh,79,"),
        encoding="utf-8",
    )
    problems = seed_script.reference_disagreements(
        seed_script.legacy_rows(gaz), seed_script.current_rows(gaz), bad
    )
    assert any(p.startswith("72 successor_code") for p in problems)
    assert seed_script.main(["--check", "--reference", str(bad)]) == 1


# --------------------------------------------------------------------------- names as at a date

FORMER_NAMES_CSV = REPO_ROOT / "dbt_project" / "seeds" / "province_former_names.csv"


def test_names_follow_the_date(gaz: Gazetteer) -> None:
    """A renamed unit is found by its former name and printed with it up to the rename's last day,
    with today's name from the day after and without a date; every other unit keeps its name."""
    former_names = read_former_names(FORMER_NAMES_CSV)
    renamed = {(f.code, f.era) for f in former_names}
    for unit in [*gaz.legacy(), *gaz.current()]:
        for day in (datetime.date(2015, 1, 1), BEFORE, AFTER, None):
            if (unit.code, unit.era) not in renamed:
                assert gaz.name_on(unit, day) == unit.name
    for former in former_names:
        unit = gaz.lookup(former.name, former.until)
        assert unit is not None and (unit.code, unit.era) == (former.code, former.era)
        for day in (former.until - datetime.timedelta(days=2000), former.until):
            assert gaz.name_on(unit, day) == former.name
        assert gaz.name_on(unit, former.until + datetime.timedelta(days=1)) == unit.name
        assert gaz.name_on(unit, None) == unit.name  # no date: today's name


def test_former_names_are_found_and_spelt_officially(gaz: Gazetteer) -> None:
    """A name (current or former) written in capitals or lower case is found and printed in its
    official spelling; an abbreviation or a lookup key is not a name to print."""
    for former in read_former_names(FORMER_NAMES_CSV):
        unit = gaz.lookup(former.name, former.until)
        assert unit is not None
        text = f"Ủy ban nhân dân tỉnh {former.name.upper()} và tỉnh {former.name}"
        assert [m.name for m in gaz.find_mentions(text)] == [unit.name, unit.name]
        assert gaz.official_spelling(former.name.upper()) == former.name
    for unit in [*gaz.legacy(), *gaz.current()]:
        assert gaz.official_spelling(unit.name.lower()) == unit.name
        assert gaz.official_spelling(unit.name.upper()) == unit.name
    for alias in read_aliases(ALIASES_SEED):
        if alias.kind in ("abbreviation", "lookup_key"):
            assert gaz.official_spelling(alias.alias) is None, alias


def test_former_names_seed_agrees_with_the_province_seed_and_reference() -> None:
    rows = _read_csv(FORMER_NAMES_CSV)
    assert rows, "the seed lists at least the rename it was made for"
    seed = {r["province_code"]: r for r in _read_csv(REPO_ROOT / "dbt_project" / "seeds" / "provinces.csv")}
    reference = {r["old_code"]: r for r in _read_csv(REFERENCE_CSV)} if REFERENCE_CSV.exists() else {}
    for row in rows:
        assert row["era"] == "legacy" and row["source"].strip()
        assert row["former_unit_type"] in {"tỉnh", "thành phố"}
        until = datetime.date.fromisoformat(row["name_until"])
        assert until < datetime.date(2025, 7, 1)  # a legacy unit's rename happened while it existed
        assert seed[row["province_code"]]["province_name"] == row["current_name"]
        assert row["former_name"] != row["current_name"]
        if reference:  # the reference names units as on 30 June 2025, after the rename
            assert reference[row["province_code"]]["old_name"] == row["current_name"]


def test_a_former_name_for_an_unknown_unit_is_refused(gaz: Gazetteer) -> None:
    bad = FormerName(
        code="99", era="legacy", name="Tỉnh Cũ", unit_type="tỉnh", until=datetime.date(2000, 1, 1)
    )
    with pytest.raises(ValueError, match="no legacy unit with code 99"):
        Gazetteer(gaz.legacy(), gaz.current(), former_names=[bad])


# --------------------------------------------------------------------------- the seeds are the source


def test_load_reads_the_seeds_and_no_library(tmp_path: Path) -> None:
    """In a fresh process, loading opens the five province seeds and no file of either library."""
    probe = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda event, args: opened.append(str(args[0])) "
        "if event in ('open', 'sqlite3.connect') else None)\n"
        "from pipelines.gazetteer.units import Gazetteer\n"
        "Gazetteer.load()\n"
        "print('\\n'.join(opened))\n"
        "print('MODULES', 'vietnam_provinces' in sys.modules, 'vietnamadminunits' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    opened = result.stdout.splitlines()
    assert opened[-1] == "MODULES False False"
    assert not [path for path in opened if "vietnam" in path.lower() or path.endswith(".db")]
    for seed in (LEGACY_SEED, CURRENT_SEED, FORMER_NAMES_SEED, ALIASES_SEED, CONTEXTS_SEED):
        assert str(seed) in opened


def test_seeds_agree_with_the_libraries(seed_script: ModuleType) -> None:
    """The committed seeds are what the libraries give today, every library keyword is found,
    and the libraries agree with each other and with the reference (when present)."""
    assert seed_script.main(["--check"]) == 0
    gazetteer, problems = seed_script.library_gazetteer()
    assert problems == []
    assert gazetteer.legacy() == Gazetteer.load().legacy()
    assert gazetteer.current() == Gazetteer.load().current()


def test_a_disagreement_between_the_libraries_is_refused(seed_script: ModuleType) -> None:
    data = seed_script.read_libraries()
    assert seed_script.library_problems(data) == []
    renamed = dict(data.official, **{"80": ("Tây Ninh Mới", "tỉnh")})
    problems = seed_script.library_problems(dataclasses.replace(data, official=renamed))
    assert any(p.startswith("code 80: name 'Tây Ninh Mới' in vietnam_provinces") for p in problems)
    target, absorbed = next(iter(data.merger.items()))
    merger = dict(data.merger, **{target: absorbed[1:]})  # one legacy unit left unmapped
    problems = seed_script.library_problems(dataclasses.replace(data, merger=merger))
    assert "converter_2025 does not map exactly the 63 legacy provinces" in problems


def test_a_library_keyword_the_seeds_miss_is_reported(seed_script: ModuleType, tmp_path: Path) -> None:
    aliases = tmp_path / "province_aliases.csv"
    lines = ALIASES_SEED.read_text(encoding="utf-8").splitlines(keepends=True)
    aliases.write_text("".join(line for line in lines if ",HN," not in line), encoding="utf-8")
    problems = seed_script.keyword_problems(
        gazetteer_from_seeds(aliases_path=aliases), seed_script.read_libraries()
    )
    assert set(problems) == {"keyword 'hn' of Hà Nội finds None; add it to province_aliases.csv"}


def _skeleton(name: str) -> str:
    """What matching sees of a spelling: folded, one space between words, separators kept."""
    return " ".join(fold_diacritics(normalize_unicode(name)).split())


def test_aliases_seed_rows_are_found_as_their_kind_says(gaz: Gazetteer) -> None:
    aliases = read_aliases(ALIASES_SEED)
    assert aliases
    units = {(p.code, p.era): p for p in [*gaz.legacy(), *gaz.current()]}
    former = {normalize_unicode(f.name) for f in read_former_names(FORMER_NAMES_SEED)}
    for alias in aliases:
        unit = units[(alias.code, alias.era)]
        found = gaz.lookup(alias.alias, datetime.date(2024, 1, 1) if alias.era == "legacy" else AFTER)
        assert found == unit, alias
        # listed only when folding cannot derive it from the name or another alias, nor a former name
        assert _skeleton(alias.alias) != _skeleton(unit.name), alias
        assert gaz.lookup(_new_style(alias.alias)) == gaz.lookup(alias.alias)
        assert alias.alias not in former
        assert [_skeleton(a.alias) for a in aliases].count(_skeleton(alias.alias)) == 1, alias
        in_text = [m.name for m in gaz.find_mentions(f"Sở Khoa học và Công nghệ {alias.alias}.")]
        assert in_text == ([unit.name] if alias.kind != "lookup_key" else []), alias


def test_a_successor_name_that_disagrees_is_refused(tmp_path: Path) -> None:
    bad_successor = tmp_path / "provinces.csv"
    bad_successor.write_text(
        LEGACY_SEED.read_text(encoding="utf-8").replace(",80,Tây Ninh,tỉnh,", ",80,Tây Ninh Mới,tỉnh,"),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="successor name 'Tây Ninh Mới'"):
        gazetteer_from_seeds(legacy_path=bad_successor)


BAD_SEED_ROWS = [
    (ALIASES_SEED, "aliases_path", "99,legacy,Tỉnh Cũ,spelling,x", "no legacy unit with code 99"),
    (ALIASES_SEED, "aliases_path", "01,legacy,Hà Lội,nickname,x", "unknown kind 'nickname'"),
    (ALIASES_SEED, "aliases_path", "35,legacy,Hà Nội,spelling,x", "both fold to"),
    (CONTEXTS_SEED, "contexts_path", "99,legacy,proper_noun_only,,x", "no legacy unit with code 99"),
    (CONTEXTS_SEED, "contexts_path", "17,legacy,lower_case_only,,x", "unknown rule 'lower_case_only'"),
]


@pytest.mark.parametrize(
    ("seed", "argument", "row", "message"), BAD_SEED_ROWS, ids=[r[3] for r in BAD_SEED_ROWS]
)
def test_a_bad_alias_or_name_context_row_is_refused(
    seed: Path, argument: str, row: str, message: str, tmp_path: Path
) -> None:
    """The seed's own header and one bad row: the gazetteer refuses it and says why."""
    header = seed.read_text(encoding="utf-8").splitlines()[0]
    bad = tmp_path / seed.name
    bad.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        gazetteer_from_seeds(**{argument: bad})


def _context_rows() -> list[dict[str, str]]:
    return _read_csv(CONTEXTS_SEED)


def _context_rules() -> set[tuple[str, str]]:
    """(province code, rule) of every row of the name-context seed."""
    return {(row["province_code"], row["rule"]) for row in _context_rows()}


@pytest.mark.parametrize(
    "row", _context_rows(), ids=lambda r: f"{r['province_code']}-{r['rule']}-{r['word']}"
)
def test_every_name_context_row_is_needed(gaz: Gazetteer, row: dict[str, str], tmp_path: Path) -> None:
    """The row's example is not taken for a province; without the row it would be."""
    unit = {(p.code, p.era): p for p in [*gaz.legacy(), *gaz.current()]}[(row["province_code"], row["era"])]
    assert gaz.find_mentions(row["example"]) == []
    without = tmp_path / "province_name_contexts.csv"
    rows = CONTEXTS_SEED.read_text(encoding="utf-8").splitlines(keepends=True)
    line = ",".join([row["province_code"], row["era"], row["rule"], row["word"], ""])
    kept = [r for r in rows if not r.startswith(line)]
    assert len(kept) == len(rows) - 1
    without.write_text("".join(kept), encoding="utf-8")
    assert unit.name in [
        m.name for m in gazetteer_from_seeds(contexts_path=without).find_mentions(row["example"])
    ]
