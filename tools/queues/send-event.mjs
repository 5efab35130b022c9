// Enqueues a change on access-token-changes, wrapped as a CloudEvent (default), an Event Grid event, or bare.
// Usage: node tools/queues/send-event.mjs <token-id> [--revoke-cma] [--name NAME] [--role ROLE] [--envelope cloudevents|eventgrid|none]
import { randomUUID } from "node:crypto";
import { queue, encode } from "./common.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const tokenId = args[0] ?? "312";
const document = {
  data: {
    type: "access_token",
    id: tokenId,
    attributes: {
      name: option("--name", "Read-only API token"),
      can_access_cda: true,
      can_access_cda_preview: false,
      can_access_cma: !args.includes("--revoke-cma") && args.includes("--grant-cma"),
    },
    relationships: { role: { data: { type: "role", id: option("--role", "34") } } },
  },
  meta: { requested_by: "hr-offboarding", reason: "Sent by tools/queues/send-event.mjs" },
};
const envelope = option("--envelope", "cloudevents");
const now = new Date().toISOString();
const message =
  envelope === "none" ? document
  : envelope === "eventgrid"
    ? { id: randomUUID(), eventType: "Contoso.AccessToken.ChangeRequested", subject: `access_tokens/${tokenId}`, eventTime: now, dataVersion: "1", data: document }
    : { specversion: "1.0", type: "com.contoso.access-token.change-requested", source: "/tools/send-event", id: randomUUID(), time: now, datacontenttype: "application/vnd.api+json", data: document };

const changes = queue("access-token-changes");
await changes.createIfNotExists();
const { messageId } = await changes.sendMessage(encode(JSON.stringify(message)));
console.log(`Enqueued ${envelope} change for token ${tokenId} as message ${messageId}`);
