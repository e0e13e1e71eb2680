# Sourced by run.sh --profile after the warm-up (hosts up, token minted, run_wrk defined). See build/bench/profile.sh.
# Each host under dotnet-trace (sampled thread time,
# speedscope) and dotnet-counters (System.Runtime), attributed by profile/attribute.py; then an untraced
# baseline/API ceiling pair (the ratio).

export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-trace >/dev/null && command -v dotnet-counters >/dev/null \
  || fail "dotnet-trace and dotnet-counters are needed: dotnet tool install -g dotnet-trace; dotnet tool install -g dotnet-counters"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
wrk_requests() { python3 -c 'import json,sys; print(json.loads(sys.argv[1].split("\t")[1])["requests"])' "$(cat "$work/phases.d/$1.tsv")"; }

# profile_host NAME PID URL PREFIX TOKEN
profile_host() {
  local name="$1" pid="$2" url="$3" prefix="$4" tok="$5" ticks0 ticks1 counters_pid trace_pid
  ticks0="$(cpu_ticks "$pid")"
  dotnet-counters collect -p "$pid" --counters System.Runtime --format csv --refresh-interval 1 --duration "00:00:00:$duration" -o "$work/counters-$name.csv" >"$work/counters-$name.log" 2>&1 &
  counters_pid=$!
  dotnet-trace collect -p "$pid" --profile dotnet-sampled-thread-time --format Speedscope -o "$work/trace-$name.nettrace" \
    --duration "00:00:00:$duration" >"$work/trace-$name.log" 2>&1 &
  trace_pid=$!
  sleep 1
  run_wrk "profile-$name" "$url" patient=100 "$prefix" "$tok"
  ticks1="$(cpu_ticks "$pid")"
  wait "$counters_pid" 2>/dev/null || true
  wait "$trace_pid" || { cat "$work/trace-$name.log" >&2; fail "dotnet-trace on $name"; }
  python3 "$BENCH/profile/attribute.py" --speedscope "$work/trace-$name.speedscope.json" --name "$name" \
    --cpu-seconds "$(python3 -c "print(($ticks1 - $ticks0) / $(getconf CLK_TCK))")" --requests "$(wrk_requests "profile-$name")" \
    --counters "$work/counters-$name.csv" >"$work/profile-$name.json" || fail "attributing the $name profile"
}

# An untraced pass over both hosts first: the 2 s warm-up leaves the hot paths at tier 0 on a loaded machine (a cold
# traced API spent a third of its samples in start-up work).
run_wrk warm-baseline "$base" patient=100 "" ""
run_wrk warm-api "$api" patient=100 /api/v1 "$token"
profile_host baseline "$base_pid" "$base" "" ""
profile_host api "$api_pid" "$api" /api/v1 "$token"
run_wrk ratio-baseline "$base" patient=100 "" ""
run_wrk ratio-api "$api" patient=100 /api/v1 "$token"

out="${out:-$BENCH/results/profile-$engine-$(date -u +%Y-%m-%d)-$size.md}"
python3 "$BENCH/profile/report.py" --work "$work" --engine "$engine" --size "$size" --duration "$duration" \
  --postgres "${pg_version:-n/a}" --fsync "$pg_fsync" --loadavg "at start $load_start, at the end $(cut -d' ' -f1-3 /proc/loadavg)" \
  --command "build/bench/profile.sh ${orig_args#--profile }" >"$out" || fail "profile report"
say "profile: $out"
