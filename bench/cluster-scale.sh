#!/usr/bin/env bash
# Scaling while jobs run (issue 11): `scripts/cluster up 3`, 30 jobs submitted over HTTP (POST /jobs, multipart field
# `file`), `scripts/cluster scale 5` and then `scripts/cluster scale 1` while they run; every job is polled to its end.
#
#   bench/cluster-scale.sh
#   BENCH_JOBS=30 BENCH_PARALLEL=4 BENCH_SUBMIT_GAP=0 BENCH_HOLD=10 BENCH_DEADLINE=900 bench/cluster-scale.sh
#
# Inputs: BENCH_JOBS (default 30) distinct files of 20 to 90 s, made once into bench/out/cluster-scale/inputs/ with
# espeak-ng speech (ffmpeg tone bursts without it) looped to length, pink noise under it and a per-file level; MP3, FLAC
# or WAV. Each job gets one of five option sets (defaults; remove_noise + wav; high-pass + opus; non-stationary
# denoise + mp3; stereo, 44.1 kHz, -16 LUFS + flac).
# Timeline: BENCH_PARALLEL clients (default 4) post the jobs back to back (BENCH_SUBMIT_GAP s apart, default 0), so a
# backlog builds up; `scale 5` once a third of them is posted, `scale 1` BENCH_HOLD s (default 10) after the 5 silos
# are ready. Meanwhile every job posted is polled every 2 s until it is completed, failed, cancelled or expired
# (BENCH_DEADLINE s at most, default 900); each scale step prints the counts of the last poll when it begins and ends.
# Output (stdout): the timeline, one row per job (length, format, options, phase, error code, seconds from created to
# completed, and the silos whose logs mention the job id), a summary. Exit status 0 only when every job completed.
# The cluster runs in its own state folder, bench/out/cluster-scale/state (AUDIOGRAINS_CLUSTER_DIR; removed before the
# run, stopped but kept after it, with the silo logs: silo-K.log). A failed run's folder is also copied to
# bench/out/cluster-scale/failed-TIMESTAMP, so that the next run does not overwrite the evidence.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

