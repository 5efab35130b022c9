// Shared by the queue scripts: the local Azurite account (its well-known development key, not a secret), its queue
// service on AZURITE_QUEUE_PORT (10001 unless set, as in run.sh), unless AZURE_STORAGE_CONNECTION_STRING says otherwise.
import { QueueClient } from "@azure/storage-queue";

export const connectionString =
  process.env.AZURE_STORAGE_CONNECTION_STRING ??
  "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
    `QueueEndpoint=http://127.0.0.1:${process.env.AZURITE_QUEUE_PORT ?? 10001}/devstoreaccount1;`;

export const queue = (name) => new QueueClient(connectionString, name);

// The gateway and the Functions trigger use base64 message text.
export const encode = (text) => Buffer.from(text, "utf8").toString("base64");
export const decode = (text) => Buffer.from(text, "base64").toString("utf8");
