"""Fault injection for ingest (issue 13, items 2, 6, 8, 9, 10, 12, 16, 18): each test builds the bad
input or fault with real files (and real worker processes, real memory limits, a real subprocess for
the CLI) and checks that it is refused or survived with a reason, losing nothing else.

No test asserts a speed: time budgets are exercised by a budget the plan cannot meet in any
implementation, and linearity by a paragraph that the quadratic code could not read within a
budget fifty times what the linear code needs.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import unicodedata
import zipfile
import zlib
from pathlib import Path

import docx
import polars as pl
import pytest

from pipelines.citations import citations_for_document
from pipelines.formats.dispatch import read_document_bytes
from pipelines.formats.errors import MAX_PLAN_BYTES, UnreadableDocument
from pipelines.gazetteer.units import Gazetteer
from pipelines.settings import LIBRARY_DIR, SEEDS_DIR, extraction_sources
from pipelines.store import extraction
from pipelines.store.extraction import (
    ExtractionStore,
    HashIndex,
    KeyedPlan,
    code_fingerprint,
    extract_many,
    extract_plan,
    key_plans,
)
from pipelines.store.plan_files import (
    PlanFile,
    build_document,
    discover_plan_files,
    read_document,
    read_plan_bytes,
)
from pipelines.store.workers import Budget, run_budgeted
from pipelines.targets.catalog import load_catalog
from pipelines.text.normalize import normalize_unicode
from pipelines.themes import load_lexicon, theme_mentions
from tests.conftest import PLANS

KHCN = Path(sys.executable).with_name("khcn")
SEEDS = sorted(PLANS.glob("*.txt"))
# A header, then a page saved from a site whose markup html.parser cannot parse ("<![" without a name).
BROKEN_HTML = (
    "<html><body><p>ỦY BAN NHÂN DÂN TỈNH NGHỆ AN</p><p>KẾ HOẠCH phát triển khoa học và công nghệ</p>"
    "<p>Phấn đấu đạt 30 doanh nghiệp khoa học và công nghệ <![ x</p></body></html>"
)


def keyed(paths: list[Path], store: Path) -> list[KeyedPlan]:
    """Key real files the way a run does (discovered in their folder, hashed)."""
    plans = []
    for path in paths:
        info = path.lstat()
        plans.append(PlanFile(path, path.name, info.st_size, info.st_mtime))
    result, refused = key_plans(plans, store)
    assert not refused
    return result


def one_line_plan(size: int) -> bytes:
    """The seed plans' text joined with spaces into a single line of `size` characters."""
    text = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in SEEDS)
    while len(text) < size:
        text = f"{text} {text}"
    return text[:size].encode("utf-8")


def read_without_targets(plan: KeyedPlan) -> dict:
    """Worker entry for the linearity test: everything of ours (read, normalise, metadata, citations,
    themes), leaving out the target stages another engineer is making linear."""
    try:
        document = read_document(plan.plan, Gazetteer.load())
    except UnreadableDocument as exc:
        return {"rejected": exc.code}
    return {
        "text": document["text_normalized"],
        "citations": len(citations_for_document(document)),
        "themes": len(theme_mentions(document["document_id"], document["text_normalized"], load_lexicon())),
    }


def warm_up() -> None:
    Gazetteer.load()
    load_lexicon()


def stopped(item: object, code: str, message: str) -> dict:
    return {"rejected": code, "message": message}


def hash_in_worker(path: str) -> str:
    """Worker entry for the hashing test: hash one file as `key_plans` does, under the memory cap."""
    info = Path(path).lstat()
    index = HashIndex(Path(path).parent / "_hashes.json")
    return index.sha256(PlanFile(Path(path), Path(path).name, info.st_size, info.st_mtime))


def crash_on_odd(number: int) -> int:
    """Worker entry that dies (as a segfault in a C reader would) on odd numbers."""
    if number % 2:
        os._exit(3)
    return number * 10


def sleep_forever(pid_file: str) -> None:
    """Worker entry standing in for a plan that never finishes: records its pid, then hangs."""
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(3600)


