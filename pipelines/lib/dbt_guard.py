"""Run dbt so that it ends with the process that started it.

A run killed with SIGKILL cannot stop its children, and a `dbt build` left running keeps writing a
build file nobody will publish. On Linux the kernel can send a signal to a process when its parent
dies (prctl PR_SET_PDEATHSIG); the setting survives `exec`, so this wrapper asks for SIGKILL and
then becomes dbt. Elsewhere it just becomes dbt.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import signal
import stat
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1
PARENT_MARK = "-for-"  # the wrapper is started through a link named "<wrapper>-for-<pid of the run>"


def ask_to_die_with_parent() -> bool:
    """True when the kernel will kill this process when its parent ends (Linux only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0


def expected_parent(invoked_as: str) -> int | None:
    """The pid of the process that configured dbt, read from the name of the link it was started
    through (a shebang script sees that path as argv[0]); None when started another way."""
    _, mark, pid = Path(invoked_as).name.rpartition(PARENT_MARK)
    return int(pid) if mark and pid.isdigit() else None


def main() -> None:
    """Entry point of the wrapper script: arguments are dbt's.

    The parent may die while this interpreter is still starting, before the request is made; then
    we already belong to another process and the kernel will never signal us. The expected parent's
    pid is in the name of the link we were started through, so that case is seen without the
    process environment being touched.
    """
    parent = expected_parent(sys.argv[0]) or os.getppid()
    ask_to_die_with_parent()
    if os.getppid() != parent:  # the parent died before the request took effect
        sys.exit(1)
    dbt = str(Path(sys.executable).with_name("dbt"))
    os.execv(dbt, [dbt, *sys.argv[1:]])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _link_for_this_process(wrapper: Path) -> Path:
    """A link "<wrapper>-for-<pid>" to the wrapper; links of processes that ended are removed."""
    for old in wrapper.parent.glob(f"{wrapper.name}{PARENT_MARK}*"):
        pid = expected_parent(str(old))
        if pid is not None and pid != os.getpid() and not _alive(pid):
            old.unlink(missing_ok=True)
    link = wrapper.with_name(f"{wrapper.name}{PARENT_MARK}{os.getpid()}")
    if not (link.is_symlink() and os.readlink(link) == wrapper.name):
        tmp = link.with_name(f".{link.name}.tmp")
        tmp.unlink(missing_ok=True)
        os.symlink(wrapper.name, tmp)
        os.replace(tmp, link)
    return link


def guarded_dbt_executable() -> str:
    """Path of an executable that runs this interpreter's dbt through `main` (written once, beside the
    interpreter, or in the temporary folder when that is not writable), reached through a link that
    names this process: it is the one that will start dbt, so its pid is what the wrapper checks its
    parent against."""
    from pipelines.settings import PROJECT_DIR  # this checkout, whatever site-packages say

    script = (
        f"#!{sys.executable}\nimport sys\n\nsys.path.insert(0, {str(PROJECT_DIR)!r})\n"
        "from pipelines.lib.dbt_guard import main\n\nmain()\n"
    )
    for folder in (Path(sys.executable).parent, Path(os.environ.get("TMPDIR", "/tmp"))):
        path = folder / f"khcn-dbt-guarded-{hashlib.sha256(script.encode()).hexdigest()[:8]}"
        try:
            if not path.is_file() or path.read_text(encoding="utf-8") != script:
                tmp = path.with_name(f".{path.name}.{os.getpid()}")
                tmp.write_text(script, encoding="utf-8")
                tmp.chmod(tmp.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
                os.replace(tmp, path)
            return str(_link_for_this_process(path))
        except OSError:
            continue
    return str(Path(sys.executable).with_name("dbt"))
