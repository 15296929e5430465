/**
 * Lambda entry points for the Provider framework. The SES client is built once per
 * container; the retry policy is deliberate: SES throttles with TooManyRequests (429)
 * and the standard mode retries it with jittered exponential backoff.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import * as handler from './handler';

const context: handler.HandlerContext = {
  ses: new SESv2Client({ maxAttempts: 6, retryMode: 'standard' }),
  now: () => Date.now(),
  log: (entry) => console.log(JSON.stringify(entry)),
};

export async function onEvent(event: handler.EndpointEvent): Promise<handler.OnEventResult> {
  return handler.onEvent(event, context);
}

export async function isComplete(event: handler.EndpointEvent): Promise<handler.IsCompleteResult> {
  return handler.isComplete(event, context);
}
