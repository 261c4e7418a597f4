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
#   bench/chaos.sh --trials 4 --seed 11 --faults chunk-transient,chunk-permanent,chunk-slow,fulltmp --seconds 120
#   bench/chaos.sh --trials 4 --faults kill9,redis3,s3,chunk-transient --in-turn --out-dir DIR   # the suite's short form
#
# Faults: kill9 (kill -9 of a random silo, then a replacement starts), sigterm (SIGTERM of a random silo, then a
# replacement), redisN (kill -9 of Redis, restarted on its AOF after N s), s3 (s3rver restarted on its data),
# allsilos (kill -9 of every silo, then 3 new ones). The trial's randomness (fault, silo, moment) comes from the seed.
# Injected by configuration (docs/fault-injection.md; the silos poll a faults file, so these are set before the
# jobs are submitted): chunk-transient (chunk 1 of every job fails twice), chunk-permanent (chunk 1 always fails: every
# job must be dead-lettered naming it; the fault is lifted and each job retried with `audiograins retry`),
# chunk-slow (chunk 1's first try waits 120 s, past the cluster's 30 s chunk timeout). For the chunk faults every chunk
# must also be computed at most once (from the silos' logs). fulltmp: a 64 KB tmpfs over a random silo's temp folder
# (root and S3 storage); each job completes or fails with insufficient-disk, and nothing is left in the tmpfs.
# --in-turn: trial t takes the t-th fault of the list (cycling) instead of a seeded draw, so a short run covers each.
# --at S: the fault comes S s after the last submission instead of a drawn 0-3 s. Each trial's line says how many of
# its jobs were still in flight at the fault (a fault after they all finished tests nothing).
# --out-dir DIR: the working folder and the report go there (default bench/out). AUDIOGRAINS_CLI_DIR: a built CLI's
# folder to run instead of the Release build (the suite passes the build it tests).
# Bounded: each trial ends after --trial-timeout s (default 240); the run stops starting trials after --budget s.
# Output: a markdown table (also bench/out/chaos-<timestamp>.md) and the lines "trials: N, passed: P". A failed trial
# keeps the logs so far and each job's status from every gateway in bench/out/chaos-failed-<timestamp>-trial-N/;
# --keep-logs keeps them for every trial (bench/out/chaos-<timestamp>-trial-N/), to read a passing trial's timeline.
# Exit: 0 every trial passed; 1 a trial failed; 2 bad usage or the setup failed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=bench/lib.sh
source "$repo_root/bench/lib.sh"   # say, die

trials=3 seed="" faults="kill9" jobs=3 seconds=600 budget=1800 trial_timeout=240 storage="" in_turn=0 at="" out_dir="$repo_root/bench/out"
keep_logs=0
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
    --in-turn) in_turn=1; shift ;;
    --keep-logs) keep_logs=1; shift ;;
    --at) at="${2:?}"; shift 2 ;;
    --out-dir) out_dir="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
  [[ "$f" =~ ^(kill9|sigterm|redis[0-9]+|s3|allsilos|chunk-transient|chunk-permanent|chunk-slow|fulltmp)$ ]] || { echo "bench: unknown fault '$f'" >&2; exit 2; }
  if [[ "$f" == fulltmp ]]; then
    [[ "$storage" != folder ]] || { echo "bench: fulltmp needs S3 storage (a folder store stages nothing in the temp folders)" >&2; exit 2; }
    [[ "$(id -u)" == 0 ]] || { echo "bench: fulltmp mounts a tmpfs: run as root" >&2; exit 2; }
  fi
done
say "seed $seed; $trials trials of ${faults}; $jobs jobs per trial, ${seconds} s inputs"

