#!/usr/bin/env bash
# Benchmark (issue 10): many short files in one `audiograins normalize IN... --output-dir DIR`
# against a loop of ffmpeg two-pass loudnorm over the same files, in one run.
#
#   bench/batch-normalize.sh              # 100 clips of 20 s speech
#   bench/batch-normalize.sh 20           # N clips (quick check)
#   BENCH_CLIP_SECONDS=10 bench/batch-normalize.sh 40
#   BENCH_TIMEOUT=3600 bench/batch-normalize.sh   # per-run limit, s (default 1800)
#
# Inputs: bench/out/batch-clips/clip-NNN.{wav,mp3,flac} (git-ignored), generated once: espeak-ng
# speech (one of 10 voices, 130-190 words/min, pitch 25-75, a different selection of sentences
# per clip), looped to the clip length, mixed with pink or brown noise at -50..-30 dBFS, at a
# level from -30 to -6 dB, as 22.05 kHz mono WAV, 44.1 kHz stereo MP3 128k or FLAC in turn.
# Delete bench/out/batch-clips to regenerate.
#
# Steps, one after another (ffmpeg with -filter_threads 1 as in pipeline-speed.sh):
#   loudnorm     for each clip: pass 1 loudnorm=I=-23:TP=-1:LRA=20:print_format=json to null;
#                pass 2 with measured_I/TP/LRA/thresh, offset and linear=true, -ar 16000 -ac 1,
#                to bench/out/batch-loudnorm/NAME.wav (16-bit PCM)
#   audiograins  dotnet audiograins.dll normalize CLIPS... --output-dir bench/out/batch-ag
#                --format wav16 --json (16 kHz mono 16-bit WAV, -23 LUFS, -1 dBTP)
# Then every output is measured with ffmpeg's ebur128 filter.
#
# Target (issue 10): audiograins wall <= 0.3 x the loudnorm loop's wall; every audiograins
# output -23 +- 0.5 LUFS. Prints the commands and a markdown table (also saved as
# bench/out/batch-<timestamp>.md). Exit status: 0 all ran and the targets hold; 1 a step
# failed or could not run; 2 all ran but a target is missed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=bench/lib.sh
source "$repo_root/bench/lib.sh"   # say, die, measure, elapsed_s, mb

timeout_s="${BENCH_TIMEOUT:-1800}"
[[ "$timeout_s" =~ ^[0-9]+$ ]] || die "BENCH_TIMEOUT must be a number of seconds (got '$timeout_s')."
clip_s="${BENCH_CLIP_SECONDS:-20}"
[[ "$clip_s" =~ ^[1-9][0-9]*$ ]] || die "BENCH_CLIP_SECONDS must be a whole number of seconds (got '$clip_s')."
count=100
case "${1:-}" in
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
  "") ;;
  *) [[ "$1" =~ ^[1-9][0-9]*$ ]] || die "the argument is a number of clips (got '$1')"; count="$1" ;;
esac

command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg is not installed (apt-get install -y ffmpeg)."
command -v espeak-ng >/dev/null 2>&1 || die "espeak-ng is not installed (apt-get install -y espeak-ng)."
command -v dotnet >/dev/null 2>&1 || die "'dotnet' is not on PATH."

out_dir="$repo_root/bench/out"
rel_out="bench/out"
clips_dir="$rel_out/batch-clips"
ln_dir="$rel_out/batch-loudnorm"
ag_dir="$rel_out/batch-ag"
dll_rel="src/AudioGrains.Cli/bin/Release/net10.0/audiograins.dll"
mkdir -p "$clips_dir"

say "building the CLI if needed (scripts/audiograins --help)..."
"$repo_root/scripts/audiograins" --help >/dev/null || die "the CLI could not be built."
[[ -f "$dll_rel" ]] || die "$dll_rel is missing after the build."
dotnet "$dll_rel" normalize --help 2>&1 | grep -q -- --output-dir || die "this build of \`audiograins normalize\` has no --output-dir."

