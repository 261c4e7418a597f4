#!/usr/bin/env bash
# Benchmark: the full AudioGrains pipeline against two ffmpeg baselines, one long input.
#
#   bench/pipeline-speed.sh                 # 1 h input
#   bench/pipeline-speed.sh 5m              # quick check (any N followed by s, m or h)
#   bench/pipeline-speed.sh --ffmpeg-only 1h   # only the two ffmpeg baselines
#   bench/pipeline-speed.sh --no-loudnorm 1h   # skip the loudnorm baseline (issue 10's ratios
#                                           # need only the bare decode)
#   bench/pipeline-speed.sh 1h -- --chunk-seconds 60
#                                           # args after -- go to `audiograins normalize`
#   BENCH_TIMEOUT=3600 bench/pipeline-speed.sh  # per-run limit, s (default 1800)
#   bench/pipeline-speed.sh 1h --baseline ../base --repeat 3
#                                           # also runs another checkout's CLI (built there
#                                           # in Release) on the same input, alternating with
#                                           # this one N times; medians and their ratio
#                                           # (target: this build <= 1.05 x the baseline)
#
# Input: bench/out/speech-<len>-aac.m4a (git-ignored), made once by generate_aac in
# bench/lib.sh: the normalize-rss.sh input bench/out/speech-<len>.mp3 transcoded to 44.1 kHz
# stereo AAC 128k with ffmpeg's native `aac` encoder (longer than 1 h: the hour repeated).
#
# Steps (one process each, single-threaded ffmpeg filters), timed for wall and CPU
# seconds, memory sampled every 50 ms (VmHWM of the process, summed VmRSS of its tree):
#   bare         ffmpeg decode + downmix + resample to 16 kHz mono f32, to /dev/null
#   loudnorm     ffmpeg two-pass loudnorm I=-23 TP=-1 LRA=20 to a 16 kHz mono WAV
#   audiograins  normalize --denoise stationary --highpass 80 (-23 LUFS, 16 kHz mono Opus)
#   agwav        normalize with the defaults to a 16 kHz mono WAV; its JSON's steps_s.decode
#                is the decode step
# Targets (issue 3): audiograins wall <= 0.5 x loudnorm total and <= 4 x bare; its peak
# RSS (the whole job: dotnet and its ffmpeg children) under 400 MB. Issue 10: the decode
# step <= 1.5 x bare, the WAV job <= 3 x bare, the denoise Opus job <= 6 x bare.
#
# Prints the commands and a markdown table (also saved as bench/out/pipeline-<timestamp>.md).
# Exit status: 0 all steps ran and every target is met; 1 a step failed, timed out or
# could not run (e.g. the CLI has no --denoise yet); 2 all ran but a target is missed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=bench/lib.sh
source "$repo_root/bench/lib.sh"   # say, die, generate_mp3, measure, mb, hms

timeout_s="${BENCH_TIMEOUT:-1800}"
[[ "$timeout_s" =~ ^[0-9]+$ ]] || die "BENCH_TIMEOUT must be a number of seconds (got '$timeout_s')."

# --- arguments --------------------------------------------------------------------
len=""
ffmpeg_only=0
loudnorm=1
baseline=""
repeat=1
extra=()
while (($#)); do
  case "$1" in
    --) shift; extra=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    --ffmpeg-only) ffmpeg_only=1; shift ;;
    --no-loudnorm) loudnorm=0; shift ;;
    --baseline) [[ $# -ge 2 ]] || die "--baseline needs a checkout folder"; baseline="$(cd "$2" && pwd)" || die "no folder '$2'"; shift 2 ;;
    --repeat) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--repeat needs a count"; repeat="$2"; shift 2 ;;
    *[0-9][smh]) [[ "$1" =~ ^[0-9]+[smh]$ ]] || die "bad duration '$1' (use e.g. 5m or 1h)"
                 [[ -z "$len" ]] || die "give one duration (got '$len' and '$1')"
                 len="$1"; shift ;;
    *) die "unknown argument '$1' (use a duration such as 5m or 1h, --ffmpeg-only, then optionally -- normalize args)" ;;
  esac
