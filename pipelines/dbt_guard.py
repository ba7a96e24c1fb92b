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
PARENT_ENV = "KHCN_DBT_PARENT_PID"  # the pid of the process that starts dbt, set where it is configured


def ask_to_die_with_parent() -> bool:
    """True when the kernel will kill this process when its parent ends (Linux only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0


def main() -> None:
    """Entry point of the wrapper script: arguments are dbt's.

    The parent may die while this interpreter is still starting, before the request is made; then
    we already belong to another process and the kernel will never signal us. The expected parent's
    pid comes from the environment (set by the process that configures dbt), so that case is seen.
    """
    expected = os.environ.get(PARENT_ENV, "")
    parent = int(expected) if expected.isdigit() else os.getppid()
    ask_to_die_with_parent()
    if os.getppid() != parent:  # the parent died before the request took effect
        sys.exit(1)
    dbt = str(Path(sys.executable).with_name("dbt"))
    os.execv(dbt, [dbt, *sys.argv[1:]])


def guarded_dbt_executable() -> str:
    """Path of an executable that runs this interpreter's dbt through `main` (written once, beside the
    interpreter, or in the temporary folder when that is not writable). This process is the one
    that will start dbt, so its pid is what the wrapper checks its parent against."""
    os.environ[PARENT_ENV] = str(os.getpid())
    root = Path(__file__).resolve().parents[1]  # this checkout, whatever the interpreter's site-packages say
    script = (
        f"#!{sys.executable}\nimport sys\n\nsys.path.insert(0, {str(root)!r})\n"
        "from pipelines.dbt_guard import main\n\nmain()\n"
    )
    for folder in (Path(sys.executable).parent, Path(os.environ.get("TMPDIR", "/tmp"))):
        path = folder / f"khcn-dbt-guarded-{hashlib.sha256(script.encode()).hexdigest()[:8]}"
        try:
            if not path.is_file() or path.read_text(encoding="utf-8") != script:
                tmp = path.with_name(f".{path.name}.{os.getpid()}")
                tmp.write_text(script, encoding="utf-8")
                tmp.chmod(tmp.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
                os.replace(tmp, path)
            return str(path)
        except OSError:
            continue
    return str(Path(sys.executable).with_name("dbt"))
