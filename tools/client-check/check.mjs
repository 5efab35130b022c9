#!/usr/bin/env node
// Fidelity check: drives the DatoCMS CMA simulator with the official client (@datocms/cma-client-node).
// usage: node tools/client-check/check.mjs [baseUrl] [apiToken]
//   (or SIMULATOR_URL / SIMULATOR_TOKEN; defaults http://127.0.0.1:7080/ and sim-cma-token)
// Resets the simulator (POST /_simulator/reset) before and after. Prints a JSON summary; exit code 1 on any failure.
import { createRequire } from 'node:module';
import { buildClient, ApiError, LogLevel } from '@datocms/cma-client-node';

const require = createRequire(import.meta.url);
const clientVersion = require('@datocms/cma-client-node/package.json').version;

const baseUrl = (process.argv[2] ?? process.env.SIMULATOR_URL ?? 'http://127.0.0.1:7080/').replace(/\/*$/, '/');
const apiToken = process.argv[3] ?? process.env.SIMULATOR_TOKEN ?? 'sim-cma-token';

const EDITABLE = '312';
const BUILT_IN = '100';
const ADMIN_ROLE = '35';

const logLines = [];
const client = buildClient({
  apiToken,
  baseUrl,
  logLevel: LogLevel.BASIC,
  logFn: (line) => logLines.push(String(line)),
});

const checks = [];
const observed = {};

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function check(name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    checks.push({ name, ok: true, ms: Date.now() - started, ...(detail === undefined ? {} : { detail }) });
  } catch (error) {
    checks.push({ name, ok: false, ms: Date.now() - started, error: describe(error) });
  }
}

function describe(error) {
  if (error instanceof ApiError) {
    return { apiError: true, status: error.response.status, codes: error.errors.map((e) => e.attributes.code), message: error.message.split('\n')[0] };
  }
  return { message: String(error?.message ?? error), cause: error?.cause ? String(error.cause.message ?? error.cause) : undefined };
}

async function expectApiError(promise, status, code, details) {
  try {
    await promise;
  } catch (error) {
    assert(error instanceof ApiError, `expected ApiError, got ${error?.name}: ${error?.message}`);
    assert(error.response.status === status, `expected status ${status}, got ${error.response.status}`);
    const found = error.findError(code, details);
    assert(found, `expected error ${code} ${JSON.stringify(details ?? {})}, got ${JSON.stringify(error.errors.map((e) => e.attributes))}`);
    return { status: error.response.status, code: found.attributes.code, details: found.attributes.details };
  }
  throw new Error(`expected ApiError ${code}, but the call succeeded`);
}

async function admin(method, path, body) {
  const response = await fetch(new URL(`_simulator/${path}`, baseUrl), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

const recorded = (filter) => admin('GET', `requests?${new URLSearchParams(filter)}`);

let savedRateLimit;
const started = Date.now();
try {
  await check('reset simulator', async () => {
    await admin('POST', 'reset');
    savedRateLimit = await admin('GET', 'rate-limit');
    return savedRateLimit;
  });

  await check('list access tokens', async () => {
    const tokens = await client.accessTokens.list();
    assert(Array.isArray(tokens) && tokens.length >= 4, 'expected a list of tokens');
    const editable = tokens.find((t) => t.id === EDITABLE);
    const builtIn = tokens.find((t) => t.id === BUILT_IN);
    assert(editable && editable.type === 'access_token', `token ${EDITABLE} missing`);
    assert(editable.hardcoded_type === null, 'editable token must have hardcoded_type null');
    assert(typeof editable.token === 'string' && editable.token.length >= 30, 'secret token attribute missing');
    assert(editable.role?.type === 'role' && editable.role.id === '34', `role relationship not deserialized: ${JSON.stringify(editable.role)}`);
    assert(builtIn && builtIn.hardcoded_type === 'readonly', 'built-in token missing');
    assert(new Set(tokens.map((t) => t.token)).size === tokens.length, 'secrets must be distinct');
    return { count: tokens.length };
  });

  await check('list and find roles', async () => {
    const roles = await client.roles.list();
    assert(['34', '35', '36'].every((id) => roles.some((r) => r.id === id)), 'roles 34/35/36 expected');
    const role = await client.roles.find(ADMIN_ROLE);
    assert(role.type === 'role' && role.name === 'Admin' && role.can_manage_access_tokens === true, 'role 35 must be Admin');
    return { count: roles.length };
  });

  let secretBefore;
  await check('find editable token', async () => {
    const token = await client.accessTokens.find(EDITABLE);
    assert(token.id === EDITABLE && token.name, 'find returned the wrong token');
    secretBefore = token.token;
    return { name: token.name };
  });

  await check('update editable token (name, flags, role)', async () => {
    const updated = await client.accessTokens.update(EDITABLE, {
      name: 'Client check token',
      can_access_cda: false,
      can_access_cda_preview: true,
      can_access_cma: true,
      role: { type: 'role', id: ADMIN_ROLE },
    });
    assert(updated.id === EDITABLE && updated.name === 'Client check token', 'update response not the updated token');
    assert(updated.token === secretBefore, 'an update must not change the secret');
    const [put] = await recorded({ method: 'PUT', pathPrefix: `/access_tokens/${EDITABLE}` });
    assert(put && put.status === 200, 'simulator did not record the PUT');
    const header = (name) => Object.entries(put.headers).find(([k]) => k.toLowerCase() === name)?.[1];
    observed.putHeaders = {
      'user-agent': header('user-agent'),
      'x-api-version': header('x-api-version'),
      'content-type': header('content-type'),
      accept: header('accept'),
      'x-environment': header('x-environment') ?? null,
    };
    observed.putBody = JSON.parse(put.body);
    assert(observed.putHeaders['x-api-version'] === '3', 'client must send X-Api-Version: 3');
    return observed.putHeaders;
  });

  await check('read back the update', async () => {
    const token = await client.accessTokens.find(EDITABLE);
    assert(token.name === 'Client check token', `name: ${token.name}`);
    assert(token.can_access_cda === false && token.can_access_cda_preview === true && token.can_access_cma === true, 'flags not applied');
    assert(token.role?.id === ADMIN_ROLE, `role: ${JSON.stringify(token.role)}`);
  });

  await check('update of built-in token is refused with NON_EDITABLE_ACCESS_TOKEN', () =>
    expectApiError(
      client.accessTokens.update(BUILT_IN, {
        name: 'nope', can_access_cda: true, can_access_cda_preview: true, can_access_cma: true,
        role: { type: 'role', id: ADMIN_ROLE },
      }),
      422, 'NON_EDITABLE_ACCESS_TOKEN'));

  await check('blank name is refused with INVALID_FIELD (field name)', () =>
    expectApiError(
      client.accessTokens.update(EDITABLE, { name: '', can_access_cda: true, can_access_cda_preview: true, can_access_cma: true }),
      422, 'INVALID_FIELD', { field: 'name', code: 'VALIDATION_REQUIRED' }));

  await check('unknown token gives NOT_FOUND', () => expectApiError(client.accessTokens.find('999999'), 404, 'NOT_FOUND'));

  await check('wrong API token gives INVALID_AUTHORIZATION_HEADER', () =>
    expectApiError(buildClient({ apiToken: 'not-a-token', baseUrl }).accessTokens.find(EDITABLE), 401, 'INVALID_AUTHORIZATION_HEADER'));

  await check('sandbox environment via X-Environment', async () => {
    const token = await buildClient({ apiToken, baseUrl, environment: 'sandbox' }).accessTokens.find(EDITABLE);
    assert(token.id === EDITABLE, 'sandbox find failed');
    const requests = await recorded({ method: 'GET', pathPrefix: `/access_tokens/${EDITABLE}` });
    const last = requests[requests.length - 1];
    const env = Object.entries(last.headers).find(([k]) => k.toLowerCase() === 'x-environment')?.[1];
    assert(env === 'sandbox', `X-Environment not sent: ${env}`);
    return await expectApiError(buildClient({ apiToken, baseUrl, environment: 'no-such-env' }).accessTokens.find(EDITABLE), 404, 'INVALID_ENVIRONMENT');
  });

  await check('429 is retried after X-RateLimit-Reset and succeeds', async () => {
    await admin('PUT', 'rate-limit', { perWindow: 2, windowSeconds: 1 });
    await admin('DELETE', 'requests');
    logLines.length = 0;
    const results = await Promise.all([1, 2, 3, 4].map(() => client.accessTokens.find(EDITABLE)));
    assert(results.every((t) => t.id === EDITABLE), 'all calls must eventually succeed');
    const requests = await recorded({ method: 'GET', pathPrefix: `/access_tokens/${EDITABLE}` });
    const limited = requests.filter((r) => r.status === 429).length;
    const ok = requests.filter((r) => r.status === 200).length;
    const retriedLog = logLines.filter((l) => l.includes('Rate limit exceeded')).length;
    assert(limited >= 1, 'expected at least one 429');
    assert(ok === 4, `expected 4 successful GETs, got ${ok}`);
    assert(retriedLog === limited, `client logged ${retriedLog} rate-limit retries for ${limited} 429s`);
    await admin('PUT', 'rate-limit', savedRateLimit);
    return { status429: limited, status200: ok };
  });

  await check('transient error is retried and succeeds', async () => {
    await admin('DELETE', 'requests');
    await admin('POST', 'faults', { kind: 'TransientError', statusCode: 503, count: 1, method: 'GET', pathPrefix: `/access_tokens/${EDITABLE}` });
    const token = await client.accessTokens.find(EDITABLE);
    assert(token.id === EDITABLE, 'find after transient error failed');
    const statuses = (await recorded({ pathPrefix: `/access_tokens/${EDITABLE}` })).map((r) => r.status);
    assert(JSON.stringify(statuses) === '[503,200]', `statuses ${statuses}`);
    return { statuses };
  });

  await check('HTML 502 is retried for GET, raised for PUT', async () => {
    await admin('DELETE', 'requests');
    await admin('POST', 'faults', { kind: 'HtmlBadGateway', count: 1, method: 'GET' });
    const token = await client.accessTokens.find(EDITABLE);
    assert(token.id === EDITABLE, 'GET after HTML 502 failed');
    await admin('POST', 'faults', { kind: 'HtmlBadGateway', count: 1, method: 'PUT' });
    const before = await admin('GET', `tokens/${EDITABLE}`);
    try {
      await client.accessTokens.update(EDITABLE, { name: 'after 502', can_access_cda: true, can_access_cda_preview: true, can_access_cma: true });
      throw new Error('PUT after HTML 502 should have failed');
    } catch (error) {
      assert(error instanceof ApiError && error.response.status === 502, `expected ApiError 502, got ${error?.message}`);
    }
    const after = await admin('GET', `tokens/${EDITABLE}`);
    assert(JSON.stringify(before) === JSON.stringify(after), 'a faulted PUT must not change the token');
    return { statuses: (await recorded({})).map((r) => r.status) };
  });
} finally {
  try {
    if (savedRateLimit) await admin('PUT', 'rate-limit', savedRateLimit);
    await admin('POST', 'reset');
  } catch (error) {
    checks.push({ name: 'restore simulator', ok: false, error: describe(error) });
  }
}

const ok = checks.length > 0 && checks.every((c) => c.ok);
console.log(JSON.stringify({ ok, baseUrl, client: `@datocms/cma-client-node ${clientVersion}`, ms: Date.now() - started, observed, checks }, null, 2));
process.exitCode = ok ? 0 : 1;
