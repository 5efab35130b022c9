#!/usr/bin/env node
// Sends one approved token change to the Access Token Gateway, signed with the v2 scheme (SECURITY.md): the HMAC-SHA256
// covers the method, path, query, every X-Change-* header and the body, so nothing on the way can add an approver, strip
// an expiry or turn a dry run into a change. Node.js 18+ and nothing else (global fetch, node:crypto).
//
//   GATEWAY_FUNCTION_KEY=… GATEWAY_SIGNING_SECRET=… [GATEWAY_SENDER=github-actions] node send-change.mjs \
//     --url https://<app>.azurewebsites.net/api --token-id 312 --name "Read-only API token" \
//     --cda true --preview true --cma false --role 34 \
//     --requested-by octocat --approved-by hubot --reason "Preview for the launch" \
//     --expected '{"name":"Read-only API token","can_access_cda":true,"can_access_cda_preview":false,"can_access_cma":false,"role_id":"34"}' \
//     [--ticket CHG-1] [--expires-at 2026-12-01T18:00:00Z] [--dry-run]
//
// --expected is the token's state as the approver saw it: an escalation must carry it (Policy:RequireExpectedForEscalation),
// and the gateway refuses the change (409) if the token no longer has it.
//
// GATEWAY_SENDER names the sender whose own secret GATEWAY_SIGNING_SECRET is (Signatures:Senders; sent as k=); the
// gateway then records the caller as signer:<sender>. Without it, the secret is the gateway's shared one (signer:webhook).
// Prints the gateway's answer (outcome, audit id, diff) and exits 0 on a 2xx answer, 1 otherwise. Every call is signed
// afresh (a retry with the same signature is a replay and is refused).
import { createHmac } from "node:crypto";
import { parseArgs } from "node:util";

const { values: a } = parseArgs({
  options: {
    url: { type: "string" }, "token-id": { type: "string" }, name: { type: "string" },
    cda: { type: "string" }, preview: { type: "string" }, cma: { type: "string" }, role: { type: "string" },
    "requested-by": { type: "string" }, "approved-by": { type: "string" }, reason: { type: "string" },
    ticket: { type: "string" }, "expires-at": { type: "string" }, expected: { type: "string" }, "dry-run": { type: "boolean", default: false },
  },
  strict: true,
});

function required(name, value) {
  if (value === undefined || value === "") { console.error(`send-change: --${name} is required`); process.exit(2); }
  return value;
}
function flag(name) {
  const value = required(name, a[name]);
  if (value !== "true" && value !== "false") { console.error(`send-change: --${name} must be true or false`); process.exit(2); }
  return value === "true";
}
const key = required("GATEWAY_FUNCTION_KEY (environment)", process.env.GATEWAY_FUNCTION_KEY);
const secret = required("GATEWAY_SIGNING_SECRET (environment)", process.env.GATEWAY_SIGNING_SECRET);
const sender = process.env.GATEWAY_SENDER || "";
const id = required("token-id", a["token-id"]);

const meta = { requested_by: required("requested-by", a["requested-by"]), approved_by: required("approved-by", a["approved-by"]) };
if (a.reason) meta.reason = a.reason;
if (a.ticket) meta.ticket = a.ticket;
if (a["expires-at"]) meta.expires_at = a["expires-at"];
if (a["dry-run"]) meta.dry_run = true;
if (a.expected) {
  try { meta.expected = JSON.parse(a.expected); } catch { console.error("send-change: --expected must be a JSON object"); process.exit(2); }
}

const body = Buffer.from(JSON.stringify({
  data: {
    type: "access_token", id,
    attributes: { name: required("name", a.name), can_access_cda: flag("cda"), can_access_cda_preview: flag("preview"), can_access_cma: flag("cma") },
    relationships: { role: { data: { type: "role", id: required("role", a.role) } } },
  },
  meta,
}), "utf8");

const url = new URL(`${required("url", a.url).replace(/\/+$/, "")}/access_tokens/${encodeURIComponent(id)}`);
// Headers sent with the request; every X-Change-* header among them is signed (this client keeps its metadata in meta).
const changeHeaders = {};

// The v2 signed string: v2, t, METHOD, path, query (without ?), one "name:value" line per X-Change-* header
// (lower-case names, sorted), an empty line, then the body bytes.
const t = Math.floor(Date.now() / 1000);
const lines = Object.entries(changeHeaders).map(([n, v]) => [n.toLowerCase(), v]).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
const head = `v2\n${t}\nPUT\n${url.pathname}\n${url.search.slice(1)}\n${lines.map(([n, v]) => `${n}:${v}\n`).join("")}\n`;
const v2 = createHmac("sha256", Buffer.from(secret, "utf8")).update(head, "utf8").update(body).digest("hex");

const response = await fetch(url, {
  method: "PUT",
  headers: { "Content-Type": "application/vnd.api+json", "x-functions-key": key, "X-Signature": `t=${t}${sender ? `,k=${sender}` : ""},v2=${v2}`, ...changeHeaders },
  body,
});
const text = await response.text();
let answer;
try { answer = JSON.parse(text); } catch { answer = { body: text }; }
const summary = response.ok
  ? { status: response.status, outcome: answer.meta?.outcome, audit_id: answer.meta?.audit_id, diff: answer.meta?.diff }
  : { status: response.status, audit_id: response.headers.get("x-audit-id"), code: answer.data?.[0]?.attributes?.code, details: answer.data?.[0]?.attributes?.details };
console.log(JSON.stringify(summary, null, 2));
process.exit(response.ok ? 0 : 1);
