#!/usr/bin/env bash
# Builds artifacts/device: the device runner (GPU tests + kernel benchmarks) published self-contained as a
# single file, so the GPU machine needs no .NET. Build outputs go to artifacts/device-build so this does not
# touch the obj/ folders of builds running in the tree. Fails when the folder exceeds the size the device
# machine accepts (the carried tree is capped at 64 MiB in all).
set -euo pipefail
cd "$(dirname "$0")/../.."

out=artifacts/device
limit_mb=${PARSEC_DEVICE_PUBLISH_LIMIT_MB:-60}

rm -rf "$out"
dotnet publish tests/Parsec.DeviceRunner -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true --artifacts-path artifacts/device-build -o "$out" "$@"

# Debug symbols are not needed to run and would count against the size cap.
find "$out" -name '*.pdb' -delete
size_mb=$(du -sm "$out" | cut -f1)
echo "published $out (${size_mb} MB):"
ls -l "$out"
if [ "$size_mb" -gt "$limit_mb" ]; then
  echo "error: $out is ${size_mb} MB, over the ${limit_mb} MB the device machine accepts" >&2
  exit 1
fi
