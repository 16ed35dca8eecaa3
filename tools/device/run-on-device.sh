#!/usr/bin/env bash
# Runs ON the GPU machine, from the repository root, with artifacts/device carried over (see publish.sh):
# prints what CUDA sees, runs the Device-category tests, the kernel benchmarks, the whole-step benchmarks (a sampled
# search step and parsec train's DARTS_V2 step) and the memory report, each under a time limit.
# PARSEC_DEVICE_PART=tests runs the Device tests only; PARSEC_DEVICE_PART=benchmarks the benchmarks, the short
# search and the memory report only. With the default limits each part fits one device call of 10 minutes (the
# benchmarks part at most 120 + 3 x 80 + 80 + 80 + 30 s); the whole script may not.
# Exit status: 0 all passed; 1 a test failed or a step timed out; 2 the runner is missing; 3 no usable CUDA device.
set -uo pipefail
part=${PARSEC_DEVICE_PART:-all}
case "$part" in all|tests|benchmarks) ;; *) echo "error: PARSEC_DEVICE_PART is '$part'; expected all, tests or benchmarks" >&2; exit 2 ;; esac
wants() { [ "$part" = all ] || [ "$part" = "$1" ]; }
cd "$(dirname "$0")/../.."

runner=artifacts/device/Parsec.DeviceRunner
test_limit=${PARSEC_DEVICE_TEST_SECONDS:-300}
bench_limit=${PARSEC_DEVICE_BENCH_SECONDS:-120}

if [ ! -x "$runner" ]; then
  echo "error: $runner is missing: run tools/device/publish.sh on the development machine and carry artifacts/device" >&2
  exit 2
fi

echo "== info"
timeout -k 10 60 "$runner" info
info_rc=$?
if [ "$info_rc" -eq 3 ]; then
  echo "no CUDA device present on this machine: the device tests and benchmarks need an NVIDIA GPU with its driver, cuBLAS, cuDNN 9 and NVRTC" >&2
  exit 3
elif [ "$info_rc" -ne 0 ]; then
  echo "error: the runner's info step failed (exit $info_rc)" >&2
  exit 1
fi

test_rc=0 bench_rc=0 step_rc=0 eval_rc=0 memory_rc=0
if wants tests; then
echo
echo "== test (limit ${test_limit} s)"
timeout -k 10 "$test_limit" "$runner" test
test_rc=$?
[ "$test_rc" -eq 124 ] && echo "error: the tests ran past ${test_limit} s" >&2
fi

if wants benchmarks; then
echo
echo "== bench (limit ${bench_limit} s)"
timeout -k 10 "$bench_limit" "$runner" bench "$@"
bench_rc=$?
[ "$bench_rc" -eq 124 ] && echo "error: the benchmarks ran past ${bench_limit} s" >&2

step_limit=${PARSEC_DEVICE_STEP_SECONDS:-80}
step_rc=0
# One sampled step in TF32 (the default, as PyTorch's cuDNN convolutions) and in plain fp32; then a whole search
# iteration of K = 16 samples. Each next to PyTorch measured in the same run.
for args in "--case gpu" "--case gpu --precision fp32" "--case iteration"; do
  echo
  echo "== parsec bench --backend cuda $args, next to PyTorch (limit ${step_limit} s)"
  # shellcheck disable=SC2086 # the arguments are words
  timeout -k 10 "$step_limit" "$runner" parsec bench --backend cuda $args
  rc=$?
  [ "$rc" -eq 124 ] && echo "error: parsec bench $args ran past ${step_limit} s" >&2
  [ "$rc" -ne 0 ] && step_rc=$rc
done

search_limit=${PARSEC_DEVICE_SEARCH_SECONDS:-80}
echo
echo "== a short search on CUDA through the sample workers and the fixed-order reduction (limit ${search_limit} s)"
search_runs=$(mktemp -d)
timeout -k 10 "$search_limit" "$runner" parsec search --backend cuda --iterations 60 --samples 8 --weight-samples 4 --runs "$search_runs" --name device
search_rc=$?
[ "$search_rc" -eq 124 ] && echo "error: the search ran past ${search_limit} s" >&2
[ "$search_rc" -ne 0 ] && step_rc=$search_rc

echo
echo "== parsec train's step on DARTS_V2 (C=36, 20 cells, batch 96, auxiliary head, drop path 0.2), next to PyTorch (limit ${step_limit} s)"
timeout -k 10 "$step_limit" "$runner" parsec bench --backend cuda --case eval
eval_rc=$?
[ "$eval_rc" -eq 124 ] && echo "error: the evaluation step benchmark ran past ${step_limit} s" >&2

echo
echo "== memory: one sampled architecture vs the DARTS supernet, planned from the tape"
timeout -k 10 30 "$runner" parsec memory
memory_rc=$?

echo
fi

echo "test exit ${test_rc}, bench exit ${bench_rc}, step exit ${step_rc}, eval step exit ${eval_rc}, memory exit ${memory_rc}"
if [ "$test_rc" -ne 0 ] || [ "$bench_rc" -ne 0 ] || [ "$step_rc" -ne 0 ] || [ "$eval_rc" -ne 0 ] || [ "$memory_rc" -ne 0 ]; then exit 1; fi
exit 0
