// Shared by the audit scripts: the audit archive's container. Locally, Azurite's blob service on AZURITE_BLOB_PORT
// (10000 unless set, as in run.sh) with its well-known development key (not a secret); AZURE_STORAGE_CONNECTION_STRING
// overrides it. In Azure, where keys are off: AUDIT_ARCHIVE_ACCOUNT (the storage account's name) with AZURE_STORAGE_TOKEN
// (an Entra ID token: `az account get-access-token --resource https://storage.azure.com/`), or AUDIT_ARCHIVE_URL (a
// container URL with a SAS).
import { createHash } from "node:crypto";
import { BlobServiceClient, ContainerClient } from "@azure/storage-blob";

export const containerName = "audit-archive";
export const genesis = "0".repeat(64);

export const connectionString =
  process.env.AZURE_STORAGE_CONNECTION_STRING ??
  "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
    `BlobEndpoint=http://127.0.0.1:${process.env.AZURITE_BLOB_PORT ?? 10000}/devstoreaccount1;`;

// A bearer token obtained elsewhere (az), so no identity library is needed here; it lasts about an hour.
const tokenCredential = (token) => ({ getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) });

export function archive(name = containerName) {
  if (process.env.AUDIT_ARCHIVE_URL) return new ContainerClient(process.env.AUDIT_ARCHIVE_URL);
  if (process.env.AUDIT_ARCHIVE_ACCOUNT) {
    if (!process.env.AZURE_STORAGE_TOKEN) throw new Error("AUDIT_ARCHIVE_ACCOUNT needs AZURE_STORAGE_TOKEN (az account get-access-token --resource https://storage.azure.com/)");
    return new ContainerClient(`https://${process.env.AUDIT_ARCHIVE_ACCOUNT}.blob.core.windows.net/${name}`, tokenCredential(process.env.AZURE_STORAGE_TOKEN));
  }
  return BlobServiceClient.fromConnectionString(connectionString).getContainerClient(name);
}

export const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

// A chain's bytes as lines (Buffers, newline excluded), and whether the last one was cut short (no newline after it).
export function lines(buffer) {
  const out = [];
  let start = 0;
  for (let i = buffer.indexOf(0x0a); i >= 0; i = buffer.indexOf(0x0a, start)) {
    out.push(buffer.subarray(start, i));
    start = i + 1;
  }
  return { lines: out, rest: buffer.subarray(start) };
}

export const dayPrefix = (date) => date.toISOString().slice(0, 10) + "/";

export function option(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

// One line of a readable table for a record.
export function summary(r) {
  const diff = (r.diff ?? []).map((d) => `${d.field}: ${d.from ?? "∅"}→${d.to ?? "∅"}`).join("; ");
  const what = r.kind === "intent" ? "intent" : `${r.outcome}${r.reconciled ? " (reconciled)" : ""}`;
  const who = r.caller ? `${r.caller.kind}${r.caller.id ? ":" + r.caller.id : ""}` : "";
  return [r.time, r.audit_id, what, r.token_id ?? "", r.source, who, r.requested_by ?? "", r.error?.code ?? "", diff];
}

export function printTable(rows, header) {
  const all = [header, ...rows].map((row) => row.map((c) => String(c ?? "")));
  const widths = header.map((_, i) => Math.min(40, Math.max(...all.map((row) => row[i].length))));
  const cut = (text, w) => (text.length > w ? text.slice(0, w - 1) + "…" : text.padEnd(w));
  for (const [n, row] of all.entries()) {
    console.log(row.map((c, i) => (i === row.length - 1 ? c : cut(c, widths[i]))).join("  "));
    if (n === 0) console.log(widths.map((w, i) => "-".repeat(i === widths.length - 1 ? Math.max(4, header[i].length) : w)).join("  "));
  }
}
