#!/usr/bin/env bash
# Runs the gateway locally: Azurite (queues), the DatoCMS simulator and the local host that serves the
# Functions app's own function classes. Ctrl-C stops all three. Data is in memory and gone when it stops.
# Ports, all on 127.0.0.1: GATEWAY_PORT (7071), SIMULATOR_PORT (7080), AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT and
# AZURITE_TABLE_PORT (10000, 10001, 10002); set any of them to use another.
set -euo pipefail
cd "$(dirname "$0")"

GATEWAY_PORT="${GATEWAY_PORT:-7071}"
SIMULATOR_PORT="${SIMULATOR_PORT:-7080}"
AZURITE_BLOB_PORT="${AZURITE_BLOB_PORT:-10000}"
AZURITE_QUEUE_PORT="${AZURITE_QUEUE_PORT:-10001}"
AZURITE_TABLE_PORT="${AZURITE_TABLE_PORT:-10002}"
SIMULATOR_TOKEN="${SIMULATOR_TOKEN:-sim-cma-token}"

# Every port must be free before anything starts: name the busy ones and how to choose others, rather than fail
# half-way through with a server's stack trace.
ports=(
  "GATEWAY_PORT:$GATEWAY_PORT:the gateway (local host)"
  "SIMULATOR_PORT:$SIMULATOR_PORT:the DatoCMS simulator"
  "AZURITE_BLOB_PORT:$AZURITE_BLOB_PORT:Azurite's blob service"
  "AZURITE_QUEUE_PORT:$AZURITE_QUEUE_PORT:Azurite's queue service"
  "AZURITE_TABLE_PORT:$AZURITE_TABLE_PORT:Azurite's table service"
)
port_problem() {
  node -e '
    const port = process.argv[1];
    if (!/^[0-9]{1,5}$/.test(port) || port < 1 || port > 65535) { console.log("not a port number"); process.exit(); }
    const server = require("net").createServer();
    server.once("error", e => console.log(e.code === "EADDRINUSE" ? "already in use" : "not free (" + e.code + ")"));
    server.listen(Number(port), "127.0.0.1", () => server.close());' "$1"
}
busy=0
declare -A claimed=()
for entry in "${ports[@]}"; do
  IFS=: read -r variable port what <<<"$entry"
  if [ -n "${claimed[$port]:-}" ]; then
    problem="${claimed[$port]} already"
  else
    problem="$(port_problem "$port")"
  fi
  claimed[$port]="$variable"
  if [ -n "$problem" ]; then
    example=$([ "$problem" = "not a port number" ] && echo "<a free port>" || echo "$((10#$port + 100))")
    echo "Port $port on 127.0.0.1, for $what, is $problem. Choose another with $variable, e.g. $variable=$example ./run.sh" >&2
    busy=1
  fi
done
if [ "$busy" -ne 0 ]; then
  echo "Nothing was started. The ports are GATEWAY_PORT, SIMULATOR_PORT, AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT and AZURITE_TABLE_PORT (see the README)." >&2
  exit 1
fi

FUNCTION_KEY="${FUNCTION_KEY:-$(node -e 'process.stdout.write(require("crypto").randomBytes(16).toString("hex"))')}"
if [ "$AZURITE_BLOB_PORT:$AZURITE_QUEUE_PORT:$AZURITE_TABLE_PORT" = "10000:10001:10002" ]; then
  storage="UseDevelopmentStorage=true"
else
  # Azurite's well-known development account (public, documented; not a secret), on the ports chosen.
  account=devstoreaccount1
  storage="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$AZURITE_BLOB_PORT/$account;QueueEndpoint=http://127.0.0.1:$AZURITE_QUEUE_PORT/$account;TableEndpoint=http://127.0.0.1:$AZURITE_TABLE_PORT/$account;"
fi
queue_scripts=""
[ "$AZURITE_QUEUE_PORT" = 10001 ] || queue_scripts="AZURITE_QUEUE_PORT=$AZURITE_QUEUE_PORT "
archive_scripts=""
[ "$AZURITE_BLOB_PORT" = 10000 ] || archive_scripts="AZURITE_BLOB_PORT=$AZURITE_BLOB_PORT "
gateway_scripts="GATEWAY_KEY=$FUNCTION_KEY "
[ "$GATEWAY_PORT" = 7071 ] || gateway_scripts+="GATEWAY_PORT=$GATEWAY_PORT "

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
  --blobHost 127.0.0.1 --blobPort "$AZURITE_BLOB_PORT" --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT" \
  --tableHost 127.0.0.1 --tablePort "$AZURITE_TABLE_PORT" &
