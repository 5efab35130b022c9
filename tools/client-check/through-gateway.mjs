#!/usr/bin/env node
// Drives the gateway with the official DatoCMS client (@datocms/cma-client-node), pointed at the gateway's
// base URL (…/api) with only a function key added: every call the client makes with API tokens and roles, as
// issue 15's table lists them. Each call's HTTP status is taken from the client's own fetch.
// usage: node tools/client-check/through-gateway.mjs <gatewayBaseUrl> <functionKey> <tokenId>
// The token must start as the simulator seeds it (name, cda on, preview off, cma off, role 34).
// Prints a JSON summary with the table (one row per call, its status and outcome); exit code 1 on any failure.
import { buildClient, ApiError } from '@datocms/cma-client-node';

const [baseUrl, functionKey, tokenId] = process.argv.slice(2);
let lastStatus = null;
const client = buildClient({
  apiToken: 'callers-own-credential-never-forwarded',
  baseUrl: baseUrl.replace(/\/*$/, ''),
  extraHeaders: { 'x-functions-key': functionKey },
  // The client's own fetch, watched: the status of every answer it got.
  fetchFn: async (...args) => {
    const response = await fetch(...args);
    lastStatus = response.status;
    return response;
  },
  // No automatic retries: a transient answer shows in the table instead of being retried until the test's time-out.
  autoRetry: false,
});

const table = [];
async function row(call, run) {
  lastStatus = null;
  try {
    const detail = await run();
    table.push({ call, status: lastStatus, ok: true, ...detail });
  } catch (error) {
    table.push({ call, status: lastStatus, ok: false, error: String(error?.message ?? error).slice(0, 500) });
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const flags = { can_access_cda: true, can_access_cda_preview: false, can_access_cma: false };

await row('accessTokens.update(id, {name, 3 flags, role})', async () => {
  const t = await client.accessTokens.update(tokenId, { name: 'Renamed with role', ...flags, role: { type: 'role', id: '34' } });
  expect(t.name === 'Renamed with role' && t.role.id === '34', `unexpected answer ${JSON.stringify(t)}`);
  expect(t.token == null, 'the secret token attribute came back');
  return { name: t.name };
});

await row('accessTokens.update(id, {name, 3 flags}) — no role: kept', async () => {
  const t = await client.accessTokens.update(tokenId, { name: 'Renamed without role', ...flags });
  expect(t.name === 'Renamed without role' && t.role.id === '34', `the role was not kept: ${JSON.stringify(t)}`);
  return { name: t.name, role: t.role.id };
});

await row('accessTokens.update(id, {…, meta: {requested_by, reason}}) — sent as data.meta', async () => {
  const t = await client.accessTokens.update(tokenId, {
    name: 'Renamed with meta', ...flags, meta: { requested_by: 'alice@example.com', reason: 'Launch rename' },
  });
  expect(t.name === 'Renamed with meta', `unexpected answer ${JSON.stringify(t)}`);
  return { name: t.name };
});

await row('accessTokens.update(id, {can_access_cda: false}) — partial', async () => {
  const t = await client.accessTokens.update(tokenId, { can_access_cda: false });
  expect(t.can_access_cda === false && t.name === 'Renamed with meta' && t.role.id === '34', `the rest was not kept: ${JSON.stringify(t)}`);
  return { can_access_cda: t.can_access_cda };
});

await row('accessTokens.find(id)', async () => {
  const t = await client.accessTokens.find(tokenId);
  expect(t.id === tokenId && t.name === 'Renamed with meta' && t.can_access_cda === false, `unexpected token ${JSON.stringify(t)}`);
  expect(t.token == null, 'the secret token attribute came back');
  return { id: t.id };
});

await row('accessTokens.list()', async () => {
  const tokens = await client.accessTokens.list();
  expect(tokens.length > 0 && tokens.some((t) => t.id === tokenId), 'the token is not listed');
  expect(tokens.every((t) => t.token == null), 'a secret token attribute came back');
  return { count: tokens.length };
});

await row('roles.list()', async () => {
  const roles = await client.roles.list();
  expect(roles.some((r) => r.id === '34'), 'role 34 is not listed');
  return { count: roles.length };
});

await row('roles.find(id)', async () => {
  const role = await client.roles.find('34');
  expect(role.id === '34' && typeof role.name === 'string', `unexpected role ${JSON.stringify(role)}`);
  return { name: role.name };
});

// A refusal reaches the client as DatoCMS's own ApiError, with a doc_url to the README section explaining it.
const refusal = {};
lastStatus = null;
try {
  await client.accessTokens.update('100', { name: 'x', ...flags, role: { type: 'role', id: '34' } });
  refusal.error = 'a built-in token was updated';
} catch (error) {
  if (error instanceof ApiError) {
    const found = error.findError('NON_EDITABLE_ACCESS_TOKEN');
    refusal.status = lastStatus;
    refusal.codes = error.errors.map((e) => e.attributes.code);
    refusal.doc_url = found?.attributes.doc_url ?? null;
    refusal.transient = found?.attributes.transient ?? false;
    refusal.ok = !!found && refusal.doc_url === 'README.md#non_editable_access_token' && refusal.transient === false;
  } else {
    refusal.error = String(error?.message ?? error);
  }
}

const ok = table.every((r) => r.ok && r.status === 200) && refusal.ok === true;
console.log(JSON.stringify({ ok, table, refusal }, null, 1));
process.exit(ok ? 0 : 1);
