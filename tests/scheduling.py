"""The order the tests run in, and how pytest-xdist hands them to its workers (`make test` runs one
worker per core): longest first, so the workers finish together.

While the session build (tests/session_build.py) runs in the background, the workers take the tests
that don't need it: first those with subprocesses or pipeline runs of their own, then the unit
tests. Then the tests that need it, longest first, each long one followed by a short one: a worker
is handed the test it runs and the next one, so the test after a long one waits for it, and must
not be another long one that the other worker could have started.
"""

from __future__ import annotations

from itertools import zip_longest

import pytest

# Fixtures that give a test a pipeline run of its own on top of the session build.
RUNS_AGAIN = {"built_copy", "built"}

# Files whose tests share one costly module fixture (the review loop runs the pipeline twice):
# under pytest-xdist all their tests go to one worker. (xdist's own `xdist_group` mark no longer
# groups on pytest 9.2: pytest-dev/pytest-xdist#1386.)
ONE_WORKER_FILES = frozenset({"tests/test_reviews.py"})

NO_BUILD_SLOW, UNIT, RUNS_SEVERAL, RUNS_ONCE, READS_BUILD = range(5)


def uses_session_build(item: pytest.Item) -> bool:
    """The test waits for the session build (directly or through a fixture that copies it)."""
    return "session_build" in getattr(item, "fixturenames", ())


def kind(item: pytest.Item) -> tuple[int, int]:
    """Where a test goes: needs the session build or not, and how long it runs (by its fixtures and
    markers: `runs_pipeline(n)` most runs first, a run of its own or a browser, or reading only)."""
    names = set(getattr(item, "fixturenames", ()))
    if not uses_session_build(item):
        return (NO_BUILD_SLOW if item.get_closest_marker("slow") else UNIT), 0
    runs = item.get_closest_marker("runs_pipeline")
    if runs:
        return RUNS_SEVERAL, -runs.args[0]
    return (RUNS_ONCE if names & RUNS_AGAIN or item.get_closest_marker("browser") else READS_BUILD), 0


def unit_of(nodeid: str) -> str:
    """A unit of work for a worker: one test, or a whole file of ONE_WORKER_FILES."""
    file = nodeid.split("::", 1)[0]
    return file if file in ONE_WORKER_FILES else nodeid


def in_units(items: list[pytest.Item]) -> list[list[pytest.Item]]:
    """Items grouped by `unit_of`, in the order each unit first appears."""
    units: dict[str, list[pytest.Item]] = {}
    for item in items:
        units.setdefault(unit_of(item.nodeid), []).append(item)
    return list(units.values())


def longest_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """`kind` order (a stable sort: within a kind, the files' order), each long unit that needs
    the session build followed by one short test that needs it."""
    kinds = {item.nodeid: kind(item) for item in items}
    ordered = sorted(items, key=lambda item: kinds[item.nodeid])
    first = [i for i in ordered if kinds[i.nodeid][0] < RUNS_SEVERAL]
    long = in_units([i for i in ordered if kinds[i.nodeid][0] in (RUNS_SEVERAL, RUNS_ONCE)])
    short = [[i] for i in ordered if kinds[i.nodeid][0] == READS_BUILD]
    paired = [item for pair in zip_longest(long, short, fillvalue=[]) for unit in pair for item in unit]
    return first + paired


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the session build (directly or through `built_copy`) waits for a whole
    pipeline run: it is slow, whatever its module says, so `make test-fast` never starts the build."""
    items[:] = longest_first(items)
    for item in filter(uses_session_build, items):
        item.add_marker(pytest.mark.slow)


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Units of work (`unit_of`) in the items' order, handed out one at a time as workers free up:
    a worker holds the test it runs and the next one, no more (xdist's default holds up to three)."""
    from xdist.scheduler import LoadScopeScheduling

    class LongestFirst(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

        def _reschedule(self, node) -> None:
            if node.shutting_down:
                return
            if not self.workqueue:
                node.shutdown()
            elif self._pending_of(self.assigned_work[node]) <= 1:
                self._assign_work_unit(node)

    config.option.loadscopereorder = False  # keep the items' order, not the largest unit first
    return LongestFirst(config, log)
