"""The production gunicorn settings (``infra/gunicorn.conf.py``, read as they are) and one hook of
the benchmark's: each worker, once it has loaded the service, leaves a file in
``$BENCH_READY_DIR``, so that measuring starts when every worker can answer."""

import os
import runpy
from pathlib import Path

_PRODUCTION = runpy.run_path(str(Path(__file__).resolve().parent.parent / "infra" / "gunicorn.conf.py"))
globals().update({name: value for name, value in _PRODUCTION.items() if not name.startswith("_")})


def post_worker_init(worker):
    ready_dir = os.environ.get("BENCH_READY_DIR")
    if ready_dir:
        Path(ready_dir, f"ready-{os.getpid()}").touch()
