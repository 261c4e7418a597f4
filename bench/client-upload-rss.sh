#!/usr/bin/env bash
# Benchmark: memory of a client that uploads a large file into a cluster (issue 8: a 1 GB upload keeps the
# client's peak RSS under 100 MB). Starts redis-server and one `audiograins silo` (folder store) on free
# loopback ports, then uploads the file twice, measuring peak RSS and wall time of each client process:
#   - a service that embeds only the client library (bench/AudioGrains.ClientUpload: SubmitAsync from a FileStream);
#   - `audiograins submit BIG --cluster redis://...` (the CLI, a client through the same library, which also
#     carries the silo's code for `normalize`).
# Blocks of 1 MiB go through grain calls; each job is cancelled after its upload; everything is stopped at the end.
#
#   bench/client-upload-rss.sh            # 1 GB (a 16-bit stereo 44.1 kHz WAV of about 1 h 41 min)
#   bench/client-upload-rss.sh 256        # size in MB
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
source "$repo_root/bench/lib.sh"   # say, die, measure, mb
timeout_s="${BENCH_TIMEOUT:-1800}"

mb_size="${1:-1024}"
[[ "$mb_size" =~ ^[0-9]+$ ]] || die "size must be a number of MB (got '$mb_size')"
command -v redis-server >/dev/null || die "redis-server is not installed (scripts/test installs it)."
out_dir="$repo_root/bench/out"; mkdir -p "$out_dir"
dll="src/AudioGrains.Cli/bin/Release/net10.0/audiograins.dll"
"$repo_root/scripts/audiograins" --help >/dev/null || die "the CLI could not be built"
library_dll="bench/AudioGrains.ClientUpload/bin/Release/net10.0/AudioGrains.ClientUpload.dll"
dotnet build bench/AudioGrains.ClientUpload -c Release -v quiet -nologo >/dev/null || die "bench/AudioGrains.ClientUpload could not be built"

input="$out_dir/upload-${mb_size}mb.wav"
if [[ ! -s "$input" ]]; then
  secs=$(( mb_size * 1024 * 1024 / 176400 + 1 ))
  say "generating $input ($secs s of 44.1 kHz stereo 16-bit)..."
  ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi -i "sine=frequency=300:sample_rate=44100:duration=$secs" \
    -ac 2 -c:a pcm_s16le "$input.partial.wav" && mv "$input.partial.wav" "$input"
fi
bytes=$(stat -L -c %s "$input")

work="$(mktemp -d "$out_dir/upload-cluster.XXXXXX")"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
redis_port=$(port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
redis_pid=$!
dotnet "$dll" silo --redis "127.0.0.1:$redis_port" --storage "$work/blobs" --temp "$work/temp" >"$work/silo.log" 2>&1 &
silo_pid=$!
cleanup() { kill "$silo_pid" "$redis_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 120); do grep -q "silo ready" "$work/silo.log" 2>/dev/null && break; sleep 0.5; done
grep -q "silo ready" "$work/silo.log" || die "the silo did not start (see $work/silo.log)"

row() {  # row LABEL: measures the command after it, cancels its job, prints a table row
  local label="$1"; shift
  measure "$work/submit.json" "$work/submit.log" "$@"
  [[ "$m_status" == ok ]] || { cat "$work/submit.log" >&2; die "$label failed: $m_status"; }
  local job wall rate peak
  job=$(sed -n 's/.*"job_id":"\([^"]*\)".*/\1/p' "$work/submit.json")
  dotnet "$dll" cancel "$job" --cluster "redis://127.0.0.1:$redis_port" >/dev/null 2>&1 || true
  wall=$(awk -v w="$m_wall_us" 'BEGIN { printf "%.1f", w / 1e6 }')
  rate=$(awk -v b="$bytes" -v w="$m_wall_us" 'BEGIN { printf "%.0f", b / 1048576 / (w / 1e6) }')
  peak=$((m_tree_kb > m_hwm_kb ? m_tree_kb : m_hwm_kb))
  rows+=("| $(mb $((bytes / 1024))) MB WAV, $label | $wall | $rate | $(mb "$m_hwm_kb") / $(mb "$m_tree_kb") | $([[ $peak -lt $((100 * 1024)) ]] && echo yes || echo "**no**") |")
}
rows=()
say "run: the client library alone ($bytes bytes) --cluster redis://127.0.0.1:$redis_port"
row "client library alone (\`bench/AudioGrains.ClientUpload\`)" dotnet "$library_dll" "127.0.0.1:$redis_port" "$input"
say "run: audiograins submit ($bytes bytes) --cluster redis://127.0.0.1:$redis_port"
row "\`audiograins submit\`" dotnet "$dll" submit "$input" --cluster "redis://127.0.0.1:$redis_port" --format wav --json

echo "Command: \`bench/client-upload-rss.sh $mb_size\` ($(nproc) cores, commit $(git rev-parse --short HEAD), $(date -u +%Y-%m-%d))"
echo
echo "| upload, client | wall s | MB/s | client peak RSS MB (process / tree) | under 100 MB |"
echo "|---|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
