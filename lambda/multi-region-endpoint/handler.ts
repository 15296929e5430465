/**
 * The lifecycle of one SES multi-region endpoint, as Provider-framework onEvent and
 * isComplete handlers. Small pure functions over an injected SES v2 client: they
 * throw with an actionable message and let the Provider framework report FAILED.
 */
import {
  CreateMultiRegionEndpointCommand,
  DeleteMultiRegionEndpointCommand,
  GetAccountCommand,
  GetAccountCommandOutput,
  GetMultiRegionEndpointCommand,
  GetMultiRegionEndpointCommandOutput,
  ListTagsForResourceCommand,
  SESv2Client,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sesv2';
import {
  accountAttributes,
  blockingDiscrepancies,
  DEFAULT_PRODUCTION_LIMITS_CHECK,
  productionLimitsCheckError,
  ProductionLimitsMode,
  SendingAccount,
  sendingDiscrepancies,
} from '../../lib/private/account-rules';
import {
  DEFAULT_TIMEOUT_SECONDS,
  endpointArn,
  endpointNameError,
  LOOKUP_RESOURCE_TYPE,
  OWNER_TAG_KEY,
  parseStackId,
  PREVIOUS_OWNER_TAG_KEY,
  resourceTarget,
  ResourceTarget,
  secondaryRegionError,
  tagErrors,
  timeoutError,
} from '../../lib/private/rules';
import { orHandOver, resumingHandOver } from '../shared/handover';
import { claimExisting, decideDelete, takeOverTags } from '../shared/ownership';
import { mayPass, Pacer } from '../shared/pacer';
import { pollWithin, PollingContext } from '../shared/polling';
import { dispatch, ProviderEvent, timedOut } from '../shared/provider-event';
import { errorName, loggedCall } from '../shared/ses-call';
import { tagChanges } from '../shared/tags';

/** What the handlers need from the outside world; injected so tests can drive them. */
export interface HandlerContext extends PollingContext {
  /** The SES v2 client of the stack's region, where the endpoint is managed. */
  readonly ses: Pick<SESv2Client, 'send'>;
  /** The SES v2 client of any region (for the secondary region's account state). */
  readonly sesIn?: (region: string) => Pick<SESv2Client, 'send'>;
  /** Writes one structured log line. */
  readonly log: (entry: Record<string, unknown>) => void;
  /**
   * This resource's turns in the stack's schedule of SES calls: every call waits for one,
   * and transient failures are retried in later ones. Without it, calls go out at once.
   */
  readonly pacer?: Pacer;
}

/** The CloudFormation event of an endpoint or lookup resource. */
export type EndpointEvent = ProviderEvent;

export interface OnEventResult {
  readonly PhysicalResourceId: string;
  readonly WaitDeadline?: number;
  readonly CreatedAt?: number;
  readonly NothingToDelete?: boolean;
  /** An Update found the endpoint READY already: isComplete has nothing to ask SES. */
  readonly Settled?: boolean;
  /** The attributes, when onEvent already knows them all (an Update that is Settled). */
  readonly Data?: Record<string, string>;
  /** onEvent ran out of turns: isComplete does its work again first. */
  readonly Pending?: boolean;
  /** An Update that created a new endpoint (a new name): removed again if it fails. */
  readonly Replacement?: boolean;
  /** Both regions' account state, read before any write: attributes once READY. */
  readonly AccountState?: Record<string, string>;
}

export interface IsCompleteResult {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

/** The resource's properties after validation. */
export interface EndpointProperties {
  readonly endpointName: string;
  readonly secondaryRegion: string;
  readonly tags: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  readonly timeoutSeconds: number;
  readonly productionLimitsCheck: ProductionLimitsMode;
}

/** SES may answer NotFound for a short while after a successful Create. */
export const NOT_FOUND_GRACE_MS = 60_000;
/** How often onEvent asks again for the tags of an endpoint SES says exists but cannot find yet. */
export const TAGS_RETRY_INTERVAL_MS = 1_000;

/** ServiceTimeout is CloudFormation's own, passed on among the properties (it changes nothing at SES). */
const KNOWN_PROPERTIES = new Set(['ServiceToken', 'ServiceTimeout', 'EndpointName', 'Details', 'Tags', 'TimeoutSeconds', 'ProductionLimitsCheck']);

/**
 * Validates the resource properties with the same rules the construct applies at synth
 * (values that were tokens then are only known now). Throws listing every problem.
 */
export function parseProperties(raw: Record<string, unknown> | undefined, primaryRegion: string): EndpointProperties {
  const props = raw ?? {};
  const errors: string[] = [];
  for (const key of Object.keys(props)) {
    if (!KNOWN_PROPERTIES.has(key)) errors.push(`unknown property '${key}'`);
  }
  const nameError = endpointNameError(props.EndpointName, 'EndpointName');
  if (nameError) errors.push(nameError);

  const details = props.Details as { RouteDetails?: unknown } | undefined;
  const routes = details?.RouteDetails;
  let secondaryRegion = '';
  if (!Array.isArray(routes) || routes.length !== 1) {
    errors.push(`\`Details.RouteDetails\` must hold exactly one route (the secondary region), got: ${JSON.stringify(routes)}`);
  } else {
    secondaryRegion = (routes[0] as { Region?: unknown })?.Region as string;
    // Named as the construct's prop: what the user wrote (in an env-agnostic stack, the primary
    // region is known only here).
    const regionError = secondaryRegionError(secondaryRegion, primaryRegion, 'secondaryRegion');
    if (regionError) errors.push(regionError);
  }

  const rawTags = props.Tags ?? [];
  let tags: Array<{ Key: string; Value: string }> = [];
  if (!Array.isArray(rawTags) || rawTags.some((t) => typeof t !== 'object' || t === null)) {
    errors.push(`\`Tags\` must be a list of {Key, Value}, got: ${JSON.stringify(rawTags)}`);
  } else {
    tags = rawTags as Array<{ Key: string; Value: string }>;
    errors.push(...tagErrors(tags.map((t) => ({ key: t.Key, value: t.Value })), 'Tags'));
  }

  const timeoutSeconds = props.TimeoutSeconds === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(props.TimeoutSeconds);
  const timeoutProblem = timeoutError(timeoutSeconds, 'TimeoutSeconds');
  if (timeoutProblem) errors.push(timeoutProblem);

  const productionLimitsCheck = props.ProductionLimitsCheck ?? DEFAULT_PRODUCTION_LIMITS_CHECK;
  const checkProblem = productionLimitsCheckError(productionLimitsCheck, 'ProductionLimitsCheck');
  if (checkProblem) errors.push(checkProblem);

  if (errors.length > 0) {
    throw new Error(`Invalid properties for the SES multi-region endpoint: ${errors.join('; ')}`);
  }
  return {
    endpointName: props.EndpointName as string,
    secondaryRegion,
    tags,
    timeoutSeconds,
    productionLimitsCheck: productionLimitsCheck as ProductionLimitsMode,
  };
}


/** Sends one SES command in the resource's turn (another region's client when one is named: the secondary region's account state). */
async function call<T>(ctx: HandlerContext, operation: string, endpointName: string, command: unknown, region?: string): Promise<T> {
  const client = region !== undefined && ctx.sesIn ? ctx.sesIn(region) : ctx.ses;
  return loggedCall(ctx, client, operation, region !== undefined ? { endpointName, region } : { endpointName }, command);
}

/** One region's account state (GetAccount). */
async function sendingAccount(ctx: HandlerContext, endpointName: string, region: string): Promise<SendingAccount> {
  const account = await call<GetAccountCommandOutput>(ctx, 'GetAccount', endpointName, new GetAccountCommand({}), region);
  return {
    productionAccessEnabled: account.ProductionAccessEnabled === true,
    sendingEnabled: account.SendingEnabled === true,
    max24HourSend: account.SendQuota?.Max24HourSend ?? 0,
    maxSendRate: account.SendQuota?.MaxSendRate ?? 0,
  };
}

/**
 * Reads both regions' account state before any write, fails in the modes that say so when the
 * secondary region cannot carry the primary's mail, logs what differs either way, and returns
 * the state as attributes.
 */
async function checkProductionLimits(ctx: HandlerContext, props: EndpointProperties, target: Target): Promise<Record<string, string>> {
  const name = props.endpointName;
  const primaryRegion = target.location.region;
  const primary = await sendingAccount(ctx, name, primaryRegion);
  const secondary = await sendingAccount(ctx, name, props.secondaryRegion);
  const found = sendingDiscrepancies(primary, secondary, primaryRegion, props.secondaryRegion);
  ctx.log({ operation: 'CheckProductionLimits', endpointName: name, outcome: found.weaker.length === 0 ? 'ok' : 'discrepancies', discrepancies: found.weaker });
  const blocking = blockingDiscrepancies(found, props.productionLimitsCheck);
  if (blocking.length > 0) {
    throw new Error(`The secondary region ${props.secondaryRegion} cannot carry the mail of SES multi-region endpoint '${name}' as ${primaryRegion} does `
      + `(productionLimitsCheck ${props.productionLimitsCheck}): ${blocking.join('; ')}. SES applies these per region, and a send may be served by either. `
      + 'Nothing was created or changed; deploy again once granted, or relax productionLimitsCheck.');
  }
  return { ...accountAttributes('Primary', primary), ...accountAttributes('Secondary', secondary) };
}

type Target = ResourceTarget;

function targetOf(event: EndpointEvent): Target {
  return resourceTarget(event.StackId, event.LogicalResourceId);
}

/** The tags the endpoint must carry: the user's plus our ownership mark. */
function desiredTags(props: EndpointProperties, target: Target): Array<{ Key: string; Value: string }> {
  return [...props.tags.map(({ Key, Value }) => ({ Key, Value })), { Key: OWNER_TAG_KEY, Value: target.owner }];
}

/** Current tags of an endpoint, or undefined when it does not exist. */
async function currentTags(ctx: HandlerContext, target: Target, name: string): Promise<Record<string, string> | undefined> {
  try {
    const output = await call<{ Tags?: Array<{ Key?: string; Value?: string }> }>(ctx, 'ListTagsForResource', name,
      new ListTagsForResourceCommand({ ResourceArn: endpointArn(target.location, name) }));
    return Object.fromEntries((output.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

/**
 * Tags of an endpoint SES just said exists (AlreadyExists). Right after its Create, SES may
 * still answer NotFound (a retried Create): ask again for a while before giving up.
 */
async function tagsOfExistingEndpoint(ctx: HandlerContext, target: Target, name: string): Promise<Record<string, string>> {
  const giveUpAt = ctx.now() + NOT_FOUND_GRACE_MS;
  for (;;) {
    const tags = await currentTags(ctx, target, name);
    if (tags !== undefined) return tags;
    if (ctx.now() >= giveUpAt) {
      throw new Error(`SES says an endpoint named '${name}' already exists in ${target.location.region} but cannot find it: it may be being deleted. Deploy again in a few minutes.`);
    }
    await ctx.sleep(TAGS_RETRY_INTERVAL_MS);
  }
}

/**
 * Creates the endpoint, or adopts it when a retried or rolled-back request of this very
 * resource made it already. One of ours that FAILED (a failed Create or replacement whose
 * cleanup did not go through) is no endpoint to adopt: it is deleted and created again.
 */
async function createEndpoint(ctx: HandlerContext, props: EndpointProperties, target: Target): Promise<OnEventResult> {
  const name = props.endpointName;
  const giveUpAt = ctx.now() + props.timeoutSeconds * 1000;
  const accountState = await checkProductionLimits(ctx, props, target);
  for (;;) {
    try {
      await call(ctx, 'CreateMultiRegionEndpoint', name, new CreateMultiRegionEndpointCommand({
        EndpointName: name,
        Details: { RoutesDetails: [{ Region: props.secondaryRegion }] },
        Tags: desiredTags(props, target),
      }));
      break;
    } catch (error) {
      if (errorName(error) === 'LimitExceededException') {
        throw new Error(`Cannot create SES multi-region endpoint '${name}' in ${target.location.region}: the account's quota of multi-region endpoints is reached (${(error as Error).message}). Delete unused endpoints or request a quota increase.`);
      }
      if (errorName(error) !== 'AlreadyExistsException') throw error;
      let tags = await tagsOfExistingEndpoint(ctx, target, name);
      const claim = claimExisting(tags, target);
      if (claim === 'foreign') {
        throw new Error(`An SES multi-region endpoint named '${name}' already exists in ${target.location.region} and was not created by this stack: choose another endpointName or import it. It was left untouched.`);
      }
      const existing = await getEndpoint(ctx, name);
      const status = existing?.Status;
      const unusable = status === 'FAILED' || status === 'DELETING';
      // Routes first, before any write: an endpoint tagged for adoption by hand may route
      // elsewhere, and adopting it would let this resource's rollback delete it.
      const routes = (existing?.Routes ?? []).map((r) => r.Region);
      if (existing && !unusable && routes.length > 0 && secondaryRegionOf(existing, target.location.region) !== props.secondaryRegion) {
        throw new Error(`An SES multi-region endpoint named '${name}' already exists in ${target.location.region} but routes to ${JSON.stringify(routes)}, not to ${props.secondaryRegion}, and SES cannot change routes: set secondaryRegion to the endpoint's, or choose another endpointName. It was left untouched.`);
      }
      if (claim === 'take over') {
        // Another resource of this stack made it: this construct moved. Same endpoint, same EndpointId.
        const handover = takeOverTags(tags, target);
        await call(ctx, 'TagResource', name, new TagResourceCommand({ ResourceArn: endpointArn(target.location, name), Tags: handover }));
        ctx.log({ operation: 'TakeOverMovedEndpoint', endpointName: name, outcome: 'ok', from: tags[OWNER_TAG_KEY] });
        tags = { ...tags, ...Object.fromEntries(handover.map((t) => [t.Key, t.Value])) };
      }
      if (unusable) {
        ctx.log({ operation: 'RecreateOwnEndpoint', endpointName: name, outcome: `was ${status}` });
        if (status === 'FAILED') await requestDeletion(ctx, name);
        await waitUntilGone(ctx, name, target, giveUpAt);
        continue;
      }
      // Ours: a retried Create, or a rollback back to a name we still hold.
      ctx.log({ operation: 'AdoptOwnEndpoint', endpointName: name, outcome: 'ok' });
      await syncTags(ctx, props, target, tags);
      break;
    }
  }
  const now = ctx.now();
  return { PhysicalResourceId: name, CreatedAt: now, WaitDeadline: now + props.timeoutSeconds * 1000, AccountState: accountState };
}

/** Waits until SES no longer finds the endpoint (at the resource's turns, or every second without a pacer). */
async function waitUntilGone(ctx: HandlerContext, name: string, target: Target, giveUpAt: number): Promise<void> {
  while (await getEndpoint(ctx, name) !== undefined) {
    if (ctx.now() >= giveUpAt) {
      throw new Error(`SES multi-region endpoint '${name}' in ${target.location.region}, left FAILED by an earlier deploy of this resource, is still being deleted: deploy again in a few minutes.`);
    }
    if (!ctx.pacer) await ctx.sleep(TAGS_RETRY_INTERVAL_MS);
  }
}

/** Brings the endpoint's tags to the desired set; tags under the reserved `aws:` prefix are never touched. */
async function syncTags(ctx: HandlerContext, props: EndpointProperties, target: Target, current: Record<string, string>): Promise<void> {
  const name = props.endpointName;
  const arn = endpointArn(target.location, name);
  const { toRemove, toSet } = tagChanges(desiredTags(props, target), current);
  if (toRemove.length > 0) {
    await call(ctx, 'UntagResource', name, new UntagResourceCommand({ ResourceArn: arn, TagKeys: toRemove }));
  }
  if (toSet.length > 0) {
    await call(ctx, 'TagResource', name, new TagResourceCommand({ ResourceArn: arn, Tags: toSet }));
  }
}


async function onCreate(event: EndpointEvent, ctx: HandlerContext): Promise<OnEventResult> {
  const target = targetOf(event);
  const props = parseProperties(event.ResourceProperties, target.location.region);
  return createEndpoint(ctx, props, target);
}

async function onUpdate(event: EndpointEvent, ctx: HandlerContext): Promise<OnEventResult> {
  const target = targetOf(event);
  const props = parseProperties(event.ResourceProperties, target.location.region);
  const currentName = event.PhysicalResourceId;
  if (props.endpointName !== currentName) {
    // A new name means a new endpoint; CloudFormation deletes the old one during cleanup,
    // and isComplete deletes the new one again if it fails.
    return { ...await createEndpoint(ctx, props, target), Replacement: true };
  }
  // Compare with the endpoint itself, not OldResourceProperties: on a rollback those hold
  // the failed change, and the rollback must go through.
  const endpoint = await getEndpoint(ctx, currentName);
  const tags = endpoint && await currentTags(ctx, target, currentName);
  if (endpoint === undefined || tags === undefined) {
    // Deleted outside CloudFormation, while the stack still declares it: create it again (a new
    // EndpointId, which Fn::GetAtt hands on). Failing would fail the rollback the same way
    // (UPDATE_ROLLBACK_FAILED). An endpoint someone else made meanwhile is refused as on Create.
    ctx.log({ operation: 'RecreateMissingEndpoint', endpointName: currentName, outcome: 'was gone' });
    return createEndpoint(ctx, props, target);
  }
  const currentRegion = secondaryRegionOf(endpoint, target.location.region);
  if (currentRegion !== props.secondaryRegion) {
    throw new Error(`Cannot change the secondary region of SES multi-region endpoint '${currentName}' from ${currentRegion} to ${props.secondaryRegion} in place: SES cannot change routes. Change endpointName too (or omit it so the library generates a name), and CloudFormation will replace the endpoint. Nothing was changed.`);
  }
  const accountState = await checkProductionLimits(ctx, props, target);
  if (tags[OWNER_TAG_KEY] === target.owner) {
    await syncTags(ctx, props, target, tags);
  } else {
    // Not ours (any more): writing its tags would take it over. Only an update that would
    // write nothing goes through (a rollback back to the tags it has).
    const { toRemove, toSet } = tagChanges(props.tags, Object.fromEntries(Object.entries(tags).filter(([key]) => key !== OWNER_TAG_KEY)));
    if (toRemove.length > 0 || toSet.length > 0) {
      throw new Error(`SES multi-region endpoint '${currentName}' in ${target.location.region} is not owned by this resource (its ${OWNER_TAG_KEY} tag is ${JSON.stringify(tags[OWNER_TAG_KEY] ?? null)}): its tags were left untouched. Give this resource another endpointName, or remove it from the stack and import the endpoint.`);
    }
  }
  const deadline = ctx.now() + props.timeoutSeconds * 1000;
  if (endpoint.Status === 'READY') {
    // Nothing to wait for: isComplete need not ask SES again.
    const data = { ...readyData(endpoint, props, target), ...accountState };
    return { PhysicalResourceId: currentName, WaitDeadline: deadline, Settled: true, Data: data };
  }
  return { PhysicalResourceId: currentName, WaitDeadline: deadline, AccountState: accountState };
}

/** The attributes `Fn::GetAtt` reads, of a READY endpoint. */
function readyData(endpoint: GetMultiRegionEndpointCommandOutput, props: EndpointProperties, target: Target): Record<string, string> {
  return {
    EndpointId: endpoint.EndpointId ?? '',
    EndpointName: props.endpointName,
    Arn: endpointArn(target.location, props.endpointName),
    Status: endpoint.Status ?? '',
    PrimaryRegion: target.location.region,
    SecondaryRegion: props.secondaryRegion,
  };
}

/** Delete asks SES to delete; a ConcurrentModification (still CREATING) is retried from isComplete. */
async function requestDeletion(ctx: HandlerContext, name: string): Promise<'requested' | 'gone' | 'busy'> {
  try {
    await call(ctx, 'DeleteMultiRegionEndpoint', name, new DeleteMultiRegionEndpointCommand({ EndpointName: name }));
    return 'requested';
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return 'gone';
    if (errorName(error) === 'ConcurrentModificationException') return 'busy';
    throw error;
  }
}

async function onDelete(event: EndpointEvent, ctx: HandlerContext): Promise<OnEventResult> {
  const name = event.PhysicalResourceId ?? '';
  if (endpointNameError(name) !== undefined) {
    // Not an endpoint name (a create that failed before naming anything): nothing of ours exists.
    ctx.log({ operation: 'Delete', endpointName: name, outcome: 'not an endpoint name, nothing to delete' });
    return { PhysicalResourceId: name, NothingToDelete: true };
  }
  const target = targetOf(event);
  const tags = await currentTags(ctx, target, name);
  if (tags === undefined) {
    // Already gone. (CloudFormation deletes a custom resource only after its Create finished,
    // i.e. after Get saw the endpoint, so this is not SES's short NotFound window after Create.)
    return { PhysicalResourceId: name, NothingToDelete: true };
  }
  const decision = decideDelete(tags, target);
  const arn = endpointArn(target.location, name);
  switch (decision.action) {
    case 'leave':
      ctx.log({ operation: 'Delete', endpointName: name, outcome: decision.why, owner: tags[OWNER_TAG_KEY] ?? null });
      return { PhysicalResourceId: name, NothingToDelete: true };
    case 'complete handover':
      // This resource's construct moved; the new one holds the endpoint now.
      await call(ctx, 'UntagResource', name, new UntagResourceCommand({ ResourceArn: arn, TagKeys: [PREVIOUS_OWNER_TAG_KEY] }));
      ctx.log({ operation: 'Delete', endpointName: name, outcome: 'moved to another resource of the stack, left in place' });
      return { PhysicalResourceId: name, NothingToDelete: true };
    case 'give back':
      // The move that took it over is being rolled back: the old resource keeps it.
      await call(ctx, 'TagResource', name, new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: OWNER_TAG_KEY, Value: decision.to }] }));
      await call(ctx, 'UntagResource', name, new UntagResourceCommand({ ResourceArn: arn, TagKeys: [PREVIOUS_OWNER_TAG_KEY] }));
      ctx.log({ operation: 'Delete', endpointName: name, outcome: 'given back to the resource it was taken over from', owner: decision.to });
      return { PhysicalResourceId: name, NothingToDelete: true };
    case 'delete':
      break;
  }
  const outcome = await requestDeletion(ctx, name);
  const timeoutSeconds = Number(event.ResourceProperties?.TimeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
  const waitSeconds = timeoutError(timeoutSeconds) === undefined ? timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
  return { PhysicalResourceId: name, NothingToDelete: outcome === 'gone', WaitDeadline: ctx.now() + waitSeconds * 1000 };
}

/**
 * The read-only lookup behind `MultiRegionEndpoint.fromEndpointName()`: it only reads
 * the endpoint (in isComplete) and never creates, modifies or deletes it.
 */
function onLookupEvent(event: EndpointEvent, now: number): OnEventResult {
  const name = event.ResourceProperties?.EndpointName;
  if (event.RequestType === 'Delete') {
    return { PhysicalResourceId: event.PhysicalResourceId ?? '', NothingToDelete: true };
  }
  const nameError = endpointNameError(name, 'EndpointName');
  if (nameError) throw new Error(`Invalid properties for the SES multi-region endpoint lookup: ${nameError}`);
  return { PhysicalResourceId: name as string, WaitDeadline: now + DEFAULT_TIMEOUT_SECONDS * 1000 };
}

async function isLookedUp(event: EndpointEvent, ctx: HandlerContext): Promise<IsCompleteResult> {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  const location = parseStackId(event.StackId);
  const name = event.ResourceProperties.EndpointName as string;
  const endpoint = await getEndpoint(ctx, name);
  if (endpoint === undefined) {
    throw new Error(`No SES multi-region endpoint named '${name}' exists in ${location.region} (only endpoints whose primary region is the stack's region can be looked up): check the name, or create it first.`);
  }
  // An endpoint that cannot send is no endpoint to send through: wait while it is being
  // created, fail on anything else.
  if (endpoint.Status === 'CREATING') {
    if (!timedOut(event, ctx.now())) return { IsComplete: false };
    throw new Error(`Timed out after ${DEFAULT_TIMEOUT_SECONDS} seconds waiting for the SES multi-region endpoint '${name}' in ${location.region} to become READY; last status: CREATING.`);
  }
  if (endpoint.Status !== 'READY') {
    throw new Error(`The SES multi-region endpoint '${name}' in ${location.region} has status ${endpoint.Status ?? 'unknown'}, not READY: it cannot be sent through. Fix or recreate it, then deploy again.`);
  }
  const secondary = secondaryRegionOf(endpoint, location.region) ?? '';
  return {
    IsComplete: true,
    Data: {
      EndpointId: endpoint.EndpointId ?? '',
      EndpointName: name,
      Arn: endpointArn(location, name),
      Status: endpoint.Status ?? '',
      PrimaryRegion: location.region,
      SecondaryRegion: secondary,
    },
  };
}

/** The Provider framework's onEvent handler. */
export async function onEvent(event: EndpointEvent, ctx: HandlerContext): Promise<OnEventResult> {
  if (event.ResourceType === LOOKUP_RESOURCE_TYPE) return onLookupEvent(event, ctx.now());
  return orHandOver(() => onEventWork(event, ctx), () => {
    // Out of turns: the physical id is already known (the properties were valid, or onEvent
    // would have failed before its first call); isComplete does the rest.
    const now = ctx.now();
    const physicalId = event.RequestType === 'Delete'
      ? event.PhysicalResourceId ?? ''
      : parseProperties(event.ResourceProperties, targetOf(event).location.region).endpointName;
    ctx.log({ operation: event.RequestType, endpointName: physicalId, outcome: 'out of turns in onEvent, handed over to isComplete' });
    return { PhysicalResourceId: physicalId, Pending: true, CreatedAt: now, WaitDeadline: now + waitedSeconds(event) * 1000 };
  });
}

async function onEventWork(event: EndpointEvent, ctx: HandlerContext): Promise<OnEventResult> {
  return dispatch(event, { onCreate: (e) => onCreate(e, ctx), onUpdate: (e) => onUpdate(e, ctx), onDelete: (e) => onDelete(e, ctx) });
}

async function getEndpoint(ctx: HandlerContext, name: string): Promise<GetMultiRegionEndpointCommandOutput | undefined> {
  try {
    return await call<GetMultiRegionEndpointCommandOutput>(ctx, 'GetMultiRegionEndpoint', name, new GetMultiRegionEndpointCommand({ EndpointName: name }));
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

/** The endpoint's secondary region. Whether SES lists the primary among its routes is not documented: skip it. */
function secondaryRegionOf(endpoint: GetMultiRegionEndpointCommandOutput, primaryRegion: string): string | undefined {
  const secondaries = (endpoint.Routes ?? []).map((r) => r.Region).filter((region) => region !== primaryRegion);
  return secondaries.length === 1 ? secondaries[0] : undefined;
}


function waitedSeconds(event: EndpointEvent): number {
  const timeoutSeconds = Number(event.ResourceProperties?.TimeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
  return Number.isFinite(timeoutSeconds) ? timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
}

async function isReady(event: EndpointEvent, ctx: HandlerContext): Promise<IsCompleteResult> {
  if (event.Settled) return { IsComplete: true };
  const target = targetOf(event);
  const props = parseProperties(event.ResourceProperties, target.location.region);
  try {
    return await isReadyNow(event, ctx, props, target);
  } catch (error) {
    // A replacement that failed (FAILED, timed out, wrong routes) is removed again: the failed
    // Update keeps the old physical id, so nothing else would ever delete it.
    if (event.Replacement && !passesBeforeDeadline(error, event, ctx)) await removeFailedReplacement(ctx, props, target);
    throw error;
  }
}

/** Deletes the endpoint of a failed replacement, if it is ours; best effort (still CREATING: the next deploy recreates it). */
async function removeFailedReplacement(ctx: HandlerContext, props: EndpointProperties, target: Target): Promise<void> {
  const name = props.endpointName;
  try {
    const tags = await currentTags(ctx, target, name);
    if (tags !== undefined && tags[OWNER_TAG_KEY] === target.owner) {
      ctx.log({ operation: 'RemoveFailedReplacement', endpointName: name, outcome: await requestDeletion(ctx, name) });
    }
  } catch (error) {
    // The deployment fails with the original error either way.
    ctx.log({ operation: 'RemoveFailedReplacement', endpointName: name, outcome: errorName(error), message: (error as Error).message });
  }
}

async function isReadyNow(event: EndpointEvent, ctx: HandlerContext, props: EndpointProperties, target: Target): Promise<IsCompleteResult> {
  const name = props.endpointName;
  const where = `SES multi-region endpoint '${name}' in ${target.location.region}`;
  const endpoint = await getEndpoint(ctx, name);
  if (endpoint === undefined) {
    const created = event.CreatedAt ?? 0;
    if (ctx.now() - created < NOT_FOUND_GRACE_MS && !timedOut(event, ctx.now())) {
      return { IsComplete: false }; // eventually consistent right after Create
    }
    throw new Error(`${where} was not found: it was deleted outside CloudFormation or never became visible.`);
  }
  switch (endpoint.Status) {
    case 'READY': {
      if (secondaryRegionOf(endpoint, target.location.region) !== props.secondaryRegion) {
        const routes = (endpoint.Routes ?? []).map((r) => r.Region);
        throw new Error(`${where} routes to ${JSON.stringify(routes)}, not to ${props.secondaryRegion}: choose another endpointName.`);
      }
      const accountState = (event as { AccountState?: Record<string, string> }).AccountState;
      return { IsComplete: true, Data: { ...readyData(endpoint, props, target), ...accountState } };
    }
    case 'FAILED':
      throw new Error(`${where} has status FAILED: SES could not provision it. Check that SES is available and your account is out of the sandbox in both ${target.location.region} and ${props.secondaryRegion}, then deploy again.`);
    case 'DELETING':
      throw new Error(`${where} is being deleted (status DELETING) by someone else while this stack expects it to exist.`);
    default:
      if (timedOut(event, ctx.now())) {
        throw new Error(`Timed out after ${waitedSeconds(event)} seconds waiting for ${where} to become READY; last status: ${endpoint.Status}. Raise \`timeout\` or check the endpoint in the SES console.`);
      }
      return { IsComplete: false };
  }
}

async function isDeleted(event: EndpointEvent, ctx: HandlerContext): Promise<IsCompleteResult> {
  if (event.NothingToDelete) return { IsComplete: true };
  const name = event.PhysicalResourceId ?? '';
  const endpoint = await getEndpoint(ctx, name);
  if (endpoint === undefined) return { IsComplete: true };
  if (timedOut(event, ctx.now())) {
    throw new Error(`Timed out after ${waitedSeconds(event)} seconds waiting for SES multi-region endpoint '${name}' to be deleted; last status: ${endpoint.Status}.`);
  }
  if (endpoint.Status !== 'DELETING') {
    // The first Delete met a still-CREATING endpoint (ConcurrentModification): ask again.
    if (await requestDeletion(ctx, name) === 'gone') return { IsComplete: true };
  }
  return { IsComplete: false };
}

async function checkOnce(event: EndpointEvent, ctx: HandlerContext): Promise<IsCompleteResult> {
  try {
    if (event.ResourceType === LOOKUP_RESOURCE_TYPE) return await isLookedUp(event, ctx);
    return await (event.RequestType === 'Delete' ? isDeleted(event, ctx) : isReady(event, ctx));
  } catch (error) {
    // Polling is idempotent: a transient failure that outlasted this invocation's turns just
    // waits for the next invocation, until the resource's own deadline.
    if (passesBeforeDeadline(error, event, ctx)) return { IsComplete: false };
    throw error;
  }
}

/** A failure that may pass (transient at SES, or no turn left to retry it) while the deadline has not. */
function passesBeforeDeadline(error: unknown, event: EndpointEvent, ctx: HandlerContext): boolean {
  return mayPass(error) && !timedOut(event, ctx.now());
}

/**
 * The Provider framework's isComplete handler; Data only once the endpoint is READY.
 * Polls for up to `pollWindowMs` within one invocation, then hands back to the framework.
 */
export async function isComplete(event: EndpointEvent, ctx: HandlerContext): Promise<IsCompleteResult> {
  const passing = (error: unknown, e: EndpointEvent) => passesBeforeDeadline(error, e, ctx);
  return pollWithin(ctx, resumingHandOver(event, (e) => onEventWork(e, ctx), (e) => checkOnce(e, ctx), passing));
}
