#!/usr/bin/env bash
# Local Neo4j 5.26 Community server for bcikg's tests and CI, without Docker.
#
# The server is the small Maven module neo4j-server/ (an embedded Neo4j with Bolt on),
# built on first use from Maven Central and then started with a plain `java -cp`,
# so later starts need no network. All state lives in .neo4j/ (git-ignored).
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/neo4j.sh COMMAND

Run a local Neo4j 5.26 Community server (Bolt only, auth on) for tests and CI.

Commands:
  up        build neo4j-server/ if needed, start the server in the background and
            wait until Bolt accepts the password; does nothing if already running
  down      stop cleanly (SIGTERM, then SIGKILL after NEO4J_STOP_TIMEOUT seconds)
  kill      stop at once with SIGKILL (for fault-tolerance tests; Neo4j recovers on next up)
  restart   down, then up
  status    print "running ..." (exit 0) or "stopped" (exit 1)
  logs      print the end of .neo4j/neo4j.log
  build     (re)build neo4j-server/ only
  -h, --help

Environment:
  NEO4J_URI            bolt://127.0.0.1:7687 by default; the port is taken from it
                       (bolt:// or neo4j://, host must be 127.0.0.1 or localhost)
  NEO4J_PASSWORD       password of user neo4j (at least 8 characters). When unset or
                       empty, a random one is made on the first up, kept in
                       .neo4j/password and reused afterwards
  NEO4J_USER           must be neo4j (the only user this server sets up)
  NEO4J_DATABASE       must be neo4j (Community has one user database)
  NEO4J_HEAP           JVM heap, default 1g
  NEO4J_PAGECACHE_MB   page cache in MiB, default 512
  NEO4J_START_TIMEOUT  seconds to wait for Bolt on up, default 180
  NEO4J_STOP_TIMEOUT   seconds to wait for a clean stop before SIGKILL, default 60
  BCIKG_MVN_ARGS       extra arguments for the Maven build (e.g. -Dmaven.repo.local=...)
  BCIKG_NEO4J_HOME     state folder (data, logs, password, env), default .neo4j/ in the project;
                       give a second instance its own folder and a different port

After a successful up, .neo4j/env holds NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and
NEO4J_DATABASE (KEY=value lines) for the Makefile and the tests. The password is
never printed.
EOF
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/neo4j-server"
TARGET="$MODULE/target"
JAR="$TARGET/neo4j-server.jar"
BUILD_STAMP="$TARGET/.build-ok"      # written only after a complete build (jar + lib/)
MAIN_CLASS="bcikg.neo4jserver.Main"
STATE="${BCIKG_NEO4J_HOME:-$ROOT/.neo4j}"   # a second instance needs its own state folder and port
PID_FILE="$STATE/neo4j.pid"
PORT_FILE="$STATE/neo4j.port"
LOG_FILE="$STATE/neo4j.log"
PW_FILE="$STATE/password"
ENV_FILE="$STATE/env"
LOCK_FILE="$STATE/lock"

START_TIMEOUT="${NEO4J_START_TIMEOUT:-180}"
STOP_TIMEOUT="${NEO4J_STOP_TIMEOUT:-60}"
HEAP="${NEO4J_HEAP:-1g}"
PAGECACHE_MB="${NEO4J_PAGECACHE_MB:-512}"

log() { printf 'neo4j.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

show_log_tail() {
    if [[ -f "$LOG_FILE" ]]; then
        log "last lines of $LOG_FILE:"
        tail -n "${1:-40}" "$LOG_FILE" >&2
    fi
}

# --- settings ---------------------------------------------------------------

# Sets URI, HOST, PORT from NEO4J_URI. Only a local, unencrypted server is managed here.
parse_uri() {
    URI="${NEO4J_URI:-bolt://127.0.0.1:7687}"
    local re='^(bolt|neo4j)://([^:/]+)(:([0-9]+))?/?$'
    [[ "$URI" =~ $re ]] || die "NEO4J_URI=$URI: expected bolt://HOST:PORT or neo4j://HOST:PORT (no TLS)"
    local host="${BASH_REMATCH[2]}"
    PORT="${BASH_REMATCH[4]:-7687}"
    case "$host" in
        localhost | 127.*) HOST=127.0.0.1 ;;
        *) die "NEO4J_URI=$URI: this script only runs a server on 127.0.0.1; use another host's server directly" ;;
    esac
    ((PORT > 0 && PORT < 65536)) || die "NEO4J_URI=$URI: bad port"
}