# --- inputs -----------------------------------------------------------------------
sentences=(
  "The quarterly report is due on Friday, so please send your figures by Wednesday evening."
  "Turn left at the second roundabout and follow the signs to the old harbour."
  "Our support line is open from eight in the morning until six at night, Monday to Saturday."
  "The committee decided to postpone the vote until every member had read the proposal."
  "Heavy rain is expected in the north tonight, clearing to sunny spells by late morning."
  "Please remember to bring your badge, because the front desk cannot print a new one."
  "The recipe needs two cups of flour, a pinch of salt and three fresh eggs."
  "If the light on the router stays red, unplug it for ten seconds and try again."
  "Thank you for calling, all of our agents are busy, please stay on the line."
  "The museum opens a new exhibition on early flight and the engineers who made it possible."
  "Shipping is free for orders over fifty dollars, and returns are accepted within thirty days."
  "The train to Edinburgh will depart from platform four, twelve minutes late."
  "We measured the loudness of every recording and found a spread of almost thirty decibels."
  "Could you repeat the last number, the line is breaking up a little."
  "The final chapter explains how the results were checked against an independent method."
  "A quick brown fox jumps over the lazy dog while the farmer watches from the gate."
)
voices=(en en-us en-gb-scotland en-gb-x-rp en-029 en-gb-x-gbclan en+f3 en-us+f2 en+m3 en-gb+f4)
exts=(wav mp3 flac)
clip_name() { printf 'clip-%03d.%s' "$1" "${exts[$(( $1 % 3 ))]}"; }

generate_clip() {  # generate_clip I -> $clips_dir/clip-III.EXT (once)
  local i="$1" file tmp raw text voice speed pitch level noise noise_amp
  file="$clips_dir/$(clip_name "$i")"
  [[ -s "$file" ]] && return 0
  raw="$clips_dir/.raw-$i.wav"
  tmp="$clips_dir/.partial-$(clip_name "$i")"
  # A different run of sentences per clip, starting at i, stepping by a stride that depends on i.
  text=""
  local k
  for k in 0 1 2 3; do text+="${sentences[$(( (i + k * (1 + i % 5)) % ${#sentences[@]} ))]} "; done
  voice="${voices[$(( i % ${#voices[@]} ))]}"
  speed=$(( 130 + (i * 37) % 61 ))
  pitch=$(( 25 + (i * 53) % 51 ))
  level=$(awk -v i="$i" 'BEGIN { printf "%.1f", -30 + ((i * 7919) % 241) / 10 }')      # -30.0 .. -6.0 dB
  noise=$([[ $(( i % 2 )) -eq 0 ]] && echo pink || echo brown)
  noise_amp=$(awk -v i="$i" 'BEGIN { printf "%.4f", 10 ^ ((-50 + (i * 13) % 21) / 20) }')  # -50 .. -30 dBFS
  espeak-ng -w "$raw" -v "$voice" -s "$speed" -p "$pitch" "$text" || { rm -f "$raw"; die "espeak-ng failed for clip $i"; }
  local enc=()
  case "${file##*.}" in
    wav)  enc=(-ar 22050 -ac 1 -c:a pcm_s16le) ;;
    mp3)  enc=(-ar 44100 -ac 2 -c:a libmp3lame -b:a 128k) ;;
    flac) enc=(-ar 22050 -ac 1 -c:a flac) ;;
  esac
  ffmpeg -hide_banner -nostdin -loglevel error -y -filter_threads 1 \
    -stream_loop -1 -i "$raw" \
    -f lavfi -i "anoisesrc=color=$noise:amplitude=$noise_amp:sample_rate=22050:seed=$i" \
    -filter_complex "[0:a]aresample=22050,volume=${level}dB[s];[s][1:a]amix=inputs=2:duration=first:normalize=0" \
    -t "$clip_s" "${enc[@]}" -f "${file##*.}" "$tmp" || { rm -f "$raw" "$tmp"; die "ffmpeg failed for clip $i"; }
  rm -f "$raw"
  mv "$tmp" "$file"
}

