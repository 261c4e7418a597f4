#!/usr/bin/env bash
# False positives of the membership protocol under CPU load (issue 12): a loopback cluster of 3 silos
# (scripts/cluster, folder storage) while CPU hogs saturate the machine and jobs run, for a bounded time. Counts the
# silos declared dead although their process lived, with whatever AudioGrains__Membership__* settings are in the
# environment (scripts/cluster passes AudioGrains__* on to the silos).
#
#   bench/membership-under-load.sh [SECONDS] [HOGS]          # default 180 s, 2 hogs per core
#   AudioGrains__Membership__ProbeTimeout=00:00:02 AudioGrains__Membership__NumMissedProbesLimit=2 \
#     bench/membership-under-load.sh 180
#
# Output: the settings, the hogs, the jobs completed, silos alive at the end, and "declared dead: N" (log lines of
# silos marking another dead while its process was alive). Exit 0 when N is 0, 1 otherwise, 2 on setup failure.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=bench/lib.sh
source "$repo_root/bench/lib.sh"   # say, die

seconds="${1:-180}" hogs="${2:-$(( $(nproc) * 2 ))}"
[[ "$seconds" =~ ^[1-9][0-9]*$ && "$hogs" =~ ^[0-9]+$ ]] || { echo "usage: bench/membership-under-load.sh [SECONDS] [HOGS]" >&2; exit 2; }
((seconds <= 1800)) || die "at most 1800 s"
work="$(mktemp -d "$repo_root/bench/out/membership.XXXXXX")"
export AUDIOGRAINS_CLUSTER_DIR="$work/cluster"
hog_pids=()
cleanup() { kill "${hog_pids[@]}" 2>/dev/null || true; "$repo_root/scripts/cluster" down --purge >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

"$repo_root/scripts/cluster" up 3 --storage folder >"$work/up.env" 2>"$work/up.log" || { tail -n 20 "$work/up.log" >&2; exit 2; }
redis_url="redis://$(sed -n 's/^REDIS=//p' "$work/up.env")"
dll="$repo_root/src/AudioGrains.Cli/bin/Release/net10.0/audiograins.dll"
ffmpeg -v error -y -f lavfi -i "sine=f=220:d=600:r=16000" -c:a pcm_s16le "$work/in.wav"
pids_before="$(for f in "$AUDIOGRAINS_CLUSTER_DIR"/silos/*.env; do (source "$f"; echo "$pid"); done | sort)"

for ((i = 0; i < hogs; i++)); do (while :; do :; done) & hog_pids+=($!); done
say "$hogs CPU hogs for $seconds s; jobs submitted one after another meanwhile"
completed=0 t0=$SECONDS
while ((SECONDS - t0 < seconds)); do
  if timeout 300 dotnet "$dll" submit "$work/in.wav" --cluster "$redis_url" --format wav --wait --json >/dev/null 2>>"$work/submit.log"; then
    completed=$((completed + 1))
  fi
done
kill "${hog_pids[@]}" 2>/dev/null || true; hog_pids=()

alive=0
for p in $pids_before; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
dead_lines="$(cat "$AUDIOGRAINS_CLUSTER_DIR"/silo-*.log | grep -ciE 'declared dead|marking .* as dead|as DEAD in' || true)"
echo "settings: $(env | grep -E '^AudioGrains__Membership__' | tr '\n' ' ' || true)(the rest: AudioGrainsSilo's defaults)"
echo "hogs: $hogs on $(nproc) cores for $seconds s; jobs completed meanwhile: $completed"
echo "silos alive at the end: $alive of 3"
echo "declared dead: $dead_lines"
((dead_lines == 0 && alive == 3))
