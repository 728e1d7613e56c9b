"""A real one-node SLURM cluster on localhost (munged, slurmctld, slurmd) for the SLURM tests.

It installs Debian's slurm-wlm and munge when they are missing, writes a slurm.conf for this
machine from `slurmd -C`, starts the three daemons in the foreground as children of this
process (no systemd), and stops exactly those processes, by PID, whatever happens.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

PACKAGES = ["slurm-wlm", "munge"]
# The default path: the executor plugin strips SLURM_CONF from its jobs' nested srun calls.
CONF = Path("/etc/slurm/slurm.conf")
MARKER = "# one-node test cluster of the softnet tests; removed when they stop\n"


def unavailable_reason() -> str | None:
    """Why this machine cannot host the test cluster, or None when it can."""
    if not Path("/etc/debian_version").is_file():
        return "the SLURM test cluster needs Debian (apt-get slurm-wlm munge)"
    if os.geteuid() != 0:
        return "the SLURM test cluster needs root (apt-get install, daemons)"
    if CONF.is_file() and not CONF.read_text().startswith(MARKER):
        return f"{CONF} belongs to another SLURM cluster; not overwriting it"
    return None


def install() -> None:
    """Debian's slurm-wlm and munge, without recommends; apt's lists are refreshed once."""
    if all(shutil.which(tool) for tool in ("slurmctld", "slurmd", "munged", "sbatch")):
        return
    command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES]
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(command, env=environment, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=environment, check=True)
        subprocess.run(command, env=environment, check=True, capture_output=True)


def node_line() -> str:
    """This machine as slurmd sees it (CPUs, sockets, memory), reachable on 127.0.0.1."""
    described = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True)
    line = next(part for part in described.stdout.splitlines() if part.startswith("NodeName="))
    return f"{line} NodeAddr=127.0.0.1 State=UNKNOWN"


def slurm_conf(state: Path) -> str:
    host = socket.gethostname()
    node = node_line()
    name = node.split()[0].split("=", 1)[1]
    return MARKER + "\n".join(
        [
            "ClusterName=softnet-ci",
            f"SlurmctldHost={host}(127.0.0.1)",
            "AuthType=auth/munge",
            "SlurmUser=root",
            "SlurmdUser=root",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core_Memory",
            "AccountingStorageType=accounting_storage/none",
            "JobAcctGatherType=jobacct_gather/none",
            "SchedulerType=sched/backfill",
            "MpiDefault=none",
            "ReturnToService=2",
            # without slurmdbd, finished jobs must stay visible to squeue for the plugin
            "MinJobAge=3600",
            # a request bigger than the node fails at submission instead of pending forever
            "EnforcePartLimits=ALL",
            f"StateSaveLocation={state}/ctld",
            f"SlurmdSpoolDir={state}/spool",
            f"SlurmctldPidFile={state}/slurmctld.pid",
            f"SlurmdPidFile={state}/slurmd.pid",
            f"SlurmctldLogFile={state}/slurmctld.log",
            f"SlurmdLogFile={state}/slurmd.log",
            node,
            f"PartitionName=ci Nodes={name} Default=YES MaxTime=INFINITE State=UP",
            "",
        ]
    )


class Cluster:
    """Start with `start()`, always `stop()`; its state and logs live in `state`."""

    def __init__(self, state: Path):
        self.state = state
        self.processes: list[subprocess.Popen] = []

    def start(self, timeout: float = 60.0) -> None:
        install()
        for folder in ("ctld", "spool", "munge"):
            (self.state / folder).mkdir(parents=True, exist_ok=True)
        CONF.parent.mkdir(parents=True, exist_ok=True)
        CONF.write_text(slurm_conf(self.state))
        Path("/run/munge").mkdir(parents=True, exist_ok=True)
        self._spawn(["munged", "--foreground", "--force"], "munged.log")
        self._wait(lambda: subprocess.run(["munge", "-n"], capture_output=True).returncode == 0, 20)
        self._spawn(["slurmctld", "-D", "-i"], "slurmctld.out")
        self._spawn(["slurmd", "-D"], "slurmd.out")
        self._wait(self._node_idle, timeout)

    def _spawn(self, command: list[str], log: str) -> None:
        output = open(self.state / log, "w")
        self.processes.append(subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT))

    def _node_idle(self) -> bool:
        states = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True)
        return states.returncode == 0 and states.stdout.strip() == "idle"

    def _wait(self, ready, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            dead = [p.args[0] for p in self.processes if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                logs = "\n".join(
                    f"--- {p.name}\n{p.read_text()[-2000:]}" for p in self.state.glob("*.log")
                )
                raise RuntimeError(f"SLURM did not come up (exited: {dead})\n{logs}")
            time.sleep(0.5)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL, to exactly the daemons this object started."""
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        if CONF.is_file() and CONF.read_text().startswith(MARKER):
            CONF.unlink()