check_user_and_database() {
    [[ "${NEO4J_USER:-neo4j}" == neo4j ]] || die "NEO4J_USER=$NEO4J_USER: the local server only sets up user neo4j"
    [[ "${NEO4J_DATABASE:-neo4j}" == neo4j ]] || die "NEO4J_DATABASE=$NEO4J_DATABASE: Community has only the neo4j database"
}

# Sets PASSWORD: NEO4J_PASSWORD if given, else the one kept in .neo4j/password, else a new one.
resolve_password() {
    if [[ -n "${NEO4J_PASSWORD:-}" ]]; then
        PASSWORD="$NEO4J_PASSWORD"
    elif [[ -s "$PW_FILE" ]]; then
        PASSWORD="$(<"$PW_FILE")"
    else
        # Python's secrets module: a URL-safe password, no shell-special characters.
        PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
        (umask 077 && printf '%s\n' "$PASSWORD" >"$PW_FILE")
        log "generated a new password in .neo4j/password"
    fi
    # Neo4j refuses passwords shorter than 8 characters.
    ((${#PASSWORD} >= 8)) || die "NEO4J_PASSWORD must be at least 8 characters long"
}

# KEY=value as both `source` (bash) and Makefile `include` read it: bare when the value
# has only safe characters, else single-quoted for the shell.
env_line() {
    local key="$1" value="$2"
    if [[ "$value" =~ ^[A-Za-z0-9_@%+=:,./-]*$ ]]; then
        printf '%s=%s\n' "$key" "$value"
    else
        printf "%s='%s'\n" "$key" "${value//\'/\'\\\'\'}"
    fi
}

write_env_file() {
    local tmp="$ENV_FILE.tmp"
    (
        umask 077
        {
            echo "# Written by scripts/neo4j.sh up; settings of the running local Neo4j."
            env_line NEO4J_URI "$URI"
            env_line NEO4J_USER neo4j
            env_line NEO4J_PASSWORD "$PASSWORD"
            env_line NEO4J_DATABASE neo4j
        } >"$tmp"
    )
    mv -f "$tmp" "$ENV_FILE"
}

# --- tools ------------------------------------------------------------------

java_bin() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        echo "$JAVA_HOME/bin/java"
    else
        command -v java || die "java not found (Neo4j 5.26 needs Java 17 or 21)"
    fi
}

# The project venv has the official neo4j driver, which makes the readiness check a real
# query; without it boltcheck.py falls back to a standard-library Bolt login.
python_bin() {
    if [[ -x "$ROOT/.venv/bin/python" ]]; then
        echo "$ROOT/.venv/bin/python"
    else
        command -v python3 || die "python3 not found"
    fi
}

bolt_check() { # bolt_check TIMEOUT [extra boltcheck args...]
    local timeout="$1"
    shift
    NEO4J_PASSWORD="$PASSWORD" "$(python_bin)" "$MODULE/boltcheck.py" \
        --uri "$URI" --user neo4j --database neo4j --timeout "$timeout" "$@"
}

# --- build ------------------------------------------------------------------

needs_build() {
    [[ -f "$BUILD_STAMP" && -f "$JAR" && -d "$TARGET/lib" ]] || return 0
    # Rebuild when the pom or any source is newer than the last complete build.
    [[ -n "$(find "$MODULE/pom.xml" "$MODULE/src" -newer "$BUILD_STAMP" -print -quit)" ]]
}

build() {
    command -v mvn >/dev/null || die "mvn not found (Maven 3.8+ is needed for the first build)"
    log "building neo4j-server/ (Maven; the first build downloads Neo4j from Maven Central)"
    local started=$SECONDS build_log="$STATE/build.log"
    rm -f "$BUILD_STAMP"
    # shellcheck disable=SC2086  # BCIKG_MVN_ARGS is a list of words on purpose
    # -ntp: no download progress in the log; the wagon retries ride out a flaky network.
    if ! mvn -B -ntp -f "$MODULE/pom.xml" \
        -Dmaven.wagon.http.retryHandler.count=3 -Dmaven.wagon.httpconnectionManager.ttlSeconds=25 \
        ${BCIKG_MVN_ARGS:-} clean package >"$build_log" 2>&1; then
        log "Maven build failed; last lines of $build_log:"
        tail -n 60 "$build_log" >&2
        exit 1
    fi
    touch "$BUILD_STAMP"
    log "built in $((SECONDS - started))s"
}

# --- process ----------------------------------------------------------------

# Prints the server pid if the pid file names a live process that is our server
# (a pid can be reused after a crash, so check the command line too).
running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(<"$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"$MAIN_CLASS"* ]] || return 1
    ! process_gone "$pid" || return 1
    echo "$pid"
}

# True once PID has fully exited. An exited process whose parent has not reaped it yet
# (a zombie) counts as gone, but only when its last thread is gone too: the JVM's
# main thread turns zombie while other threads still hold the store lock and the port.
process_gone() {
    local pid="$1"
    kill -0 "$pid" 2>/dev/null || return 0
    [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] || return 1
    local tasks=("/proc/$pid/task/"*)
    ((${#tasks[@]} <= 1))
}

wait_gone() { # wait_gone PID SECONDS -> 0 when gone
    local pid="$1" deadline=$((SECONDS + $2))
    until process_gone "$pid"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

port_in_use() {
    # bash's /dev/tcp: connecting succeeds only if something listens.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_server() {
    local java
    java="$(java_bin)"
    # A port just freed by a killed server can take a moment; a foreign listener stays.
    local tries=0
    while port_in_use "$PORT"; do
        ((++tries < 20)) || die "port $PORT on 127.0.0.1 is already in use by another process (set NEO4J_URI to use another port)"
        sleep 0.5
    done
    {
        echo
        echo "==== $(date '+%Y-%m-%d %H:%M:%S') scripts/neo4j.sh up (port $PORT) ===="
    } >>"$LOG_FILE"
    local jvm_opts=(
        "-Xmx$HEAP"
        -XX:+UseG1GC
        -XX:-OmitStackTraceInFastThrow
        -XX:+ExitOnOutOfMemoryError          # die loudly rather than limp on
        # The same opens and flags the Neo4j server launcher passes on Java 17+.
        --add-opens=java.base/java.nio=ALL-UNNAMED
        --add-opens=java.base/java.io=ALL-UNNAMED
        --add-opens=java.base/java.lang=ALL-UNNAMED
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
        -Dio.netty.tryReflectionSetAccessible=true
        -Djdk.nio.maxCachedBufferSize=1024
        -Dlog4j2.disable.jmx=true
        -Dfile.encoding=UTF-8
    )
    # setsid: own session, so a Ctrl-C in the shell or test runner that called `up`
    # does not take the server down with it; `down` stops it. The password goes through
    # the environment, not argv, to keep it out of `ps`.
    (
        cd "$ROOT"
        exec 9>&- # the lock fd: the server must not hold our command lock while it runs
        NEO4J_PASSWORD="$PASSWORD" exec setsid "$java" "${jvm_opts[@]}" \
            -cp "$JAR:$TARGET/lib/*" "$MAIN_CLASS" \
            --home "$STATE" --host "$HOST" --port "$PORT" --pagecache-mb "$PAGECACHE_MB" \
            >>"$LOG_FILE" 2>&1 </dev/null
    ) &
    local pid=$!
    echo "$pid" >"$PID_FILE"
    echo "$PORT" >"$PORT_FILE"
    log "started server pid $pid, waiting for Bolt on $URI (timeout ${START_TIMEOUT}s)"

    local started=$SECONDS rc=0
    bolt_check "$START_TIMEOUT" --pid "$pid" || rc=$?
    if ((rc != 0)); then
        case $rc in
            2) log "error: the server exited during startup" ;;
            1) log "error: Bolt did not accept the login within ${START_TIMEOUT}s" ;;
            *) log "error: readiness check failed (code $rc)" ;;
        esac
        show_log_tail 40
        stop_pid "$pid" 20 || true
        rm -f "$PID_FILE" "$PORT_FILE"
        exit 1
    fi
    write_env_file
    log "up: $URI answers (user neo4j, database neo4j) after $((SECONDS - started))s; settings in .neo4j/env"
}

stop_pid() { # stop_pid PID TIMEOUT: SIGTERM, wait, SIGKILL
    local pid="$1" timeout="$2"
    kill -TERM "$pid" 2>/dev/null || return 0
    if wait_gone "$pid" "$timeout"; then
        return 0
    fi
    log "no clean stop after ${timeout}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 30
}

# --- commands ---------------------------------------------------------------

cmd_up() {
    parse_uri
    check_user_and_database
    resolve_password
    local pid
    if pid="$(running_pid)"; then
        local running_port
        running_port="$(cat "$PORT_FILE" 2>/dev/null || echo '?')"
        if [[ "$running_port" != "$PORT" ]]; then
            die "a server is already running on port $running_port (pid $pid), not $PORT; run 'scripts/neo4j.sh down' first"
        fi
        local rc=0
        bolt_check 60 --pid "$pid" --fail-on-auth-error || rc=$?
        case $rc in
            0) ;;
            3) die "the running server (pid $pid) refuses this password; 'scripts/neo4j.sh restart' applies the new one" ;;
            *) show_log_tail 20; die "the running server (pid $pid) does not answer on $URI" ;;
        esac
        write_env_file
        log "already running (pid $pid) on $URI"
        return 0
    fi
    rm -f "$PID_FILE" "$PORT_FILE"
    if needs_build; then
        build
    fi
    start_server
}

