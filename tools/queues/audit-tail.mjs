// Follows the audit trail as it is written: the archive's chains of the current UTC day (and of each new day), each
// read from where the last look ended, so every new record shows, however many came before. Reads only (Storage Blob
// Data Reader on the archive is enough); the queue, which a reader can only peek 32 oldest messages of, is not used.
// Usage: node tools/queues/audit-tail.mjs [--once] [--json] [--new]   (--new: only records written from now on)
import { archive, dayPrefix, lines, printTable, summary } from "../audit/archive.mjs";

const args = process.argv.slice(2);
const once = args.includes("--once");
const json = args.includes("--json");
const container = archive();
const offsets = new Map(); // blob name → bytes already shown
let skipExisting = args.includes("--new");

async function look() {
  const rows = [];
  for await (const blob of container.listBlobsFlat({ prefix: dayPrefix(new Date()) })) {
    const seen = offsets.get(blob.name) ?? 0;
    const length = blob.properties.contentLength ?? 0;
    if (length <= seen) continue;
    const buffer = await container.getBlobClient(blob.name).downloadToBuffer(seen, length - seen);
    const { lines: complete, rest } = lines(buffer);
    offsets.set(blob.name, length - rest.length);
    if (skipExisting) continue;
    for (const line of complete) rows.push(JSON.parse(line.toString("utf8")));
  }
  skipExisting = false;
  rows.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  if (json) for (const r of rows) console.log(JSON.stringify(r));
  else for (const row of rows.map(summary)) console.log(row.filter((c) => c !== "").join("  "));
}

let told = false;
for (;;) {
  try {
    await look();
  } catch (e) {
    if (e.statusCode !== 404) throw e;
    // No archive yet: nothing has been recorded. Keep looking; it appears with the first record.
    if (!told) console.error("No audit archive yet: waiting for the first record.");
    told = true;
  }
  if (once) break;
  await new Promise((r) => setTimeout(r, 1000));
}