def codes(record: dict) -> list[str]:
    return [r["reason_code"] for r in record["rejections"]]


# --------------------------------------------------------------------------- item 2: the store


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ExtractionStore, dict, str]:
    """One seed plan extracted and stored for real."""
    monkeypatch.delenv("KHCN_FORCE", raising=False)
    fingerprint = code_fingerprint()
    plan = keyed([SEEDS[2]], tmp_path / "store")[0]
    record = extract_plan(plan, Gazetteer.load(), load_catalog(), load_lexicon(), fingerprint)
    store = ExtractionStore(tmp_path / "store")
    store.write(record)
    assert store.is_current(plan.key, fingerprint) and store.read(plan.key) == record
    return store, record, fingerprint


def test_a_store_entry_that_lost_its_tail_is_not_current_and_is_re_extracted(stored) -> None:
    store, record, fingerprint = stored
    path = store.path(record["key"])
    path.write_bytes(path.read_bytes()[:-200])  # a disk-full or copied-back file: the head is intact
    assert not store.is_current(record["key"], fingerprint)
    assert store.read(record["key"]) is None and not path.exists()  # removed: the next run re-extracts
    store.write(record)
    assert store.is_current(record["key"], fingerprint)


def test_non_utf8_bytes_or_a_wrong_shape_in_the_store_never_crash(stored) -> None:
    store, record, fingerprint = stored
    path = store.path(record["key"])
    data = bytearray(path.read_bytes())
    data[len(data) // 2] = 0xFF  # same length, one byte that is not UTF-8
    path.write_bytes(bytes(data))
    assert not store.is_current(record["key"], fingerprint)
    assert store.read(record["key"]) is None
    path.write_bytes(
        b"\xff\xfe" + os.urandom(600)
    )  # garbage from the first byte (old code: UnicodeDecodeError)
    assert not store.is_current(record["key"], fingerprint)
    assert store.read(record["key"]) is None
    store.write({**record, "targets": "not a list"})  # complete and checksummed, but not a result
    assert store.read(record["key"]) is None


def test_a_forced_run_treats_no_stored_result_as_current(stored, monkeypatch: pytest.MonkeyPatch) -> None:
    store, record, fingerprint = stored
    monkeypatch.setenv("KHCN_FORCE", "1")
    assert not ExtractionStore(store.root).is_current(record["key"], fingerprint)
    monkeypatch.delenv("KHCN_FORCE")
    assert ExtractionStore(store.root).is_current(record["key"], fingerprint)


# --------------------------------------------------------------------------- item 6: what the folder holds


def test_hidden_files_and_odd_entries_are_listed_never_dropped(tmp_path: Path) -> None:
    root = tmp_path / "plans"
    (root / ".hidden").mkdir(parents=True)
    shutil.copy(SEEDS[0], root / "..hidden_plan.txt")
    shutil.copy(SEEDS[1], root / ".hidden" / "plan.txt")
    (root / "x.txt").mkdir()
    shutil.copy(SEEDS[3], root / "x.txt" / "inside.txt")
    os.mkfifo(root / "pipe.txt")  # reading it would block the run forever
    for system in (".DS_Store", "Thumbs.db", "desktop.ini", "~$plan.docx"):
        (root / system).write_bytes(b"\0system\0")

    files, refused = discover_plan_files(root)

    assert [f.relative_path for f in files] == ["..hidden_plan.txt", ".hidden/plan.txt", "x.txt/inside.txt"]
    assert {r["file_name"]: r["reason_code"] for r in refused} == {
        "pipe.txt": "not_a_file",
        "x.txt": "not_a_file",
    }
    assert all(r["reason"] for r in refused)
    with pytest.raises(UnreadableDocument) as error:  # and if a FIFO is swapped in after listing
        read_plan_bytes(root / "pipe.txt")
    assert error.value.code == "not_a_file"


# --------------------------------------------------------------------------- item 8: time and memory


@pytest.mark.slow  # real worker processes, subprocesses or hundreds of MB
def test_a_long_paragraph_and_a_one_line_plan_are_read_in_linear_time(tmp_path: Path) -> None:
    """300 k characters hard-wrapped into one paragraph without a full stop took the quadratic line-wrap
    repair about 40 s; the budget is 30 s, over a hundred times what the linear repair needs."""
    words = re.findall(r"[^\W\d_]+", " ".join(p.read_text(encoding="utf-8") for p in SEEDS).lower())
    paragraph = " ".join(words)
    while len(paragraph) < 300_000:
        paragraph = f"{paragraph} {paragraph}"
    paragraph = paragraph[:300_000].rsplit(" ", 1)[0]
    (tmp_path / "wrapped.txt").write_text("\n".join(textwrap.wrap(paragraph, 80)), encoding="utf-8")
    (tmp_path / "one line.txt").write_bytes(one_line_plan(400_000))
    plans = keyed([tmp_path / "wrapped.txt", tmp_path / "one line.txt", SEEDS[0]], tmp_path)

    wrapped, one_line, normal = run_budgeted(plans, read_without_targets, warm_up, stopped, 1, Budget(30, 0))

    assert wrapped["text"] == normalize_unicode(paragraph)  # one paragraph again
    assert one_line["citations"] > 0 and one_line["themes"] > 0  # the quadratic own-number test lost all
    assert normal["citations"] > 0


def test_every_citation_of_a_plan_survives_when_it_is_laid_out_on_one_line(gazetteer) -> None:
    for path in SEEDS:
        normal = build_document(path.name, path.read_bytes(), gazetteer)
        flat = build_document(
            path.name, " ".join(path.read_text(encoding="utf-8").split()).encode(), gazetteer
        )
        expected = {c["canonical"] for c in citations_for_document(normal)}
        assert expected <= {c["canonical"] for c in citations_for_document(flat)}, path.name


@pytest.mark.slow  # real worker processes, subprocesses or hundreds of MB
def test_a_plan_over_its_time_budget_is_stopped_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "whole plan on one line.txt").write_bytes(one_line_plan(6_700_000))  # under the 20 MB limit
    plans = keyed([SEEDS[0], tmp_path / "whole plan on one line.txt", SEEDS[1]], tmp_path)
    fingerprint = code_fingerprint()
    monkeypatch.setenv("KHCN_PLAN_TIMEOUT_S", "3")

    first, slow, last = extract_many(plans, fingerprint, workers=1)

    assert codes(slow) == ["too_slow"] and "KHCN_PLAN_TIMEOUT_S" in slow["rejections"][0]["reason"]
    assert slow["document"] is None
    assert multiprocessing.active_children() == []  # the stopped worker is gone, no orphan
    assert first["document"] and last["document"] and not first["rejections"] and not last["rejections"]
    in_process = list(extract_many([plans[0], plans[2]], fingerprint, budget=Budget(0, 0)))
    assert [first, last] == in_process  # same results as without a budget, and at 2 workers:
    assert list(extract_many([plans[0], plans[2]], fingerprint, workers=2)) == in_process
    store = ExtractionStore(tmp_path / "store", force=False)
    store.write(slow)
    assert store.is_current(slow["key"], fingerprint)  # not retried under the same budget …
    monkeypatch.setenv("KHCN_PLAN_TIMEOUT_S", "600")
    assert not store.is_current(slow["key"], fingerprint)  # … but retried when the budget is raised


