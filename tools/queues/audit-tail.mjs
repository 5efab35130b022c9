// Prints the audit records on access-token-audit as they arrive (peeks, so nothing is removed).
// Usage: node tools/queues/audit-tail.mjs [--once]
import { queue, decode } from "./common.mjs";

const audit = queue("access-token-audit");
const once = process.argv.includes("--once");
const seen = new Set();
for (;;) {
  const { peekedMessageItems } = await audit.peekMessages({ numberOfMessages: 32 });
  for (const m of peekedMessageItems) {
    if (seen.has(m.messageId)) continue;
    seen.add(m.messageId);
    console.log(JSON.stringify(JSON.parse(decode(m.messageText)), null, 2));
  }
  if (once) break;
  await new Promise((r) => setTimeout(r, 1000));
}
