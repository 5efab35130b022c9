// Prints the audit trail as a table, read through the gateway (GET /api/audit), newest first.
// Usage: npm run audit -- [--token ID] [--outcome OUTCOME] [--since RFC3339] [--until RFC3339] [--limit N] [--all] [--json]
// GATEWAY_URL (default http://127.0.0.1:${GATEWAY_PORT:-7071}/api) and GATEWAY_KEY (a function key; ./run.sh prints one).
import { option, printTable, summary } from "./archive.mjs";

const args = process.argv.slice(2);
const base = (process.env.GATEWAY_URL ?? `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 7071}/api`).replace(/\/$/, "");
const key = process.env.GATEWAY_KEY ?? process.env.FUNCTION_KEY;
if (!key) {
  console.error("Set GATEWAY_KEY to a function key (./run.sh prints it).");
  process.exit(2);
}
const query = new URLSearchParams();
for (const [flag, name] of [["--token", "token_id"], ["--outcome", "outcome"], ["--since", "since"], ["--until", "until"], ["--limit", "page[limit]"]]) {
  const value = option(args, flag, undefined);
  if (value !== undefined) query.set(name, value);
}
const records = [];
for (;;) {
  const response = await fetch(`${base}/audit?${query}`, { headers: { "x-functions-key": key } });
  const text = await response.text();
  if (!response.ok) {
    console.error(`GET /api/audit: ${response.status} ${text}`);
    process.exit(1);
  }
  const body = JSON.parse(text);
  records.push(...body.data);
  if (!args.includes("--all") || !body.meta?.next_cursor) break;
  query.set("page[cursor]", body.meta.next_cursor);
}
if (args.includes("--json")) console.log(JSON.stringify(records, null, 2));
else printTable(records.map(summary), ["time", "audit id", "outcome", "token", "source", "caller", "requested by", "error", "diff"]);
