/**
 * Lambda entry points for the Provider framework. One SES client per region (the parent's
 * and the replica's), built on first use and kept for the life of the container, with the
 * same deliberate retry policy as the endpoint handler (see ../multi-region-endpoint/retry.ts).
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import * as handler from './handler';
import { SesRetryStrategy } from '../multi-region-endpoint/retry';

const clients = new Map<string, SESv2Client>();

function sesIn(region: string): SESv2Client {
  let client = clients.get(region);
  if (!client) {
    client = new SESv2Client({ region, retryStrategy: new SesRetryStrategy() });
    clients.set(region, client);
  }
  return client;
}

const context: handler.ReplicaHandlerContext = {
  ses: sesIn,
  now: () => Date.now(),
  log: (entry) => console.log(JSON.stringify(entry)),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export async function onEvent(event: handler.ReplicaEvent): Promise<handler.ReplicaOnEventResult> {
  return handler.onEvent(event, context);
}

export async function isComplete(event: handler.ReplicaEvent): Promise<handler.ReplicaIsCompleteResult> {
  return handler.isComplete(event, context);
}