done
[[ -n "$len" ]] || len=1h
secs="$(seconds_of "$len")"
((secs > 0)) || die "duration must be positive (got '$len')."

# --- prerequisites ---------------------------------------------------------------
command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg is not installed (apt-get install -y ffmpeg; scripts/test and scripts/demo install it)."
[[ -r /proc/self/status ]] || die "/proc is not available; cannot measure RSS."

out_dir="$repo_root/bench/out"
mkdir -p "$out_dir"
rel_out="bench/out"                    # commands run from the repo root with these paths
dll_rel="src/AudioGrains.Cli/bin/Release/net10.0/audiograins.dll"

# Whether the audiograins step can run; when not, ag_skip says why (shown in the table).
ag_skip=""
if ((ffmpeg_only)); then
  ag_skip="not run (--ffmpeg-only)"
elif ! command -v dotnet >/dev/null 2>&1; then
  ag_skip="not run: 'dotnet' is not on PATH"
else
  say "building the CLI if needed (scripts/audiograins --help)..."
  if ! "$repo_root/scripts/audiograins" --help >/dev/null; then
    ag_skip="not run: the CLI could not be built (see the build output above)"
  elif [[ ! -f "$dll_rel" ]]; then
    ag_skip="not run: $dll_rel is missing after the build"
  elif ag_help="$(dotnet "$dll_rel" normalize --help 2>&1 || true)"; [[ "$ag_help" != *--denoise* ]]; then
    ag_skip="not run: this build of \`audiograins normalize\` has no --denoise option yet"
  fi
fi
[[ -z "$ag_skip" ]] || say "audiograins step: $ag_skip; the ffmpeg steps still run."
base_dll=""
if [[ -n "$baseline" ]]; then
  base_dll="$baseline/$dll_rel"
  [[ -f "$base_dll" ]] || die "no baseline CLI at $base_dll (build it there: dotnet build src/AudioGrains.Cli -c Release)."
fi

# --- input ----------------------------------------------------------------------
in="$rel_out/speech-$len-aac.m4a"
generate_aac "$len"

# --- steps ------------------------------------------------------------------------
ff=(ffmpeg -nostdin -hide_banner)
loudnorm_target="loudnorm=I=-23:TP=-1:LRA=20"

bare_cmd=("${ff[@]}" -loglevel error -i "$in" -filter_threads 1 -ac 1 -ar 16000 -f f32le -y /dev/null)
ln1_cmd=("${ff[@]}" -nostats -filter_threads 1 -i "$in" -af "$loudnorm_target:print_format=json" -f null -)
ln_wav="$rel_out/pipeline-$len-loudnorm.wav"
ln2_cmd=()   # built from pass 1's measurements
ag_out="$rel_out/pipeline-$len.opus"
ag_json="$rel_out/pipeline-$len.json"
ag_log="$rel_out/pipeline-$len.log"
ag_cmd=(dotnet "$dll_rel" normalize "$in" -o "$ag_out" --denoise stationary --highpass 80 --json "${extra[@]}")
# The plain job of issue 10: default options (no denoise), 16 kHz mono WAV.
wav_out="$rel_out/pipeline-$len.wav"
wav_json="$rel_out/pipeline-$len-wav.json"
wav_log="$rel_out/pipeline-$len-wav.log"
wav_cmd=(dotnet "$dll_rel" normalize "$in" -o "$wav_out" --json "${extra[@]}")

