#!/usr/bin/env bash
# End-to-end checks of the README's documented entry points, run by bin/test after the Maven suite:
# each one is started exactly as a user starts it, in its own process, and judged from the outside
# (exit code, its own summary line, HTTP answers). Results go to target/entry-points/TEST-entry-points.xml,
# which bin/lib/test-summary.sh counts like any surefire report.
#
# Usage: bin/lib/entry-points.sh [NAME...]   (default: all; names: demo-local quickstart demo-local-serve
#                                             bench-rto bench-queue consumer-pom)
set -uo pipefail
cd "$(dirname "$0")/../.."
out="target/entry-points"
mkdir -p "$out"
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(demo-local quickstart demo-local-serve bench-rto bench-queue consumer-pom)

# The SLF4J API's own warnings when no binding (or several) is on the classpath.
slf4j_warning='SLF4J\(W\)|SLF4J: (No SLF4J providers|Failed to load class|Class path contains multiple)'

fail() { echo "$*" >> "$out/$name.failure"; }

# $1 log, $2 exit code, $3 expected summary regex (or empty)
judge() {
  local log="$1" rc="$2" want="$3"
  [ "$rc" -eq 0 ] || fail "exit code $rc (expected 0)"
  if [ -n "$want" ] && ! grep -qE "$want" "$log"; then fail "no line matching /$want/ in its output"; fi
  if grep -qE "$slf4j_warning" "$log"; then fail "SLF4J warned: $(grep -m1 -E "$slf4j_warning" "$log")"; fi
}

check_demo_local() {
  timeout 600 bin/demo --local > "$out/$name.log" 2>&1
  judge "$out/$name.log" $? '^\[demo\] summary: failover azure -> aws, .*, no order lost or processed twice; total'
}

check_quickstart() {   # the README's QuickStart command, word for word
  timeout 600 bin/run samples dev.cloudhop.samples.QuickStart samples/quickstart.conf > "$out/$name.log" 2>&1
  judge "$out/$name.log" $? ''
}

check_demo_local_serve() {
  local log="$out/$name.log" url="" pid
  setsid bin/demo --local --serve > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do   # at most 10 min: the build, then ~15 s of drills, then the page
    url=$(grep -oE '^\[demo\] serving http://127\.0\.0\.1:[0-9]+' "$log" | grep -oE 'http://.*' || true)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if [ -z "$url" ]; then
    fail "never said '[demo] serving http://...' (process $(kill -0 "$pid" 2>/dev/null && echo running || echo exited))"
  else
    local page status
    page=$(curl -sS --max-time 10 "$url/") || fail "GET $url/ failed"
    grep -q '<title>Cloudhop shop</title>' <<<"$page" || fail "GET $url/ did not return the shop's page"
    status=$(curl -sS --max-time 10 "$url/status") || fail "GET $url/status failed"
    python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["active"] and s["health"], s' "$status" \
      >/dev/null 2>&1 || fail "GET $url/status is not the status JSON: $status"
    echo "GET $url/status -> $status" >> "$log"
    local metrics
    metrics=$(curl -sS --max-time 10 "$url/metrics") || fail "GET $url/metrics failed"
    grep -q '^cloudhop_calls_seconds_count{' <<<"$metrics" && grep -q '^cloudhop_runbook_step_seconds_count{' <<<"$metrics" \
      || fail "GET $url/metrics has no cloudhop_calls / cloudhop_runbook_step series: $(head -c 300 <<<"$metrics")"
    echo "GET $url/metrics -> $(grep -c '^cloudhop_' <<<"$metrics") cloudhop_* samples" >> "$log"
  fi
  kill -TERM -- "-$pid" 2>/dev/null
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then fail "did not stop on SIGTERM"; kill -KILL -- "-$pid" 2>/dev/null; fi
  wait "$pid" 2>/dev/null
  judge "$log" 0 '^\[demo\] summary: .*no order lost or processed twice'
}

check_bench_rto() {
  timeout 600 bin/bench rto 2 > "$out/$name.log" 2>&1
  judge "$out/$name.log" $? '^RTO ms: +p50 [0-9.]+'
}

check_bench_queue() {
  timeout 600 bin/bench queue 2000 64 > "$out/$name.log" 2>&1
  judge "$out/$name.log" $? 'send\+receive\+ack concurrently: +[0-9,]+ msg/s'
}

check_consumer_pom() {   # a user's build: cloudhop-bom + failover + aws + azure, from the local repository
  timeout 600 bin/lib/consumer-build.sh > "$out/$name.log" 2>&1
  judge "$out/$name.log" $? '^consumer build OK$'
}

cases=""
failed=0
for name in "${names[@]}"; do
  fn="check_${name//-/_}"
  declare -F "$fn" >/dev/null || { echo "unknown entry point '$name'" >&2; exit 2; }
  rm -f "$out/$name.failure"
  t0=$(date +%s.%N)
  "$fn"
  secs=$(python3 -c "print(round($(date +%s.%N) - $t0, 1))")
  if [ -f "$out/$name.failure" ]; then
    failed=$((failed + 1))
    echo "[entry point] $name: FAILED in $secs s (log: $out/$name.log)"
    sed 's/^/    /' "$out/$name.failure"
    tail -n 20 "$out/$name.log" | sed 's/^/    | /'
    msg=$(python3 -c 'import sys,html; print(html.escape(open(sys.argv[1]).read(), quote=True))' "$out/$name.failure")
    cases+="  <testcase classname=\"entry-points\" name=\"$name\" time=\"$secs\"><failure message=\"$msg\"/></testcase>"$'\n'
  else
    echo "[entry point] $name: passed in $secs s"
    cases+="  <testcase classname=\"entry-points\" name=\"$name\" time=\"$secs\"/>"$'\n'
  fi
done
{
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo "<testsuite name=\"entry-points\" tests=\"${#names[@]}\" failures=\"$failed\" errors=\"0\" skipped=\"0\">"
  printf '%s' "$cases"
  echo '</testsuite>'
} > "$out/TEST-entry-points.xml"
[ "$failed" -eq 0 ]
