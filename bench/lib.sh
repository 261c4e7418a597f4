# Shared helpers for the bench/ scripts (sourced, not run). Callers set repo_root (the
# repository root) before sourcing, and out_dir (bench/out, created) and timeout_s (per-run
# limit, seconds) before calling generate_mp3 / measure.
#
#   say / die                 messages on stderr, prefixed "bench: "
#   seconds_of LEN            5m -> 300 (LEN is N followed by s, m or h)
#   generate_mp3 LEN          bench/out/speech-LEN.mp3, generated once (speech-like + noise)
#   generate_aac LEN          bench/out/speech-LEN-aac.m4a, 44.1 kHz stereo AAC 128k, once: up to 1 h
#                             transcoded from the MP3; longer ones the 1 h AAC repeated (stream copy)
#   measure OUT ERR CMD...    runs CMD with stdout -> OUT and stderr -> ERR, sampling memory
#                             every 50 ms, stopping it after $timeout_s seconds; sets
#                             m_status (ok | exit N | timeout), m_wall_us, m_cpu_ms,
#                             m_hwm_kb (VmHWM of CMD's process), m_tree_kb (peak summed
#                             VmRSS of the process tree); m_cpu_ms counts CMD and the
#                             descendants it waited for
#   elapsed_s A_US B_US       (B - A) microseconds as seconds, one decimal
#   mb KB / hms SECONDS       formatting for reports
# shellcheck shell=bash disable=SC2034,SC2154  # m_* results and caller globals

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

seconds_of() {
  local n="${1%[smh]}"
  case "$1" in *s) echo "$n" ;; *m) echo $((n * 60)) ;; *h) echo $((n * 3600)) ;; esac
}

elapsed_s() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
hms() { local s="$1"; printf '%d:%02d:%02d' $((s / 3600)) $((s % 3600 / 60)) $((s % 60)); }

# --- inputs ---------------------------------------------------------------------
generate_mp3() {  # generate_mp3 LENGTH -> bench/out/speech-LENGTH.mp3 (once)
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
  say "generated in $(elapsed_s "${t0/[.,]/}" "${t1/[.,]/}") s."
}

generate_aac() {  # generate_aac LENGTH -> bench/out/speech-LENGTH-aac.m4a (once)
  local len="$1" secs file tmp list t0 t1 i
  secs="$(seconds_of "$len")"
  file="$out_dir/speech-$len-aac.m4a"
  if [[ -s "$file" ]]; then
    say "input exists: ${file#"$repo_root"/}"
    return 0
  fi
  tmp="$out_dir/.speech-$len-aac.partial.m4a"
  t0=$EPOCHREALTIME
  if ((secs <= 3600)); then
    generate_mp3 "$len"
    say "transcoding speech-$len.mp3 to ${file#"$repo_root"/} (44.1 kHz stereo AAC 128k)..."
    ffmpeg -hide_banner -nostdin -loglevel error -y -filter_threads 1 \
      -i "$out_dir/speech-$len.mp3" -map 0:a -c:a aac -b:a 128k -ar 44100 -ac 2 -f mp4 "$tmp" \
      || { rm -f "$tmp"; die "ffmpeg could not transcode speech-$len.mp3 to AAC."; }
  else
    ((secs % 3600 == 0)) || die "AAC inputs longer than 1 h must be whole hours (got $len)."
    generate_aac 1h
    # The same hour repeated, stream-copied: the decoder sees one long AAC stream.
    list="$out_dir/.speech-$len-aac.list"
    for ((i = 0; i < secs / 3600; i++)); do echo "file 'speech-1h-aac.m4a'"; done >"$list"
    say "concatenating $((secs / 3600)) copies of speech-1h-aac.m4a into ${file#"$repo_root"/}..."
    ffmpeg -hide_banner -nostdin -loglevel error -y -f concat -safe 0 -i "$list" -map 0:a -c copy -f mp4 "$tmp" \
      || { rm -f "$tmp" "$list"; die "ffmpeg could not concatenate the AAC input for $len."; }
    rm -f "$list"
  fi
  mv "$tmp" "$file"
  t1=$EPOCHREALTIME
  say "generated in $(elapsed_s "${t0/[.,]/}" "${t1/[.,]/}") s."
}

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
# not available on every kernel). Every pid is read, not only those above ROOT: with the
# kernel's default pid_max of 32768 a busy machine wraps within a run, and a child with a
# lower pid than its parent was missed (a 1 h job on 2026-12-03 showed no ffmpeg at all).
sample_tree() {
  local root="$1" f p line rest ppid k v
  local -A parent=()
  local -a tree=("$root") queue=("$root")
  for f in /proc/[0-9]*/stat; do
    p="${f#/proc/}"; p="${p%/stat}"
    ((p != root)) || continue
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

# Sets cpu_ms: CPU time (user + system, ms) of all reaped children of this shell, from
# the `times` builtin. Call it directly, not in $(...): a subshell starts with zero
# children's time.
children_cpu_ms() {
  local times_file="$out_dir/.times.$$" u s x m sec frac
  times >"$times_file"
  { read -r _; read -r u s; } <"$times_file"
  rm -f "$times_file"
  cpu_ms=0
  for x in "$u" "$s"; do          # e.g. 1m2.345s
    m="${x%%m*}"; sec="${x#*m}"; sec="${sec%s}"; frac="${sec#*.}"; sec="${sec%.*}"
    cpu_ms=$((cpu_ms + 10#$m * 60000 + 10#$sec * 1000 + 10#$frac))
  done
}

measure() {  # measure STDOUT_FILE STDERR_FILE CMD...
  local out="$1" err="$2" pid t0 t0_us t1 now cpu0 peak_tree=0 hwm=0 rc=0 timed_out=0
  shift 2
  children_cpu_ms; cpu0=$cpu_ms
  t0=$EPOCHREALTIME; t0_us=${t0/[.,]/}
  "$@" >"$out" 2>"$err" &
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
  m_wall_us=$(( ${t1/[.,]/} - t0_us ))
  children_cpu_ms; m_cpu_ms=$((cpu_ms - cpu0))
  m_hwm_kb="$hwm"; m_tree_kb="$peak_tree"
  if ((timed_out)); then m_status="timeout"
  elif ((rc != 0)); then m_status="exit $rc"
  else m_status="ok"; fi
}
