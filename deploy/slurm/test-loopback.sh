#!/bin/bash
# Brings up Slurm on this machine's loopback (munge, slurmctld, three slurmd -N nodeK on distinct ports), runs a
# 3-task xanalytics job array and the merge job, kills one task mid-run with SIGTERM and reruns it alone, and
# compares the merged count with a one-process run, byte for byte. Everything lives in a private temporary folder and
# every daemon it starts is stopped by its pid at the end.
#
#   deploy/slurm/test-loopback.sh [XANALYTICS]     # default: src/XAnalytics.Cli/bin/Release/net10.0/xanalytics
#
# Exit 0: passed; 77: skipped (not root, or slurm-wlm/munge not installed: apt-get install slurm-wlm munge), with the
# reason on stdout; anything else: failed. The test suite runs it (Deploy/SlurmLoopbackTests).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
xa=${1:-$repo/src/XAnalytics.Cli/bin/Release/net10.0/xanalytics}
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; for f in "$dir"/log/*.log "$dir"/jobs/*.out; do [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done; exit 1; }

[ "$(id -u)" = 0 ] || skip "Slurm's daemons need root here (run as root, or where CI can install slurm-wlm and munge)"
for tool in munged slurmctld slurmd sbatch squeue scontrol sinfo; do
    command -v "$tool" >/dev/null || skip "$tool not found: install the Debian packages slurm-wlm and munge"
done
[ -x "$xa" ] || skip "xanalytics not built at $xa (dotnet build XAnalytics.sln -c Release)"

dir=$(mktemp -d /tmp/xanalytics-slurm.XXXXXX)
chmod 711 "$dir"
mkdir -p "$dir/log" "$dir/state/slurmd-node1" "$dir/state/slurmd-node2" "$dir/state/slurmd-node3" "$dir/jobs" "$dir/munge"
pids=()
cleanup() {
    [ -n "${writer:-}" ] && kill "$writer" 2>/dev/null
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    for f in "$dir"/run/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
    sleep 0.5
    [ "${KEEP:-0}" = 1 ] || rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p "$dir/run"

# munge, on a private socket with a fresh key.
head -c 1024 /dev/urandom > "$dir/munge/munge.key"
chmod 400 "$dir/munge/munge.key"
munged --force --socket="$dir/munge/munge.sock" --key-file="$dir/munge/munge.key" --pid-file="$dir/run/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed" || skip "munged does not start here: $(tail -n 2 "$dir/log/munged.log" 2>/dev/null)"

base=$((20000 + RANDOM % 20000))
host=$(hostname -s)
export SLURM_CONF="$dir/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=xatest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$base
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/state/slurmd-%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmdTimeout=30
MinJobAge=600
KillWait=5
NodeName=node[1-3] NodeHostname=$host NodeAddr=127.0.0.1 Port=$((base + 1))-$((base + 3)) CPUs=1 RealMemory=2000 State=UNKNOWN
PartitionName=loop Nodes=node[1-3] Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -i -f "$SLURM_CONF" || skip "slurmctld does not start here: $(tail -n 3 "$dir/log/slurmctld.log" 2>/dev/null)"
for k in 1 2 3; do
    slurmd -N "node$k" -f "$SLURM_CONF" || skip "slurmd -N node$k does not start here: $(tail -n 3 "$dir/log/slurmd-node$k.log" 2>/dev/null)"
done
for _ in $(seq 60); do
    idle=$(sinfo -h -t idle -o '%D' 2>/dev/null | head -n 1)
    [ "${idle:-0}" = 3 ] && break
    sleep 0.5
done
[ "${idle:-0}" = 3 ] || skip "the three loopback nodes did not come up: $(sinfo 2>&1 | tail -n 3)"
echo "slurm up: $(sinfo -h -o '%P %D %t')"

# A small archive, and a named pipe as one more planned input: the task that owns it is held mid-run, reading, for
# as long as the test keeps the pipe open, so the kill lands mid-run every time.
"$xa" generate "$dir/archive" --events 30000 --files 6 --seed 7 >/dev/null 2>&1 || fail "generate"
"$xa" generate "$dir/extra" --events 3000 --files 1 --seed 8 >/dev/null 2>&1 || fail "generate extra"
zcat "$dir"/extra/*/*.gz > "$dir/live.jsonl"
mkfifo "$dir/live.log"
"$xa" plan "$dir/archive" "$dir/live.log" --shards 3 > "$dir/plan.json" 2>"$dir/log/plan.log" || fail "plan"
held=$(python3 -c "import json,sys; p=json.load(open(sys.argv[1])); print([f['shard'] for f in p['files'] if f['path'].endswith('/live.log')][0])" "$dir/plan.json")
echo "plan $(grep -o '"id": "[0-9a-f]*"' "$dir/plan.json"); the pipe is shard $held's"

feed_part() { ( exec 3>"$dir/live.log"; head -n 1000 "$dir/live.jsonl" >&3; touch "$dir/fed"; exec sleep 300 ) & writer=$!; }
feed_all() { ( cat "$dir/live.jsonl" > "$dir/live.log" ) & }

