#!/usr/bin/env bash
# Run a real Neo4j 5.26 Community server for development and tests, from Maven Central jars
# (no Docker, no neo4j.com download). See scripts/neo4j/FINDINGS.md for the measured facts.
#
# Usage: scripts/neo4j-server.sh {up|down|status|restart|reset|cmdline}
#
#   up       fetch the jars once, write neo4j.conf, set the initial password (first start only),
#            start the server in the background and wait until Bolt answers `RETURN 1`.
#            Idempotent: exits 0 at once if this run dir's server is already up.
#            Last line on stdout: NEO4J_URI=bolt://127.0.0.1:PORT (all other output is on stderr,
#            so `eval "$(scripts/neo4j-server.sh up)"` sets NEO4J_URI).
#   down     SIGTERM, wait up to NEO4J_STOP_TIMEOUT s, then SIGKILL. Exit 0 if not running.
#   status   exit 0 if the server of this run dir is running, 1 if not.
#   restart  down, then up (data kept).
#   reset    down, then delete the data dir (jars, conf and logs kept). Next `up` starts empty.
#   cmdline  print the command line Neo4j's own launcher would use (`neo4j console --dry-run`),
#            for comparison with the one this script runs.
#
# Environment (defaults):
#   NEO4J_RUN_DIR=<repo>/.neo4j   jars (lib/), conf/, data/, logs/, neo4j.pid
#   NEO4J_BOLT_PORT=7687          Bolt listens on 127.0.0.1 only; HTTP/HTTPS are off
#   NEO4J_PASSWORD=partnermap-test  password of user `neo4j` (auth is enabled); only applied when
#                                 the data dir is new: after a change, run `reset`
#   NEO4J_START_TIMEOUT=120       seconds `up` waits for Bolt
#   NEO4J_STOP_TIMEOUT=60         seconds `down` waits after SIGTERM before SIGKILL
#   NEO4J_HEAP=1g  NEO4J_PAGECACHE=512m
#   NEO4J_PYTHON                  python with the `neo4j` driver for the readiness check (else
#                                 <repo>/.venv/bin/python, else python3; without a driver the
#                                 check falls back to the TCP port plus the "Started." log line)
#   JAVA_HOME                     java to use (else `java` on PATH); Neo4j 5.26 needs Java 17 or 21
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
POM="$SCRIPT_DIR/neo4j/pom.xml"

RUN="${NEO4J_RUN_DIR:-$REPO_DIR/.neo4j}"
PORT="${NEO4J_BOLT_PORT:-7687}"
PASSWORD="${NEO4J_PASSWORD:-partnermap-test}"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-120}"
STOP_TIMEOUT="${NEO4J_STOP_TIMEOUT:-60}"
HEAP="${NEO4J_HEAP:-1g}"
PAGECACHE="${NEO4J_PAGECACHE:-512m}"
USER_NAME=neo4j

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