pids+=($!)
dotnet tools/DatoCmsSimulator/bin/Debug/net10.0/DatoCmsSimulator.dll --port "$SIMULATOR_PORT" --token "$SIMULATOR_TOKEN" &
pids+=($!)
wait_for_port "$AZURITE_BLOB_PORT"
wait_for_port "$AZURITE_QUEUE_PORT"
wait_for_port "$AZURITE_TABLE_PORT"
wait_for_port "$SIMULATOR_PORT"

# Revert messages are sealed with this key; Azurite is in memory, so a fresh one each run loses nothing.
revert_key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
# The example below grants preview access for an hour (GNU date, then BSD date).
expires_at=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v+1H +%Y-%m-%dT%H:%M:%SZ)

DOTNET_ENVIRONMENT=Development \
AzureWebJobsStorage="$storage" \
DatoCms__BaseUrl="http://127.0.0.1:$SIMULATOR_PORT" \
KeyVault__DevelopmentCmaToken="$SIMULATOR_TOKEN" \
LocalHost__FunctionKeys__default="$FUNCTION_KEY" \
Approvals__TrustedCallers="function_key:default" \
Grants__DevelopmentRevertKey="$revert_key" \
  dotnet tools/Gateway.LocalHost/bin/Debug/net10.0/Gateway.LocalHost.dll --urls "http://127.0.0.1:$GATEWAY_PORT" --environment Development &
pids+=($!)
wait_for_port "$GATEWAY_PORT"

cat <<MSG

Access Token Gateway is running locally.
  gateway     http://127.0.0.1:$GATEWAY_PORT/api      (function key: $FUNCTION_KEY; its caller may assert approvals)
  simulator   http://127.0.0.1:$SIMULATOR_PORT          (DatoCMS CMA; bearer token: $SIMULATOR_TOKEN)
  azurite     queues on http://127.0.0.1:$AZURITE_QUEUE_PORT/devstoreaccount1 (access-token-changes, access-token-audit, access-token-grant-reverts),
              the audit archive on http://127.0.0.1:$AZURITE_BLOB_PORT/devstoreaccount1/audit-archive
  editable token id: 312   built-in token id: 100   roles: 34 Editor, 35 Admin, 36 Viewer

Grant token 312 preview access for an hour through the gateway (an escalation: it names a requester, a different
approver and the state the approver saw; at expires_at the gateway revokes it again):

curl -sS -X PUT "http://127.0.0.1:$GATEWAY_PORT/api/access_tokens/312" \\
  -H "x-functions-key: $FUNCTION_KEY" \\
  -H "Content-Type: application/vnd.api+json" \\
  --data-binary '{"data":{"type":"access_token","id":"312","attributes":{"name":"Read-only API token","can_access_cda":true,"can_access_cda_preview":true,"can_access_cma":false},"relationships":{"role":{"data":{"type":"role","id":"34"}}}},"meta":{"requested_by":"alice@example.com","approved_by":"bob@example.com","reason":"Preview for the launch","expected":{"name":"Read-only API token","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":"34"},"expires_at":"$expires_at"}}'

Read token 312 (its secret null): curl -sS "http://127.0.0.1:$GATEWAY_PORT/api/access_tokens/312" -H "x-functions-key: $FUNCTION_KEY"
Revoke its CDA access alone (a partial update, merged with the state read first):
curl -sS -X PUT "http://127.0.0.1:$GATEWAY_PORT/api/access_tokens/312" -H "x-functions-key: $FUNCTION_KEY" \\
  -H "Content-Type: application/vnd.api+json" --data-binary '{"data":{"type":"access_token","id":"312","attributes":{"can_access_cda":false}}}'
List the roles:              curl -sS "http://127.0.0.1:$GATEWAY_PORT/api/roles" -H "x-functions-key: $FUNCTION_KEY"
List the grants in force:    curl -sS "http://127.0.0.1:$GATEWAY_PORT/api/grants" -H "x-functions-key: $FUNCTION_KEY"

Follow the audit trail:      ${archive_scripts}npm run audit:tail
A token's audit trail:       ${gateway_scripts}npm run audit -- --token 312
Verify the archive's chains: ${archive_scripts}npm run audit:verify
Send a change as an event:   ${queue_scripts}npm run event:send -- 312 --name "Renamed by an event"
Ctrl-C stops everything.
MSG
wait -n "${pids[@]}"
