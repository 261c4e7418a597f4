#!/usr/bin/env bash
# Benchmark: wall time and peak RSS of `audiograins normalize` on long inputs.
#
#   bench/normalize-rss.sh                 # 5m, 1h and 2h
#   bench/normalize-rss.sh 5m 1h           # a subset (any N followed by s, m or h works)
#   bench/normalize-rss.sh 5m -- --sample-rate keep --channels keep
#                                          # args after -- go to `audiograins normalize`
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

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

timeout_s="${BENCH_TIMEOUT:-1800}"
[[ "$timeout_s" =~ ^[0-9]+$ ]] || die "BENCH_TIMEOUT must be a number of seconds (got '$timeout_s')."

# --- arguments --------------------------------------------------------------------
lengths=()
extra=()
while (($#)); do
  case "$1" in
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[0-9][smh]) [[ "$1" =~ ^[0-9]+[smh]$ ]] || die "bad length '$1' (use e.g. 5m, 1h, 2h)"
                 lengths+=("$1"); shift ;;
    *) die "unknown argument '$1' (use lengths such as 5m 1h 2h, then optionally -- normalize args)" ;;
  esac
done
((${#lengths[@]})) || lengths=(5m 1h 2h)

seconds_of() {
  local n="${1%[smh]}"
  case "$1" in *s) echo "$n" ;; *m) echo $((n * 60)) ;; *h) echo $((n * 3600)) ;; esac
}

# --- prerequisites ---------------------------------------------------------------
command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg is not installed (apt-get install -y ffmpeg; scripts/test and scripts/demo install it)."
command -v dotnet >/dev/null 2>&1 || die "'dotnet' is not on PATH; install the .NET 10 SDK."
[[ -r /proc/self/status ]] || die "/proc is not available; cannot measure RSS."

say "building the CLI if needed (scripts/audiograins --help)..."
"$repo_root/scripts/audiograins" --help >/dev/null \
  || die "the CLI could not be built or 'audiograins --help' failed (see above)."
dll="$repo_root/src/AudioGrains.Cli/bin/Release/net10.0/audiograins.dll"
[[ -f "$dll" ]] || die "$dll is missing after the build."

out_dir="$repo_root/bench/out"
mkdir -p "$out_dir"

# --- inputs ---------------------------------------------------------------------
generate() {  # generate LENGTH -> bench/out/speech-LENGTH.mp3 (once)
  local len="$1" secs file tmp t0 t1
  secs="$(seconds_of "$len")"
  file="$out_dir/speech-$len.mp3"
  if [[ -s "$file" ]]; then
    say "input exists: ${file#"$repo_root"/}"
    return 0
  fi
  tmp="$out_dir/.speech-$len.partial.mp3"
  say "generating ${file#"$repo_root"/} (${secs} s of audio)..."
  t0=$EPOCHREALTIME
  # 170 Hz + 340 Hz "voice", syllable-rate (3.7 Hz) amplitude modulation, pauses from a
  # slow gate, pink noise underneath; left/right slightly different in level.
  ffmpeg -hide_banner -nostdin -loglevel error -y -filter_threads 1 \
    -f lavfi -i "sine=frequency=170:sample_rate=44100:duration=${secs}" \
    -f lavfi -i "sine=frequency=340:sample_rate=44100:duration=${secs}" \
    -f lavfi -i "anoisesrc=color=pink:amplitude=0.05:sample_rate=44100:duration=${secs}:seed=3" \
    -filter_complex "[0:a][1:a]amix=inputs=2:normalize=0,volume='0.35*(0.55+0.45*sin(2*PI*3.7*t))*gt(sin(2*PI*0.21*t)\,-0.4)':eval=frame[v];[v][2:a]amix=inputs=2:normalize=0,pan=stereo|c0=c0|c1=0.9*c0[o]" \
    -map '[o]' -c:a libmp3lame -b:a 128k -f mp3 "$tmp" \
    || { rm -f "$tmp"; die "ffmpeg could not generate $file."; }
  mv "$tmp" "$file"
  t1=$EPOCHREALTIME
  say "generated in $(awk -v a="${t0/[.,]/}" -v b="${t1/[.,]/}" 'BEGIN { printf "%.1f", (b - a) / 1e6 }') s."
}