cmd_down() {
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$PID_FILE" "$PORT_FILE"
        log "already stopped"
        return 0
    fi
    log "stopping pid $pid"
    local started=$SECONDS
    stop_pid "$pid" "$STOP_TIMEOUT" || die "pid $pid did not exit"
    rm -f "$PID_FILE" "$PORT_FILE"
    log "stopped in $((SECONDS - started))s"
}

cmd_kill() {
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$PID_FILE" "$PORT_FILE"
        log "already stopped"
        return 0
    fi
    kill -KILL "$pid" 2>/dev/null || true
    # Wait until it is really gone, so the store lock and the port are free for the next up.
    wait_gone "$pid" 30 || die "pid $pid survived SIGKILL"
    rm -f "$PID_FILE" "$PORT_FILE"
    log "killed pid $pid"
}

cmd_status() {
    local pid
    if pid="$(running_pid)"; then
        echo "running (pid $pid, port $(cat "$PORT_FILE" 2>/dev/null || echo '?'))"
        return 0
    fi
    echo "stopped"
    return 1
}

main() {
    local cmd="${1:-}"
    case "$cmd" in
        -h | --help | help) usage; return 0 ;;
        up | down | kill | restart | status | logs | build) ;;
        "") usage >&2; return 2 ;;
        *) log "unknown command: $cmd"; usage >&2; return 2 ;;
    esac
    mkdir -p "$STATE"
    case "$cmd" in
        status) if cmd_status; then return 0; else return 1; fi ;;
        logs) show_log_tail 100 2>&1; return 0 ;;
    esac
    # One command at a time: parallel test workers or make targets must not race on
    # the pid file or start two JVMs on the same store.
    exec 9>"$LOCK_FILE"
    flock -w 600 9 || die "another scripts/neo4j.sh command holds $LOCK_FILE"
    case "$cmd" in
        up) cmd_up ;;
        down) cmd_down ;;
        kill) cmd_kill ;;
        restart) cmd_down; cmd_up ;;
        build)
            # Rebuilding deletes the jars under a running JVM.
            if running_pid >/dev/null; then die "the server is running; run 'scripts/neo4j.sh down' first"; fi
            build
            ;;
    esac
}

main "$@"
