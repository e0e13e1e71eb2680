#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and CI.
#
#   build/postgres.sh start    start (or reuse) a cluster on 127.0.0.1:$IOP_PG_PORT (default 5433)
#   build/postgres.sh stop     stop the cluster this script manages and delete its directory
#   build/postgres.sh status   exit 0 if a server answers on that port, 1 if not
#   build/postgres.sh env      print IOP_TEST_POSTGRES=<Npgsql connection string>
#
#   use it:  export "$(build/postgres.sh env)"      (quote it: the value contains ';')
#
# Environment:
#   IOP_PG_PORT            port (default 5433)
#   IOP_PG_DIR             cluster directory (default /tmp/iop-pg-<port>)
#   IOP_PG_KEEP=1          'stop' keeps the directory (data survives until the next stop)
#   IOP_INSTALL_POSTGRES=1 install Debian's postgresql package when no binaries are found
#   CI=true                same as IOP_INSTALL_POSTGRES=1
#   IOP_PG_DURABLE=1       start with fsync, synchronous_commit and full_page_writes on (PostgreSQL's
#                          defaults), for benchmarks whose numbers are quoted (build/bench)
#
# The cluster uses trust authentication, fsync=off (unless IOP_PG_DURABLE=1) and listens on
# 127.0.0.1 only: for tests, never for data you care about.
#
# Exit codes: 0 ok, 1 error, 2 usage, 3 PostgreSQL binaries not available.
set -euo pipefail

PORT="${IOP_PG_PORT:-5433}"
DIR="${IOP_PG_DIR:-/tmp/iop-pg-${PORT}}"
DATA="${DIR}/data"
LOG="${DIR}/postgres.log"
PG_USER=postgres   # OS account that owns the cluster when this script runs as root

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit "${2:-1}"; }

case "$PORT" in
  '' | *[!0-9]*) die "IOP_PG_PORT must be a number, got '${PORT}'" 2 ;;
esac

find_bin() {
  local d
  d="$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n 1 || true)"
  if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
    printf '%s\n' "$d"
  elif command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
  else
    return 1
  fi
}

install_postgres() {
  if [[ "$(id -u)" != 0 ]]; then
    die "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)" 3
  fi
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is not available" 3
  log "PostgreSQL binaries not found: installing Debian's postgresql package (about 30 s)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || die "apt-get update failed" 3
  apt-get install -y -qq --no-install-recommends postgresql >&2 \
    || die "apt-get install postgresql failed" 3
}

# Run a command line as the cluster owner: as root through su (initdb/pg_ctl refuse root),
# otherwise as the current user. fd 9 (the lock) is closed so the server does not inherit it.
as_owner() {
  local cmd
  cmd="$(printf '%q ' "$@")"
  if [[ "$(id -u)" == 0 ]]; then
    su "$PG_USER" -s /bin/bash -c "$cmd" 9>&-
  else
    bash -c "$cmd" 9>&-
  fi
}

# True when a server accepts connections on 127.0.0.1:$PORT.
is_up() {
  local bin="${1:-}"
  if [[ -n "$bin" && -x "$bin/pg_isready" ]]; then
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -t 2 >/dev/null 2>&1
  elif command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -t 2 >/dev/null 2>&1
  else
    # No client tools: fall back to "something listens on the port".
    (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null
  fi
}

# A postmaster.pid whose process is gone (or a zombie: PID 1 in some containers does not reap)
# would make the new server refuse to start. A live server that does not answer is stopped.
remove_stale_pid() {
  local bin="$1" pid state
  [[ -f "$DATA/postmaster.pid" ]] || return 0
  pid="$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true)"
  state=""
  if [[ "$pid" =~ ^[0-9]+$ && -r "/proc/${pid}/stat" ]]; then
    state="$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/${pid}/stat" 2>/dev/null || true)"
  fi
  if [[ -z "$state" || "$state" == Z || "$state" == X ]]; then
    log "removing stale ${DATA}/postmaster.pid (process ${pid:-?} is gone)"
    rm -f "$DATA/postmaster.pid"
  else
    log "a server (pid ${pid}) runs from ${DATA} but does not answer: stopping it"
    as_owner "$bin/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    rm -f "$DATA/postmaster.pid"
  fi
}

# One start/stop at a time per port (two test runs at once would otherwise race on initdb).
take_lock() {
  if command -v flock >/dev/null 2>&1; then
    exec 9>"/tmp/iop-pg-${PORT}.lock"
    flock -w 120 9 || die "timed out waiting for the lock /tmp/iop-pg-${PORT}.lock"
  fi
}