for len in "${lengths[@]}"; do generate "$len"; done

# --- measurement ------------------------------------------------------------------
# A no-fork 50 ms sleep: read with a timeout from a pipe nobody writes to.
if { exec {nap_fd}<> <(:); } 2>/dev/null; then
  nap() { read -r -t 0.05 -u "$nap_fd" _ || true; }
else
  nap() { sleep 0.05; }
fi

# Sets tree_kb (summed VmRSS of ROOT and all its descendants), root_hwm_kb (VmHWM of
# ROOT) and root_state (State letter of ROOT, empty once gone).
# Descendants are found from PPid in /proc/<pid>/stat (/proc/<pid>/task/*/children is
# not available on every kernel). Only pids >= ROOT are read: children get later pids
# (pid wrap-around during a run would hide a child; unlikely within a run).
sample_tree() {
  local root="$1" f p line rest ppid k v
  local -A parent=()
  local -a tree=("$root") queue=("$root")
  for f in /proc/[0-9]*/stat; do
    p="${f#/proc/}"; p="${p%/stat}"
    ((p > root)) || continue
    line=""
    { read -r line <"$f"; } 2>/dev/null || continue
    rest="${line##*) }"; rest="${rest#* }"; ppid="${rest%% *}"
    parent[$p]="$ppid"
  done
  # Breadth-first over the (small) set of candidate pids.
  while ((${#queue[@]})); do
    local cur="${queue[0]}"; queue=("${queue[@]:1}")
    for p in "${!parent[@]}"; do
      if [[ "${parent[$p]}" == "$cur" ]]; then tree+=("$p"); queue+=("$p"); fi
    done
  done
  tree_kb=0; root_state=""
  for p in "${tree[@]}"; do
    { while read -r k v _; do
        case "$k" in
          State:) [[ "$p" == "$root" ]] && root_state="$v" ;;
          VmHWM:) [[ "$p" == "$root" ]] && root_hwm_kb="$v" ;;
          VmRSS:) tree_kb=$((tree_kb + v)); break ;;
        esac
      done <"/proc/$p/status"; } 2>/dev/null || true
  done
}

kill_tree() {  # kill_tree ROOT SIGNAL
  local root="$1" sig="$2" f p line rest
  local -a kids=()
  for f in /proc/[0-9]*/stat; do
    p="${f#/proc/}"; p="${p%/stat}"
    ((p > root)) || continue
    { read -r line <"$f"; } 2>/dev/null || continue
    rest="${line##*) }"; rest="${rest#* }"
    [[ "${rest%% *}" == "$root" ]] && kids+=("$p")
  done
  kill "-$sig" "$root" 2>/dev/null || true
  for p in "${kids[@]}"; do kill_tree "$p" "$sig"; done
}