log() { printf 'neo4j-server: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# The run dir must be absolute: it goes into neo4j.conf and the server's command line.
RUN="$(realpath -m -- "$RUN")"
LIB="$RUN/lib"
CONF_DIR="$RUN/conf"
DATA="$RUN/data"
LOGS="$RUN/logs"
PIDFILE="$RUN/neo4j.pid"
CONSOLE_LOG="$LOGS/console.log"
MAIN_CLASS=org.neo4j.server.CommunityEntryPoint
LOG_OFFSET=0  # size of the console log before this start (the fallback wait reads past it)

# JVM flags: the --add-opens, G1 and log4j flags Neo4j 5.26 ships in its tarball's neo4j.conf
# (server.jvm.additional; the launcher itself adds only -Dfile.encoding and -Xms/-Xmx), plus the
# usual companions of that file; -XX:+AlwaysPreTouch is left out on purpose (it would commit the
# whole heap at start). They are also written into neo4j.conf, so that Neo4j's own launcher
# (`cmdline`) prints the same command line.
JVM_FLAGS=(
  -XX:+UseG1GC
  -XX:-OmitStackTraceInFastThrow
  -XX:+UnlockExperimentalVMOptions
  -XX:+TrustFinalNonStaticFields
  -XX:+DisableExplicitGC
  -Djdk.nio.maxCachedBufferSize=1024
  -Dio.netty.tryReflectionSetAccessible=true
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  -Dlog4j2.disable.jmx=true
)

# ---------------------------------------------------------------------------------------------
# Process helpers

# PID of this run dir's server, or nothing. Trusts neo4j.pid only if that process really is a
# Neo4j server started with --home-dir=$RUN (guards against stale files and reused PIDs); if
# the PID file is gone, finds the server by that same exact command-line argument.
server_pid() {
  local pid arg
  if [[ -f "$PIDFILE" ]]; then
    pid="$(tr -dc '0-9' < "$PIDFILE")"
    if [[ -n "$pid" ]] && is_our_server "$pid"; then echo "$pid"; return 0; fi
  fi
  for arg in /proc/[0-9]*/cmdline; do
    pid="${arg#/proc/}"; pid="${pid%/cmdline}"
    if is_our_server "$pid"; then echo "$pid"; return 0; fi
  done
  return 0
}

is_our_server() {
  local pid="$1" cmd
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmd="$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null)" || return 1
  grep -qxF "$MAIN_CLASS" <<<"$cmd" && grep -qxF -- "--home-dir=$RUN" <<<"$cmd"
}

alive() { kill -0 "$1" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Bolt port the (running) server was configured with, from its neo4j.conf.
configured_port() {
  local line
  line="$(grep -E '^server\.bolt\.listen_address=' "$CONF_DIR/neo4j.conf" 2>/dev/null || true)"
  echo "${line##*:}"
}

show_logs() {
  if [[ -f "$CONSOLE_LOG" ]]; then
    log "---- last 40 lines of $CONSOLE_LOG ----"
    tail -n 40 "$CONSOLE_LOG" >&2
  fi
  if [[ -f "$LOGS/debug.log" ]]; then
    log "---- last 20 lines of $LOGS/debug.log ----"
    tail -n 20 "$LOGS/debug.log" >&2
  fi
}

# Serialise up/down/restart/reset on one run dir (e.g. several pytest-xdist workers).
take_lock() {
  mkdir -p "$RUN"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$RUN/.lock"
    flock -w $((START_TIMEOUT + STOP_TIMEOUT + 600)) 9 || die "could not lock $RUN/.lock"
  fi
}

# ---------------------------------------------------------------------------------------------
# Readiness check

pick_python() {
  local py
  for py in "${NEO4J_PYTHON:-}" "$REPO_DIR/.venv/bin/python" python3; do
    [[ -n "$py" ]] || continue
    command -v "$py" >/dev/null 2>&1 || continue
    if "$py" -c 'import neo4j' >/dev/null 2>&1; then echo "$py"; return 0; fi
  done
  return 0
}

# Exit codes: 0 Bolt answered RETURN 1; 1 timed out; 2 server process died; 3 wrong password.
read -r -d '' WAIT_PY <<'EOF' || true
import os, sys, time
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

uri, user, pid, timeout = sys.argv[1:5]
password = os.environ["NEO4J_WAIT_PASSWORD"]
pid, deadline = int(pid), time.monotonic() + float(timeout)
last = None
while True:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(2)
    except PermissionError:
        pass
    try:
        with GraphDatabase.driver(uri, auth=(user, password), connection_timeout=3,
                                  max_transaction_retry_time=3) as driver:
            driver.verify_connectivity()
            records, _, _ = driver.execute_query("RETURN 1 AS ok")
            if records[0]["ok"] == 1:
                sys.exit(0)
    except AuthError as exc:
        print(f"authentication failed: {exc}", file=sys.stderr)
        sys.exit(3)
    except Exception as exc:  # not up yet: ServiceUnavailable, DatabaseUnavailable, ...
        last = exc
    if time.monotonic() >= deadline:
        print(f"last error: {type(last).__name__}: {last}", file=sys.stderr)
        sys.exit(1)
    time.sleep(0.5)
EOF

# wait_bolt PID TIMEOUT -> same exit codes as WAIT_PY
wait_bolt() {
  local pid="$1" timeout="$2" py rc=0 deadline
  py="$(pick_python)"
  if [[ -n "$py" ]]; then
    NEO4J_WAIT_PASSWORD="$PASSWORD" \
      "$py" -c "$WAIT_PY" "bolt://127.0.0.1:$PORT" "$USER_NAME" "$pid" "$timeout" || rc=$?
    return "$rc"
  fi
  # Fallback without the Python driver: the port accepts connections and the server logged
  # "Started." since this start (it logs that after Bolt is enabled and the databases are
  # online). Weaker than a query: it cannot tell a wrong password.
  log "no Python with the neo4j driver found; waiting for the TCP port and the log instead"
  deadline=$((SECONDS + timeout))
  while (( SECONDS < deadline )); do
    alive "$pid" || return 2
    if port_open "$PORT" && tail -c +$((LOG_OFFSET + 1)) "$CONSOLE_LOG" 2>/dev/null \
        | grep -q 'INFO  Started\.'; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
# Jars and configuration

fetch_jars() {
  local stamp want tmp
  command -v mvn >/dev/null 2>&1 || die "mvn not found (Maven is needed once, to fetch the jars)"
  want="$(sha256sum "$POM" | cut -d' ' -f1)"
  stamp="$LIB/.fetched-from-pom.sha256"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  log "fetching Neo4j jars from Maven Central into $LIB (once) ..."
  tmp="$RUN/lib.partial"
  rm -rf "$tmp"
  if ! mvn -q -B -f "$POM" -Dneo4j.lib.dir="$tmp" dependency:copy-dependencies \
      > "$RUN/mvn-fetch.log" 2>&1; then
    tail -n 30 "$RUN/mvn-fetch.log" >&2
    rm -rf "$tmp"
    die "mvn could not fetch the jars (full output in $RUN/mvn-fetch.log)"
  fi
  ls "$tmp"/neo4j-[0-9]*.jar >/dev/null 2>&1 || die "no neo4j-<version>.jar in $tmp after mvn"
  echo "$want" > "$tmp/.fetched-from-pom.sha256"
  rm -rf "$LIB"
  mv "$tmp" "$LIB"
  log "fetched $(find "$LIB" -maxdepth 1 -name "*.jar" | wc -l) jars ($(du -sh "$LIB" | cut -f1))"
}

write_conf() {
  local flag
  mkdir -p "$CONF_DIR" "$DATA" "$LOGS" "$RUN/run" "$RUN/import" "$RUN/plugins"
  {
    echo "# Written by scripts/neo4j-server.sh on every start; edits are overwritten."
    echo "# Strict validation is on: an unknown key stops the server at start-up."
    echo "server.directories.data=$DATA"
    echo "server.directories.logs=$LOGS"
    echo "server.directories.run=$RUN/run"
    echo "server.directories.import=$RUN/import"
    echo "server.directories.plugins=$RUN/plugins"
    echo "server.directories.lib=$LIB"
    echo "server.default_listen_address=127.0.0.1"
    echo "server.bolt.enabled=true"
    echo "server.bolt.listen_address=127.0.0.1:$PORT"
    echo "server.http.enabled=false"
    echo "server.https.enabled=false"
    echo "dbms.security.auth_enabled=true"
    echo "dbms.usage_report.enabled=false"
    echo "server.memory.heap.initial_size=$HEAP"
    echo "server.memory.heap.max_size=$HEAP"
    echo "server.memory.pagecache.size=$PAGECACHE"
    echo "# Transaction logs are preallocated at 256 MiB each by default (system + neo4j = 512 MiB"
    echo "# of disk for an empty store); a test server does not need that."
    echo "db.tx_log.preallocate=false"
    echo "# Unsupported internal setting (integer seconds, default 5): Bolt's netty shutdown waits"
    echo "# this quiet period twice: with the default a SIGTERM stop took ~12 s, with 0 it takes ~2 s."
    echo "internal.dbms.bolt.netty_server_shutdown_quiet_period=0"
    for flag in "${JVM_FLAGS[@]}"; do
      echo "server.jvm.additional=$flag"
    done
  } > "$CONF_DIR/neo4j.conf.tmp"
  mv "$CONF_DIR/neo4j.conf.tmp" "$CONF_DIR/neo4j.conf"
}

set_initial_password() {
  # Only meaningful before the system database exists; afterwards the stored password stays.
  if [[ -d "$DATA/databases/system" ]]; then
    return 0
  fi
  (( ${#PASSWORD} >= 8 )) || die "NEO4J_PASSWORD must have at least 8 characters"
  log "setting the initial password of user '$USER_NAME'"
  if ! NEO4J_HOME="$RUN" NEO4J_CONF="$CONF_DIR" "$JAVA" -cp "$LIB/*" \
      org.neo4j.server.startup.Neo4jAdminCommand dbms set-initial-password "$PASSWORD" >&2; then
    die "neo4j-admin dbms set-initial-password failed"
  fi
}

server_cmd() {
  CMD=("$JAVA" -cp "$CONF_DIR/*:$LIB/*" "${JVM_FLAGS[@]}" -Dfile.encoding=UTF-8
       "-Xms$HEAP" "-Xmx$HEAP"
       "$MAIN_CLASS" "--home-dir=$RUN" "--config-dir=$CONF_DIR" --console-mode)
}

# ---------------------------------------------------------------------------------------------
# Subcommands

print_uri() { echo "NEO4J_URI=bolt://127.0.0.1:$PORT"; }

explain_wait_failure() {
  local rc="$1" pid="$2"
  case "$rc" in
    2) log "ERROR: the server process $pid exited during start-up" ;;
    3) log "ERROR: Bolt answers but rejects user '$USER_NAME' with NEO4J_PASSWORD; the data dir" \
           "was created with another password (run '$0 reset' to start over)" ;;
    *) log "ERROR: Bolt on 127.0.0.1:$PORT did not answer within ${START_TIMEOUT}s" ;;
  esac
}

cmd_up() {
  local pid rc=0 running_port t0
  pid="$(server_pid)"
  if [[ -n "$pid" ]]; then
    running_port="$(configured_port)"
    if [[ -n "$running_port" && "$running_port" != "$PORT" ]]; then
      die "already running (pid $pid) on port $running_port, not $PORT; run 'restart' to change"
    fi
    echo "$pid" > "$PIDFILE"
    wait_bolt "$pid" "$START_TIMEOUT" || rc=$?
    if (( rc == 0 )); then
      log "already running (pid $pid)"
      print_uri
      return 0
    fi
    explain_wait_failure "$rc" "$pid"
    (( rc == 3 )) || show_logs
    exit 1
  fi
  rm -f "$PIDFILE"

  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (set JAVA_HOME or put java on PATH)"
  if port_open "$PORT"; then
    die "127.0.0.1:$PORT is already in use by another process (set NEO4J_BOLT_PORT)"
  fi

  fetch_jars
  write_conf
  set_initial_password

  server_cmd
  t0=$SECONDS
  LOG_OFFSET="$(stat -c %s "$CONSOLE_LOG" 2>/dev/null || echo 0)"
  log "starting Neo4j (run dir $RUN, console log $CONSOLE_LOG)"
  {
    echo "==== $(date -u '+%Y-%m-%d %H:%M:%S UTC') starting: ${CMD[*]}"
  } >> "$CONSOLE_LOG"
  # setsid: the server gets its own session, so a Ctrl-C aimed at the caller (e.g. pytest)
  # does not stop it. Without job control the child is no process-group leader, so setsid
  # execs in place and $! is the java process itself.
  # 9>&-: the server must not inherit the lock's file descriptor (it would hold the lock for
  # its whole life and block the next up/down).
  if command -v setsid >/dev/null 2>&1; then
    setsid "${CMD[@]}" >> "$CONSOLE_LOG" 2>&1 < /dev/null 9>&- &
  else
    "${CMD[@]}" >> "$CONSOLE_LOG" 2>&1 < /dev/null 9>&- &
  fi
  pid=$!
  echo "$pid" > "$PIDFILE"

  wait_bolt "$pid" "$START_TIMEOUT" || rc=$?
  if (( rc != 0 )); then
    explain_wait_failure "$rc" "$pid"
    show_logs
    if alive "$pid"; then
      log "stopping the half-started server (pid $pid)"
      stop_pid "$pid"
    fi
    rm -f "$PIDFILE"
    exit 1
  fi
  log "up: pid $pid, Bolt answered after $((SECONDS - t0))s"
  print_uri
}

stop_pid() {
  local pid="$1" deadline
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + STOP_TIMEOUT))
  while alive "$pid" && (( SECONDS < deadline )); do sleep 0.2; done
  if alive "$pid"; then
    log "pid $pid still alive ${STOP_TIMEOUT}s after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.1; done
  fi
}

cmd_down() {
  local pid t0
  pid="$(server_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PIDFILE"
    log "not running"
    return 0
  fi
  t0=$SECONDS
  log "stopping (pid $pid)"
  stop_pid "$pid"
  rm -f "$PIDFILE"
  log "stopped after $((SECONDS - t0))s"
}

cmd_status() {
  local pid port
  pid="$(server_pid)"
  if [[ -z "$pid" ]]; then
    echo "not running"
    return 1
  fi
  port="$(configured_port)"
  if port_open "$port"; then
    echo "running (pid $pid), Bolt on bolt://127.0.0.1:$port"
  else
    echo "running (pid $pid), Bolt port $port not open yet (starting or stopping)"
  fi
  return 0
}

cmd_reset() {
  cmd_down
  log "deleting $DATA"
  rm -rf "$DATA"
}

cmd_cmdline() {
  fetch_jars
  [[ -n "$(server_pid)" ]] || write_conf  # never rewrite the conf of a running server
  server_cmd
  echo "this script:  ${CMD[*]}"
  printf 'neo4j --dry-run: '
  NEO4J_HOME="$RUN" NEO4J_CONF="$CONF_DIR" "$JAVA" -cp "$LIB/*" \
    org.neo4j.server.startup.Neo4jCommand console --dry-run
}

usage() {
  sed -n '5,18p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit "$1"
}

case "${1:-}" in
  up)      take_lock; cmd_up ;;
  down)    take_lock; cmd_down ;;
  status)  cmd_status ;;
  restart) take_lock; cmd_down; cmd_up ;;
  reset)   take_lock; cmd_reset ;;
  cmdline) take_lock; cmd_cmdline ;;
  -h|--help|help) usage 0 ;;
  *) usage 2 ;;
esac