declare -A st wall_us cpu_ms hwm tree
record() {  # record STEP (from measure's m_* results)
  st[$1]="$m_status"; wall_us[$1]="$m_wall_us"; cpu_ms[$1]="$m_cpu_ms"
  hwm[$1]="$m_hwm_kb"; tree[$1]="$m_tree_kb"
}
report_step() {  # report_step STEP LOG
  if [[ "${st[$1]}" == ok ]]; then
    say "$1: $(awk -v w="${wall_us[$1]}" 'BEGIN { printf "%.2f", w / 1e6 }') s wall, $(awk -v c="${cpu_ms[$1]}" 'BEGIN { printf "%.2f", c / 1e3 }') s CPU, peak RSS $(mb "${hwm[$1]}") MB (tree $(mb "${tree[$1]}") MB)"
  else
    say "$1: ${st[$1]}; last lines of its stderr (${2}):"
    tail -n 5 "$2" >&2 || true
  fi
}
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

# a. bare decode-downmix-resample
say "run: bare (timeout ${timeout_s} s)"
measure /dev/null "$rel_out/pipeline-$len-bare.log" "${bare_cmd[@]}"
record bare; report_step bare "$rel_out/pipeline-$len-bare.log"

# b. loudnorm, two passes
m_I="" m_TP="" m_LRA="" m_thresh="" m_offset="" ln_mode=""
if ((loudnorm)); then
ln1_log="$rel_out/pipeline-$len-loudnorm1.log"
ln2_log="$rel_out/pipeline-$len-loudnorm2.log"
say "run: loudnorm pass 1 (timeout ${timeout_s} s; its JSON -> $ln1_log)"
measure /dev/null "$ln1_log" "${ln1_cmd[@]}"
record pass1; report_step pass1 "$ln1_log"
json_value() {  # json_value KEY: "KEY" : "VALUE" from the last loudnorm JSON in pass 1's log
  sed -n "s/^[[:space:]]*\"$1\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" "$ln1_log" | tail -n 1
}
if [[ "${st[pass1]}" == ok ]]; then
  m_I="$(json_value input_i)"; m_TP="$(json_value input_tp)"; m_LRA="$(json_value input_lra)"
  m_thresh="$(json_value input_thresh)"; m_offset="$(json_value target_offset)"
  for v in "$m_I" "$m_TP" "$m_LRA" "$m_thresh" "$m_offset"; do
    if ! [[ "$v" =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then
      st[pass1]="no usable JSON (input_i='$m_I' input_tp='$m_TP' input_lra='$m_LRA' input_thresh='$m_thresh' target_offset='$m_offset')"
      say "loudnorm pass 1: ${st[pass1]}; see $ln1_log"
      break
    fi
  done
fi
if [[ "${st[pass1]}" == ok ]]; then
  # ffmpeg's own rule (af_loudnorm.c) for whether linear=true really gives a static gain.
  ln_mode="$(awk -v i="$m_I" -v tp="$m_TP" -v lra="$m_LRA" -v th="$m_thresh" 'BEGIN {
    o = -23 - i
    print ((tp != 99 && th != -70 && lra != 0 && i != 0 && tp + o <= -1 && lra <= 20) ? "linear" : "dynamic")
  }')"
  ln2_cmd=("${ff[@]}" -loglevel error -filter_threads 1 -i "$in"
           -af "$loudnorm_target:measured_I=$m_I:measured_TP=$m_TP:measured_LRA=$m_LRA:measured_thresh=$m_thresh:offset=$m_offset:linear=true"
           -ar 16000 -ac 1 -y "$ln_wav")
  say "run: loudnorm pass 2 ($ln_mode mode expected; timeout ${timeout_s} s)"
  measure /dev/null "$ln2_log" "${ln2_cmd[@]}"
  record pass2; report_step pass2 "$ln2_log"
else
  st[pass2]="not run (pass 1 failed)"
fi
if [[ "${st[pass1]}" == ok && "${st[pass2]}" == ok ]]; then
  st[loudnorm]=ok
  wall_us[loudnorm]=$((wall_us[pass1] + wall_us[pass2]))
  cpu_ms[loudnorm]=$((cpu_ms[pass1] + cpu_ms[pass2]))
  hwm[loudnorm]=$((hwm[pass1] > hwm[pass2] ? hwm[pass1] : hwm[pass2]))
  tree[loudnorm]=$((tree[pass1] > tree[pass2] ? tree[pass1] : tree[pass2]))
else
  st[loudnorm]="incomplete"
fi
else
  for s in pass1 pass2 loudnorm; do st[$s]="not run (--no-loudnorm)"; done
fi

# c. audiograins (and the baseline's, alternating; the median run of each is kept)
declare -A runs
run_ag() {  # run_ag STEP DLL: one run, kept as runs[STEP,i] = "wall cpu hwm tree status"
  local n=${runs[$1,n]:-0} cmd=("${ag_cmd[@]}")
  cmd[1]="$2"
  rm -f "$ag_out"
  say "run: $1 normalize (timeout ${timeout_s} s; JSON -> $ag_json, stderr -> $ag_log)"
  measure "$ag_json" "$ag_log" "${cmd[@]}"
  runs[$1,$n]="$m_wall_us $m_cpu_ms $m_hwm_kb $m_tree_kb $m_status"; runs[$1,n]=$((n + 1))
}
keep_median() {  # keep_median STEP: records the run with the median wall time
  local n=${runs[$1,n]} i median
  median="$(for ((i = 0; i < n; i++)); do echo "${runs[$1,$i]} $i"; done | sort -n | awk -v m=$(((n - 1) / 2)) 'NR == m + 1 { print $NF }')"
  read -r m_wall_us m_cpu_ms m_hwm_kb m_tree_kb m_status <<<"${runs[$1,$median]}"
  record "$1"
  walls[$1]="$(for ((i = 0; i < n; i++)); do awk -v w="${runs[$1,$i]%% *}" 'BEGIN { printf "%.2f ", w / 1e6 }'; done)"
}
declare -A walls
if [[ -z "$ag_skip" ]]; then
  for ((r = 0; r < repeat; r++)); do
    # Alternate the order, so neither build always runs on a warmer machine.
    if [[ -n "$base_dll" ]] && ((r % 2 == 1)); then run_ag baseline "$base_dll"; fi
    run_ag audiograins "$dll_rel"
    if [[ -n "$base_dll" ]] && ((r % 2 == 0)); then run_ag baseline "$base_dll"; fi
  done
  keep_median audiograins; report_step audiograins "$ag_log"
  rm -f "$wav_out"
  say "run: audiograins normalize to WAV (timeout ${timeout_s} s; JSON -> $wav_json, stderr -> $wav_log)"
  measure "$wav_json" "$wav_log" "${wav_cmd[@]}"
  record agwav; report_step agwav "$wav_log"
  if [[ -n "$base_dll" ]]; then keep_median baseline; report_step baseline "$ag_log"; fi
  if [[ "${st[audiograins]}" != ok ]]; then
    if grep -qi 'denoise' "$ag_log" 2>/dev/null; then
      st[audiograins]+=": the CLI rejected --denoise stationary (see $ag_log)"
    else
      st[audiograins]+=" (see $ag_log)"
    fi
    say "audiograins: ${st[audiograins]}"
  fi
else
  st[audiograins]="$ag_skip"; st[agwav]="$ag_skip"
fi
# The decode step as the job reports it (steps_s.decode in its JSON), as a pseudo-step.
decode_of() {  # decode_of JSON -> seconds, empty when absent
  [[ -s "$1" ]] && sed -n 's/.*"decode"[[:space:]]*:[[:space:]]*\([0-9.eE+-]*\).*/\1/p' "$1" | head -n 1
}
for pair in "agwav:$wav_json" "audiograins:$ag_json"; do
  step="${pair%%:*}"; json="${pair#*:}"; d=""
  [[ "${st[$step]:-}" == ok ]] && d="$(decode_of "$json")"
  if [[ -n "$d" ]]; then
    st[decode_$step]=ok; wall_us[decode_$step]="$(awk -v d="$d" 'BEGIN { printf "%.0f", d * 1e6 }')"
  else
    st[decode_$step]="not measured"
  fi
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- report ---------------------------------------------------------------------
secs_of_us() { awk -v w="$1" 'BEGIN { printf "%.2f", w / 1e6 }'; }
row() {  # row STEP LABEL
  local s="$1"
  if [[ "${st[$s]}" == ok ]]; then
    echo "| $2 | $(secs_of_us "${wall_us[$s]}") | $(awk -v d="$secs" -v w="${wall_us[$s]}" 'BEGIN { printf "%.1f", d * 1e6 / w }') | $(awk -v c="${cpu_ms[$s]}" 'BEGIN { printf "%.2f", c / 1e3 }') | $(mb "${hwm[$s]}") / $(mb "${tree[$s]}") |"
  elif [[ "${st[$s]}" == timeout ]]; then
    echo "| $2 | timeout after $(secs_of_us "${wall_us[$s]}") | - | - | $(mb "${hwm[$s]}") / $(mb "${tree[$s]}") |"
  else
    echo "| $2 | ${st[$s]} | - | - | - |"
  fi
}
ratio_line() {  # ratio_line LABEL NUM DEN TARGET -> sets fail_target
  local r verdict
  if [[ "${st[$2]}" == ok && "${st[$3]}" == ok ]]; then
    r="$(awk -v a="${wall_us[$2]}" -v b="${wall_us[$3]}" 'BEGIN { printf "%.2f", a / b }')"
    if awk -v r="$r" -v t="$4" 'BEGIN { exit !(r <= t) }'; then verdict="met"; else verdict="**not met**"; fail_target=1; fi
    echo "- $1: **$r** (target ≤ $4): $verdict"
  else
    echo "- $1: - (target ≤ $4): not measured"
  fi
}
q() { local a out=""; for a in "$@"; do out+="$(printf '%q' "$a") "; done; printf '%s' "${out% }"; }

report="$out_dir/pipeline-$(date -u +%Y%m%dT%H%M%SZ).md"
fail_run=0 fail_target=0
steps=(bare); ((loudnorm)) && steps+=(pass1 pass2); ((ffmpeg_only)) || steps+=(audiograins agwav); [[ -n "$base_dll" ]] && steps+=(baseline)
for s in "${steps[@]}"; do [[ "${st[$s]}" == ok ]] || fail_run=1; done
invocation="bench/pipeline-speed.sh"; ((ffmpeg_only)) && invocation+=" --ffmpeg-only"; ((loudnorm)) || invocation+=" --no-loudnorm"
invocation+=" $len${baseline:+ --baseline $baseline}"
((repeat > 1)) && invocation+=" --repeat $repeat"   # (a $(( ... )) && echo here would end the script under set -e)
invocation+="${extra[*]:+ -- ${extra[*]}}"
# Written in this shell (not through a pipe) so that ratio_line can set fail_target.
{
  echo "Command: \`$invocation\`"
  echo
  echo "Input: \`$in\` ($(hms "$secs"), 44.1 kHz stereo AAC 128k). Steps, run one after another from the repo root:"
  echo
  echo '```'
  echo "# bare: decode, downmix, resample"
  q "${bare_cmd[@]}"; echo
  if ((loudnorm)); then
    echo "# loudnorm pass 1 (measure)"
    q "${ln1_cmd[@]}"; echo
    echo "# loudnorm pass 2 (apply)"
    if ((${#ln2_cmd[@]})); then q "${ln2_cmd[@]}"; echo
    else echo "(not run: pass 1 gave no measurements)"; fi
  fi
  echo "# audiograins: decode, stationary denoise, 80 Hz high-pass, -23 LUFS, 16 kHz mono Opus"
  q "${ag_cmd[@]}"; echo
  echo "# audiograins: defaults (-23 LUFS), 16 kHz mono WAV"
  q "${wav_cmd[@]}"; echo
  echo '```'
  echo
  echo "($(nproc 2>/dev/null || echo '?') cores, load average $load_start at start and $load_end at the end (other work may share the machine); dotnet $(dotnet --version 2>/dev/null || echo '?'), $(ffmpeg -version 2>/dev/null | awk 'NR==1 { print $1, $3 }'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ' + uncommitted changes'), $(date -u +%Y-%m-%d); memory sampled every 50 ms)"
  echo
  echo "| step | wall s | × real time | CPU s | peak RSS MB (process / tree) |"
  echo "|---|---:|---:|---:|---:|"
  row bare "ffmpeg bare decode-downmix-resample (16 kHz mono f32 → /dev/null)"
  row pass1 "ffmpeg loudnorm pass 1 (measure)"
  row pass2 "ffmpeg loudnorm pass 2 (apply → 16 kHz mono WAV)"
  row loudnorm "ffmpeg loudnorm two-pass total"
  row audiograins "audiograins normalize (denoise, 80 Hz HP, −23 LUFS, 16 kHz mono Opus)"
  row agwav "audiograins normalize (defaults: −23 LUFS, 16 kHz mono WAV)"
  if [[ "${st[decode_agwav]}" == ok ]]; then
    echo "| of which the decode step (WAV job's \`steps_s.decode\`) | $(secs_of_us "${wall_us[decode_agwav]}") | - | - | - |"
  fi
  [[ -n "$base_dll" ]] && row baseline "the same, baseline build ($(git -C "$baseline" rev-parse --short HEAD 2>/dev/null || echo "$baseline"))"
  echo
  if ((repeat > 1)); then
    echo "Each audiograins row is the median of $repeat runs (wall s: this build ${walls[audiograins]}${base_dll:+; baseline ${walls[baseline]}})."
    echo
  fi
  if [[ -n "$ln_mode" ]]; then
    echo "loudnorm pass 1 measured I=$m_I LUFS, TP=$m_TP dBTP, LRA=$m_LRA LU, thresh=$m_thresh LUFS, offset=$m_offset LU; pass 2 runs in $ln_mode mode (ffmpeg's rule for linear=true)."
    echo
  fi
  ratio_line "audiograins / loudnorm two-pass total (wall)" audiograins loudnorm 0.5
  ratio_line "audiograins / bare decode (wall)" audiograins bare 4
  ratio_line "issue 10: decode step of the WAV job / bare decode" decode_agwav bare 1.5
  ratio_line "issue 10: WAV job / bare decode (wall)" agwav bare 3
  ratio_line "issue 10: denoise Opus job / bare decode (wall)" audiograins bare 6
  [[ -n "$base_dll" ]] && ratio_line "audiograins / baseline build (wall)" audiograins baseline 1.05
  if [[ "${st[audiograins]}" == ok ]]; then
    # The job's peak: the sampled tree sum, or the process's own VmHWM if a sample missed it.
    job_kb=$((tree[audiograins] > hwm[audiograins] ? tree[audiograins] : hwm[audiograins]))
    if ((job_kb < 400 * 1024)); then verdict="met"; else verdict="**not met**"; fail_target=1; fi
    echo "- audiograins peak RSS: process $(mb "${hwm[audiograins]}") MB, tree $(mb "${tree[audiograins]}") MB (target: job < 400 MB): $verdict"
  else
    echo "- audiograins peak RSS: - (target: job < 400 MB): not measured"
  fi
  if [[ "${st[audiograins]}" != ok ]] && ! ((ffmpeg_only)); then
    echo
    echo "**The audiograins step did not complete: ${st[audiograins]}.**"
  fi
} >"$report"
cat "$report"
say "report saved: ${report#"$repo_root"/}"
if ((fail_run)); then exit 1; fi
if ((fail_target)); then exit 2; fi
exit 0
