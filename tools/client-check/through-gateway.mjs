#!/usr/bin/env node
// Drives the gateway with the official DatoCMS client (@datocms/cma-client-node), pointed at the gateway's
// base URL (…/api) with only a function key added: the route and body are DatoCMS's own.
// usage: node tools/client-check/through-gateway.mjs <gatewayBaseUrl> <functionKey> <tokenId>
// Prints a JSON summary; exit code 1 on any failure.
import { buildClient, ApiError } from '@datocms/cma-client-node';

const [baseUrl, functionKey, tokenId] = process.argv.slice(2);
const client = buildClient({
  apiToken: 'callers-own-credential-never-forwarded',
  baseUrl: baseUrl.replace(/\/*$/, ''),
  extraHeaders: { 'x-functions-key': functionKey },
});

const result = { ok: false };
try {
  const updated = await client.accessTokens.update(tokenId, {
    name: 'Renamed by the official client',
    can_access_cda: true,
    can_access_cda_preview: false,
    can_access_cma: false,
    role: { type: 'role', id: '34' },
  });
  result.updated = { id: updated.id, name: updated.name, token: updated.token ?? null };
  if (updated.name !== 'Renamed by the official client') throw new Error(`unexpected name ${updated.name}`);
  if (updated.token != null) throw new Error('the secret token attribute came back');

  // A refusal reaches the client as DatoCMS's own ApiError.
  try {
    await client.accessTokens.update('100', { name: 'x', can_access_cda: true, can_access_cda_preview: false, can_access_cma: false, role: { type: 'role', id: '34' } });
    throw new Error('a built-in token was updated');
  } catch (error) {
    if (!(error instanceof ApiError) || !error.findError('NON_EDITABLE_ACCESS_TOKEN')) throw error;
    result.refusal = error.errors.map((e) => e.attributes.code);
  }
  result.ok = true;
} catch (error) {
  result.error = String(error?.message ?? error);
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
