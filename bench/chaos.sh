#!/usr/bin/env bash
# Chaos harness (issue 12): a loopback cluster (scripts/cluster: Redis with AOF, S3 or a folder, 3 silos, each
# serving HTTP), several jobs in flight with mixed inputs and options, and one fault per trial at a seeded random
# moment. Each trial checks that every job completes with the bytes a fault-free `audiograins normalize` gives, and
# times fault -> progress (any job's progress moves) and fault -> all done.
#
#   bench/chaos.sh                                  # 3 trials of kill9, random seed (printed)
#   bench/chaos.sh --trials 50 --seed 7 --faults kill9
#   bench/chaos.sh --trials 10 --faults sigterm,redis3,redis15,redis60,s3,allsilos
#   bench/chaos.sh --jobs 3 --seconds 600 --budget 1800 --storage folder
#
# Faults: kill9 (kill -9 of a random silo, then a replacement starts), sigterm (SIGTERM of a random silo, then a
# replacement), redisN (kill -9 of Redis, restarted on its AOF after N s), s3 (s3rver restarted on its data),
# allsilos (kill -9 of every silo, then 3 new ones). The trial's randomness (fault, silo, moment) comes from the seed.
# Bounded: each trial ends after --trial-timeout s (default 240); the run stops starting trials after --budget s.
# Output: a markdown table (also bench/out/chaos-<timestamp>.md) and the lines "trials: N, passed: P".
# Exit: 0 every trial passed; 1 a trial failed; 2 bad usage or the setup failed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=bench/lib.sh
source "$repo_root/bench/lib.sh"   # say, die

