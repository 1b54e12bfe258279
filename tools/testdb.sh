#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite, under var/pg (or $TRACELAB_VAR_DIR/pg;
# under /tmp when run as root from a checkout the postgres user cannot reach).
#
#   tools/testdb.sh start          (re)create the cluster from scratch and start it
#   tools/testdb.sh stop           stop it (the files stay until the next start)
#   tools/testdb.sh url [DB]       its DATABASE_URL (database "tracelab" by default)
#   tools/testdb.sh env            DATABASE_URL and TRACELAB_TEST_PG_* (where the cluster is),
#                                  one NAME=value a line: `export $(tools/testdb.sh env)`
#   tools/testdb.sh psql [ARGS]    psql on it
#   tools/testdb.sh status
#
# The cluster listens on 127.0.0.1 only, on TRACELAB_TEST_PG_PORT (55432 by default;
# when that is taken and the port was not chosen explicitly, the next free one), with
# its unix socket in var/pg/run. Its superuser `tracelab` logs in without a password
# (trust): nothing in it outlives the test run. Durability is switched off (fsync,
# synchronous_commit, full_page_writes), which is safe only for data nobody keeps.
#
# PostgreSQL refuses to run as root: as root the server runs as Debian's `postgres`
# system user (from the postgresql package), which then owns var/pg; run by anyone
# else, it runs as that user.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Under the run's state directory, as the settings see it (TRACELAB_VAR_DIR, else var/).
VAR="${TRACELAB_VAR_DIR:-$ROOT/var}"
[[ "$VAR" == /* ]] || VAR="$ROOT/$VAR"
PGROOT="$VAR/pg"
# As root the server runs as `postgres`, which must be able to reach its directory: a
# checkout inside a private folder (mktemp -d makes them 0700) is out of its reach, so
# the cluster then lives in a folder of its own under /tmp, named after the checkout.
if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1 && [ -d "$VAR" ] &&
  ! setpriv --reuid=postgres --regid=postgres --clear-groups test -x "$VAR" 2>/dev/null; then
  PGROOT="/tmp/tracelab-testdb-$(printf %s "$VAR" | sha256sum | cut -c1-12)"
fi
DATA="$PGROOT/data"
RUN="$PGROOT/run"
LOG="$PGROOT/log/postgresql.log"
SUPERUSER="tracelab"
DEFAULT_PORT=55432

log() { printf '\033[1m[testdb]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

bindir() {
  # The newest installed server version (Debian: /usr/lib/postgresql/<version>/bin).
  local dir
  dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] || die "no PostgreSQL server under /usr/lib/postgresql: install Debian's postgresql package"
  echo "$dir"
}

# Run a server program as the cluster's owner: `postgres` when we are root, else us.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$PGROOT" && setpriv --reuid=postgres --regid=postgres --init-groups env HOME="$PGROOT" "$@")
  else
    (cd "$PGROOT" && "$@")
  fi
}

port() { cat "$PGROOT/port" 2>/dev/null || echo "${TRACELAB_TEST_PG_PORT:-$DEFAULT_PORT}"; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

choose_port() {
  local port="${TRACELAB_TEST_PG_PORT:-$DEFAULT_PORT}"
  if [ -n "${TRACELAB_TEST_PG_PORT:-}" ]; then
    listening "$port" && die "port $port (TRACELAB_TEST_PG_PORT) is already in use"
    echo "$port"
    return
  fi
  local last=$((port + 100))
  while listening "$port"; do
    port=$((port + 1))
    [ "$port" -le "$last" ] || die "no free port in $DEFAULT_PORT-$last"
  done
  echo "$port"
}

# Whether the server of postmaster.pid is alive: a process named postgres that is not a
# zombie (a killed server whose parent is gone can linger as one where nothing reaps it).
running() {
  local pid
  pid="$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ] || return 1
  [ "$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f1)" != Z ]
}

stop() {
  running || return 0
  as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null 2>&1 ||
    as_owner "$BIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  ! running || die "could not stop the PostgreSQL server of $DATA"
}

start() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "no postgres system user: install Debian's postgresql package"
  fi
  # A cluster left by an earlier run (interrupted, or still up): stop it, start afresh.
  stop
  rm -rf "$PGROOT"
  mkdir -p "$RUN" "$(dirname "$LOG")"
  local port
  port="$(choose_port)"
  echo "$port" >"$PGROOT/port"
  [ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$PGROOT"

  as_owner "$BIN/initdb" -D "$DATA" -U "$SUPERUSER" --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync --no-instructions >"$PGROOT/log/initdb.log" 2>&1 ||
    { cat "$PGROOT/log/initdb.log" >&2; die "initdb failed"; }
  as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# -- tracelab test cluster (tools/testdb.sh): throwaway, never keep data in it --
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$RUN'
max_connections = 200
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 1GB
checkpoint_timeout = 30min
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null ||
    { tail -n 30 "$LOG" >&2; die "PostgreSQL did not start"; }
  "$BIN/createdb" -h 127.0.0.1 -p "$port" -U "$SUPERUSER" tracelab
  log "PostgreSQL $(basename "$(dirname "$BIN")") on 127.0.0.1:$port, data in $DATA"
}

url() { echo "postgres://$SUPERUSER@127.0.0.1:$(port)/${1:-tracelab}"; }

BIN="$(bindir)"
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url "${2:-}" ;;
  env)
    echo "DATABASE_URL=$(url)"
    echo "TRACELAB_TEST_PG_BIN=$BIN"
    echo "TRACELAB_TEST_PG_DATA=$DATA"
    echo "TRACELAB_TEST_PG_LOG=$LOG"
    ;;
  psql) shift; exec "$BIN/psql" -h 127.0.0.1 -p "$(port)" -U "$SUPERUSER" "$@" ;;
  status)
    if running; then echo "running: $(url)"; else echo "stopped"; exit 3; fi
    ;;
  *) echo "usage: tools/testdb.sh start | stop | url [DB] | env | psql [ARGS] | status" >&2; exit 2 ;;
esac
