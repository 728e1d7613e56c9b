"""Logging of workflow jobs: each job's messages go to its Snakemake log file and stderr."""

from __future__ import annotations

import logging
import os
import socket
import sys
from pathlib import Path


def log_to(path: str | Path) -> None:
    """Send this process's log records, and any uncaught error, to `path` and stderr."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[logging.FileHandler(path, mode="w"), logging.StreamHandler(sys.stderr)],
        force=True,
    )
    logging.captureWarnings(True)

    def report(kind, error, trace):
        logging.getLogger("softnet").error("job failed", exc_info=(kind, error, trace))

    sys.excepthook = report
    batch_job = os.environ.get("SLURM_JOB_ID")
    where = (
        f"SLURM job {batch_job} on {socket.gethostname()}" if batch_job else socket.gethostname()
    )
    logging.getLogger("softnet").info("running on %s", where)
