#!/usr/bin/env bash
# Benchmark: the HTTP gateway under bounded load (issue 9: N concurrent submissions of short clips; every 2xx job
# completes, the others get 429 or 503 with Retry-After, none is lost). Starts redis-server and BENCH_SILOS (default 2)
# `audiograins silo --http-port` processes on free loopback ports, sharing one folder store, with limits small enough
# that one burst shows all three outcomes:
#   - LOAD_KEYS API keys (default 3), one per simulated client; the driver spreads each key's requests over the
#     gateways, so every (gateway, key) rate-limit partition gets about N / (keys * silos) submissions;
#   - AudioGrains:Http:RateLimitPermits LOAD_PERMITS (default 40) per 60 s window, no queue: the rest is 429;
#   - AudioGrains:Http:MaxActiveJobs LOAD_MAX_ACTIVE (default 48), cluster-wide: past it, 503.
# Then runs bench/AudioGrains.HttpLoad (fires the N POST /jobs at once, each a distinct in-memory tone WAV of
# LOAD_CLIP_SECONDS (default 3) with one of four flag sets; polls every accepted job to its end within 10 min), measured
# by `measure` (its peak RSS), and reads the silos' VmHWM before stopping them. Prints a markdown table; the driver's
# JSON summary is kept in bench/out/http-load-<N>.json, the silo logs in bench/out/http-load-silo<i>.log.
#
#   bench/http-load.sh            # 300 submissions
#   bench/http-load.sh 60         # any N
#   BENCH_SILOS=1 LOAD_MAX_ACTIVE=16 bench/http-load.sh
#
# Exit status: the driver's (0: every accepted job completed, every refusal had Retry-After, only 2xx/429/503), or 1
# when something could not start, a silo died during the run, or a silo logged an error.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
source "$repo_root/bench/lib.sh"   # say, die, measure, mb
timeout_s="${BENCH_TIMEOUT:-900}"

