"""Gunicorn settings for Guichet Clauses.

Used as:  gunicorn -c infra/gunicorn.conf.py saas.wsgi:app
Every value can be overridden from the environment (GUNICORN_*).

Sizing: each worker process runs GUNICORN_THREADS threads, and each thread may
hold one database connection, so one web container can open up to
workers * threads connections to PostgreSQL (plus the pool's overflow).
Keep (web replicas * workers * threads) + workers' needs under max_connections,
or put PgBouncer (transaction mode) in between.
"""

import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpu_count() -> int:
    # Honours CPU pinning (cpuset); CPU *quotas* are not visible here, so set
    # GUNICORN_WORKERS explicitly when the container is limited with --cpus.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # non-Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

workers = _env_int("GUNICORN_WORKERS", _env_int("WEB_CONCURRENCY", 2 * _cpu_count() + 1))
worker_class = "gthread"
threads = _env_int("GUNICORN_THREADS", 4)

# A request running longer than `timeout` gets its worker killed and restarted.
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Must be longer than nginx's upstream keepalive_timeout (60s), so that nginx,
# not gunicorn, closes idle upstream connections (avoids sporadic 502s).
keepalive = _env_int("GUNICORN_KEEPALIVE", 75)

# Recycle workers periodically to contain slow memory growth.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Heartbeat files on tmpfs rather than the container's overlay filesystem.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# The web container is only reachable from nginx on a private network, whose
# address is not fixed: trust X-Forwarded-* from any peer there. Restrict
# (e.g. "10.0.0.5") if gunicorn is ever exposed directly.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# Only X-Forwarded-Proto decides https (nginx sets it, overwriting the client's).
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Logs to stdout/stderr (collected by Docker).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# One JSON-ish object per request. Values are not JSON-escaped by gunicorn.
# The query string is deliberately left out (it may carry tokens).
access_log_format = (
    '{"time":"%(t)s","remote_addr":"%(h)s","forwarded_for":"%({x-forwarded-for}i)s",'
    '"request_id":"%({x-request-id}i)s","method":"%(m)s","path":"%(U)s",'
    '"status":%(s)s,"bytes":"%(B)s","duration_s":%(L)s,'
    '"referer":"%(f)s","user_agent":"%(a)s"}'
)

proc_name = "guichet-web"

# gunicorn >= 25.1 opens a control socket (for `gunicornc`) under $HOME by
# default; the image's home is read-only, so keep it in /tmp. Ignored by
# older gunicorn versions.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "/tmp/gunicorn.ctl")
