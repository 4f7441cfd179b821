#!/bin/bash
# Plans an archive into N shards, submits the job array and the merge job after it.
#
#   deploy/slurm/submit.sh --shards 8 --work /shared/job1 -- count /data/tracking --by event_type
#
# Writes WORK/plan.json, the tasks' partial files into WORK/partials and the merged result into WORK/out
# (count.tsv, schema.tsv, or the report's folder). Extra sbatch options (partition, account, time) go in
# $XA_SBATCH_OPTIONS. Prints the two job ids.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shards="" work=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    case "$1" in
        --shards) shards=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        *) echo "submit.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ "${1:-}" = "--" ] && shift
[ -n "$shards" ] && [ -n "$work" ] && [ $# -ge 2 ] || { echo "usage: submit.sh --shards N --work DIR -- COMMAND INPUT... [OPTIONS]" >&2; exit 2; }
# The command's inputs: the arguments after its name up to the first option.
inputs=()
for arg in "${@:2}"; do
    case "$arg" in -*) break ;; *) inputs+=("$arg") ;; esac
done
xa=${XANALYTICS:-xanalytics}
mkdir -p "$work/partials" "$work/logs"
"$xa" plan "${inputs[@]}" --shards "$shards" > "$work/plan.json"
# shellcheck disable=SC2086 # XA_SBATCH_OPTIONS is a list of options
array=$(sbatch --parsable ${XA_SBATCH_OPTIONS:-} --array="0-$((shards - 1))" --output="$work/logs/shard-%A_%a.out" \
    --export="ALL,XA_PLAN=$work/plan.json,XA_PARTIALS=$work/partials,XANALYTICS=$xa" "$here/xanalytics-array.sbatch" "$@")
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${XA_SBATCH_OPTIONS:-} --dependency="afterok:$array" --output="$work/logs/merge-%j.out" \
    --export="ALL,XANALYTICS=$xa" "$here/xanalytics-merge.sbatch" "$work/plan.json" "$work/partials" "$work/out")
echo "array $array merge $merge"
