/**
 * The Lambda entry points of the stack's one Provider: every resource kind of this library
 * (endpoints, lookups, DEED replicas) is served here, dispatched by ResourceType. Every SES
 * call waits for the resource's turn in the stack's schedule (lib/private/schedule.ts) and
 * is retried by the Pacer, not by the SDK. Clients, one per region, live as long as the container.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { CONFIGURATION_SET_RESOURCE_TYPE } from '../../lib/private/configuration-set-rules';
import { REPLICA_RESOURCE_TYPE } from '../../lib/private/replica-rules';
import { DEFAULT_TIMEOUT_SECONDS, ENDPOINT_RESOURCE_TYPE, LOOKUP_RESOURCE_TYPE } from '../../lib/private/rules';
import { CALL_PERIOD_ENV, CALL_SLOTS_ENV, DEFAULT_CALL_PERIOD_MS, scheduleOf } from '../../lib/private/schedule';
import { EMAIL_TEMPLATE_RESOURCE_TYPE } from '../../lib/private/template-rules';
import * as configurationSet from '../configuration-set/handler';
import * as template from '../email-template/handler';
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

/**
 * How long an isComplete invocation may keep retrying a failing call past the resource's
 * deadline (and at least, so that one that starts late still gets a turn), in periods of the
 * stack's schedule: 60 × 2 s, two minutes. Its failure then comes well before CloudFormation's
 * ServiceTimeout, which the library sets 5 minutes past the deadline.
 */
const PAST_DEADLINE_PERIODS = 60;

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
  const deadline = (event as { WaitDeadline?: unknown }).WaitDeadline;
  const resourceEnd = typeof deadline === 'number' ? Math.max(start, deadline) + PAST_DEADLINE_PERIODS * periodMs : Number.POSITIVE_INFINITY;
  return new Pacer({
    schedule,
    now,
    sleep,
    notBefore: firstCallOfRequest ? start + periodMs : undefined,
    giveUpAt: Math.min(lambdaEnd, resourceEnd),
  });
}

/**
 * The resource's deadline counts from the request's onEvent, as CloudFormation's ServiceTimeout
 * counts from its request: an onEvent slowed by throttling (or handing its work over) must not
 * push it later, or ServiceTimeout would fail the resource first, without the handler's message.
 */
function anchoredAt<R>(startedAt: number, event: ProviderEvent, result: R): R {
  const deadline = (result as { WaitDeadline?: unknown } | undefined)?.WaitDeadline;
  const seconds = Number(event.ResourceProperties?.TimeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
  if (typeof deadline !== 'number' || !Number.isFinite(seconds)) return result;
  return { ...result, WaitDeadline: Math.min(deadline, startedAt + seconds * 1000) };
}

/** What every handler gets: the clock, logging, its turns in the stack's schedule, its SES clients. */
interface Base {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (entry: Record<string, unknown>) => void;
  readonly pacer: Pacer;
  readonly pollWindowMs?: number;
}

/** A resource kind's handlers, as this entry point calls them. */
interface Kind {
  readonly onEvent: (event: ProviderEvent, base: Base) => Promise<unknown>;
  readonly isComplete: (event: ProviderEvent, base: Base) => Promise<unknown>;
}

/** The stack's own region: the primary region of everything this library creates. */
const primaryClient = () => sesIn(process.env.AWS_REGION ?? '');

/** Endpoints and lookups: one handler, managing in the stack's region. */
const ENDPOINTS: Kind = {
  onEvent: (event, base) => endpoint.onEvent(event, { ...base, ses: primaryClient(), sesIn }),
  isComplete: (event, base) => endpoint.isComplete(event, { ...base, ses: primaryClient(), sesIn }),
};

/** Every resource type this provider serves, and its handlers. */
const KINDS: Record<string, Kind> = {
  [ENDPOINT_RESOURCE_TYPE]: ENDPOINTS,
  [LOOKUP_RESOURCE_TYPE]: ENDPOINTS,
  [REPLICA_RESOURCE_TYPE]: {
    onEvent: (event, base) => replica.onEvent(event, { ...base, ses: sesIn }),
    isComplete: (event, base) => replica.isComplete(event, { ...base, ses: sesIn }),
  },
  [EMAIL_TEMPLATE_RESOURCE_TYPE]: {
    onEvent: (event, base) => template.onEvent(event, { ...base, ses: sesIn }),
    isComplete: (event, base) => template.isComplete(event, { ...base, ses: sesIn }),
  },
  [CONFIGURATION_SET_RESOURCE_TYPE]: {
    onEvent: (event, base) => configurationSet.onEvent(event, { ...base, ses: sesIn }),
    isComplete: (event, base) => configurationSet.isComplete(event, { ...base, ses: sesIn }),
  },
};

function kindOf(event: ProviderEvent): Kind {
  const kind = Object.prototype.hasOwnProperty.call(KINDS, event.ResourceType ?? '') ? KINDS[event.ResourceType as string] : undefined;
  if (!kind) throw new Error(`This provider serves ${Object.keys(KINDS).join(', ')}, got: ${JSON.stringify(event.ResourceType)}`);
  return kind;
}

export async function onEvent(event: ProviderEvent, lambda?: LambdaContext): Promise<unknown> {
  const startedAt = now();
  const result = await kindOf(event).onEvent(event, { now, sleep, log, pacer: pacerFor(event, lambda, true) });
  return anchoredAt(startedAt, event, result);
}

export async function isComplete(event: ProviderEvent, lambda?: LambdaContext): Promise<unknown> {
  return kindOf(event).isComplete(event, { now, sleep, log, pacer: pacerFor(event, lambda, false), pollWindowMs: POLL_WINDOW_MS });
}
