# fixture-lib.sh: the process handling of the fixture scripts (server-fixture.sh,
# cert-fixture.sh), which source it. Before calling, they set:
#   fixture       the script's name, the prefix of every message ("server-fixture")
#   program       the fixture process's name in messages ("csmail-server")
#   stop_timeout  seconds the process gets after SIGTERM before SIGKILL

# Is process $1 still alive (and not just a zombie waiting to be reaped)?
alive() {
    local pid=$1 state
    kill -0 "$pid" 2>/dev/null || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo "?")
    [ "$state" != "Z" ]
}

# Sends SIGTERM, waits up to $stop_timeout s, then SIGKILL. Fails if the process survives.
stop_pid() {
    local pid=$1 i
    alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < stop_timeout * 10; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    echo "$fixture: $program (pid $pid) ignored SIGTERM for ${stop_timeout} s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    echo "$fixture: $program (pid $pid) is still running" >&2
    return 1
}

# start_fixture DIR LOG TIMEOUT SHOW COMMAND...: empties DIR (stopping a process an earlier run
# left there), starts COMMAND detached with its output in LOG and its pid in DIR/fixture.pid,
# and waits up to TIMEOUT s until it has written DIR/ready; then prints the file SHOW. Exits
# the script: 0 when ready, 1 (with LOG) when the process died or the time ran out.
start_fixture() {
    local dir=$1 log=$2 timeout=$3 show=$4 pid i
    shift 4
    if [ -f "$dir/fixture.pid" ]; then
        stop_pid "$(cat "$dir/fixture.pid")" || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    # Detached from our stdout/stderr: ctest waits for the test's pipes to close, and the
    # process has to outlive this script.
    "$@" </dev/null >"$log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/fixture.pid"
    for ((i = 0; i < timeout * 10; i++)); do
        if [ -f "$dir/ready" ]; then
            echo "$fixture: $program pid $pid ready in $dir:"
            sed 's/^/  /' "$show"
            exit 0
        fi
        if ! alive "$pid"; then
            echo "$fixture: $program exited before writing $dir/ready; its output:" >&2
            sed 's/^/  /' "$log" >&2
            rm -f "$dir/fixture.pid"
            exit 1
        fi
        sleep 0.1
    done
    echo "$fixture: timeout: $program (pid $pid) did not write $dir/ready within ${timeout} s; its output:" >&2
    sed 's/^/  /' "$log" >&2
    stop_pid "$pid" || true
    rm -f "$dir/fixture.pid"
    exit 1
}

# stop_fixture PIDFILE LOG: stops the process recorded in PIDFILE and forgets it (LOG is shown
# when it had died already). Exits the script.
stop_fixture() {
    local pidfile=$1 log=$2 pid
    if [ ! -f "$pidfile" ]; then
        echo "$fixture: nothing recorded in $(dirname "$pidfile"); nothing to stop"
        exit 0
    fi
    pid=$(cat "$pidfile")
    if ! alive "$pid"; then
        echo "$fixture: $program (pid $pid) was not running any more; its output:" >&2
        sed 's/^/  /' "$log" >&2 || true
        rm -f "$pidfile"
        exit 0
    fi
    stop_pid "$pid"
    rm -f "$pidfile"
    echo "$fixture: $program pid $pid stopped"
    exit 0
}