@pytest.mark.slow  # real worker processes, subprocesses or hundreds of MB
def test_a_worker_that_dies_costs_only_its_own_plan() -> None:
    results = list(run_budgeted([0, 1, 2, 3, 4], crash_on_odd, warm_up, stopped, 2, Budget(60, 0)))
    assert results[0::2] == [0, 20, 40]
    assert [r["rejected"] for r in results[1::2]] == ["worker_died", "worker_died"]
    assert "exit code 3" in results[1]["message"]
    assert multiprocessing.active_children() == []


@pytest.mark.slow  # real worker processes, subprocesses or hundreds of MB
def test_a_killed_run_leaves_no_worker_behind(tmp_path: Path) -> None:
    pid_file = tmp_path / "worker.pid"
    script = (
        "from tests.test_faults_ingest import sleep_forever, warm_up, stopped\n"
        "from pipelines.store.workers import Budget, run_budgeted\n"
        "if __name__ == '__main__':\n"
        f"    list(run_budgeted([{str(pid_file)!r}], sleep_forever, warm_up, stopped, 1, Budget(3600, 0)))\n"
    )
    (tmp_path / "run.py").write_text(script)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    run = subprocess.Popen([sys.executable, str(tmp_path / "run.py")], env=env, start_new_session=False)
    try:
        for _ in range(600):  # wait (up to 60 s) until the worker is working on its plan
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.1)
        worker = int(pid_file.read_text())
        run.send_signal(signal.SIGKILL)  # the run, not the worker
        run.wait(timeout=30)
        for _ in range(300):
            if not _alive(worker):
                break
            time.sleep(0.1)
        assert not _alive(worker)
    finally:
        if run.poll() is None:
            run.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):  # a zombie waiting for init to reap it is dead too
        if Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] == "Z":
            return False
    return True


