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

/** Polling inside isComplete (see HandlerContext.pollWindowMs); the construct sets both. */
const POLL_INTERVAL_MS = Number(process.env.POLL_INTERVAL_MS ?? 1_000);
const POLL_WINDOW_MS = Number(process.env.POLL_WINDOW_MS ?? 0);
/** Left of the Lambda timeout after polling: room for one SES call's full retry series. */
const SAFETY_MARGIN_MS = 90_000;

interface LambdaContext {
  getRemainingTimeInMillis?: () => number;
}

export async function onEvent(event: handler.EndpointEvent): Promise<handler.OnEventResult> {
  return handler.onEvent(event, context);
}

export async function isComplete(event: handler.EndpointEvent, lambda?: LambdaContext): Promise<handler.IsCompleteResult> {
  const remaining = lambda?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
  const pollWindowMs = Math.max(0, Math.min(POLL_WINDOW_MS, remaining - SAFETY_MARGIN_MS));
  return handler.isComplete(event, { ...context, pollWindowMs, pollIntervalMs: POLL_INTERVAL_MS });
}
