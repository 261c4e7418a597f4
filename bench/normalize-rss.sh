#!/usr/bin/env bash
# Benchmark: wall time and peak RSS of `audiograins normalize` on long inputs.
#
#   bench/normalize-rss.sh                 # 5m, 1h and 2h
#   bench/normalize-rss.sh 5m 1h           # a subset (any N followed by s, m or h works)
#   bench/normalize-rss.sh 5m -- --sample-rate keep --channels keep
#                                          # args after -- go to `audiograins normalize`
#   bench/normalize-rss.sh --aac --ext wav 1h 4h 10h
#                                          # 44.1 kHz stereo AAC inputs (longer than 1 h: the
#                                          # same hour repeated), output to .wav (default .webm)
#   AUDIOGRAINS_CLI_DIR=DIR bench/normalize-rss.sh ...
#                                          # runs DIR/audiograins.dll (another build), no build
#
# Inputs are generated once into bench/out/ (git-ignored): speech-like signal (two
# harmonics, amplitude-modulated at a syllable rate, with pauses) plus pink noise,
# 44.1 kHz stereo, MP3 128k. Generating them with ffmpeg runs at about 80x real time on
# one core (2 h of audio takes roughly 1.5 min), and happens only once.
#
# Each run executes the built CLI dll directly (`dotnet audiograins.dll normalize ...
# --json`), writes bench/out/<input>.webm, and samples every 50 ms:
#   - the summed VmRSS of the whole process tree (dotnet + ffmpeg children) -> peak tree
#   - VmHWM of the dotnet process itself (its own peak RSS, read until it exits)
# A run is stopped after BENCH_TIMEOUT seconds (default 1800).
#
# Prints a markdown table (also saved as bench/out/report-<timestamp>.md).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# shellcheck source=bench/lib.sh
source "$repo_root/bench/lib.sh"   # say, die, generate_mp3, measure, mb, hms

timeout_s="${BENCH_TIMEOUT:-1800}"
[[ "$timeout_s" =~ ^[0-9]+$ ]] || die "BENCH_TIMEOUT must be a number of seconds (got '$timeout_s')."

# --- arguments --------------------------------------------------------------------
lengths=()
extra=()
kind="mp3"   # input: speech-LEN.mp3, or speech-LEN-aac.m4a with --aac
ext="webm"   # output extension (sets the format)
while (($#)); do
  case "$1" in
    --aac) kind="aac"; shift ;;
    --ext) [[ "${2:-}" =~ ^[a-z0-9]+$ ]] || die "--ext needs an extension such as wav, opus, webm"
           ext="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[0-9][smh]) [[ "$1" =~ ^[0-9]+[smh]$ ]] || die "bad length '$1' (use e.g. 5m, 1h, 2h)"
                 lengths+=("$1"); shift ;;
    *) die "unknown argument '$1' (use lengths such as 5m 1h 2h, then optionally -- normalize args)" ;;
  esac