jobs_n="${BENCH_JOBS:-30}"; [[ "$jobs_n" =~ ^[1-9][0-9]*$ ]] || die "BENCH_JOBS must be a positive number"
gap="${BENCH_SUBMIT_GAP:-0}"; [[ "$gap" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "BENCH_SUBMIT_GAP must be a number of seconds"
hold="${BENCH_HOLD:-10}"
parallel="${BENCH_PARALLEL:-4}"; [[ "$parallel" =~ ^[1-9][0-9]?$ ]] || die "BENCH_PARALLEL must be 1 to 99"; [[ "$hold" =~ ^[0-9]+$ ]] || die "BENCH_HOLD must be a whole number of seconds"
deadline="${BENCH_DEADLINE:-900}"; [[ "$deadline" =~ ^[1-9][0-9]*$ ]] || die "BENCH_DEADLINE must be a positive number of seconds"
for c in ffmpeg ffprobe curl jq redis-server; do command -v "$c" >/dev/null || die "'$c' is not installed (scripts/test installs ffmpeg and redis-server)."; done

out="$repo_root/bench/out/cluster-scale"
inputs="$out/inputs"
export AUDIOGRAINS_CLUSTER_DIR="$out/state"
# Not a rate-limit test: the polls (one GET per unfinished job every 2 s) must not meet the per-client read limit.
export AudioGrains__Http__RateLimitPermits=100000
cluster="$repo_root/scripts/cluster"
mkdir -p "$inputs"

t_start=$SECONDS
stamp() { printf '[%4ds]' $((SECONDS - t_start)); }
event() { echo "$(stamp) $*"; }

# --- inputs ------------------------------------------------------------------------------------------------------
length_of() { echo $((20 + ($1 * 37) % 71)); }          # job i (1-based): 20..90 s, spread
ext_of() { local e=(mp3 flac wav); echo "${e[$(($1 % 3))]}"; }
# The option sets, as curl -F arguments separated by spaces (values have no spaces).
option_sets=(
  ""
  "remove_noise=true output_format=wav"
  "apply_highpass_filter=true output_format=opus"
  "denoise=nonstationary output_format=mp3"
  "convert_to_mono=false set_sample_rate_16k=false target_lufs=-16 output_format=flac"
)
options_of() { echo "${option_sets[$(($1 % ${#option_sets[@]}))]}"; }

speech="$inputs/speech.wav"
if [[ ! -s "$speech" ]]; then
  if command -v espeak-ng >/dev/null; then
    espeak-ng -v en-us -s 165 -w "$speech.partial.wav" "AudioGrains splits a long recording into chunks and spreads \
them over the silos of a cluster. Each chunk is measured and processed where there is room, and one gain is applied \
to the whole file, so the level stays the same from start to finish. When the cluster grows, new silos take chunks; \
when it shrinks, the silos that leave hand their work back." || die "espeak-ng failed"
    mv "$speech.partial.wav" "$speech"
  else
    say "espeak-ng is not installed: ffmpeg tone bursts stand in for speech."
    ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi \
      -i "aevalsrc=0.4*sin(2*PI*(190+40*sin(2*PI*0.7*t))*t)*lt(mod(t\\,0.3)\\,0.2)*lt(mod(t\\,4)\\,3):s=22050:d=20" \
      "$speech" || die "ffmpeg could not make the stand-in speech"
  fi
fi
made=0
for i in $(seq "$jobs_n"); do
  f="$inputs/job-$i.$(ext_of "$i")"
  [[ -s "$f" ]] && continue
  len="$(length_of "$i")"
  # Speech looped to length, pink noise (its own seed) under it, a level between -12 and +3 dB.
  ffmpeg -hide_banner -nostdin -loglevel error -y -stream_loop -1 -i "$speech" \
    -f lavfi -i "anoisesrc=color=pink:amplitude=0.03:sample_rate=44100:duration=$len:seed=$i" \
    -filter_complex "[0:a]aresample=44100,pan=stereo|c0=c0|c1=0.9*c0[s];[1:a]pan=stereo|c0=c0|c1=c0[n];[s][n]amix=inputs=2:duration=shortest:normalize=0,volume=$(((i * 7) % 16 - 12))dB[o]" \
    -map '[o]' -t "$len" -ar 44100 -ac 2 "$f.partial.$(ext_of "$i")" || die "ffmpeg could not make $f"
  mv "$f.partial.$(ext_of "$i")" "$f"
  made=$((made + 1))
done
((made == 0)) || say "made $made input file(s) in ${inputs#"$repo_root"/}."

# --- cluster -----------------------------------------------------------------------------------------------------
"$cluster" down --purge >/dev/null 2>&1 || true   # this bench's own state folder: a previous run's data goes
pids=()
cleanup() {
  local rc=$?
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  say "stopping the cluster (scripts/cluster down; its logs stay in ${AUDIOGRAINS_CLUSTER_DIR#"$repo_root"/})."
  "$cluster" down 2>&1 | sed -u 's/^/    /' >&2 || true
  if ((rc != 0)) && [[ -d "$AUDIOGRAINS_CLUSTER_DIR" ]]; then
    # The next run starts from an empty state folder: a failed run's logs, Redis AOF and stored blobs are kept apart.
    local kept="$out/failed-$(date -u +%Y%m%dT%H%M%SZ)"
    cp -a "$AUDIOGRAINS_CLUSTER_DIR" "$kept" && say "this run failed: its state folder is kept in ${kept#"$repo_root"/}."
  fi
  exit "$rc"
}
trap cleanup EXIT

event "scripts/cluster up 3"
env_lines="$("$cluster" up 3 2> >(sed -u 's/^/    /' >&2))" || die "scripts/cluster up 3 failed"
while read -r line; do echo "    $line"; done <<<"$env_lines"
http="$(sed -n 's/^HTTP=//p' <<<"$env_lines")"
[[ -n "$http" ]] || die "scripts/cluster up printed no HTTP= line"

# --- submissions, scaling and polling, side by side ---------------------------------------------------------------
# Submissions: BENCH_PARALLEL clients (default 4), each posting its share of the jobs back to back (BENCH_SUBMIT_GAP s
# apart, default 0), so that a backlog builds up. Scaling: `scale 5` once a third is posted, `scale 1` BENCH_HOLD s
# after it. Polling: every 2 s, every job posted and not yet at its end.
ids_file="$out/job-ids"
scale_failed="$out/scale-failed"
: >"$ids_file"
rm -f "$scale_failed"
submit_share() {  # submit_share W: jobs W, W+P, W+2P, ...
  local i f opts resp code id o
  local -a form
  for ((i = $1; i <= jobs_n; i += parallel)); do
    f="$inputs/job-$i.$(ext_of "$i")"
    form=(-F "file=@$f")
    opts="$(options_of "$i")"
    for o in $opts; do form+=(-F "$o"); done
    resp="$(curl -sS --max-time 120 -w '\n%{http_code}' "${form[@]}" "$http/jobs" 2>&1)" || true
    code="${resp##*$'\n'}"; resp="${resp%$'\n'*}"
    id="$(jq -r '.id // empty' <<<"$resp" 2>/dev/null || true)"
    if [[ "$code" == 202 || "$code" == 200 ]] && [[ -n "$id" ]]; then
      echo "$i $id" >>"$ids_file"
      event "submitted job $i ($(length_of "$i") s $(ext_of "$i")${opts:+, $opts}): $id"
    else
      echo "$i -" >>"$ids_file"
      event "submission of job $i refused: HTTP $code $(tr -d '\n' <<<"$resp" | cut -c1-200)"
    fi
    sleep "$gap"
  done
}

submitted() { wc -l <"$ids_file"; }
# The poller's latest count (a file: the scale steps run in a subshell).
progress_file="$out/progress"
echo "0 submitted, 0 unfinished, 0 at their end" >"$progress_file"
progress() { cat "$progress_file"; }

scale() {
  event "scripts/cluster scale $1 begins ($(progress) at the last poll)"
  if ! "$cluster" scale "$1" 2>&1 | sed -u 's/^/    /'; then echo "scale $1" >>"$scale_failed"; return 1; fi
  event "scripts/cluster scale $1 done ($(progress) at the last poll)"
}

scale_steps() {
  until (($(submitted) >= (jobs_n + 2) / 3)); do sleep 0.2; done
  scale 5 || return 0
  sleep "$hold"
  scale 1 || true
}

pids=()
for w in $(seq "$parallel"); do submit_share "$w" & pids+=($!); done
scale_steps & scaler_pid=$!
pids+=("$scaler_pid")

declare -A phase_of=() doc_of=()
poll_deadline=$((SECONDS + deadline))
last_line=""
while :; do
  open=0 done_n=0
  while read -r i id; do
    if [[ "$id" == - ]]; then phase_of[$i]="refused"; done_n=$((done_n + 1)); continue; fi
    case "${phase_of[$i]:-}" in completed|failed|cancelled|expired) done_n=$((done_n + 1)); continue ;; esac
    doc="$(curl -s --max-time 5 "$http/jobs/$id" 2>/dev/null || true)"
    p="$(jq -r '.status // empty' <<<"$doc" 2>/dev/null || true)"
    [[ -n "$p" ]] || { open=$((open + 1)); continue; }
    if [[ "$p" != "${phase_of[$i]:-}" ]]; then
      case "$p" in
        completed) event "job $i $id completed" ;;
        failed|cancelled|expired) event "job $i $id $p: $(jq -r '"\(.error_code): \(.error_message)"' <<<"$doc")" ;;
      esac
      phase_of[$i]="$p"
    fi
    doc_of[$i]="$doc"
    case "$p" in completed|failed|cancelled|expired) done_n=$((done_n + 1)) ;; *) open=$((open + 1)) ;; esac
  done < <(sort -n "$ids_file")
  line="$(submitted) submitted, $open unfinished, $done_n at their end"
  echo "$line" >"$progress_file.tmp" && mv -f "$progress_file.tmp" "$progress_file"
  [[ "$line" == "$last_line" ]] || { event "$line"; last_line="$line"; }
  running=0
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && running=1; done
  ((open == 0 && running == 0)) && break
  if ((SECONDS >= poll_deadline)); then event "deadline: $open job(s) unfinished after ${deadline} s"; break; fi
  sleep 2
