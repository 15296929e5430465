/**
 * The Lambda entry points of the stack's one Provider: every resource kind of this library
 * (endpoints, lookups, DEED replicas) is served here, dispatched by ResourceType. Every SES
 * call waits for the resource's turn in the stack's schedule (lib/private/schedule.ts) and
 * is retried by the Pacer, not by the SDK. Clients, one per region, live as long as the container.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { REPLICA_RESOURCE_TYPE } from '../../lib/private/replica-rules';
import { ENDPOINT_RESOURCE_TYPE, LOOKUP_RESOURCE_TYPE } from '../../lib/private/rules';
import { CALL_PERIOD_ENV, CALL_SLOTS_ENV, DEFAULT_CALL_PERIOD_MS, scheduleOf } from '../../lib/private/schedule';
import * as endpoint from '../multi-region-endpoint/handler';
import * as replica from '../replica-email-identity/handler';
import { Pacer } from '../shared/pacer';
import { ProviderEvent } from '../shared/provider-event';

/** How long one isComplete invocation polls before handing back to the Provider framework. */
const POLL_WINDOW_MS = Number(process.env.POLL_WINDOW_MS ?? 0);
/**
 * How long one SES call may take: to connect, and in all. SES answers in well under a second;
 * a stalled call is abandoned (and retried at a later turn) instead of eating the invocation.
 * (A request timeout only logs a warning unless told to throw.)
 */
const CONNECTION_TIMEOUT_MS = Number(process.env.SES_CONNECTION_TIMEOUT_MS ?? 3_000);
const REQUEST_TIMEOUT_MS = Number(process.env.SES_REQUEST_TIMEOUT_MS ?? 20_000);
/** Left of the Lambda timeout when the last call may start: more than one call may take. */
const SAFETY_MARGIN_MS = 60_000;

const clients = new Map<string, SESv2Client>();

function sesIn(region: string): SESv2Client {
  let client = clients.get(region);
  if (!client) {
    // One attempt per call: the Pacer retries in the resource's later turns.
    client = new SESv2Client({
      region,
      maxAttempts: 1,
      requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    });
    clients.set(region, client);
  }
  return client;
}

interface LambdaContext {
  getRemainingTimeInMillis?: () => number;
}

const now = () => Date.now();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (entry: Record<string, unknown>) => console.log(JSON.stringify(entry));

/**
 * The resource's turns for this invocation: none after the Lambda must end (isComplete still
 * calls after the resource's deadline: its timeout message names the last status SES gave);
 * and onEvent, the first call of a request, waits at least one period, so the stack's calls
 * never come closer than a period, whenever the deploy starts.
 */
function pacerFor(event: ProviderEvent, lambda: LambdaContext | undefined, firstCallOfRequest: boolean): Pacer {
  const periodMs = Number(process.env[CALL_PERIOD_ENV] ?? DEFAULT_CALL_PERIOD_MS);
  const schedule = scheduleOf(periodMs, process.env[CALL_SLOTS_ENV], event.LogicalResourceId);
  const start = now();
  const lambdaEnd = start + (lambda?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY) - SAFETY_MARGIN_MS;
  return new Pacer({
    schedule,
    now,
    sleep,
    notBefore: firstCallOfRequest ? start + periodMs : undefined,
    giveUpAt: lambdaEnd,
  });
}

type Kind = 'endpoint' | 'replica';

function kindOf(event: ProviderEvent): Kind {
  switch (event.ResourceType) {
    case ENDPOINT_RESOURCE_TYPE:
    case LOOKUP_RESOURCE_TYPE: return 'endpoint';
    case REPLICA_RESOURCE_TYPE: return 'replica';
    default: throw new Error(`This provider serves ${ENDPOINT_RESOURCE_TYPE}, ${LOOKUP_RESOURCE_TYPE} and ${REPLICA_RESOURCE_TYPE}, got: ${JSON.stringify(event.ResourceType)}`);
  }
}

export async function onEvent(event: ProviderEvent, lambda?: LambdaContext): Promise<unknown> {
  const base = { now, sleep, log, pacer: pacerFor(event, lambda, true) };
  return kindOf(event) === 'replica'
    ? replica.onEvent(event, { ...base, ses: sesIn })
    : endpoint.onEvent(event, { ...base, ses: sesIn(process.env.AWS_REGION ?? '') });
}

export async function isComplete(event: ProviderEvent, lambda?: LambdaContext): Promise<unknown> {
  const base = { now, sleep, log, pacer: pacerFor(event, lambda, false), pollWindowMs: POLL_WINDOW_MS };
  return kindOf(event) === 'replica'
    ? replica.isComplete(event, { ...base, ses: sesIn })
    : endpoint.isComplete(event, { ...base, ses: sesIn(process.env.AWS_REGION ?? '') });
}