done
((${#lengths[@]})) || lengths=(5m 1h 2h)

# --- prerequisites ---------------------------------------------------------------
command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg is not installed (apt-get install -y ffmpeg; scripts/test and scripts/demo install it)."
command -v dotnet >/dev/null 2>&1 || die "'dotnet' is not on PATH; install the .NET 10 SDK."
[[ -r /proc/self/status ]] || die "/proc is not available; cannot measure RSS."

if [[ -n "${AUDIOGRAINS_CLI_DIR:-}" ]]; then
  # Another build (e.g. a copy of the one before a change), run as it is, for a comparison on the same inputs.
  dll="$(cd "$AUDIOGRAINS_CLI_DIR" && pwd)/audiograins.dll"
  [[ -f "$dll" ]] || die "AUDIOGRAINS_CLI_DIR holds no audiograins.dll ($dll)."
else
  say "building the CLI if needed (scripts/audiograins --help)..."
  "$repo_root/scripts/audiograins" --help >/dev/null \
    || die "the CLI could not be built or 'audiograins --help' failed (see above)."
  dll="$repo_root/src/AudioGrains.Cli/bin/Release/net10.0/audiograins.dll"
  [[ -f "$dll" ]] || die "$dll is missing after the build."
fi

out_dir="$repo_root/bench/out"
mkdir -p "$out_dir"

# --- inputs ---------------------------------------------------------------------
input_of() {  # input_of LEN -> the input's file name in bench/out
  if [[ "$kind" == aac ]]; then echo "speech-$1-aac.m4a"; else echo "speech-$1.mp3"; fi
}
for len in "${lengths[@]}"; do
  if [[ "$kind" == aac ]]; then generate_aac "$len"; else generate_mp3 "$len"; fi
done

# --- measurement ------------------------------------------------------------------
declare -A res_wall res_rc res_hwm res_tree res_secs
run_one() {
  local len="$1" secs in out json log
  secs="$(seconds_of "$len")"
  in="$out_dir/$(input_of "$len")"; out="$out_dir/speech-$len.$ext"
  json="$out_dir/speech-$len.json"; log="$out_dir/speech-$len.log"
  rm -f "$out"
  say "run: normalize $(input_of "$len") (timeout ${timeout_s} s; stderr -> ${log#"$repo_root"/})"
  measure "$json" "$log" dotnet "$dll" normalize "$in" -o "$out" --json "${extra[@]}"
  res_secs[$len]="$secs"
  res_wall[$len]="$(awk -v w="$m_wall_us" 'BEGIN { printf "%.1f", w / 1e6 }')"
  res_hwm[$len]="$m_hwm_kb"; res_tree[$len]="$m_tree_kb"; res_rc[$len]="$m_status"
  if [[ "${res_rc[$len]}" != ok ]]; then
    say "run speech-$len: ${res_rc[$len]}; last lines of its stderr:"
    tail -n 5 "$log" >&2 || true
  else
    say "run speech-$len: ${res_wall[$len]} s, CLI peak $((m_hwm_kb / 1024)) MB, tree peak $((m_tree_kb / 1024)) MB"
  fi
}

for len in "${lengths[@]}"; do run_one "$len"; done

# --- report ---------------------------------------------------------------------
report="$out_dir/report-$(date -u +%Y%m%dT%H%M%SZ).md"
failed=0
for len in "${lengths[@]}"; do [[ "${res_rc[$len]}" == ok ]] || failed=1; done
{
  opts="$([[ "$kind" == aac ]] && echo "--aac ")$([[ "$ext" != webm ]] && echo "--ext $ext ")"
  echo "Command: \`bench/normalize-rss.sh $opts${lengths[*]}${extra[*]:+ -- ${extra[*]}}\`"
  echo
  echo "Each run: \`dotnet ${dll#"$repo_root"/} normalize bench/out/$(input_of '<len>') -o bench/out/speech-<len>.$ext --json${extra[*]:+ ${extra[*]}}\`"
  echo "($(nproc 2>/dev/null || echo '?') cores, dotnet $(dotnet --version 2>/dev/null || echo '?'), $(ffmpeg -version 2>/dev/null | awk 'NR==1 { print $1, $3 }'), $(date -u +%Y-%m-%d); RSS sampled every 50 ms)"
  echo
  echo "| input | duration | wall s | × real time | peak RSS CLI process MB | peak RSS tree MB |"
  echo "|---|---|---:|---:|---:|---:|"
  for len in "${lengths[@]}"; do
    if [[ "${res_rc[$len]}" == ok ]]; then
      echo "| $(input_of "$len") | $(hms "${res_secs[$len]}") | ${res_wall[$len]} | $(awk -v d="${res_secs[$len]}" -v w="${res_wall[$len]}" 'BEGIN { if (w > 0) printf "%.1f", d / w; else print "-" }') | $(mb "${res_hwm[$len]}") | $(mb "${res_tree[$len]}") |"
    else
      echo "| $(input_of "$len") | $(hms "${res_secs[$len]}") | ${res_rc[$len]} after ${res_wall[$len]} | - | $(mb "${res_hwm[$len]}") | $(mb "${res_tree[$len]}") |"
    fi
  done
  # Ratio of the longest to the shortest input (2 h / 5 min by default).
  if ((${#lengths[@]} > 1)); then
    short="" long=""
    for len in "${lengths[@]}"; do
      [[ "${res_rc[$len]}" == ok ]] || continue
      if [[ -z "$short" ]] || ((res_secs[$len] < res_secs[$short])); then short="$len"; fi
      if [[ -z "$long" ]] || ((res_secs[$len] > res_secs[$long])); then long="$len"; fi
    done
    if [[ -n "$short" && "$short" != "$long" ]]; then
      echo
      awk -v l="$long" -v s="$short" \
          -v hl="${res_hwm[$long]}" -v hs="${res_hwm[$short]}" \
          -v tl="${res_tree[$long]}" -v ts="${res_tree[$short]}" \
          -v wl="${res_wall[$long]}" -v ws="${res_wall[$short]}" \
          -v dl="${res_secs[$long]}" -v ds="${res_secs[$short]}" 'BEGIN {
        printf "Ratio %s / %s (input %.0f× longer): peak RSS CLI %.2f×, peak RSS tree %.2f×, wall %.1f×\n",
          l, s, dl / ds, (hs > 0 ? hl / hs : 0), (ts > 0 ? tl / ts : 0), (ws > 0 ? wl / ws : 0)
      }'
    fi
  fi
} | tee "$report"
say "report saved: ${report#"$repo_root"/}"
exit "$failed"
