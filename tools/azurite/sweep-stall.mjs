// How long Azurite's queue sweep freezes the emulator, as the benchmark's drains meet it.
//
//   node tools/azurite/sweep-stall.mjs [deleted] [live] [disk]      (defaults: 1000 deleted, 2000 live, in memory; about 125 s)
//
// Starts Azurite as the tests do (in memory, loopback, a port chosen at random; with `disk`, in a temporary folder),
// puts `deleted` messages on one queue and deletes them (the drained change messages), leaves `live` messages on
// another (the audit records), then asks the queue service for a queue's properties every 50 ms until the second sweep
// is past (the sweep runs once at start and again 60 s after each pass) and prints its slowest answer. Azurite serves
// blob, queue and table on one Node.js thread, and the sweep deletes the extents of deleted messages without yielding,
// so every request waits it out.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueClient } from '@azure/storage-queue';

const deleted = Number(process.argv[2] ?? 1000);
const live = Number(process.argv[3] ?? 2000);
const folder = process.argv[4] === 'disk' ? mkdtempSync(join(tmpdir(), 'azurite-sweep-')) : undefined;
const azurite = new URL('../../node_modules/azurite/dist/src/azurite.js', import.meta.url).pathname;
const freePort = () => new Promise((resolve, reject) => {
  const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
});
const [blob, queue, table] = [await freePort(), await freePort(), await freePort()];
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const persistence = folder ? ['--location', folder] : ['--inMemoryPersistence'];
const emulator = spawn('node', [azurite, '--silent', ...persistence, '--skipApiVersionCheck', '--loose', '--disableProductStyleUrl', '--disableTelemetry',
  '--blobHost', '127.0.0.1', '--blobPort', String(blob), '--queueHost', '127.0.0.1', '--queuePort', String(queue),
  '--tableHost', '127.0.0.1', '--tablePort', String(table)], { stdio: 'ignore' });
try {
  // Azurite's well-known development account (public, documented; not a secret).
  const key = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
  const connection = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${key};QueueEndpoint=http://127.0.0.1:${queue}/devstoreaccount1;`;
  const changes = new QueueClient(connection, 'changes');
  const audit = new QueueClient(connection, 'audit');
  for (let attempt = 0; ; attempt++) {
    try { await changes.createIfNotExists(); break; } catch (error) { if (attempt > 100) throw error; await new Promise(r => setTimeout(r, 100)); }
  }
  await audit.createIfNotExists();
  const body = 'x'.repeat(1200);   // about an audit record's size
  const inBatches = async (count, send) => { for (let i = 0; i < count; i += 50) await Promise.all(Array.from({ length: Math.min(50, count - i) }, send)); };
  await inBatches(deleted, () => changes.sendMessage(body));
  await inBatches(live, () => audit.sendMessage(body));
  for (;;) {
    const { receivedMessageItems: got } = await changes.receiveMessages({ numberOfMessages: 32 });
    if (got.length === 0) break;
    await Promise.all(got.map(m => changes.deleteMessage(m.messageId, m.popReceipt)));
  }
  console.log(`${deleted} messages sent and deleted, ${live} left on another queue, ${seconds()} s after Azurite started`);
  let slowest = 0, at = 0;
  while (Date.now() - started < 125_000) {
    const asked = Date.now();
    await audit.getProperties();
    const took = Date.now() - asked;
    if (took > slowest) [slowest, at] = [took, (asked - started) / 1000];
    await new Promise(r => setTimeout(r, 50));
  }
  console.log(`slowest answer (${folder ? 'on disk' : 'in memory'}): ${slowest} ms, asked ${at.toFixed(1)} s after Azurite started`);
} finally {
  emulator.kill();
  if (folder) { await new Promise(r => emulator.once('exit', r)); rmSync(folder, { recursive: true, force: true }); }
}
