#!/usr/bin/env bash
# Builds and tests Parsec. Usage: ./build.sh [build|test|publish-device|help]
#   build           restore and compile everything (Release)
#   test            build, run every test that needs no GPU, and end with "N passed, N failed, N skipped"
#   publish-device  publish the self-contained GPU test and benchmark runner into artifacts/device
#   help            list the targets
# build.ps1 does the same for PowerShell users.
set -euo pipefail
cd "$(dirname "$0")"
target="${1:-build}"
configuration="${CONFIGURATION:-Release}"
results_dir="artifacts/test-results"

build() {
  dotnet tool restore >/dev/null
  dotnet build Parsec.sln -c "$configuration" -nologo -clp:ErrorsOnly
}

summarise() {
  # One line a person (and CI) reads: counts from the TRX file dotnet test wrote.
  local trx="$1"
  local passed failed skipped
  # Test results only: the file's <ResultSummary outcome="..."> is not a test.
  count() { { grep -o "<UnitTestResult [^>]*outcome=\"$1\"" "$trx" || true; } | wc -l; }  # grep exits 1 when the count is 0
  passed=$(count Passed)
  failed=$(count Failed)
  skipped=$(count NotExecuted)
  echo "$passed passed, $failed failed, $skipped skipped"
}

test_all() {
  build
  rm -rf "$results_dir"
  local status=0
  # Tests in the Device category need a GPU; they run on a GPU machine through tests/Parsec.DeviceRunner.
  dotnet test tests/Parsec.Tests -c "$configuration" --no-build -nologo \
    --filter "TestCategory!=Device" \
    --logger "trx;LogFileName=results.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results_dir" || status=$?
  local trx="$results_dir/results.trx"
  if [[ ! -f "$trx" ]]; then
    echo "no test results were written ($trx missing)" >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
  summarise "$trx"
  exit "$status"
}

case "$target" in
  build) build ;;
  test) test_all ;;
  publish-device) bash tools/device/publish.sh ;;
  help|-h|--help) echo "targets: build test publish-device help" ;;
  *) echo "unknown target '$target'; expected one of: build test publish-device help" >&2; exit 2 ;;
esac