mkdir -p "$out_dir"
work="$(mktemp -d "$out_dir/chaos.XXXXXX")"
export AUDIOGRAINS_CLUSTER_DIR="$work/cluster"
# The chunk faults: every silo polls this file (AudioGrains:FaultsFile); "{}" is no fault. A chunk try may take 30 s.
faults_file="$work/faults.json"; echo '{}' >"$faults_file"
export AudioGrains__FaultsFile="$faults_file" AudioGrains__Processing__ChunkTimeout="00:00:30"
tmpfs_dir=""
cluster() { "$repo_root/scripts/cluster" "$@"; }
cleanup() { [[ -n "$tmpfs_dir" ]] && umount -l "$tmpfs_dir" 2>/dev/null; cluster down --purge >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
"$repo_root/scripts/audiograins" --help >/dev/null || die "the CLI could not be built"
dll="${AUDIOGRAINS_CLI_DIR:-$repo_root/src/AudioGrains.Cli/bin/Release/net10.0}/audiograins.dll"

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
  # The moment it answers again is when the cluster can go on ("back" in the report).
  local until=$((SECONDS + 30))
  until [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]] || ((SECONDS >= until)); do sleep 0.05; done
  echo "$EPOCHREALTIME" >"$work/back"
}
# set_faults JSON DESCRIPTION: the silos' faults (an "AudioGrains:Faults" section); returns once every live silo has
# logged DESCRIPTION as its faults (they poll the file every 4 s).
set_faults() {
  printf '{ "AudioGrains": { "Faults": %s } }\n' "$1" >"$faults_file.tmp" && mv -f "$faults_file.tmp" "$faults_file"
  local until=$((SECONDS + 30)) f k last all
  while ((SECONDS < until)); do
    all=1
    for f in "$state"/silos/*.env; do
      [[ -e "$f" ]] && (source "$f"; kill -0 "$pid" 2>/dev/null) || continue
      k="${f##*/}"; k="${k%.env}"
      last="$( (grep -F '"@mt":"Fault injection on this silo' "$state/silo-$k.log" 2>/dev/null || true) | tail -n 1 | sed -n 's/.*"Faults":"\([^"]*\)".*/\1/p')"
      # No line yet: the silo has made no chunk yet, and its fault injector reads the file's contents when it is made.
      [[ -z "$last" || "$last" == "$2" ]] || all=0
    done
    ((all)) && return 0
    sleep 0.5
  done
  say "warning: not every silo reported the faults \"$2\" within 30 s"
}
job_json() {  # job_json ID: the CLI's status document
  dotnet "$dll" status "$1" --cluster "$redis_url" --json 2>/dev/null || echo '{}'
}
# recomputed ID: chunks of the job computed more than once, from the silos' compact JSON logs ("Processed chunk" lines
# of the processing pass).
recomputed() {
  { cat "$state"/silo-*.log 2>/dev/null | grep -F '"@mt":"Processed chunk' | grep -F "\"JobId\":\"$1\"" | grep -F '"Pass":"Process"' || true; } \
    | sed -n 's/.*"Chunk":\([0-9]*\).*/\1/p' | sort | uniq -d | wc -l
}
# recorded_recomputed ID: chunks the job had recorded complete when it resumed in its processing pass (the "resumed"
# line lists them) that were computed more than once: a recorded chunk computed again. A chunk in flight at the fault,
# not yet recorded, may be computed again; it is not counted.
recorded_recomputed() {
  local logs recorded
  logs="$(cat "$state"/silo-*.log 2>/dev/null || true)"
  recorded="$( { grep -F '"@mt":"Job {JobId} resumed' <<<"$logs" | grep -F "\"JobId\":\"$1\"" | grep -F '"Phase":"Processing"' || true; } \
    | sed -n 's/.*"Completed":"\([0-9,-]*\)".*/\1/p' | tr ',' '\n' \
    | awk -F- 'NF == 1 && $1 != "" { print $1 } NF == 2 { for (i = $1; i <= $2; i++) print i }' | sort -u)"
  [[ -n "$recorded" ]] || { echo 0; return; }
  comm -12 <(printf '%s\n' "$recorded") \
    <( { grep -F '"@mt":"Processed chunk' <<<"$logs" | grep -F "\"JobId\":\"$1\"" | grep -F '"Pass":"Process"' || true; } \
       | sed -n 's/.*"Chunk":\([0-9]*\).*/\1/p' | sort | uniq -d) | wc -l
}
resumed_after() {  # resumed_after ID T0: seconds from T0 (epoch s) to the job's first "resumed" log line after it; empty if none
  local t
  t="$( { cat "$state"/silo-*.log 2>/dev/null || true; } | { grep -F '"@mt":"Job {JobId} resumed' || true; } | { grep -F "\"JobId\":\"$1\"" || true; } \
    | sed -n 's/^{"@t":"\([^"]*\)".*/\1/p' | while read -r ts; do date -u -d "$ts" +%s.%N; done \
    | awk -v t0="$2" '$1 > t0' | sort -n | head -1)"
  [[ -z "$t" ]] || awk -v a="$2" -v b="$t" 'BEGIN { printf "%.1f", b - a }'
}
wait_terminal() {  # wait_terminal ID...: until every job has ended or the trial's time is up
  local id st all t_end=$((SECONDS + trial_timeout))
  while ((SECONDS < t_end)); do
    all=1
    for id in "$@"; do read -r st _ < <(job_field "$id"); case "$st" in completed|failed|cancelled|expired) ;; *) all=0 ;; esac; done
    ((all)) && return 0
    sleep 0.5
  done
  return 1
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
rows=() progress_s=() after_back_s=() resumed_s=() passed=0 run=0 started=$SECONDS
for ((t = 1; t <= trials; t++)); do
  ((SECONDS - started < budget)) || { say "budget of $budget s spent: stopping after $run trials"; break; }
  RANDOM=$((seed + t))
  fault="${fault_list[RANDOM % ${#fault_list[@]}]}"
  ((in_turn)) && fault="${fault_list[(t - 1) % ${#fault_list[@]}]}"
  delay=$((RANDOM % 4))
  [[ -n "$at" ]] && delay="$at"
  case "$fault" in
    chunk-transient) set_faults '{ "Chunk": 1, "ChunkFailures": 2 }' "chunk 1 fails 2 times per job"; delay=0 ;;
    chunk-permanent) set_faults '{ "Chunk": 1, "ChunkAlwaysFails": true }' "chunk 1 always fails"; delay=0 ;;
    chunk-slow) set_faults '{ "Chunk": 1, "ChunkDelay": "00:02:00", "ChunkDelayedTries": 1 }' "chunk 1 delayed 120 s on 1 tries per job"; delay=0 ;;
  esac
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
  in_flight=0
  for id in "${ids[@]}"; do
    read -r st p < <(job_field "$id"); at_fault[$id]="$p"
    case "$st" in completed|failed|cancelled|expired) ;; *) in_flight=$((in_flight + 1)) ;; esac
  done
  pids=($(silo_pids))
  target="-"
  rm -f "$work/back"
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
      # "back": the new silos are ready (scale returns once each answers its health check).
      ( sleep 1; cluster scale 3 >/dev/null 2>&1; echo "$EPOCHREALTIME" >"$work/back" ) & ;;
    chunk-transient) target="chunk 1 fails 2 times" ;;
    chunk-permanent) target="chunk 1 always fails" ;;
    chunk-slow) target="chunk 1 120 s once, timeout 30 s" ;;
    fulltmp)
      k="$(ls "$state/silos" | sed -n 's/\.env$//p' | sort -n | sed -n "$((RANDOM % 3 + 1))p")"
      tmpfs_dir="$state/temp/silo-$k"; target="silo $k temp 64 KB"
      mount -t tmpfs -o size=64k,mode=0700 tmpfs "$tmpfs_dir" ;;
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
  note=""
  if [[ "$fault" == chunk-permanent && -n "$done_s" ]]; then
    # Every job dead-lettered with its cause, naming the chunk; then the fault is lifted and an operator retries.
    dead=0
    for id in "${ids[@]}"; do
      doc="$(job_json "$id")"
      [[ "$doc" == *'"status":"failed"'* && "$doc" == *'"error_code":"processing-failed"'* && "$doc" == *'chunk 1 fails on every try'* ]] && dead=$((dead + 1))
    done
    note="dead-lettered naming chunk 1: $dead / ${#ids[@]}"
    ((dead == ${#ids[@]})) || ok=0
    set_faults '{}' none
    for id in "${ids[@]}"; do dotnet "$dll" retry "$id" --cluster "$redis_url" >/dev/null 2>>"$work/retry.log" || ok=0; done
    wait_terminal "${ids[@]}" || done_s=""
    [[ -n "$done_s" ]] && done_s=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  fi
  insufficient=0
  for i in "${!ids[@]}"; do
    id="${ids[$i]}" k="${kind_of[$i]}"; IFS='|' read -r _ ext _ <<<"${kinds[$k]}"
    if dotnet "$dll" download "$id" -o "$work/out-$t-$i.$ext" --cluster "$redis_url" >/dev/null 2>>"$work/download.log" \
       && [[ "$(sha256sum "$work/out-$t-$i.$ext" | cut -d' ' -f1)" == "${reference[$k]}" ]]; then
      same=$((same + 1))
    elif [[ "$fault" == fulltmp && "$(job_json "$id")" == *'"error_code":"insufficient-disk"'* ]]; then
      insufficient=$((insufficient + 1))   # the documented other outcome of a full temp folder
    else
      read -r st _ < <(job_field "$id"); lost=$((lost + 1)); ok=0
      say "trial $t: job $id (kind $k) is $st, or its output differs"
    fi
    rm -f "$work/out-$t-$i.$ext"
  done
  [[ -n "$done_s" ]] || ok=0
  if [[ "$fault" == chunk-* ]]; then
    again=0; for id in "${ids[@]}"; do again=$((again + $(recomputed "$id"))); done
    note="${note:+$note; }chunks computed twice: $again"
    ((again == 0)) || ok=0
    set_faults '{}' none
  fi
  if [[ "$fault" != chunk-* ]]; then
    again=0; for id in "${ids[@]}"; do again=$((again + $(recorded_recomputed "$id"))); done
    note="${note:+$note; }recorded chunks computed again: $again"
    ((again == 0)) || ok=0
  fi
  if [[ "$fault" == fulltmp ]]; then
    left="$(find "$tmpfs_dir" -type f | wc -l)"
    note="${note:+$note; }insufficient-disk: $insufficient / ${#ids[@]}; files left in the tmpfs: $left"
    ((left == 0)) || ok=0
    umount -l "$tmpfs_dir"; tmpfs_dir=""
  fi
  [[ -n "$note" ]] && say "trial $t: $note"
  if ((!ok || keep_logs)); then
    # A failed trial keeps what explains it: every silo's, Redis's and S3's log so far, the CLI's error logs, and each
    # job's status as each gateway answers it now (the working folder, logs included, is deleted at the end).
    kept="$out_dir/chaos-$( ((ok)) || echo failed-)$(date -u +%Y%m%dT%H%M%SZ)-trial-$t"; mkdir -p "$kept"
    echo "fault at $t0 (epoch s): $fault ($target)" >"$kept/fault.txt"
    cp "$state"/*.log "$kept/" 2>/dev/null || true
    cp "$work"/submit.log "$work"/download.log "$work"/retry.log "$kept/" 2>/dev/null || true
    for id in "${ids[@]}"; do
      for p in $(http_ports); do
        printf 'gateway %s: %s\n' "$p" "$(curl -s -m 5 -w ' (HTTP %{http_code})' "http://127.0.0.1:$p/jobs/$id" 2>&1)" >>"$kept/job-$id.txt"
      done
    done
    say "trial $t$( ((ok)) || echo " failed"): logs and job status kept in ${kept#"$repo_root"/}"
  fi
  run=$((run + 1)); ((ok)) && passed=$((passed + 1))
  [[ -n "$moved" ]] && progress_s+=("$moved")
  # A job resumes (its grain activates and goes on from its saved state) before it can show progress: a job whose
  # unit of work was cut (a decode, a segment's encode) shows none until that unit is done again.
  resumed="" n_resumed=0
  for id in "${ids[@]}"; do
    r="$(resumed_after "$id" "$t0")"
    [[ -n "$r" ]] || continue
    n_resumed=$((n_resumed + 1))
    resumed="$(awk -v a="${resumed:-0}" -v b="$r" 'BEGIN { print (b > a ? b : a) }')"
  done
  if ((n_resumed)); then target="$target, $n_resumed resumed, the last +$resumed s"; resumed_s+=("$resumed"); fi
  # Redis or the silos back: when, and how long the slowest job then took to progress (the issue's 5 s and 20 s).
  if [[ -f "$work/back" ]]; then
    back="$(awk -v a="$t0" -v b="$(cat "$work/back")" 'BEGIN { printf "%.1f", b - a }')"
    target="$target, back +$back s"
    if [[ -n "$moved" ]]; then
      after="$(awk -v m="$moved" -v b="$back" 'BEGIN { d = m - b; printf "%.1f", d < 0 ? 0 : d }')"
      target="$target, progress $after s later"; after_back_s+=("$after")
    fi
  fi
  rows+=("| $t | $fault | $target | $delay | $same / ${#ids[@]}$( ((insufficient)) && echo " (+$insufficient insufficient-disk)") | ${moved:--} | ${done_s:-timeout} | $( ((ok)) && echo pass || echo "**fail**") |")
  say "trial $t: $fault ($target) after ${delay} s, ${in_flight}/${#ids[@]} jobs in flight at the fault: ${same}/${#ids[@]} identical, progress +${moved:--} s, done +${done_s:-timeout} s"
  # The trial's jobs are deleted: a submission of the same input and options joins a job that still lives (the job
  # index), so the next trial's jobs would be these, already done.
  for id in "${ids[@]}"; do
    for p in $(http_ports); do curl -s -o /dev/null -m 10 -X DELETE "http://127.0.0.1:$p/jobs/$id" && break; done
  done
  # Every trial starts with 3 silos and Redis up.
  cluster scale 3 >/dev/null 2>&1 || true
done

report="$out_dir/chaos-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "Command: \`bench/chaos.sh --trials $trials --seed $seed --faults $faults --jobs $jobs --seconds $seconds$( ((in_turn)) && echo " --in-turn")${at:+ --at $at}\` ($(nproc) cores, commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d))"
  echo
  echo "| trial | fault | target | at s | identical outputs | fault → every job progressed s | fault → all done s | result |"
  echo "|---:|---|---|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
  echo
  if ((${#progress_s[@]})); then
    printf '%s\n' "${progress_s[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "fault → progress: p50 %.1f s, max %.1f s over %d trials\n", v[int((NR + 1) / 2)], v[NR], NR }'
  fi
  if ((${#resumed_s[@]})); then
    printf '%s\n' "${resumed_s[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "fault → every job that resumed had resumed (silo logs): p50 %.1f s, max %.1f s over %d trials\n", v[int((NR + 1) / 2)], v[NR], NR }'
  fi
  if ((${#after_back_s[@]})); then
    printf '%s\n' "${after_back_s[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "back → progress: p50 %.1f s, max %.1f s over %d trials\n", v[int((NR + 1) / 2)], v[NR], NR }'
  fi
  echo "trials: $run, passed: $passed"
} | tee "$report"
say "report saved: ${report#"$repo_root"/}"
((run > 0 && passed == run))