done
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()

t_total=$((SECONDS - t_start))

# --- report ------------------------------------------------------------------------------------------------------
state="$AUDIOGRAINS_CLUSTER_DIR"
# Which silos' logs mention a job id (a grep for the id: the silos' log format is not read).
silos_of() { grep -l -F "$1" "$state"/silo-*.log 2>/dev/null | sed 's#.*/silo-\([0-9]*\)\.log#\1#' | sort -n | paste -sd, - || true; }
echo
echo "| job | length s | input | options | phase | error | created to completed, s | silos whose log mention it |"
echo "|---:|---:|---|---|---|---|---:|---|"
completed=0 failed=0 other=0
while read -r i id; do
  doc="${doc_of[$i]:-}"
  p="${phase_of[$i]}"
  case "$p" in completed) completed=$((completed + 1)) ;; failed) failed=$((failed + 1)) ;; *) other=$((other + 1)) ;; esac
  secs="-"; err="-"
  if [[ -n "$doc" ]]; then
    # The API writes UTC times with an offset and 7 fractional digits; jq's fromdateiso8601 takes neither.
    secs="$(jq -r 'def t: capture("^(?<d>[0-9-]+T[0-9:]+)(?<f>[.][0-9]+)?") | (.d + "Z" | fromdateiso8601) + ((.f // "0") | tonumber);
      if .completed_at and .created_at then ((.completed_at | t) - (.created_at | t)) * 10 | round / 10 | tostring else "-" end' <<<"$doc" 2>/dev/null || echo -)"
    err="$(jq -r '.error_code // "-"' <<<"$doc")"
  fi
  opts="$(options_of "$i")"
  echo "| $i | $(length_of "$i") | $(ext_of "$i") | ${opts:-defaults} | $p | $err | $secs | $(if [[ "$id" == - ]]; then echo -; else silos_of "$id"; fi) |"
done < <(sort -n "$ids_file")
echo
echo "Summary: $jobs_n jobs, $completed completed, $failed failed, $other other (refused, cancelled, expired or unfinished);" \
  "$t_total s from 'up' to the last job's end; $(nproc) cores, commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ)."
if ((failed + other > 0)); then
  echo
  echo "Log lines naming the jobs that did not complete (grep for the id in ${state#"$repo_root"/}/silo-*.log, last 8 each):"
  while read -r i id; do
    [[ "${phase_of[$i]}" == completed || "$id" == - ]] && continue
    echo "job $i $id (${phase_of[$i]}):"
    # Sorted on the line after "silo-K.log:" (both the text and the JSON format begin with the time).
    grep -H -F "$id" "$state"/silo-*.log 2>/dev/null | sed "s#^${state}/##" | sort -t: -k2 | cut -c1-400 | tail -n 8 | sed -u 's/^/    /' || true
  done < <(sort -n "$ids_file")
fi
[[ ! -s "$scale_failed" ]] || die "a scale step failed: $(paste -sd, "$scale_failed")."
((completed == jobs_n)) || die "$((jobs_n - completed)) of $jobs_n jobs did not complete."
say "all $jobs_n jobs completed."