feed_part
export XANALYTICS="$xa"
array=$(sbatch --parsable --array=0-2 --cpus-per-task=1 --output="$dir/jobs/shard-%A_%a.out" \
    --export="ALL,XA_PLAN=$dir/plan.json,XA_PARTIALS=$dir/partials" \
    "$repo/deploy/slurm/xanalytics-array.sbatch" count "$dir/archive" "$dir/live.log" --by event_type) || fail "sbatch array"
echo "array job $array"

# The held task has opened the pipe and read part of it: preempt it (SIGTERM to the task, as Slurm does).
for _ in $(seq 120); do [ -f "$dir/fed" ] && break; sleep 0.5; done
[ -f "$dir/fed" ] || fail "the held task never opened the pipe"
sleep 1
killed_at=$(date +%s.%N)
scancel --batch --signal=TERM "${array}_$held" || fail "scancel"
for _ in $(seq 120); do
    [ -z "$(squeue -h -j "$array" 2>/dev/null)" ] && break
    sleep 0.5
done
ended_at=$(date +%s.%N)
[ -z "$(squeue -h -j "$array" 2>/dev/null)" ] || fail "the array did not end"
kill "$writer" 2>/dev/null; writer=""
state=$(scontrol show job "${array}_$held" | grep -o 'JobState=[A-Z_]* .*\|ExitCode=[0-9:]*' | tr '\n' ' ')
echo "killed task ${array}_$held: $state (ended $(python3 -c "print(f'{$ended_at - $killed_at:.1f}')") s after SIGTERM)"
echo "$state" | grep -q 'ExitCode=143:0' || fail "the killed task did not exit 143 (SIGTERM): $state"
[ ! -e "$dir/partials/shard-$held.xap" ] || fail "the killed task published a partial"
ls "$dir"/partials/.shard-* >/dev/null 2>&1 && echo "(a killed task's temporary is left: $(ls -a "$dir/partials" | grep tmp))"
for k in 0 1 2; do
    [ "$k" = "$held" ] || [ -s "$dir/partials/shard-$k.xap" ] || fail "shard $k wrote no partial"
done

# A merge now refuses: the killed shard is missing, named.
if "$xa" merge "$dir/plan.json" "$dir/partials" "$dir/early" 2>"$dir/log/early.log"; then fail "merge without shard $held succeeded"; fi
grep -q "Shards missing: $held of 3" "$dir/log/early.log" || fail "merge did not name the missing shard: $(cat "$dir/log/early.log")"

# Rerun that task alone, and the merge job after it.
feed_all
rerun=$(sbatch --parsable --array="$held" --cpus-per-task=1 --output="$dir/jobs/shard-%A_%a.out" \
    --export="ALL,XA_PLAN=$dir/plan.json,XA_PARTIALS=$dir/partials" \
    "$repo/deploy/slurm/xanalytics-array.sbatch" count "$dir/archive" "$dir/live.log" --by event_type) || fail "sbatch rerun"
merge=$(sbatch --parsable --dependency="afterok:$rerun" --output="$dir/jobs/merge-%j.out" \
    "$repo/deploy/slurm/xanalytics-merge.sbatch" "$dir/plan.json" "$dir/partials" "$dir/out") || fail "sbatch merge"
echo "rerun $rerun, merge $merge (afterok:$rerun)"
for _ in $(seq 90); do
    [ -z "$(squeue -h -j "$rerun,$merge" 2>/dev/null)" ] && break
    sleep 0.5
done
rstate=$(scontrol show job "$rerun" | grep -o "JobState=[A-Z_]*\|ExitCode=[0-9:]*\|Reason=[A-Za-z_]*" | tr "\n" " ")
echo "rerun job: $rstate"
mstate=$(scontrol show job "$merge" | grep -o 'JobState=[A-Z_]*\|ExitCode=[0-9:]*' | tr '\n' ' ')
echo "merge job: $mstate"
[ -f "$dir/out/count.tsv" ] || fail "the merge wrote no count.tsv ($mstate)"

# One process over the same inputs.
feed_all
"$xa" count "$dir/archive" "$dir/live.log" --by event_type --no-progress > "$dir/one.tsv" 2>"$dir/log/one.log"
cmp "$dir/one.tsv" "$dir/out/count.tsv" || fail "merged count differs from one process"
echo "killed-task path: merged count.tsv identical to one process"

# The documented path: submit.sh plans, submits the array and the merge with afterok on the array.
ids=$(XA_SBATCH_OPTIONS="--cpus-per-task=1" "$repo/deploy/slurm/submit.sh" --shards 3 --work "$dir/job2" -- schema "$dir/archive") || fail "submit.sh"
echo "submit.sh: $ids"
for _ in $(seq 120); do
    [ -z "$(squeue -h 2>/dev/null)" ] && break
    sleep 0.5
done
"$xa" schema "$dir/archive" --no-progress > "$dir/one-schema.tsv" 2>"$dir/log/one-schema.log"
[ -f "$dir/job2/out/schema.tsv" ] || fail "submit.sh's merge wrote no schema.tsv: $(cat "$dir"/job2/logs/merge-*.out 2>/dev/null)"
cmp "$dir/one-schema.tsv" "$dir/job2/out/schema.tsv" || fail "submit.sh's merged schema differs from one process"
echo "PASS: 3-task array with shard $held killed and rerun, merged count.tsv identical to one process ($(wc -l < "$dir/one.tsv") rows); submit.sh's array and afterok merge: schema.tsv identical"