declare -A res_wall res_rc res_hwm res_tree res_secs
run_one() {
  local len="$1" secs in out json log pid t0 t0_us t1 now peak_tree=0 hwm=0 rc=0 timed_out=0
  secs="$(seconds_of "$len")"
  in="$out_dir/speech-$len.mp3"; out="$out_dir/speech-$len.webm"
  json="$out_dir/speech-$len.json"; log="$out_dir/speech-$len.log"
  rm -f "$out"
  say "run: normalize speech-$len.mp3 (timeout ${timeout_s} s; stderr -> ${log#"$repo_root"/})"
  t0=$EPOCHREALTIME; t0_us=${t0/[.,]/}
  dotnet "$dll" normalize "$in" -o "$out" --json "${extra[@]}" >"$json" 2>"$log" &
  pid=$!
  while :; do
    tree_kb=0; root_hwm_kb=0; root_state=""
    sample_tree "$pid"
    [[ -z "$root_state" || "$root_state" == Z* || "$root_state" == X* ]] && break
    ((tree_kb > peak_tree)) && peak_tree=$tree_kb
    ((root_hwm_kb > hwm)) && hwm=$root_hwm_kb
    now=${EPOCHREALTIME/[.,]/}
    if (( (now - t0_us) / 1000000 >= timeout_s )); then
      say "timeout after ${timeout_s} s: stopping the run."
      timed_out=1
      kill_tree "$pid" TERM
      for _ in $(seq 100); do   # up to ~5 s for a clean exit, then SIGKILL
        root_state=""; sample_tree "$pid"
        [[ -z "$root_state" || "$root_state" == Z* || "$root_state" == X* ]] && break
        nap
      done
      kill_tree "$pid" KILL
      break
    fi
    nap
  done
  wait "$pid" || rc=$?
  t1=$EPOCHREALTIME
  res_secs[$len]="$secs"
  res_wall[$len]="$(awk -v a="$t0_us" -v b="${t1/[.,]/}" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')"
  res_hwm[$len]="$hwm"; res_tree[$len]="$peak_tree"
  if ((timed_out)); then res_rc[$len]="timeout"
  elif ((rc != 0)); then res_rc[$len]="exit $rc"
  else res_rc[$len]="ok"; fi
  if [[ "${res_rc[$len]}" != ok ]]; then
    say "run speech-$len: ${res_rc[$len]}; last lines of its stderr:"
    tail -n 5 "$log" >&2 || true
  else
    say "run speech-$len: ${res_wall[$len]} s, CLI peak $((hwm / 1024)) MB, tree peak $((peak_tree / 1024)) MB"
  fi
}

for len in "${lengths[@]}"; do run_one "$len"; done

# --- report ---------------------------------------------------------------------
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
hms() { local s="$1"; printf '%d:%02d:%02d' $((s / 3600)) $((s % 3600 / 60)) $((s % 60)); }

report="$out_dir/report-$(date -u +%Y%m%dT%H%M%SZ).md"
failed=0
for len in "${lengths[@]}"; do [[ "${res_rc[$len]}" == ok ]] || failed=1; done
{
  echo "Command: \`bench/normalize-rss.sh ${lengths[*]}${extra[*]:+ -- ${extra[*]}}\`"
  echo
  echo "Each run: \`dotnet src/AudioGrains.Cli/bin/Release/net10.0/audiograins.dll normalize bench/out/speech-<len>.mp3 -o bench/out/speech-<len>.webm --json${extra[*]:+ ${extra[*]}}\`"
  echo "($(nproc 2>/dev/null || echo '?') cores, dotnet $(dotnet --version 2>/dev/null || echo '?'), $(ffmpeg -version 2>/dev/null | awk 'NR==1 { print $1, $3 }'), $(date -u +%Y-%m-%d); RSS sampled every 50 ms)"
  echo
  echo "| input | duration | wall s | × real time | peak RSS CLI process MB | peak RSS tree MB |"
  echo "|---|---|---:|---:|---:|---:|"
  for len in "${lengths[@]}"; do
    if [[ "${res_rc[$len]}" == ok ]]; then
      echo "| speech-$len.mp3 | $(hms "${res_secs[$len]}") | ${res_wall[$len]} | $(awk -v d="${res_secs[$len]}" -v w="${res_wall[$len]}" 'BEGIN { if (w > 0) printf "%.1f", d / w; else print "-" }') | $(mb "${res_hwm[$len]}") | $(mb "${res_tree[$len]}") |"
    else
      echo "| speech-$len.mp3 | $(hms "${res_secs[$len]}") | ${res_rc[$len]} after ${res_wall[$len]} | - | $(mb "${res_hwm[$len]}") | $(mb "${res_tree[$len]}") |"
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
