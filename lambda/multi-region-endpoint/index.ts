/**
 * Lambda entry points for the Provider framework. The SES client is built once per
 * container, with a deliberate retry policy (see retry.ts).
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import * as handler from './handler';
import { SesRetryStrategy } from './retry';

const context: handler.HandlerContext = {
  ses: new SESv2Client({ retryStrategy: new SesRetryStrategy() }),
  now: () => Date.now(),
  log: (entry) => console.log(JSON.stringify(entry)),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export async function onEvent(event: handler.EndpointEvent): Promise<handler.OnEventResult> {
  return handler.onEvent(event, context);
}

export async function isComplete(event: handler.EndpointEvent): Promise<handler.IsCompleteResult> {
  return handler.isComplete(event, context);
}
