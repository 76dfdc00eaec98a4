#!/usr/bin/env bash
# Restore a dump made by infra/backup.sh into the `guichet` database.
# Objects are recreated as guichet_owner (--no-owner --role=guichet_owner).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: infra/restore.sh [--yes] DUMP_FILE

Replaces the content of the guichet database with DUMP_FILE
(pg_restore --clean --if-exists --no-owner --role=guichet_owner, in a single
transaction: on error nothing is changed).

Before:  the roles exist (compose `roles` service or infra/roles.sql) and
         web + worker are stopped:
           docker compose -f infra/compose.yaml --env-file infra/.env stop web worker
After:   run the migrations (if the dump is older than the code), then start
         web + worker again; the outbox sweep re-enqueues pending jobs from
         job_runs. Jobs still queued in Redis for the old data can be cleared
         with `redis-cli FLUSHDB` before restarting if needed.

Environment:
  DB_NAME   target database (default: guichet)
  PG_EXEC   command prefix running pg_restore (see infra/backup.sh), e.g.
              PG_EXEC="docker compose -f infra/compose.yaml --env-file infra/.env exec -T postgres"
  PGHOST, PGPORT, PGUSER (default: postgres), PGPASSWORD: libpq connection.
            The connecting role must be allowed to SET ROLE guichet_owner.
USAGE
}

assume_yes=0
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  -y|--yes) assume_yes=1; shift ;;
esac
if [ "$#" -ne 1 ]; then
  usage >&2
  exit 2
fi

dump="$1"
DB_NAME="${DB_NAME:-guichet}"
export PGUSER="${PGUSER:-postgres}"
read -r -a pg_exec <<< "${PG_EXEC:-}"

if [ ! -r "$dump" ]; then
  echo "cannot read dump file: $dump" >&2
  exit 1
fi

if [ "$assume_yes" -ne 1 ]; then
  if [ ! -t 0 ]; then
    echo "refusing to restore without confirmation: pass --yes" >&2
    exit 2
  fi
  read -r -p "Replace database '$DB_NAME' with $dump? Type the database name to confirm: " answer
  if [ "$answer" != "$DB_NAME" ]; then
    echo "aborted" >&2
    exit 1
  fi
fi

# The archive is read from stdin so that it works through `docker compose exec`.
${pg_exec[@]+"${pg_exec[@]}"} pg_restore \
  --clean --if-exists --no-owner --role=guichet_owner \
  --single-transaction --exit-on-error \
  --username="$PGUSER" --dbname="$DB_NAME" < "$dump"

echo "restored $dump into $DB_NAME"
