#!/usr/bin/env bash
# Prints issue 13's quality table: SI-SDR against the clean speech (and the speech's level change)
# for --denoise speech, stationary (the Python service's parameters), nonstationary and ffmpeg's
# afftdn, on espeak-ng speech mixed with pink noise, a music-like signal and babble at 0, 5 and 10 dB.
#
#   bench/denoise-quality.sh
#
# It runs the xUnit test that computes the table (tests/AudioGrains.Dsp.Tests,
# SpeechEnhancementTests.Prints_the_comparison_table: the DSP on whole signals, ffmpeg for afftdn)
# and prints the markdown lines of its output. Needs espeak-ng and ffmpeg.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
command -v espeak-ng >/dev/null 2>&1 || { echo "bench: espeak-ng is not installed" >&2; exit 1; }
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet test tests/AudioGrains.Dsp.Tests -c Release \
  --filter "FullyQualifiedName~SpeechEnhancementTests.Prints_the_comparison_table" \
  --logger "console;verbosity=detailed" >"$log" 2>&1 || { tail -n 30 "$log" >&2; exit 1; }
echo "Command: \`bench/denoise-quality.sh\` (commit $(git rev-parse --short HEAD)$(git status --porcelain --untracked-files=no | grep -q . && echo ' + uncommitted changes'), $(espeak-ng --version | awk '{ print $1, $2 }' | head -n 1), $(ffmpeg -version | awk 'NR == 1 { print $1, $3 }'))"
echo
sed -n 's/^[[:space:]]*\(SI-SDR against.*\)$/\1/p; s/^[[:space:]]*\(|.*|\)[[:space:]]*$/\1/p' "$log"
