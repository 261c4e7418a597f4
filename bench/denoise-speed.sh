#!/usr/bin/env bash
# Benchmark: `audiograins normalize` with one --denoise mode against another on the same long input.
#
#   bench/denoise-speed.sh                          # 1 h, --denoise speech against --denoise stationary
#   bench/denoise-speed.sh 5m                       # quick check (any N followed by s, m or h)
#   bench/denoise-speed.sh 1h --denoise-modes stationary,speech,nonstationary
#                                                   # the first mode is the reference of the ratios
#   bench/denoise-speed.sh 1h --repeat 3            # each mode N times, the order rotating; medians
#   bench/denoise-speed.sh 1h -- --chunk-seconds 60 # args after -- go to every `audiograins normalize`
#   BENCH_TIMEOUT=3600 bench/denoise-speed.sh       # per-run limit, s (default 1800)
#
# Input: bench/out/speech-<len>-aac.m4a, the pipeline-speed.sh input (44.1 kHz stereo AAC 128k,
# generated once). Every run: `normalize IN -o OUT.wav --format wav --denoise MODE --json` with the
# defaults otherwise (16 kHz mono, -23 LUFS), timed for wall and CPU seconds, memory sampled every
# 50 ms (VmHWM of the CLI process, summed VmRSS of its tree).
# Target (issue 13): speech wall <= 1.5 x stationary wall, in one run of this script; peak RSS of
# every mode within 1.25 x the reference mode's (the job's memory does not grow with the mode).
#
# Prints the commands and a markdown table (also saved as bench/out/denoise-<timestamp>.md).
# Exit status: 0 all ran and the targets hold; 1 a run failed or timed out; 2 a target is missed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=bench/lib.sh
source "$repo_root/bench/lib.sh"   # say, die, generate_aac, measure, mb, hms

timeout_s="${BENCH_TIMEOUT:-1800}"
[[ "$timeout_s" =~ ^[0-9]+$ ]] || die "BENCH_TIMEOUT must be a number of seconds (got '$timeout_s')."

len="" repeat=1 modes_arg="stationary,speech" extra=()
while (($#)); do
  case "$1" in
    --) shift; extra=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    --denoise-modes) [[ $# -ge 2 ]] || die "--denoise-modes needs a list such as stationary,speech"; modes_arg="$2"; shift 2 ;;
    --repeat) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--repeat needs a count"; repeat="$2"; shift 2 ;;
    *[0-9][smh]) [[ "$1" =~ ^[0-9]+[smh]$ ]] || die "bad duration '$1' (use e.g. 5m or 1h)"
                 [[ -z "$len" ]] || die "give one duration (got '$len' and '$1')"
                 len="$1"; shift ;;
    *) die "unknown argument '$1' (a duration such as 1h, --denoise-modes A,B, --repeat N, then optionally -- normalize args)" ;;
  esac
