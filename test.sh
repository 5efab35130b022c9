#!/usr/bin/env bash
# Runs the whole test suite: installs the local dependencies (Azurite, the official DatoCMS client, the Bicep CLI),
# lints the OpenAPI description, checks the Bicep templates, builds with warnings as errors and runs every test project in the solution: the unit
# tests (tests/Gateway.Core.Tests: no Azurite, simulator or host), the infrastructure tests and the integration tests,
# which start their own Azurite, DatoCMS simulator, fake Key Vault and local host on loopback ports chosen at run time,
# and stop them when they end. Last, the benchmark's smoke run checks that the benchmark still runs end to end.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# The OpenAPI description (served at GET /api/openapi.json) against Redocly's recommended rules (redocly.yaml): any
# error or warning fails the run. No telemetry: CI has no business reporting to anyone.
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx --no-install redocly lint openapi/openapi.json

bash tools/bicep/check.sh

dotnet build Functions.sln -nologo -clp:ErrorsOnly

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test Functions.sln --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# The benchmark's smoke run, on the Debug build just made: it must still run end to end, and its drain must lose
# nothing (it exits 1 if a change is lost or left). Its figures are not representative here; see the README.
bench_status=0
if [ "$status" -eq 0 ]; then
  echo "Benchmark smoke run (figures not representative in a Debug build):"
  bench_log=$(mktemp)
  dotnet run --no-build --project bench/Gateway.Benchmarks -- --smoke 2>"$bench_log" || bench_status=$?
  if [ "$bench_status" -ne 0 ]; then tail -n 40 "$bench_log"; fi
  rm -f "$bench_log"
fi

# One closing line for the whole run, summed over the test projects.
awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { gsub(",", "", f); printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
if [ "$bench_status" -ne 0 ]; then echo "Benchmark smoke run FAILED (exit $bench_status)"; exit "$bench_status"; fi
exit "$status"
