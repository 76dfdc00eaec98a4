"""Starting and stopping the servers measured: the service and the bare handler, both under
gunicorn with the production settings (``infra/gunicorn.conf.py``: gthread workers, 2 × cores + 1
processes of 4 threads), each on a free port of the loopback."""

from __future__ import annotations

import contextlib
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_CONF = ROOT / "infra" / "gunicorn.conf.py"
#: the production settings and a hook that says when each worker has loaded the service
GUNICORN_CONF = ROOT / "bench" / "gunicorn.conf.py"
#: five workers loading the service on two busy cores take a while
START_SECONDS = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    log: Path
    ready_dir: Path
    workers: int
    env: dict = field(repr=False, default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The worker processes of this gunicorn master (its children)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and _parent_of(entry) == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def stop(self) -> None:
        """SIGTERM to the master, then, if a worker is still busy after 30 s (a long export),
        SIGKILL to the process group of this server (its master and workers only)."""
        workers = self.worker_pids()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        for pid in workers:  # orphaned by a killed master
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _parent_of(proc_dir: Path) -> int | None:
    try:
        stat = (proc_dir / "stat").read_text()
    except OSError:
        return None
    # pid (comm) state ppid ...: comm may hold spaces, so split after the last parenthesis
    return int(stat.rsplit(")", 1)[1].split()[1])


def vm_hwm_kib(pid: int) -> int | None:
    """Peak resident memory (VmHWM) of a process in KiB, None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def start(name: str, app_spec: str, env: dict, log_dir: Path, workers: int | None = None) -> Server:
    """``gunicorn -c infra/gunicorn.conf.py app_spec`` on a free port, ready when it answers."""
    port = free_port()
    ready_dir = log_dir / f"{name}-ready"
    ready_dir.mkdir(parents=True, exist_ok=True)
    child_env = {
        **os.environ,
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_CONTROL_SOCKET": str(log_dir / f"{name}.ctl"),
        "PYTHONPATH": str(ROOT),
        "BENCH_READY_DIR": str(ready_dir),
    }
    if workers is not None:
        child_env["GUNICORN_WORKERS"] = str(workers)
    else:
        workers = runpy.run_path(str(PRODUCTION_CONF))["workers"]
    log = log_dir / f"{name}.log"
    command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), app_spec]
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and settings
            command, cwd=ROOT, env=child_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, process, port, log, ready_dir, workers, env)
    _wait_ready(server)
    return server


def _wait_ready(server: Server) -> None:
    """Until every worker has loaded the service (the hook of bench/gunicorn.conf.py)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} s'est arrêté au démarrage ; voir {server.log}")
        pids = server.worker_pids()
        ready = {int(path.name.split("-")[1]) for path in server.ready_dir.glob("ready-*")}
        if len(pids) >= server.workers and set(pids) <= ready:
            return
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"{server.name} ne répond pas après {START_SECONDS} s ; voir {server.log}")
