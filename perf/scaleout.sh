#!/bin/bash
# Beyond one machine, measured: N tasks (--plan --shard --partial, run at once as a job array's tasks would on one
# host) against one process, and the merge's time and memory, for count --by event_type and report.
#
#   perf/scaleout.sh [XANALYTICS] [EVENTS] [SHARDS]     # defaults: the Release build, 1000000, 3
#
# Prints a Markdown table for the README. Figures from /usr/bin/time -v: wall (elapsed), CPU (user + system), peak RSS.
set -euo pipefail
# index.html says when it was written: one fixed time, so the one-process report and the merged one compare exactly.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
repo=$(cd "$(dirname "$0")/.." && pwd)
xa=${1:-$repo/src/XAnalytics.Cli/bin/Release/net10.0/xanalytics}
events=${2:-1000000}
shards=${3:-3}
work=${XA_PERF_DIR:-/tmp/xanalytics-scaleout}
archive="$work/archive-$events"
mkdir -p "$work"
[ -d "$archive" ] || "$xa" generate "$archive" --events "$events" --files 8 >/dev/null
"$xa" plan "$archive" --shards "$shards" > "$work/plan.json" 2>/dev/null

# time -v output -> "wall cpu rss_mib"
measure() {
    local log=$1
    python3 - "$log" <<'PY'
import sys, re
t = open(sys.argv[1]).read()
def f(p): return re.search(p, t).group(1)
wall = f(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([0-9:.]+)")
parts = [float(x) for x in wall.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
cpu = float(f(r"User time \(seconds\): ([0-9.]+)")) + float(f(r"System time \(seconds\): ([0-9.]+)"))
rss = int(f(r"Maximum resident set size \(kbytes\): ([0-9]+)")) / 1024
print(f"{secs:.2f} {cpu:.2f} {rss:.0f}")
PY
}

run_job() {
    local name=$1; shift
    local cmd=("$@")
    # One process.
    /usr/bin/time -v -o "$work/one.time" "$xa" "${cmd[@]}" $([ "${cmd[0]}" = report ] && echo "$work/one-report") --no-progress >"$work/one.out" 2>"$work/one.err" || true
    read -r w1 c1 r1 < <(measure "$work/one.time")
    # The tasks, all at once.
    rm -rf "$work/partials"; mkdir -p "$work/partials"
    local start end pids=()
    start=$(date +%s.%N)
    for ((i = 0; i < shards; i++)); do
        /usr/bin/time -v -o "$work/task-$i.time" "$xa" "${cmd[@]}" --plan "$work/plan.json" --shard "$i/$shards" \
            --partial "$work/partials/shard-$i.xap" --no-progress >/dev/null 2>"$work/task-$i.err" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    end=$(date +%s.%N)
    local tc=0 tr=0 tw=0
    for ((i = 0; i < shards; i++)); do
        read -r w c r < <(measure "$work/task-$i.time")
        tc=$(python3 -c "print($tc + $c)"); tr=$(python3 -c "print(max($tr, $r))"); tw=$(python3 -c "print(max($tw, $w))")
    done
    local span; span=$(python3 -c "print(f'{$end - $start:.2f}')")
    # Each task alone, as on a machine of its own: the slowest is the array's makespan on N machines.
    local alone=0
    for ((i = 0; i < shards; i++)); do
        /usr/bin/time -v -o "$work/alone-$i.time" "$xa" "${cmd[@]}" --plan "$work/plan.json" --shard "$i/$shards" \
            --partial "$work/partials/shard-$i.xap" --no-progress >/dev/null 2>"$work/alone-$i.err"
        read -r w c r < <(measure "$work/alone-$i.time")
        alone=$(python3 -c "print(max($alone, $w))")
    done
    local bytes; bytes=$(du -cb "$work"/partials/*.xap | tail -n 1 | cut -f1)
    rm -rf "$work/merged"
    /usr/bin/time -v -o "$work/merge.time" "$xa" merge "$work/plan.json" "$work/partials" "$work/merged" >/dev/null 2>"$work/merge.err" || true
    read -r mw mc mr < <(measure "$work/merge.time")
    local same="yes"
    if [ "${cmd[0]}" = report ]; then
        diff -r -q "$work/one-report" "$work/merged" >/dev/null || same="NO"
    else
        cmp -s "$work/one.out" "$work/merged/count.tsv" || same="NO"
    fi
    printf '| %s | %.2f s | %.2f s | %.0f MiB | %.2f s (%.2fx) | %s s | %.2f s | %.0f MiB | %.1f MB | %.2f s | %.2f s | %.0f MiB | %s |\n' \
        "$name" "$w1" "$c1" "$r1" "$alone" "$(python3 -c "print($w1 / $alone)")" "$span" "$tc" "$tr" "$(python3 -c "print($bytes / 1e6)")" "$mw" "$mc" "$mr" "$same"
}

echo "$(nproc) cores; $events events; $shards tasks at once; $("$xa" --version 2>/dev/null | head -n 1)"
echo
echo "| Job | 1 process | CPU | peak RSS | slowest task alone (1 process ÷ it) | $shards tasks at once on this host | CPU, all tasks | peak RSS, a task | partials | merge | merge CPU | merge peak RSS | merged = 1 process |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
run_job "count --by event_type" count "$archive" --by event_type
run_job "report (all CSVs and charts)" report "$archive"
