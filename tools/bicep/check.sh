#!/usr/bin/env bash
# Compiles and lints infra/ with the Bicep CLI from NuGet (no global install, no download of its own).
# Fails on any diagnostic at all: the CLI exits 0 on warnings, so its output is inspected too.
# Usage: bash tools/bicep/check.sh   (from anywhere; CI runs it from the repo root)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"

props="tools/bicep/bicep.props"
package="$(sed -n 's:.*<BicepCliPackage>\(.*\)</BicepCliPackage>.*:\1:p' "$props")"
version="$(sed -n 's:.*<BicepCliVersion>\(.*\)</BicepCliVersion>.*:\1:p' "$props")"

dotnet restore tools/bicep/bicep.csproj --verbosity quiet

# The NuGet global packages folder: NUGET_PACKAGES when set, ~/.nuget/packages otherwise
# (the same lookup as tests/Gateway.Infra.Tests/BicepCli.cs).
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bicep="$packages/${package,,}/$version/tools/bicep"
if [[ ! -f "$bicep" ]]; then
  echo "check.sh: the Bicep CLI is not at $bicep after 'dotnet restore tools/bicep'" >&2
  exit 1
fi
[[ -x "$bicep" ]] || chmod +x "$bicep"

echo "Bicep: $("$bicep" --version)"

failed=0
# Runs one bicep command; any output (diagnostics) or a non-zero exit fails the check.
check() {
  local label="$1" output status=0
  shift
  output="$("$@" 2>&1)" || status=$?
  if [[ $status -ne 0 || -n "$output" ]]; then
    echo "FAILED (exit $status): bicep $label"
    [[ -z "$output" ]] || printf '%s\n' "$output"
    failed=1
  else
    echo "ok: bicep $label"
  fi
}

# build: the template compiles to ARM JSON with no compiler warning (the JSON itself is discarded).
check "build infra/main.bicep" bash -c '"$0" build infra/main.bicep --stdout > /dev/null' "$bicep"
# lint: every file as an entry point, so a module's own diagnostics are not hidden behind BCP104.
check "lint infra/**/*.bicep" "$bicep" lint --pattern 'infra/**/*.bicep'

exit "$failed"