# A changed clip length or count makes new clips: the set is keyed by its length.
stamp="$clips_dir/.seconds"
if [[ -f "$stamp" && "$(cat "$stamp")" != "$clip_s" ]]; then
  say "clips of another length in $clips_dir: regenerating."
  rm -f "$clips_dir"/clip-*
fi
echo "$clip_s" >"$stamp"
say "generating clips into $clips_dir (once; existing ones are kept)..."
t0=$EPOCHREALTIME
clips=()
for ((i = 0; i < count; i++)); do
  generate_clip "$i"
  clips+=("$clips_dir/$(clip_name "$i")")
done
say "inputs ready in $(elapsed_s "${t0/[.,]/}" "${EPOCHREALTIME/[.,]/}") s: ${#clips[@]} clips of ${clip_s} s."

# --- the loudnorm loop --------------------------------------------------------------
rm -rf "$ln_dir" "$ag_dir"
mkdir -p "$ln_dir"
loudnorm_target="loudnorm=I=-23:TP=-1:LRA=20"
loudnorm_loop() {  # the loop a user writes: two passes per file, pass 2 from pass 1's JSON
  local f name log I TP LRA TH OFF
  for f in "$@"; do
    name="$(basename "${f%.*}")"
    log="$ln_dir/.$name.pass1.log"
    ffmpeg -nostdin -hide_banner -nostats -filter_threads 1 -i "$f" -af "$loudnorm_target:print_format=json" -f null - 2>"$log" || return 1
    I="$(sed -n 's/.*"input_i" : "\([^"]*\)".*/\1/p' "$log")"
    TP="$(sed -n 's/.*"input_tp" : "\([^"]*\)".*/\1/p' "$log")"
    LRA="$(sed -n 's/.*"input_lra" : "\([^"]*\)".*/\1/p' "$log")"
    TH="$(sed -n 's/.*"input_thresh" : "\([^"]*\)".*/\1/p' "$log")"
    OFF="$(sed -n 's/.*"target_offset" : "\([^"]*\)".*/\1/p' "$log")"
    ffmpeg -nostdin -hide_banner -loglevel error -filter_threads 1 -i "$f" \
      -af "$loudnorm_target:measured_I=$I:measured_TP=$TP:measured_LRA=$LRA:measured_thresh=$TH:offset=$OFF:linear=true" \
      -ar 16000 -ac 1 -y "$ln_dir/$name.wav" || return 1
  done
}
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
say "run: loudnorm loop over ${#clips[@]} clips"
t0=$EPOCHREALTIME
loudnorm_loop "${clips[@]}" || die "the loudnorm loop failed (see $ln_dir/.*.pass1.log)"
t1=$EPOCHREALTIME
ln_wall_us=$(( ${t1/[.,]/} - ${t0/[.,]/} ))
say "loudnorm loop: $(awk -v w="$ln_wall_us" 'BEGIN { printf "%.2f", w / 1e6 }') s"

# --- audiograins, one command -----------------------------------------------------------
ag_json="$rel_out/batch-ag.jsonl"
ag_log="$rel_out/batch-ag.log"
ag_cmd=(dotnet "$dll_rel" normalize "${clips[@]}" --output-dir "$ag_dir" --format wav16 --json)
say "run: audiograins normalize ${#clips[@]} clips --output-dir $ag_dir (timeout ${timeout_s} s; JSON -> $ag_json)"
measure "$ag_json" "$ag_log" "${ag_cmd[@]}"
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
[[ "$m_status" == ok ]] || { tail -n 5 "$ag_log" >&2; die "audiograins: $m_status"; }
ag_wall_us="$m_wall_us"
say "audiograins: $(awk -v w="$ag_wall_us" 'BEGIN { printf "%.2f", w / 1e6 }') s, CPU $(awk -v c="$m_cpu_ms" 'BEGIN { printf "%.1f", c / 1e3 }') s, peak RSS $(mb "$m_hwm_kb") MB (tree $(mb "$m_tree_kb") MB)"
lines=$(wc -l <"$ag_json")
completed=$(grep -c '"status":"completed"' "$ag_json" || true)

# --- loudness of every output -------------------------------------------------------------
lufs_of() { ffmpeg -nostdin -hide_banner -nostats -filter_threads 1 -i "$1" -af ebur128 -f null - 2>&1 | awk '/Summary:/ { s = 1 } s && /I:/ { print $2; exit }'; }
range_of() {  # range_of DIR -> "min max count_outside n"
  local f v
  for f in "$1"/*.wav; do v="$(lufs_of "$f")"; echo "${v:-nan}"; done |
    awk '{ n++; if ($1 == "nan") { bad++; next } if (min == "" || $1 < min) min = $1; if (max == "" || $1 > max) max = $1; if ($1 < -23.5 || $1 > -22.5) bad++ }
         END { printf "%s %s %d %d\n", min, max, bad, n }'
}
say "measuring the outputs (ffmpeg ebur128)..."
read -r ag_min ag_max ag_bad ag_n < <(range_of "$ag_dir")
read -r ln_min ln_max ln_bad ln_n < <(range_of "$ln_dir")

ratio=$(awk -v a="$ag_wall_us" -v l="$ln_wall_us" 'BEGIN { printf "%.3f", a / l }')
ratio_ok=$(awk -v r="$ratio" 'BEGIN { print (r <= 0.3) ? "met" : "not met" }')
lufs_ok=$([[ "$ag_bad" -eq 0 && "$ag_n" -eq "$count" ]] && echo met || echo "not met")
report="$rel_out/batch-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "## Batch normalize: $count clips of $clip_s s ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $load_start at start, $load_end at end)"
  echo
  echo '```'
  echo "bench/batch-normalize.sh $count"
  echo "loudnorm, per clip: ffmpeg -i CLIP -af $loudnorm_target:print_format=json -f null -"
  echo "                    ffmpeg -i CLIP -af $loudnorm_target:measured_I=..:measured_TP=..:measured_LRA=..:measured_thresh=..:offset=..:linear=true -ar 16000 -ac 1 OUT.wav"
  echo "audiograins:        dotnet $dll_rel normalize $clips_dir/clip-*.{wav,mp3,flac} --output-dir $ag_dir --format wav16 --json"
  echo '```'
  echo
  echo "| run | wall s | outputs | output LUFS (ebur128) min / max | outside −23 ± 0.5 |"
  echo "|---|---:|---:|---|---:|"
  printf '| ffmpeg two-pass loudnorm loop | %s | %s | %s / %s | %s |\n' "$(awk -v w="$ln_wall_us" 'BEGIN { printf "%.2f", w / 1e6 }')" "$ln_n" "$ln_min" "$ln_max" "$ln_bad"
  printf '| audiograins normalize (one command) | %s | %s | %s / %s | %s |\n' "$(awk -v w="$ag_wall_us" 'BEGIN { printf "%.2f", w / 1e6 }')" "$ag_n" "$ag_min" "$ag_max" "$ag_bad"
  echo
  echo "- audiograins: CPU $(awk -v c="$m_cpu_ms" 'BEGIN { printf "%.1f", c / 1e3 }') s, peak RSS $(mb "$m_hwm_kb") MB (process), $(mb "$m_tree_kb") MB (tree); $lines JSON lines, $completed completed."
  echo "- ratio audiograins / loudnorm loop: **$ratio** (target ≤ 0.3: $ratio_ok); every audiograins output within −23 ± 0.5 LUFS: $lufs_ok."
} | tee "$report"
say "saved $report"
[[ "$lines" -eq "$count" && "$completed" -eq "$count" ]] || { say "expected $count completed JSON lines, got $lines lines, $completed completed"; exit 1; }
[[ "$ratio_ok" == met && "$lufs_ok" == met ]] || exit 2
