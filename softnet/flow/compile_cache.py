"""XLA's persistent compilation cache for the TensorFlow engine, shared by a run's flow jobs.

Compiling the engine for a batch shape takes most of a TensorFlow flow job's start (about
8 s of 16 on a small CPU); a later job with the same shape loads the compiled program instead.
Entries are machine code, so the shared folder has one subfolder per machine kind (CPU
features, GPU models, TensorFlow version): nodes of a mixed cluster never load each other's.

XLA writes an entry straight under its final name, so a job could read another's half-written
file. Each job therefore works in a private folder holding copies of the complete entries and
publishes the entries it compiled by renaming them into the shared folder, which is atomic on
one file system: jobs may run at once. A private folder is named after its job's host and
process, so that a later job on the same host removes the folder of a job that was killed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

log = logging.getLogger(__name__)

#: The XLA flag naming the folder of compiled programs (read when TensorFlow starts).
CACHE_FLAG = "--tf_xla_persistent_cache_directory"


def machine_kind() -> str:
    """A name for what compiled code depends on: architecture, CPU model and features, the GPU
    models the driver lists, TensorFlow's version."""
    parts = [platform.machine(), version("tensorflow")]
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        keep = ("model name", "flags")
        lines = [line for line in cpuinfo.read_text().splitlines() if line.startswith(keep)]
        parts += sorted(set(lines))
    gpus = Path("/proc/driver/nvidia/gpus")
    if gpus.is_dir():
        parts += sorted(p.read_text() for p in gpus.glob("*/information"))
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
    return f"{platform.machine()}-{digest}"


def _private_prefix(pid: int) -> str:
    """.job-<pid>@<host>@ ('@' is in no host name, so the parts read back unambiguously)."""
    return f".job-{pid}@{platform.node()}@"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        pass
    return True


def remove_abandoned(folder: Path) -> int:
    """Remove the private folders of this host's jobs that are no longer running (killed before
    they could clean up; a host's jobs see one process table); other hosts' folders are left
    to their hosts. Returns how many."""
    removed = 0
    for private in folder.glob(".job-*@*@*"):
        pid, host, _ = private.name.removeprefix(".job-").split("@", 2)
        if host == platform.node() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(private, ignore_errors=True)
            removed += 1
    return removed


@contextmanager
def compile_cache(shared: Path) -> Iterator[Path]:
    """Point XLA at a private copy of `shared`'s entries for this machine kind; on leaving,
    move the entries compiled meanwhile into `shared`. Enter before TensorFlow starts."""
    folder = shared / machine_kind()
    folder.mkdir(parents=True, exist_ok=True)
    if abandoned := remove_abandoned(folder):
        log.info("XLA compilation cache: removed %d folders of killed jobs", abandoned)
    private = Path(tempfile.mkdtemp(prefix=_private_prefix(os.getpid()), dir=folder))
    known = {entry.name for entry in folder.glob("*.pb")}
    for name in known:
        shutil.copyfile(folder / name, private / name)
    flags = os.environ.get("TF_XLA_FLAGS", "")
    os.environ["TF_XLA_FLAGS"] = f"{flags} {CACHE_FLAG}={private}".strip()
    log.info("XLA compilation cache %s: %d compiled programs", folder, len(known))
    try:
        yield folder
    finally:
        os.environ["TF_XLA_FLAGS"] = flags
        compiled = [e for e in private.glob("*.pb") if e.name not in known]
        for entry in compiled:
            os.replace(entry, folder / entry.name)
        if compiled:
            log.info("XLA compilation cache: %d programs added", len(compiled))
        shutil.rmtree(private, ignore_errors=True)