@pytest.mark.slow  # real worker processes, subprocesses or hundreds of MB
def test_a_plan_over_its_memory_budget_is_quarantined_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(one_line_plan(15_000_000))
    plans = keyed([big, SEEDS[2]], tmp_path)
    monkeypatch.setenv("KHCN_PLAN_MEMORY_MB", "96")

    heavy, normal = extract_many(plans, code_fingerprint(), workers=1)

    assert codes(heavy) == ["too_large_in_memory"]
    assert normal["document"] and not normal["rejections"]


# --------------------------------------------------------------------------- item 9: zip bombs


def tiny_png() -> bytes:
    """A valid 1×1 PNG (python-docx reads its header for the picture size)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            len(payload).to_bytes(4, "big") + kind + payload + zlib.crc32(kind + payload).to_bytes(4, "big")
        )

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 6, 0, 0, 0])
    pixels = zlib.compress(b"\0\xff\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def docx_with_picture() -> bytes:
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH phát triển khoa học và công nghệ năm 2025")
    document.add_picture(io.BytesIO(tiny_png()))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def repack(data: bytes, name: str, size: int, fill: bytes) -> bytes:
    """The package with member `name` replaced by `size` bytes of `fill`, written in 1 MB chunks."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
                continue
            with target.open(name, "w", force_zip64=True) as member:
                chunk = (fill * (1024 * 1024 // len(fill) + 1))[: 1024 * 1024]
                for _ in range(size // len(chunk)):
                    member.write(chunk)
    return out.getvalue()


@pytest.mark.slow  # real worker processes, subprocesses or hundreds of MB
def test_a_docx_whose_text_part_unpacks_to_hundreds_of_mb_is_refused_before_unpacking(tmp_path: Path) -> None:
    body = b"<w:p><w:r><w:t>Ke hoach khoa hoc va cong nghe</w:t></w:r></w:p>"
    bomb = repack(docx_with_picture(), "word/document.xml", 400 * 1024 * 1024, body)
    assert len(bomb) < 5 * 1024 * 1024  # a small file …
    with pytest.raises(UnreadableDocument) as error:
        read_document_bytes("bomb.docx", bomb)
    assert error.value.code == "zip_bomb" and "400.0 MB" in str(error.value)
    # … refused within a memory budget far below what unpacking it would take
    (tmp_path / "bomb.docx").write_bytes(bomb)
    plans = keyed([tmp_path / "bomb.docx"], tmp_path)
    (record,) = extract_many(plans, code_fingerprint(), budget=Budget(60, 200))
    assert codes(record) == ["zip_bomb"]


@pytest.mark.slow  # real worker processes, subprocesses or hundreds of MB
def test_a_huge_image_in_a_docx_is_never_unpacked(tmp_path: Path) -> None:
    data = docx_with_picture()
    image = next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("word/media/"))
    (tmp_path / "photo.docx").write_bytes(repack(data, image, 400 * 1024 * 1024, b"\0"))
    plans = keyed([tmp_path / "photo.docx"], tmp_path)
    (record,) = extract_many(plans, code_fingerprint(), budget=Budget(60, 200))  # 200 MB < the 400 MB image
    assert record["document"] is not None, record["rejections"]
    assert "khoa học và công nghệ" in record["document"]["text_normalized"]


def test_a_list_numbered_from_a_huge_start_value_is_not_a_memory_bomb(tmp_path: Path) -> None:
    """A list label in letters repeats the letter past "z"; a start of 10**12 asked for 38 billion letters."""
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH phát triển khoa học và công nghệ năm 2025")
    document.add_paragraph("Phấn đấu đạt 30 doanh nghiệp khoa học và công nghệ", style="List Number")
    out = io.BytesIO()
    document.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    crafted = io.BytesIO()
    with zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/numbering.xml":
                data = re.sub(
                    rb'<w:start w:val="\d+"/><w:numFmt w:val="\w+"/>',
                    (b'<w:start w:val="999999999999"/><w:numFmt w:val="lowerLetter"/>'),
                    data,
                )
            target.writestr(info, data)
    (tmp_path / "list.docx").write_bytes(crafted.getvalue())
    plans = keyed([tmp_path / "list.docx"], tmp_path)
    (record,) = extract_many(plans, code_fingerprint(), budget=Budget(60, 200))
    assert record["document"] is not None, record["rejections"]
    assert "999999999999. Phấn đấu đạt 30 doanh nghiệp" in record["document"]["text_normalized"]


# --------------------------------------------------------------------------- item 10: size before reading


@pytest.mark.slow  # real worker processes, subprocesses or hundreds of MB
def test_a_file_over_the_limit_is_refused_without_being_read_and_hashed_in_chunks(tmp_path: Path) -> None:
    sparse = tmp_path / "export gone wrong.txt"
    with sparse.open("wb") as handle:
        handle.truncate(1024 * 1024 * 1024)  # 1 GB of holes: reading it whole would cost 1 GB of memory
    budget = Budget(300, 128)
    (digest,) = run_budgeted([str(sparse)], hash_in_worker, warm_up, stopped, 1, budget)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)  # hashed in chunks within 128 MB
    files, _ = discover_plan_files(tmp_path)
    plans, refused = key_plans(files, tmp_path / "store")
    assert plans == [] and [r["reason_code"] for r in refused] == [
        "too_large"
    ]  # refused by size: not even hashed
    assert "without reading" in refused[0]["reason"]
    with pytest.raises(UnreadableDocument) as error:  # and if it grew past the limit after being listed
        read_plan_bytes(sparse)
    assert error.value.code == "too_large" and sparse.stat().st_size > MAX_PLAN_BYTES


# --------------------------------------------------------------------------- item 16: the fingerprint


def test_the_fingerprint_covers_sub_packages_seeds_and_reader_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = tmp_path / "pipelines"
    shutil.copytree(LIBRARY_DIR, library, ignore=shutil.ignore_patterns("__pycache__"))
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    catalog, lexicon = seeds / "indicators.csv", seeds / "themes.csv"

    def fingerprint(catalog, lexicon):
        return extraction.code_fingerprint(catalog, lexicon, library, seeds)

    before = fingerprint(catalog, lexicon)

    sub_package = next(p for p in extraction_sources(library) if p.parent.parent != library)
    sub_package.write_text(sub_package.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    after_code = fingerprint(catalog, lexicon)
    vocabulary = next(p for p in seeds.glob("*.csv") if p not in (catalog, lexicon))
    vocabulary.write_bytes(vocabulary.read_bytes() + b"\n")
    after_seed = fingerprint(catalog, lexicon)
    site = tmp_path / "site"  # another pypdf installed first on the path
    (site / "pypdf-99.0.dist-info").mkdir(parents=True)
    (site / "pypdf-99.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: pypdf\nVersion: 99.0\n"
    )
    monkeypatch.syspath_prepend(str(site))
    after_version = fingerprint(catalog, lexicon)

    assert len({before, after_code, after_seed, after_version}) == 4


# --------------------------------------------------------------------------- item 18 and 12: reading and the CLI


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(line: str) -> bytes:
    """A line as Windows-1258 stores Vietnamese: precomposed base letters (â, ơ, đ …), combining tones."""
    out = []
    for char in unicodedata.normalize("NFC", line):
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out.append(base + "".join(c for c in parts if c in TONE_MARKS))
    return "".join(out).encode("cp1258")


def mixed_plan() -> tuple[str, bytes]:
    """A seed plan whose second half was pasted from a Windows-1258 file."""
    text = SEEDS[2].read_text(encoding="utf-8")
    lines = text.split("\n")
    half = len(lines) // 2
    data = [line.encode("utf-8") for line in lines[:half]] + [windows_1258(line) for line in lines[half:]]
    return text, b"\n".join(data)


def test_a_mixed_utf8_and_windows_1258_file_is_read_line_by_line_or_refused_as_mixed(gazetteer) -> None:
    text, data = mixed_plan()
    document = build_document("mixed.txt", data, gazetteer)
    assert document["encoding"] == "utf-8+cp1258" and "read_with_conversion" in document["flags"]
    assert (
        document["text_normalized"]
        == build_document("clean.txt", text.encode(), gazetteer)["text_normalized"]
    )
    garbled = data + b"\n" + bytes(range(0xC0, 0xFF)) * 3  # one pasted line that is Vietnamese in no encoding
    with pytest.raises(UnreadableDocument) as error:
        read_document_bytes("mixed.txt", garbled)
    garbled_line = data.count(b"\n") + 2  # 1-based, the line after the last one
    assert error.value.code == "mixed_encoding" and "VNI" in str(error.value)
    assert f"line {garbled_line}" in str(error.value)


def test_inputs_that_crashed_a_reader_library_are_refused_or_read(tmp_path: Path) -> None:
    """Found by fuzzing the readers: each raised inside the standard library, and one plan's exception
    stopped the run. Now each is a refusal with a reason, or is read."""
    (tmp_path / "broken.html").write_text(BROKEN_HTML, encoding="utf-8")  # html.parser: AssertionError
    page = "<html><head><meta charset='base64'></head><body><p>" + SEEDS[2].read_text(encoding="utf-8")
    (tmp_path / "odd charset.html").write_bytes(
        windows_1258(page)
    )  # "base64" is not a text codec: LookupError
    data = docx_with_picture()
    source, odd = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(odd, "w") as target:
        for info in source.infolist():
            info.extract_version = 70  # a ZIP feature zipfile does not implement: NotImplementedError
            target.writestr(info, source.read(info))
    (tmp_path / "odd zip.docx").write_bytes(odd.getvalue())
    plans = keyed(
        [tmp_path / "broken.html", tmp_path / "odd charset.html", tmp_path / "odd zip.docx", SEEDS[0]],
        tmp_path,
    )

    broken, charset, zipped, seed = (
        extract_plan(p, Gazetteer.load(), load_catalog(), load_lexicon(), code_fingerprint()) for p in plans
    )

    assert codes(broken) == ["corrupt_html"] and "save it again" in broken["rejections"][0]["reason"]
    assert charset["document"] is not None and charset["document"]["encoding"] == "html:cp1258"
    assert codes(zipped) == ["corrupt_docx"]
    assert seed["document"] is not None and not seed["rejections"]


def test_a_file_name_in_a_legacy_encoding_is_refused_not_a_crash(tmp_path: Path) -> None:
    """A name typed in Windows-1258 (copied from an old share) is not UTF-8: writing it into the hash
    cache raised UnicodeEncodeError and stopped every run and the sensor."""
    root = tmp_path / "plans"
    root.mkdir()
    shutil.copy(SEEDS[2], os.fsencode(root) + b"/k\xe9 ho\xe1ch.txt")
    shutil.copy(SEEDS[0], root / "Kế hoạch.txt")
    files, refused = discover_plan_files(root)
    plans, unreadable = key_plans(files, tmp_path / "store")
    assert [p.plan.relative_path for p in plans] == ["Kế hoạch.txt"] and not unreadable
    assert [(r["file_name"], r["reason_code"]) for r in refused] == [
        ("k\ufffd ho\ufffdch.txt", "bad_file_name")
    ]
    json.dumps(refused, ensure_ascii=False).encode("utf-8")  # storable


def run_khcn(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(KHCN), *args], capture_output=True, text=True, encoding="utf-8", timeout=300, cwd=cwd
    )


@pytest.mark.slow  # real worker processes, subprocesses or hundreds of MB
def test_the_cli_refuses_links_reads_themes_and_goes_on_after_a_bad_file(tmp_path: Path) -> None:
    (tmp_path / "broken.html").write_text(BROKEN_HTML, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(SEEDS[1])
    result = run_khcn("extract", str(tmp_path / "broken.html"), str(tmp_path / "link.txt"), str(SEEDS[0]))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    broken, link, seed = (json.loads(line) for line in result.stdout.splitlines())
    assert broken["reason_code"] == "corrupt_html" and "error" in broken
    assert link["reason_code"] == "symlink" and "document" not in link
    assert seed["document"]["province_code"] and seed["themes"] and seed["targets"] is not None


@pytest.mark.slow  # real worker processes, subprocesses or hundreds of MB
def test_the_cli_stops_quietly_when_its_reader_closes_the_pipe() -> None:
    files = " ".join(f"'{p}'" for p in SEEDS * 4)
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; '{KHCN}' extract {files} | head -c 100"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert len(result.stdout.encode()) == 100
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr


# --------------------------------------------------------------------------- a real run


@pytest.mark.slow
def test_a_real_run_re_extracts_a_damaged_store_entry(built_copy) -> None:
    """On a copy of the session build (whose folder holds a hidden plan and a folder named like a
    plan: tests/test_bad_inputs.py checks both), one store entry loses its tail; the next run reads
    that plan again and loses nothing. That run takes the incremental path (the published warehouse
    was built by this dbt project: the seeds are left out, the build is a copy of it) and its marts
    are those of the session build's full run."""
    import dagster as dg

    from pipelines.defs.warehouse.dbt import seed_keys
    from tests.session_build import ADDED_PLANS, SEED_NAMES, marts_by_content
    from tests.test_pipeline import materialize_all

    full_run = marts_by_content(built_copy.data / "warehouse.duckdb")

    store = built_copy.data / "extracted"
    damaged = next(p for p in sorted(store.glob("*.json")) if not p.name.startswith(("_", ".")))
    damaged.write_bytes(damaged.read_bytes()[:-300])

    result = materialize_all(built_copy.data, dg.DagsterInstance.ephemeral())
    assert result.success
    # one event per partition, each carrying the run's count: that plan was read again, only that one
    events = [e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey("documents")]
    assert events and {e.materialization.metadata["extracted"].value for e in events} == {1}

    documents = pl.read_parquet(built_copy.marts / "dim_document.parquet")
    assert set(documents["file_name"]) == SEED_NAMES | ADDED_PLANS
    rejected = pl.read_parquet(built_copy.marts / "mart_rejected_documents.parquet")
    reasons = dict(zip(rejected["file_name"], rejected["reason_code"], strict=True))
    assert reasons.get("folder.txt") == "not_a_file"
    assert not [name for name, code in reasons.items() if code == "not_extracted"]
    built = {e.asset_key for e in result.get_asset_materialization_events()}
    assert not built & seed_keys(), "the seeds of the warehouse copied in are current"
    assert dg.AssetKey(["marts", "dim_document"]) in built
    assert marts_by_content(built_copy.data / "warehouse.duckdb") == full_run
