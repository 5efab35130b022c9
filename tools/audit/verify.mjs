// Verifies the audit archive's hash chains: every blob is one chain, each line a record carrying its chain, its seq
// (from 1) and prev_hash, the SHA-256 of the previous line's bytes (zeros for seq 1). A removed, altered, reordered or
// inserted record breaks the chain at that point, and the problem names the record. Also counts intents and outcomes
// and lists intents not settled yet (the reconciler completes those older than a few minutes).
// Usage: node tools/audit/verify.mjs [--container NAME] [--prefix 2026-12-01/] [--quiet]
// Exit status: 0 when every chain verifies, 1 when a problem was found, 2 when the archive could not be read.
import { archive, genesis, sha256, lines, option } from "./archive.mjs";

const args = process.argv.slice(2);
const container = archive(option(args, "--container", undefined));
const prefix = option(args, "--prefix", undefined);
const quiet = args.includes("--quiet");

const problems = [];
const stats = { chains: 0, records: 0, intents: 0, outcomes: 0, reconciled: 0 };
const byAuditId = new Map();
const describe = (chain, r, line) => `${chain} seq ${r?.seq ?? "?"} (line ${line}, audit_id ${r?.audit_id ?? "?"}, ${r?.kind ?? "?"}${r?.outcome ? " " + r.outcome : ""})`;

async function verifyChain(name) {
  const chain = name.replace(/\.jsonl$/, "");
  const buffer = await container.getBlobClient(name).downloadToBuffer();
  const { lines: all, rest } = lines(buffer);
  stats.chains++;
  let prevHash = genesis, expected = 1, prev = null;
  for (const [i, line] of all.entries()) {
    const at = i + 1;
    const hash = sha256(line);
    let r;
    try {
      r = JSON.parse(line.toString("utf8"));
    } catch {
      problems.push(`${chain} line ${at}: not a JSON record: altered`);
      prevHash = hash; expected++; prev = null;
      continue;
    }
    stats.records++;
    const here = describe(chain, r, at);
    if (r.chain !== chain) problems.push(`${here}: claims chain ${r.chain}: copied in from another chain`);
    if (r.seq !== expected) {
      problems.push(r.seq > expected
        ? `${chain}: record${r.seq - expected > 1 ? "s" : ""} seq ${expected}${r.seq - expected > 1 ? `..${r.seq - 1}` : ""} removed (line ${at} is seq ${r.seq}, audit_id ${r.audit_id})`
        : `${here}: out of place: seq ${expected} expected here (reordered or inserted)`);
    } else if (r.prev_hash !== prevHash) {
      problems.push(prev
        ? `${prev} altered, or a record inserted or removed after it: its hash is not the prev_hash of the next record, ${here}`
        : `${here}: prev_hash ${at === 1 ? "is not the chain's start" : "does not follow the line before"}: altered, or records before it removed`);
    }
    prevHash = hash; expected = (Number.isInteger(r.seq) ? r.seq : expected) + 1; prev = here;
    if (r.kind === "intent") stats.intents++;
    if (r.kind === "outcome") stats.outcomes++;
    if (r.reconciled) stats.reconciled++;
    if (r.audit_id) {
      const entry = byAuditId.get(r.audit_id) ?? { intents: [], outcomes: [] };
      (r.kind === "intent" ? entry.intents : entry.outcomes).push({ r, here });
      byAuditId.set(r.audit_id, entry);
    }
  }
  if (rest.length > 0) problems.push(`${chain} line ${all.length + 1}: cut short (no newline after it): a torn or edited append`);
}

try {
  const names = [];
  for await (const blob of container.listBlobsFlat(prefix ? { prefix } : {})) if (blob.name.endsWith(".jsonl")) names.push(blob.name);
  names.sort();
  for (const name of names) await verifyChain(name);
} catch (e) {
  console.error(`audit:verify: the archive could not be read: ${e.statusCode ?? ""} ${e.code ?? e.message}`);
  process.exit(2);
}

// The same record twice (one intent per attempt, one outcome per attempt unless reconciled) is noted, not failed: a
// write whose answer was lost is retried, and may land twice (in two chains). A copy pasted into a chain breaks it.
// Intents with no settled outcome yet are listed: the reconciler completes them once a few minutes old.
const settled = new Set(["applied", "no_change", "dry_run", "rejected", "failed", "not_applied"]);
const pending = [];
const repeated = [];
for (const [id, { intents, outcomes }] of byAuditId) {
  const seen = new Map();
  for (const { r, here } of [...intents, ...outcomes]) {
    const key = `${r.kind}/${r.attempt}/${r.outcome ?? ""}/${r.reconciled ? "r" : ""}`;
    if (seen.has(key)) repeated.push(`${here}: the same ${r.kind} as ${seen.get(key)} (a retried write)`);
    else seen.set(key, here);
  }
  if (intents.length > 0 && !outcomes.some(({ r }) => settled.has(r.outcome))) pending.push(`${id} (token ${intents[0].r.token_id}, ${intents[0].r.time})`);
}

const line = `${stats.chains} chains, ${stats.records} records: ${stats.intents} intents, ${stats.outcomes} outcomes (${stats.reconciled} reconciled); ${byAuditId.size} audit ids, ${pending.length} intents not settled yet, ${repeated.length} records written twice`;
if (problems.length === 0) {
  console.log(`audit:verify: OK — ${line}`);
  if (!quiet) for (const p of pending) console.log(`  not settled yet: ${p}`);
  if (!quiet) for (const r of repeated) console.log(`  written twice: ${r}`);
  process.exit(0);
}
console.log(`audit:verify: FAILED — ${problems.length} problem${problems.length > 1 ? "s" : ""}; ${line}`);
for (const p of problems) console.log(`  ${p}`);
process.exit(1);
