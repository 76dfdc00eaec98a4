#!/usr/bin/env bash
# Dump the `guichet` database (pg_dump custom format) into a timestamped file
# and delete dumps older than RETENTION_DAYS.
#
# Redis is not backed up: it only holds RQ jobs (persisted by its AOF), and
# the outbox sweep re-enqueues whatever the job_runs table says is pending.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: infra/backup.sh

Environment:
  BACKUP_DIR       directory for the dumps        (default: /var/backups/guichet)
  RETENTION_DAYS   delete dumps older than N days (default: 14; 0 keeps everything)
  DB_NAME          database to dump               (default: guichet)
  PG_EXEC          command prefix running pg_dump / pg_restore (default: empty,
                   i.e. local client tools, configured by the libpq variables
                   PGHOST, PGPORT, PGUSER, PGPASSWORD or ~/.pgpass).
                   With the compose stack, from the repository root:
                     PG_EXEC="docker compose -f infra/compose.yaml --env-file infra/.env exec -T postgres"

Connect as the postgres superuser (the default PGUSER here) or a role with
BYPASSRLS + pg_read_all_data: tables use FORCE ROW LEVEL SECURITY, so neither
guichet_owner nor guichet_app can dump them.

Example (cron, daily at 02:30):
  30 2 * * *  cd /srv/guichet && PG_EXEC="docker compose -f infra/compose.yaml --env-file infra/.env exec -T postgres" infra/backup.sh
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; exit 2 ;;
esac

BACKUP_DIR="${BACKUP_DIR:-/var/backups/guichet}"
RETENTION_DAYS="${RETENTION_DAYS:-14}"
DB_NAME="${DB_NAME:-guichet}"
export PGUSER="${PGUSER:-postgres}"
read -r -a pg_exec <<< "${PG_EXEC:-}"

if ! [[ "$RETENTION_DAYS" =~ ^[0-9]+$ ]]; then
  echo "RETENTION_DAYS must be a whole number of days, got: $RETENTION_DAYS" >&2
  exit 2
fi

umask 077   # dumps contain personal data
mkdir -p "$BACKUP_DIR"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$BACKUP_DIR/${DB_NAME}_${stamp}.dump"
partial="$target.partial"
trap 'rm -f "$partial"' EXIT

# Written to stdout so that it works through `docker compose exec` as well.
${pg_exec[@]+"${pg_exec[@]}"} pg_dump --format=custom --compress=6 \
  --username="$PGUSER" --dbname="$DB_NAME" > "$partial"

# Sanity check: the archive must have a readable table of contents.
${pg_exec[@]+"${pg_exec[@]}"} pg_restore --list < "$partial" > /dev/null

mv "$partial" "$target"
trap - EXIT
echo "backup written: $target ($(du -h "$target" | cut -f1))"

if [ "$RETENTION_DAYS" -gt 0 ]; then
  find "$BACKUP_DIR" -maxdepth 1 -type f -name "${DB_NAME}_*.dump" \
    -mtime "+$RETENTION_DAYS" -print -delete
fi