cmd_start() {
  local bin
  take_lock
  if ! bin="$(find_bin)"; then
    if [[ "${CI:-}" == "true" || "${IOP_INSTALL_POSTGRES:-}" == "1" ]]; then
      install_postgres
      bin="$(find_bin)" || die "PostgreSQL binaries still not found after installing" 3
    else
      die "PostgreSQL binaries not found (/usr/lib/postgresql/*/bin); install them with 'apt-get install -y postgresql' or set IOP_INSTALL_POSTGRES=1" 3
    fi
  fi

  if is_up "$bin"; then
    log "reusing the PostgreSQL server already running on 127.0.0.1:${PORT}"
    return 0
  fi

  if [[ "$(id -u)" == 0 ]] && ! id "$PG_USER" >/dev/null 2>&1; then
    die "running as root but there is no '${PG_USER}' account to own the cluster"
  fi

  # A directory left by a crashed or half-finished run is thrown away and made anew.
  if [[ -d "$DATA" && ! -f "$DATA/PG_VERSION" ]]; then
    log "removing incomplete cluster directory ${DIR}"
    rm -rf "$DIR"
  fi

  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    rm -rf "$DIR"
    mkdir -p "$DIR"
    if [[ "$(id -u)" == 0 ]]; then chown "$PG_USER:" "$DIR"; fi
    chmod 700 "$DIR"
    log "initdb ${DATA} ($("$bin/postgres" --version 2>/dev/null || echo postgres))"
    if ! as_owner "$bin/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --no-locale \
      --no-sync >"$DIR/initdb.log" 2>&1; then
      cat "$DIR/initdb.log" >&2 || true
      die "initdb failed"
    fi
  elif [[ "$(id -u)" == 0 ]]; then
    chown -R "$PG_USER:" "$DIR"
  fi

  remove_stale_pid "$bin"

  log "starting PostgreSQL on 127.0.0.1:${PORT} (socket and log in ${DIR})"
  # random_page_cost=1.1: solid-state storage, as deploy/compose.postgres.yaml sets it (README decision 24).
  local opts="-p ${PORT} -k ${DIR} -c listen_addresses=127.0.0.1 -c max_connections=300 -c random_page_cost=1.1"
  if [[ "${IOP_PG_DURABLE:-}" == "1" ]]; then
    opts+=" -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  else
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  if ! as_owner "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -o "$opts" start >/dev/null 2>&1; then
    log "pg_ctl start failed; last lines of ${LOG}:"
    tail -n 20 "$LOG" >&2 2>/dev/null || true
    die "could not start PostgreSQL on port ${PORT} (port in use by something else?)"
  fi

  local _
  for _ in $(seq 1 50); do
    if is_up "$bin"; then
      log "PostgreSQL is ready on 127.0.0.1:${PORT}"
      return 0
    fi
    sleep 0.2
  done
  tail -n 20 "$LOG" >&2 2>/dev/null || true
  die "PostgreSQL started but does not accept connections on 127.0.0.1:${PORT}"
}

cmd_stop() {
  local bin=""
  take_lock
  bin="$(find_bin)" || true
  if [[ -f "$DATA/postmaster.pid" && -n "$bin" ]]; then
    log "stopping PostgreSQL in ${DATA}"
    if ! as_owner "$bin/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
      log "fast stop failed, trying immediate"
      as_owner "$bin/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
  elif is_up "$bin"; then
    log "a server answers on port ${PORT} but it is not the cluster in ${DIR}: left alone"
  else
    log "no PostgreSQL cluster running from ${DIR}"
  fi
  if [[ "${IOP_PG_KEEP:-}" != "1" && -d "$DIR" ]]; then
    # Only ever delete a directory that looks like ours.
    if [[ -f "$DATA/PG_VERSION" || -z "$(ls -A "$DIR" 2>/dev/null)" || -f "$DIR/initdb.log" ]]; then
      rm -rf "$DIR"
    else
      log "not deleting ${DIR}: it does not look like a cluster made by this script"
    fi
  fi
}

cmd_status() {
  local bin=""
  bin="$(find_bin)" || true
  if is_up "$bin"; then
    log "PostgreSQL answers on 127.0.0.1:${PORT}"
    return 0
  fi
  log "no PostgreSQL server on 127.0.0.1:${PORT}"
  return 1
}

cmd_env() {
  printf 'IOP_TEST_POSTGRES=Host=127.0.0.1;Port=%s;Username=postgres;Password=postgres;Database=postgres\n' "$PORT"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
