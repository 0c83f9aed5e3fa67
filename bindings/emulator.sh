# Sourced by bindings/{go,java,js}/ci.sh: runs `register-usage-jwt emulate` for a binding's
# start-up example and checks what the example did. Needs, set by the caller: OUT (a
# scratch directory), EMULATOR (the CLI binary) and a `fail MESSAGE` function.
#
#   start_emulator [emulate flags...]   (re)starts it on a free port; sets URL
#   stop_emulator                       the caller traps it on EXIT
#   expect_run NAME STATUS TEXT CMD...  runs CMD; fails unless it exits STATUS and prints TEXT
#   expect_calls N NAME                 fails unless the emulator saw N RegisterUsage calls

EMU_PID=
stop_emulator() {
    if [ -n "$EMU_PID" ]; then kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; fi
    EMU_PID=
}
start_emulator() {
    stop_emulator
    : >"$OUT/emulator.out"
    "$EMULATOR" emulate --listen 127.0.0.1:0 "$@" >"$OUT/emulator.out" 2>"$OUT/emulator.log" &
    EMU_PID=$!
    for _ in $(seq 100); do
        URL=$(sed -n 's/^listening on //p' "$OUT/emulator.out")
        [ -n "$URL" ] && return 0
        sleep 0.1
    done
    cat "$OUT/emulator.log"
    fail "the emulator printed no address"
}
calls() {
    python3 -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1]).read().decode())" "$URL/_emulator/calls"
}
expect_run() {
    local name=$1 want=$2 text=$3 got=0
    shift 3
    "$@" >"$OUT/run.log" 2>&1 || got=$?
    cat "$OUT/run.log"
    [ "$got" -eq "$want" ] || fail "$name: exit status $got, expected $want"
    grep -q -- "$text" "$OUT/run.log" || fail "$name: output lacks '$text'"
    echo "ok: $name"
}
expect_calls() {
    local got
    got=$(calls)
    echo "$got" | grep -q "\"RegisterUsage\":$1[,}]" || fail "$2: emulator calls $got, expected RegisterUsage $1"
}