trials=3 seed="" faults="kill9" jobs=3 seconds=600 budget=1800 trial_timeout=240 storage=""
while (($#)); do
  case "$1" in
    --trials) trials="${2:?}"; shift 2 ;;
    --seed) seed="${2:?}"; shift 2 ;;
    --faults) faults="${2:?}"; shift 2 ;;
    --jobs) jobs="${2:?}"; shift 2 ;;
    --seconds) seconds="${2:?}"; shift 2 ;;
    --budget) budget="${2:?}"; shift 2 ;;
    --trial-timeout) trial_timeout="${2:?}"; shift 2 ;;
    --storage) storage="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for v in trials jobs seconds budget trial_timeout; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "bench: --${v//_/-} must be a positive number" >&2; exit 2; }
done
[[ -n "$seed" ]] || seed=$((RANDOM * 32768 + RANDOM))
[[ "$seed" =~ ^[0-9]+$ ]] || { echo "bench: --seed must be a number" >&2; exit 2; }
IFS=, read -r -a fault_list <<<"$faults"
for f in "${fault_list[@]}"; do
  [[ "$f" =~ ^(kill9|sigterm|redis[0-9]+|s3|allsilos)$ ]] || { echo "bench: unknown fault '$f'" >&2; exit 2; }
done
say "seed $seed; $trials trials of ${faults}; $jobs jobs per trial, ${seconds} s inputs"

out_dir="$repo_root/bench/out"; mkdir -p "$out_dir"
work="$(mktemp -d "$out_dir/chaos.XXXXXX")"
export AUDIOGRAINS_CLUSTER_DIR="$work/cluster"
cluster() { "$repo_root/scripts/cluster" "$@"; }
cleanup() { cluster down --purge >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
"$repo_root/scripts/audiograins" --help >/dev/null || die "the CLI could not be built"
dll="$repo_root/src/AudioGrains.Cli/bin/Release/net10.0/audiograins.dll"

# --- inputs, job kinds and their fault-free outputs ----------------------------------------------------------------
voice="0.3*sin(2*PI*(170+40*sin(2*PI*0.5*t))*t)*(0.55+0.45*sin(2*PI*3.7*t))*gt(sin(2*PI*0.21*t),-0.4)"
ffmpeg -v error -y -f lavfi -i "aevalsrc='$voice':s=44100:d=$seconds" -f lavfi -i "anoisesrc=c=pink:a=0.03:r=44100:d=$seconds:seed=3" \
  -filter_complex "amix=inputs=2:normalize=0,pan=stereo|c0=c0|c1=0.9*c0" -c:a libmp3lame -b:a 128k "$work/a.mp3"
ffmpeg -v error -y -i "$work/a.mp3" -af "atempo=1.1,volume=-6dB" -c:a aac -b:a 96k "$work/b.m4a"
ffmpeg -v error -y -f lavfi -i "aevalsrc='$voice':s=22050:d=$seconds" -f lavfi -i "anoisesrc=c=brown:a=0.05:r=22050:d=$seconds:seed=5" \
  -filter_complex "amix=inputs=2:normalize=0" -c:a pcm_s16le "$work/c.wav"
kinds=("a.mp3|wav|--format wav" "b.m4a|opus|--format opus --denoise stationary --highpass 80" "c.wav|wav|--format wav --denoise nonstationary"
       "a.mp3|opus|--format opus --chunk-seconds 10")
declare -A reference
for k in "${!kinds[@]}"; do
  IFS='|' read -r in ext opts <<<"${kinds[$k]}"
  # shellcheck disable=SC2086  # opts are words
  dotnet "$dll" normalize "$work/$in" -o "$work/ref-$k.$ext" $opts >/dev/null 2>"$work/ref-$k.log" || die "fault-free normalize of kind $k failed (see $work/ref-$k.log)"
  reference[$k]="$(sha256sum "$work/ref-$k.$ext" | cut -d' ' -f1)"
done
say "fault-free outputs of ${#kinds[@]} job kinds ready"

# --- the cluster ----------------------------------------------------------------------------------------------------
up_args=(up 3 --http-all); [[ -n "$storage" ]] && up_args+=(--storage "$storage")
cluster "${up_args[@]}" >"$work/up.env" 2>"$work/up.log" || { tail -n 20 "$work/up.log" >&2; die "the cluster did not start"; }
redis_url="redis://$(sed -n 's/^REDIS=//p' "$work/up.env")"
state="$AUDIOGRAINS_CLUSTER_DIR"

silo_pids() { local f; for f in "$state"/silos/*.env; do [[ -e "$f" ]] && (source "$f"; kill -0 "$pid" 2>/dev/null && echo "$pid"); done; true; }
http_ports() { local f; for f in "$state"/silos/*.env; do [[ -e "$f" ]] && (source "$f"; kill -0 "$pid" 2>/dev/null && [[ "${http:-0}" != 0 ]] && echo "$http"); done; true; }
job_field() {  # job_field ID: "status progress" from the first silo that answers
  local p doc
  for p in $(http_ports); do
    doc="$(curl -s -m 2 "http://127.0.0.1:$p/jobs/$1" 2>/dev/null)" || continue
    [[ "$doc" == *'"status"'* ]] || continue
    echo "$(sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$doc") $(sed -n 's/.*"progress":\([0-9]*\).*/\1/p' <<<"$doc")"
    return 0
  done
  echo "unknown -1"
}
restart_redis() {
  local port; port="$(sed -n 's/^redis_port=//p' "$state/cluster.env")"
  setsid redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes --daemonize no --appendonly yes \
    --appendfsync everysec --save '' --dir "$state/redis" >>"$state/redis.log" 2>&1 </dev/null &
  local pid=$!
  sed -i "s/^redis_pid=.*/redis_pid=$pid/" "$state/cluster.env"
}
restart_s3() {
  local pid; pid="$(sed -n 's/^s3_pid=//p' "$state/cluster.env")"
  [[ -n "$pid" ]] || return 1
  local cmd; cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
  kill -9 "$pid"; sleep 2
  # shellcheck disable=SC2086  # s3rver's own command line, as scripts/cluster started it
  setsid $cmd >>"$state/s3rver.log" 2>&1 </dev/null &
  sed -i "s/^s3_pid=.*/s3_pid=$!/" "$state/cluster.env"
}

# --- trials -----------------------------------------------------------------------------------------------------------
rows=() progress_s=() passed=0 run=0 started=$SECONDS
for ((t = 1; t <= trials; t++)); do
  ((SECONDS - started < budget)) || { say "budget of $budget s spent: stopping after $run trials"; break; }
  RANDOM=$((seed + t))
  fault="${fault_list[RANDOM % ${#fault_list[@]}]}"
  delay=$((RANDOM % 4))
  ids=() kind_of=()
  for ((j = 0; j < jobs; j++)); do
    k=$(((t + j) % ${#kinds[@]}))
    IFS='|' read -r in ext opts <<<"${kinds[$k]}"
    # shellcheck disable=SC2086
    id="$(dotnet "$dll" submit "$work/$in" --cluster "$redis_url" --json $opts 2>>"$work/submit.log" | sed -n 's/.*"job_id":"\([0-9a-f]*\)".*/\1/p')"
    [[ -n "$id" ]] || die "trial $t: submit failed (see $work/submit.log)"
    ids+=("$id"); kind_of+=("$k")
  done
  sleep "$delay"
  declare -A at_fault=()
  for id in "${ids[@]}"; do read -r _ p < <(job_field "$id"); at_fault[$id]="$p"; done
  pids=($(silo_pids))
  target="-"
  t0=$EPOCHREALTIME
  case "$fault" in
    kill9|sigterm)
      victim="${pids[RANDOM % ${#pids[@]}]}"; target="silo pid $victim"
      kill "$([[ "$fault" == kill9 ]] && echo -9 || echo -TERM)" "$victim"
      ( sleep 3; cluster scale 3 >/dev/null 2>&1 ) & ;;
    redis*)
      down="${fault#redis}"; target="Redis ${down} s"
      kill -9 "$(sed -n 's/^redis_pid=//p' "$state/cluster.env")"
      ( sleep "$down"; restart_redis ) & ;;
    s3) target="s3rver"; restart_s3 & ;;
    allsilos)
      target="${#pids[@]} silos"; kill -9 "${pids[@]}"
      ( sleep 1; cluster scale 3 >/dev/null 2>&1 ) & ;;
  esac
  # Progress after the fault is the slowest job's: each job's first poll showing more progress (or its end) than at
  # the fault; the job the fault hit is the one that takes longest.
  declare -A moved_at=()
  moved="" done_s="" ok=1 lost=0 same=0
  while :; do
    now=$EPOCHREALTIME; el=$(awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.1f", b - a }')
    all_done=1
    for id in "${ids[@]}"; do
      read -r st p < <(job_field "$id")
      if [[ -z "${moved_at[$id]:-}" ]] && { [[ "$st" == completed ]] || ((${p:-0} > ${at_fault[$id]:-0})); }; then moved_at[$id]="$el"; fi
      case "$st" in completed|failed|cancelled|expired) ;; *) all_done=0 ;; esac
    done
    if [[ -z "$moved" && ${#moved_at[@]} -eq ${#ids[@]} ]]; then
      moved="$(printf '%s\n' "${moved_at[@]}" | sort -n | tail -n 1)"
    fi
    ((all_done)) && { done_s="$el"; break; }
    awk -v e="$el" -v m="$trial_timeout" 'BEGIN { exit !(e >= m) }' && break
    sleep 0.5
  done
  wait 2>/dev/null || true
  for i in "${!ids[@]}"; do
    id="${ids[$i]}" k="${kind_of[$i]}"; IFS='|' read -r _ ext _ <<<"${kinds[$k]}"
    if dotnet "$dll" download "$id" -o "$work/out-$t-$i.$ext" --cluster "$redis_url" >/dev/null 2>>"$work/download.log" \
       && [[ "$(sha256sum "$work/out-$t-$i.$ext" | cut -d' ' -f1)" == "${reference[$k]}" ]]; then
      same=$((same + 1))
    else
      read -r st _ < <(job_field "$id"); lost=$((lost + 1)); ok=0
      say "trial $t: job $id (kind $k) is $st, or its output differs"
    fi
    rm -f "$work/out-$t-$i.$ext"
  done
  [[ -n "$done_s" ]] || ok=0
  run=$((run + 1)); ((ok)) && passed=$((passed + 1))
  [[ -n "$moved" ]] && progress_s+=("$moved")
  rows+=("| $t | $fault | $target | $delay | $same / ${#ids[@]} | ${moved:--} | ${done_s:-timeout} | $( ((ok)) && echo pass || echo "**fail**") |")
  say "trial $t: $fault ($target) after ${delay} s: ${same}/${#ids[@]} identical, progress +${moved:--} s, done +${done_s:-timeout} s"
  # Every trial starts with 3 silos and Redis up.
  cluster scale 3 >/dev/null 2>&1 || true
done

report="$out_dir/chaos-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "Command: \`bench/chaos.sh --trials $trials --seed $seed --faults $faults --jobs $jobs --seconds $seconds\` ($(nproc) cores, commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d))"
  echo
  echo "| trial | fault | target | at s | identical outputs | fault → every job progressed s | fault → all done s | result |"
  echo "|---:|---|---|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
  echo
  if ((${#progress_s[@]})); then
    printf '%s\n' "${progress_s[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "fault → progress: p50 %.1f s, max %.1f s over %d trials\n", v[int((NR + 1) / 2)], v[NR], NR }'
  fi
  echo "trials: $run, passed: $passed"
} | tee "$report"
say "report saved: ${report#"$repo_root"/}"
((run > 0 && passed == run))
