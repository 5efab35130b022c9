#!/usr/bin/env bash
# Runs the gateway locally: Azurite (queues), the DatoCMS simulator and the local host that serves the
# Functions app's own function classes. Ctrl-C stops all three. Data is in memory and gone when it stops.
set -euo pipefail
cd "$(dirname "$0")"

GATEWAY_PORT="${GATEWAY_PORT:-7071}"
SIMULATOR_PORT="${SIMULATOR_PORT:-7080}"
SIMULATOR_TOKEN="${SIMULATOR_TOKEN:-sim-cma-token}"
FUNCTION_KEY="${FUNCTION_KEY:-$(node -e 'process.stdout.write(require("crypto").randomBytes(16).toString("hex"))')}"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
dotnet build tools/Gateway.LocalHost/Gateway.LocalHost.csproj -nologo -v quiet
dotnet build tools/DatoCmsSimulator/DatoCmsSimulator.csproj -nologo -v quiet

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_for_port() {
  for _ in $(seq 1 300); do
    if node -e "require('net').connect($1,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"; then return 0; fi
    sleep 0.1
  done
  echo "Nothing listens on 127.0.0.1:$1" >&2; return 1
}

node node_modules/azurite/dist/src/azurite.js --silent --inMemoryPersistence --skipApiVersionCheck --loose --disableTelemetry \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
pids+=($!)
dotnet tools/DatoCmsSimulator/bin/Debug/net10.0/DatoCmsSimulator.dll --port "$SIMULATOR_PORT" --token "$SIMULATOR_TOKEN" &
pids+=($!)
wait_for_port 10001
wait_for_port "$SIMULATOR_PORT"

DOTNET_ENVIRONMENT=Development \
AzureWebJobsStorage=UseDevelopmentStorage=true \
DatoCms__BaseUrl="http://127.0.0.1:$SIMULATOR_PORT" \
KeyVault__DevelopmentCmaToken="$SIMULATOR_TOKEN" \
LocalHost__FunctionKeys__default="$FUNCTION_KEY" \
  dotnet tools/Gateway.LocalHost/bin/Debug/net10.0/Gateway.LocalHost.dll --urls "http://127.0.0.1:$GATEWAY_PORT" --environment Development &
pids+=($!)
wait_for_port "$GATEWAY_PORT"

cat <<MSG

Access Token Gateway is running locally.
  gateway     http://127.0.0.1:$GATEWAY_PORT/api      (function key: $FUNCTION_KEY)
  simulator   http://127.0.0.1:$SIMULATOR_PORT          (DatoCMS CMA; bearer token: $SIMULATOR_TOKEN)
  azurite     queues on http://127.0.0.1:10001/devstoreaccount1 (access-token-changes, access-token-audit)
  editable token id: 312   built-in token id: 100   roles: 34 Editor, 35 Admin, 36 Viewer

Update token 312 through the gateway (grants preview access, so it names a requester and a different approver):

curl -sS -X PUT "http://127.0.0.1:$GATEWAY_PORT/api/access_tokens/312" \\
  -H "x-functions-key: $FUNCTION_KEY" \\
  -H "Content-Type: application/vnd.api+json" \\
  --data-binary '{"data":{"type":"access_token","id":"312","attributes":{"name":"Read-only API token","can_access_cda":true,"can_access_cda_preview":true,"can_access_cma":false},"relationships":{"role":{"data":{"type":"role","id":"34"}}}},"meta":{"requested_by":"alice@example.com","approved_by":"bob@example.com","reason":"Preview for the launch"}}'

Read the audit trail:        npm run audit:tail
Send a change as an event:   npm run event:send -- 312 --name "Renamed by an event"
Ctrl-C stops everything.
MSG
wait -n "${pids[@]}"
