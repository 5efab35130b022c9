#!/usr/bin/env node
// The benchmark's anchor: the official DatoCMS client (@datocms/cma-client-node) sending updates straight to DatoCMS
// (the simulator), PUT only, a fixed number in flight; on a 429 the client itself waits X-RateLimit-Reset and tries again.
// usage: node official-client-drain.mjs <baseUrl> <apiToken> <inFlight>   (changes on stdin: one JSON array of
//   { id, name, can_access_cda, can_access_cda_preview, can_access_cma, role_id })
// Prints { wall_ms, applied, failed } as JSON.
import { buildClient } from '@datocms/cma-client-node';

const [baseUrl, apiToken, inFlight] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const changes = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const client = buildClient({ apiToken, baseUrl: baseUrl.replace(/\/*$/, '') });

let next = 0;
let applied = 0;
let failed = 0;
const started = performance.now();
await Promise.all(Array.from({ length: Number(inFlight) }, async () => {
  while (next < changes.length) {
    const c = changes[next++];
    try {
      await client.accessTokens.update(c.id, {
        name: c.name,
        can_access_cda: c.can_access_cda,
        can_access_cda_preview: c.can_access_cda_preview,
        can_access_cma: c.can_access_cma,
        role: { type: 'role', id: c.role_id },
      });
      applied++;
    } catch {
      failed++;
    }
  }
}));
console.log(JSON.stringify({ wall_ms: performance.now() - started, applied, failed }));