done
[[ -n "$len" ]] || len=1h
secs="$(seconds_of "$len")"
((secs > 0)) || die "duration must be positive (got '$len')."
IFS=, read -r -a modes <<<"$modes_arg"
((${#modes[@]} >= 2)) || die "--denoise-modes needs at least two modes (got '$modes_arg')."
for m in "${modes[@]}"; do
  [[ "$m" =~ ^(off|stationary|nonstationary|speech)$ ]] || die "unknown denoise mode '$m' (off, stationary, nonstationary, speech)"
done

command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg is not installed."
command -v dotnet >/dev/null 2>&1 || die "'dotnet' is not on PATH."
[[ -r /proc/self/status ]] || die "/proc is not available; cannot measure RSS."
out_dir="$repo_root/bench/out"
mkdir -p "$out_dir"
rel_out="bench/out"
dll_rel="src/AudioGrains.Cli/bin/Release/net10.0/audiograins.dll"
say "building the CLI if needed (scripts/audiograins --help)..."
"$repo_root/scripts/audiograins" --help >/dev/null || die "the CLI could not be built."
[[ -f "$dll_rel" ]] || die "$dll_rel is missing after the build."

in="$rel_out/speech-$len-aac.m4a"
generate_aac "$len"

cmd_of() {  # cmd_of MODE -> sets cmd
  cmd=(dotnet "$dll_rel" normalize "$in" -o "$rel_out/denoise-$len-$1.wav" --format wav --denoise "$1" --json "${extra[@]}")
}
declare -A runs
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < repeat; r++)); do
  # Rotate the order, so that no mode always runs first on a cooler (or warmer) machine.
  for ((i = 0; i < ${#modes[@]}; i++)); do
    mode="${modes[$(((i + r) % ${#modes[@]}))]}"
    cmd_of "$mode"
    rm -f "$rel_out/denoise-$len-$mode.wav"
    say "run $((r + 1))/$repeat: --denoise $mode (timeout ${timeout_s} s)"
    measure "$rel_out/denoise-$len-$mode.json" "$rel_out/denoise-$len-$mode.log" "${cmd[@]}"
    n=${runs[$mode,n]:-0}
    runs[$mode,$n]="$m_wall_us $m_cpu_ms $m_hwm_kb $m_tree_kb $m_status"; runs[$mode,n]=$((n + 1))
    say "  $m_status, $(awk -v w="$m_wall_us" 'BEGIN { printf "%.2f", w / 1e6 }') s wall, peak RSS $(mb "$m_hwm_kb") MB (tree $(mb "$m_tree_kb") MB)"
  done
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

declare -A wall cpu hwm tree st walls
for mode in "${modes[@]}"; do
  n=${runs[$mode,n]}
  median="$(for ((i = 0; i < n; i++)); do echo "${runs[$mode,$i]} $i"; done | sort -n | awk -v m=$(((n - 1) / 2)) 'NR == m + 1 { print $NF }')"
  read -r wall[$mode] cpu[$mode] hwm[$mode] tree[$mode] st[$mode] <<<"${runs[$mode,$median]}"
  walls[$mode]="$(for ((i = 0; i < n; i++)); do awk -v w="${runs[$mode,$i]%% *}" 'BEGIN { printf "%.2f ", w / 1e6 }'; done)"
  for ((i = 0; i < n; i++)); do [[ "${runs[$mode,$i]##* }" == ok ]] || st[$mode]="${runs[$mode,$i]##* }"; done
done

ref="${modes[0]}"
fail_run=0 fail_target=0
report="$out_dir/denoise-$(date -u +%Y%m%dT%H%M%SZ).md"
q() { local a out=""; for a in "$@"; do out+="$(printf '%q' "$a") "; done; printf '%s' "${out% }"; }
invocation="bench/denoise-speed.sh $len --denoise-modes $modes_arg$( ((repeat > 1)) && echo " --repeat $repeat" || true)${extra[*]:+ -- ${extra[*]}}"
{
  echo "Command: \`$invocation\`"
  echo
  echo "Input: \`$in\` ($(hms "$secs"), 44.1 kHz stereo AAC 128k). Each run, from the repo root:"
  echo
  echo '```'
  cmd_of MODE; q "${cmd[@]}"; echo
  echo '```'
  echo
  echo "($(nproc 2>/dev/null || echo '?') cores, load average $load_start at start and $load_end at the end (other work may share the machine); dotnet $(dotnet --version 2>/dev/null || echo '?'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ' + uncommitted changes'), $(date -u +%Y-%m-%d); memory sampled every 50 ms)"
  echo
  echo "| --denoise | wall s | × real time | CPU s | peak RSS MB (process / tree) | wall / \`$ref\` |"
  echo "|---|---:|---:|---:|---:|---:|"
  for mode in "${modes[@]}"; do
    if [[ "${st[$mode]}" == ok ]]; then
      echo "| \`$mode\` | $(awk -v w="${wall[$mode]}" 'BEGIN { printf "%.2f", w / 1e6 }') | $(awk -v d="$secs" -v w="${wall[$mode]}" 'BEGIN { printf "%.1f", d * 1e6 / w }') | $(awk -v c="${cpu[$mode]}" 'BEGIN { printf "%.2f", c / 1e3 }') | $(mb "${hwm[$mode]}") / $(mb "${tree[$mode]}") | $(awk -v a="${wall[$mode]}" -v b="${wall[$ref]}" 'BEGIN { printf "%.2f", a / b }') |"
    else
      fail_run=1
      echo "| \`$mode\` | ${st[$mode]} (see $rel_out/denoise-$len-$mode.log) | - | - | - | - |"
    fi
  done
  echo
  if ((repeat > 1)); then
    echo "Each row is the median of $repeat runs (wall s: $(for mode in "${modes[@]}"; do printf '%s %s; ' "$mode" "${walls[$mode]% }"; done | sed 's/; $//'))."
    echo
  fi
  if [[ " ${modes[*]} " == *" speech "* && "$ref" != speech && "${st[speech]}" == ok && "${st[$ref]}" == ok ]]; then
    r="$(awk -v a="${wall[speech]}" -v b="${wall[$ref]}" 'BEGIN { printf "%.2f", a / b }')"
    if awk -v r="$r" 'BEGIN { exit !(r <= 1.5) }'; then verdict="met"; else verdict="**not met**"; fail_target=1; fi
    echo "- speech / $ref (wall): **$r** (target ≤ 1.5): $verdict"
  fi
  for mode in "${modes[@]:1}"; do
    [[ "${st[$mode]}" == ok && "${st[$ref]}" == ok ]] || continue
    a=$((tree[$mode] > hwm[$mode] ? tree[$mode] : hwm[$mode])); b=$((tree[$ref] > hwm[$ref] ? tree[$ref] : hwm[$ref]))
    r="$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
    if awk -v r="$r" 'BEGIN { exit !(r <= 1.25) }'; then verdict="met"; else verdict="**not met**"; fail_target=1; fi
    echo "- peak RSS of the job, $mode / $ref: $(mb "$a") / $(mb "$b") MB = $r (target ≤ 1.25): $verdict"
  done
} >"$report"
cat "$report"
say "report saved: ${report#"$repo_root"/}"
if ((fail_run)); then exit 1; fi
if ((fail_target)); then exit 2; fi
exit 0