requests="${1:-300}"
[[ "$requests" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive number of submissions (got '$requests')"
silos="${BENCH_SILOS:-2}"; [[ "$silos" =~ ^[12]$ ]] || die "BENCH_SILOS must be 1 or 2"
keys="${LOAD_KEYS:-3}"; [[ "$keys" =~ ^[1-9][0-9]?$ ]] || die "LOAD_KEYS must be 1 to 99"
permits="${LOAD_PERMITS:-40}"; [[ "$permits" =~ ^[1-9][0-9]*$ ]] || die "LOAD_PERMITS must be a positive number"
max_active="${LOAD_MAX_ACTIVE:-48}"; [[ "$max_active" =~ ^[1-9][0-9]*$ ]] || die "LOAD_MAX_ACTIVE must be a positive number"
clip_s="${LOAD_CLIP_SECONDS:-3}"
command -v redis-server >/dev/null || die "redis-server is not installed (scripts/test installs it)."
command -v jq >/dev/null || die "jq is not installed."
out_dir="$repo_root/bench/out"; mkdir -p "$out_dir"
dll="src/AudioGrains.Cli/bin/Release/net10.0/audiograins.dll"
"$repo_root/scripts/audiograins" --help >/dev/null || die "the CLI could not be built"
driver_dll="bench/AudioGrains.HttpLoad/bin/Release/net10.0/AudioGrains.HttpLoad.dll"
dotnet build bench/AudioGrains.HttpLoad -c Release -v quiet -nologo >/dev/null || die "bench/AudioGrains.HttpLoad could not be built"

work="$(mktemp -d "$out_dir/http-load.XXXXXX")"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
silo_pids=(); redis_pid=""
cleanup() {
  local p i
  # The silos first, together (up to ~30 s for a clean stop, then SIGKILL); Redis after them: a silo whose membership
  # table is gone cannot leave the cluster.
  for p in "${silo_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${silo_pids[@]}"; do
    for i in $(seq 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  [[ -z "$redis_pid" ]] || kill "$redis_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  for i in $(seq "${#silo_pids[@]}"); do cp -f "$work/silo$i.log" "$out_dir/http-load-silo$i.log" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

redis_port=$(port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
redis_pid=$!

# The silo verb builds its configuration from the environment too (SiloHost.Build): the limits go there.
api_keys=()
for i in $(seq "$keys"); do
  api_keys+=("load-client-$i-$RANDOM$RANDOM")
  export "AudioGrains__Http__ApiKeys__$((i - 1))=${api_keys[-1]}"
done
export AudioGrains__Http__RateLimitPermits="$permits" AudioGrains__Http__RateLimitWindow="00:01:00" \
  AudioGrains__Http__RateLimitQueue=0 AudioGrains__Http__MaxActiveJobs="$max_active"
urls=()
for i in $(seq "$silos"); do
  http_port=$(port)
  dotnet "$dll" silo --redis "127.0.0.1:$redis_port" --storage "$work/blobs" --temp "$work/temp$i" --http-port "$http_port" \
    >"$work/silo$i.log" 2>&1 &
  silo_pids+=($!)
  urls+=("http://127.0.0.1:$http_port")
done
for i in $(seq "$silos"); do
  for _ in $(seq 240); do
    grep -q "silo ready" "$work/silo$i.log" 2>/dev/null && break
    kill -0 "${silo_pids[$((i - 1))]}" 2>/dev/null || break
    sleep 0.5
  done
  grep -q "silo ready" "$work/silo$i.log" || { tail -20 "$work/silo$i.log" >&2; die "silo $i did not start"; }
  for _ in $(seq 60); do curl -fsS -o /dev/null --max-time 2 "${urls[$((i - 1))]}/health" 2>/dev/null && break; sleep 0.5; done
done
unset "${!AudioGrains__Http__@}"   # the driver is a client: it needs none of this

url_list="$(IFS=,; echo "${urls[*]}")"
key_list="$(IFS=,; echo "${api_keys[*]}")"
summary="$out_dir/http-load-$requests.json"
say "run: $requests submissions to $url_list ($keys clients; $permits submissions per client per minute per gateway; at most $max_active active jobs)"
measure "$summary" "$out_dir/http-load-$requests.log" \
  dotnet "$driver_dll" --url "$url_list" --requests "$requests" --keys "$key_list" --clip-seconds "$clip_s" \
    --deadline-s 600 --max-polls 20000 --poll-interval-ms 2000
driver_status="$m_status"

# The silos' own high-water marks (their ffmpeg children are not counted), read before they are stopped.
silo_hwm=(); dead=0
for i in $(seq "$silos"); do
  p="${silo_pids[$((i - 1))]}"
  if kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null) && [[ -n "$kb" ]]; then silo_hwm+=("$(mb "$kb")")
  else silo_hwm+=("gone"); dead=1; fi
done
errors=$(cat "$work"/silo*.log | grep -cE '^\[[0-9:.]+ (ERR|FTL)\]' || true)

[[ -s "$summary" ]] || { tail -20 "$out_dir/http-load-$requests.log" >&2; die "the driver printed no summary ($driver_status)"; }
j() { jq -r "$1" "$summary"; }
count() { j ".status_counts[\"$1\"] // 0"; }
other=$(j '[.status_counts | to_entries[] | select(.key | test("^(2..|429|503)$") | not) | .value] | add // 0')
accepted=$(j '[.status_counts | to_entries[] | select(.key | test("^2..$")) | .value] | add // 0')

echo "Command: \`bench/http-load.sh $requests\` ($silos silo(s) with --http-port, $keys API keys, RateLimitPermits $permits / 60 s per client and gateway,"
echo "MaxActiveJobs $max_active; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d))"
echo
echo "| figure | value |"
echo "|---|---:|"
echo "| submissions (${clip_s} s tone WAVs, $(j '.submit.seconds') s burst) | $requests |"
echo "| submit throughput, requests/s | $(j '.submit.requests_per_s') |"
echo "| submit latency p50 / p99 / max, ms (all) | $(j '.submit.latency_ms | "\(.p50) / \(.p99) / \(.max)"') |"
echo "| submit latency p50 / p99, ms (2xx / refused) | $(j '[.submit.accepted_latency_ms, .submit.refused_latency_ms] | map(if . then "\(.p50) / \(.p99)" else "-" end) | join(" ; ")') |"
echo "| 2xx / 429 / 503 / other | $accepted / $(count 429) / $(count 503) / $other |"
echo "| refusals with Retry-After | $(j '.refusals_have_retry_after') ($(j '[.retry_after_s | to_entries[] | "\(.key): \(.value | map(tostring) | join(","))"] | join("; ")') s) |"
echo "| accepted jobs completed / failed / lost | $(j '.accepted | "\(.completed) / \(.failed) / \(.lost)"') |"
echo "| burst start to last job completed, s | $(j '.completion.last_completed_s // "-"') |"
echo "| jobs completed per s | $(j '.completion.jobs_per_s // "-"') |"
echo "| polls (refused) | $(j '.polls | "\(.requests) (\(.refused))"') |"
echo "| peak RSS silos, MB (VmHWM each) | $(IFS=/; echo "${silo_hwm[*]}" | sed 's#/# / #g') |"
echo "| peak RSS driver, MB | $(mb "$m_hwm_kb") |"
echo "| silo log lines at ERR/FTL | $errors |"
echo
echo "Driver: $driver_status; summary in ${summary#"$repo_root"/}."
((dead == 0)) || die "a silo died during the run (see bench/out/http-load-silo*.log)"
((errors == 0)) || die "the silos logged $errors error(s) (see bench/out/http-load-silo*.log)"
[[ "$driver_status" == ok ]] || die "the driver's checks failed ($driver_status): see $summary"
