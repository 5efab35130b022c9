#!/usr/bin/env bash
# Runs the whole test suite: installs the local dependencies (Azurite, the official DatoCMS client, the Bicep CLI),
# checks the Bicep templates, builds with warnings as errors and runs every test project. The integration tests
# start their own Azurite, DatoCMS simulator, fake Key Vault and local host on loopback ports chosen at run time,
# and stop them when they end.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

bash tools/bicep/check.sh

dotnet build Functions.sln -nologo -clp:ErrorsOnly

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test Functions.sln --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over the test projects.
awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { gsub(",", "", f); printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
