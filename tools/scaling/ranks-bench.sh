#!/usr/bin/env bash
# Time per search iteration on 1 rank and on 2 ranks (gathered in sample order, and with --all-reduce), one thread
# per rank, and, as the machine's own ceiling, two independent 1-rank searches run side by side (no MPI; their mean):
# the four alternated ROUNDS times in one run so that a slow spell of the machine falls on all of them.
# Prints each run's median step_ms over the iterations after the warm-up, then each configuration's median of those.
# Usage: tools/scaling/ranks-bench.sh [ROUNDS] [ITERATIONS]    (needs mpich and dataset-fashion-mnist)
set -euo pipefail
rounds=${1:-2}
iterations=${2:-14}
here=$(cd "$(dirname "$0")/../.." && pwd)
dll=$here/src/Parsec.Search/bin/Release/net10.0/parsec.dll
[ -f "$dll" ] || { echo "build first: ./build.sh build" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The study's search size: Fashion-MNIST, C = 8, 5 cells, batch 32, K = 16 of which 4 train the weights.
args=(search --dataset fashion-mnist --train-count 4000 --channels 8 --layers 5 --batch-size 32 --samples 16 --weight-samples 4
      --iterations "$iterations" --warmup 0.3 --concurrency 1 --checkpoint-every 1000 --backend cpu)
export DOTNET_PROCESSOR_COUNT=1
median_step() { # the median step_ms of the iterations after the warm-up in a run folder's metrics.jsonl
  python3 -c "
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(round(statistics.median(r['step_ms'] for r in rows if not r['warmup']), 1))" "$1"/*/metrics.jsonl
}
declare -A all
for round in $(seq 1 "$rounds"); do
  for config in one two two-allreduce side-by-side; do
    runs=$out/$config-$round
    case $config in
      one) dotnet "$dll" "${args[@]}" --runs "$runs" > "$runs.log" 2>&1 ;;
      two) mpirun -n 2 dotnet "$dll" "${args[@]}" --runs "$runs" > "$runs.log" 2>&1 ;;
      two-allreduce) mpirun -n 2 dotnet "$dll" "${args[@]}" --all-reduce --runs "$runs" > "$runs.log" 2>&1 ;;
      side-by-side)
        dotnet "$dll" "${args[@]}" --runs "$runs/a" > "$runs.a.log" 2>&1 &
        dotnet "$dll" "${args[@]}" --runs "$runs/b" > "$runs.b.log" 2>&1
        wait ;;
    esac
    if [ "$config" = side-by-side ]; then
      m=$(python3 -c "import sys; print(round((float(sys.argv[1]) + float(sys.argv[2])) / 2, 1))" "$(median_step "$runs/a")" "$(median_step "$runs/b")")
    else
      m=$(median_step "$runs")
    fi
    echo "round $round, $config: median $m ms per iteration"
    all[$config]="${all[$config]:-} $m"
  done
done
for config in one two two-allreduce side-by-side; do
  echo "$config: median over rounds $(python3 -c "import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))" ${all[$config]}) ms"
done
