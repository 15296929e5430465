/**
 * The lifecycle of one DEED (Deterministic Easy DKIM) replica identity, as Provider-framework
 * onEvent and isComplete handlers. The parent identity lives in the stack's region (the
 * primary); the replica, of the same name, in the replica region. Small pure functions over
 * injected per-region SES v2 clients: they throw with an actionable message and let the
 * Provider framework report FAILED.
 */
import {
  CreateEmailIdentityCommand,
  DeleteEmailIdentityCommand,
  DkimSigningAttributesOrigin,
  GetEmailIdentityCommand,
  GetEmailIdentityCommandOutput,
  ListTagsForResourceCommand,
  SESv2Client,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sesv2';
import {
  BYODKIM_ORIGIN,
  deedOrigin,
  domainNameError,
  EASY_DKIM_ORIGIN,
  identityArn,
  parseReplicaPhysicalId,
  primaryRegionError,
  regionOfDeedOrigin,
  replicaPhysicalId,
  replicaRegionError,
} from '../../lib/private/replica-rules';
import {
  DEFAULT_TIMEOUT_SECONDS,
  OWNER_TAG_KEY,
  PREVIOUS_OWNER_TAG_KEY,
  resourceTarget,
  ResourceTarget,
  timeoutError,
} from '../../lib/private/rules';
import { orHandOver, resumingHandOver } from '../shared/handover';
import { claimExisting, decideDelete, takeOverTags } from '../shared/ownership';
import { mayPass, Pacer } from '../shared/pacer';
import { pollWithin, PollingContext } from '../shared/polling';
import { dispatch, ProviderEvent, timedOut } from '../shared/provider-event';
import { errorName, loggedCall } from '../shared/ses-call';

/** What the handlers need from the outside world; injected so tests can drive them. */
export interface ReplicaHandlerContext extends PollingContext {
  /** The SES v2 client of a region (the primary for the parent, the replica region for the replica). */
  readonly ses: (region: string) => Pick<SESv2Client, 'send'>;
  /** Writes one structured log line. */
  readonly log: (entry: Record<string, unknown>) => void;
  /**
   * This resource's turns in the stack's schedule of SES calls: every call waits for one,
   * and transient failures are retried in later ones. Without it, calls go out at once.
   */
  readonly pacer?: Pacer;
}

/** The CloudFormation event of a replica resource, plus what its onEvent adds. */
export interface ReplicaEvent extends ProviderEvent {
  /** Set by onEvent on an Update that only changed the timeout: nothing to call or wait for. */
  readonly Unchanged?: boolean;
  /** Set by onEvent on an Update that created a new replica (a new name or region): removed again if it fails. */
  readonly Replacement?: boolean;
  /** Set by onEvent on Delete: SES was busy with the identity; isComplete asks again. */
  readonly DeleteBusy?: boolean;
}

export interface ReplicaOnEventResult {
  readonly PhysicalResourceId: string;
  readonly WaitDeadline?: number;
  readonly CreatedAt?: number;
  readonly Unchanged?: boolean;
  readonly Replacement?: boolean;
  readonly NothingToDelete?: boolean;
  readonly DeleteBusy?: boolean;
  /** onEvent ran out of turns: isComplete does its work again first. */
  readonly Pending?: boolean;
}

export interface ReplicaIsCompleteResult {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

/** The resource's properties after validation. */
export interface ReplicaProperties {
  /** The parent's name in the primary region, and so the replica's name. */
  readonly identityName: string;
  readonly replicaRegion: string;
  readonly timeoutSeconds: number;
}

/** SES may answer NotFound for a short while after a successful Create. */
export const NOT_FOUND_GRACE_MS = 60_000;
/** How often onEvent asks again for the tags of a replica SES says exists but cannot find yet. */
export const TAGS_RETRY_INTERVAL_MS = 1_000;

/** ServiceTimeout is CloudFormation's own, passed on among the properties (it changes nothing at SES). */
const KNOWN_PROPERTIES = new Set(['ServiceToken', 'ServiceTimeout', 'ParentIdentityName', 'ReplicaRegion', 'TimeoutSeconds']);

/**
 * Validates the resource properties with the same rules the construct applies at synth
 * (values that were tokens then are only known now). Throws listing every problem.
 */
export function parseProperties(raw: Record<string, unknown> | undefined, primaryRegion: string): ReplicaProperties {
  const props = raw ?? {};
  const errors: string[] = [];
  for (const key of Object.keys(props)) {
    if (!KNOWN_PROPERTIES.has(key)) errors.push(`unknown property '${key}'`);
  }
  const nameError = domainNameError(props.ParentIdentityName, 'ParentIdentityName');
  if (nameError) errors.push(nameError);
  const regionError = replicaRegionError(props.ReplicaRegion, primaryRegion, 'ReplicaRegion');
  if (regionError) errors.push(regionError);
  const primaryError = primaryRegionError(primaryRegion);
  if (primaryError) errors.push(primaryError);
  const timeoutSeconds = props.TimeoutSeconds === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(props.TimeoutSeconds);
  const timeoutProblem = timeoutError(timeoutSeconds, 'TimeoutSeconds');
  if (timeoutProblem) errors.push(timeoutProblem);

  if (errors.length > 0) {
    throw new Error(`Invalid properties for the SES DEED replica identity: ${errors.join('; ')}`);
  }
  return { identityName: props.ParentIdentityName as string, replicaRegion: props.ReplicaRegion as string, timeoutSeconds };
}


/** Sends one SES command in `region`, in the resource's turn. */
async function call<T>(ctx: ReplicaHandlerContext, region: string, operation: string, identityName: string, command: unknown): Promise<T> {
  return loggedCall(ctx, ctx.ses(region), operation, { region, identityName }, command);
}

type Target = ResourceTarget;

function targetOf(event: ReplicaEvent): Target {
  return resourceTarget(event.StackId, event.LogicalResourceId);
}

/** GetEmailIdentity, or undefined when SES says NotFound. */
async function getIdentity(ctx: ReplicaHandlerContext, region: string, name: string): Promise<GetEmailIdentityCommandOutput | undefined> {
  try {
    return await call<GetEmailIdentityCommandOutput>(ctx, region, 'GetEmailIdentity', name, new GetEmailIdentityCommand({ EmailIdentity: name }));
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

/** Current tags of an identity, or undefined when it does not exist. */
async function currentTags(ctx: ReplicaHandlerContext, target: Target, region: string, name: string): Promise<Record<string, string> | undefined> {
  try {
    const output = await call<{ Tags?: Array<{ Key?: string; Value?: string }> }>(ctx, region, 'ListTagsForResource', name,
      new ListTagsForResourceCommand({ ResourceArn: identityArn(target.location, region, name) }));
    return Object.fromEntries((output.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

/**
 * Tags of an identity SES just said exists (AlreadyExists). Right after its Create, SES may
 * still answer NotFound (a retried Create): ask again for a while before giving up.
 */
async function tagsOfExistingIdentity(ctx: ReplicaHandlerContext, target: Target, region: string, name: string): Promise<Record<string, string>> {
  const giveUpAt = ctx.now() + NOT_FOUND_GRACE_MS;
  for (;;) {
    const tags = await currentTags(ctx, target, region, name);
    if (tags !== undefined) return tags;
    if (ctx.now() >= giveUpAt) {
      throw new Error(`SES says an email identity named '${name}' already exists in ${region} but cannot find it: it may be being deleted. Deploy again in a few minutes.`);
    }
    await ctx.sleep(TAGS_RETRY_INTERVAL_MS);
  }
}

/**
 * The parent is not verified for sending yet: the replica waits for it (SES's DEED guide
 * replicates "a verified identity configured with Easy DKIM", after the parent's DNS records
 * are published; whether SES refuses an unverified parent is not documented). Its message is
 * the one the deploy fails with if the parent is still not verified at the deadline.
 */
export class ParentNotVerifiedError extends Error {
  public override readonly name = 'ParentNotVerifiedError';
}

/** The parent must exist in the primary region, use Easy DKIM and be verified: DEED replicates nothing else. */
async function checkParent(ctx: ReplicaHandlerContext, props: ReplicaProperties, target: Target): Promise<void> {
  const name = props.identityName;
  const primary = target.location.region;
  const where = `The parent identity '${name}' in ${primary}`;
  const parent = await getIdentity(ctx, primary, name);
  if (parent === undefined) {
    throw new Error(`${where} does not exist: create it there with Easy DKIM (and verify it) before replicating it to ${props.replicaRegion}, or fix parentIdentityName.`);
  }
  const origin = parent.DkimAttributes?.SigningAttributesOrigin;
  if (origin === EASY_DKIM_ORIGIN) {
    const status = parent.DkimAttributes?.Status ?? 'none';
    if (status === 'FAILED') {
      throw new Error(`${where} failed DKIM verification (status FAILED), so it cannot be replicated to ${props.replicaRegion}: check its three DKIM CNAME records in DNS, then deploy again.`);
    }
    if (parent.VerifiedForSendingStatus !== true) {
      throw new ParentNotVerifiedError(`Timed out after ${props.timeoutSeconds} seconds waiting for the parent identity '${name}' in ${primary} to be verified for sending (DKIM status: ${status}), so its DEED replica in ${props.replicaRegion} was not created. Publish the parent's three DKIM CNAME records in DNS, then deploy again (or raise \`timeout\`).`);
    }
    return;
  }
  if (origin === BYODKIM_ORIGIN) {
    throw new Error(`${where} uses Bring Your Own DKIM (SigningAttributesOrigin ${BYODKIM_ORIGIN}): DEED replicates only identities that use Easy DKIM. Switch the parent to Easy DKIM, or create the identity in ${props.replicaRegion} with your own DKIM key instead.`);
  }
  const parentOfParent = regionOfDeedOrigin(origin);
  if (parentOfParent !== undefined) {
    throw new Error(`${where} is itself a DEED replica (SigningAttributesOrigin ${origin}, replicated from ${parentOfParent}), and a replica cannot be a parent. Replicate the original identity in ${parentOfParent} instead.`);
  }
  throw new Error(`${where} does not use Easy DKIM (SigningAttributesOrigin: ${origin ?? 'none'}): DEED replicates only identities that use Easy DKIM.`);
}

/** Creates the replica, or adopts it when a retried or rolled-back request of this very resource made it already. */
async function createReplica(ctx: ReplicaHandlerContext, props: ReplicaProperties, target: Target): Promise<ReplicaOnEventResult> {
  const name = props.identityName;
  const region = props.replicaRegion;
  const primary = target.location.region;
  await checkParent(ctx, props, target);
  try {
    await call(ctx, region, 'CreateEmailIdentity', name, new CreateEmailIdentityCommand({
      EmailIdentity: name,
      DkimSigningAttributes: { DomainSigningAttributesOrigin: deedOrigin(primary) as DkimSigningAttributesOrigin },
      Tags: [{ Key: OWNER_TAG_KEY, Value: target.owner }],
    }));
  } catch (error) {
    const message = (error as Error).message;
    switch (errorName(error)) {
      case 'AlreadyExistsException': {
        const tags = await tagsOfExistingIdentity(ctx, target, region, name);
        const claim = claimExisting(tags, target);
        if (claim === 'foreign') {
          throw new Error(`An email identity named '${name}' already exists in ${region} and was not created by this stack: delete it there if it should be a DEED replica of ${primary}, or leave it out of this stack. It was left untouched.`);
        }
        // Before any write: an identity tagged for adoption by hand may be no DEED replica of
        // the parent, and adopting it would let this resource's rollback delete it.
        const existing = await getIdentity(ctx, region, name);
        const existingOrigin = existing?.DkimAttributes?.SigningAttributesOrigin;
        if (existing !== undefined && existingOrigin !== deedOrigin(primary)) {
          throw new Error(`An email identity named '${name}' already exists in ${region} but is not a DEED replica of ${primary} (SigningAttributesOrigin: ${existingOrigin ?? 'none'}, expected ${deedOrigin(primary)}): delete it there if it should be one, or leave it out of this stack. It was left untouched.`);
        }
        if (claim === 'take over') {
          // Another resource of this stack made it: this construct moved. The same replica.
          await call(ctx, region, 'TagResource', name, new TagResourceCommand({ ResourceArn: identityArn(target.location, region, name), Tags: takeOverTags(tags, target) }));
          ctx.log({ operation: 'TakeOverMovedReplica', region, identityName: name, outcome: 'ok', from: tags[OWNER_TAG_KEY] });
          break;
        }
        // Ours: a retried Create, or a rollback back to a replica we still hold.
        ctx.log({ operation: 'AdoptOwnReplica', region, identityName: name, outcome: 'ok' });
        break;
      }
      case 'LimitExceededException':
        throw new Error(`Cannot create the DEED replica of '${name}' in ${region}: the account's quota of email identities there is reached (${message}). Delete unused identities or request a quota increase.`);
      case 'BadRequestException':
        throw new Error(`SES refused to create the DEED replica of '${name}' (parent in ${primary}) in ${region}: ${message}`);
      default:
        throw error;
    }
  }
  const now = ctx.now();
  return { PhysicalResourceId: replicaPhysicalId(region, name), CreatedAt: now, WaitDeadline: now + props.timeoutSeconds * 1000 };
}

async function onCreate(event: ReplicaEvent, ctx: ReplicaHandlerContext): Promise<ReplicaOnEventResult> {
  const target = targetOf(event);
  const props = parseProperties(event.ResourceProperties, target.location.region);
  return createReplica(ctx, props, target);
}

async function onUpdate(event: ReplicaEvent, ctx: ReplicaHandlerContext): Promise<ReplicaOnEventResult> {
  const target = targetOf(event);
  const props = parseProperties(event.ResourceProperties, target.location.region);
  const physicalId = replicaPhysicalId(props.replicaRegion, props.identityName);
  if (physicalId === event.PhysicalResourceId) {
    // Only the timeout (or the service token) changed: nothing to do at SES.
    return { PhysicalResourceId: physicalId, Unchanged: true };
  }
  // A new parent (so a new name) or a new region is a new replica; CloudFormation deletes
  // the old one during cleanup, once the whole update has succeeded.
  return { ...await createReplica(ctx, props, target), Replacement: true };
}

/** Asks SES to delete the replica. */
async function requestDeletion(ctx: ReplicaHandlerContext, region: string, name: string): Promise<'requested' | 'gone' | 'busy'> {
  try {
    await call(ctx, region, 'DeleteEmailIdentity', name, new DeleteEmailIdentityCommand({ EmailIdentity: name }));
    return 'requested';
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return 'gone';
    if (errorName(error) === 'ConcurrentModificationException') return 'busy';
    throw error;
  }
}

function waitSecondsOf(event: ReplicaEvent): number {
  const timeoutSeconds = Number(event.ResourceProperties?.TimeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
  return timeoutError(timeoutSeconds) === undefined ? timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
}

async function onDelete(event: ReplicaEvent, ctx: ReplicaHandlerContext): Promise<ReplicaOnEventResult> {
  const physicalId = event.PhysicalResourceId ?? '';
  const replica = parseReplicaPhysicalId(physicalId);
  if (replica === undefined) {
    // Not a replica id (a create that failed before making anything): nothing of ours exists.
    ctx.log({ operation: 'Delete', physicalId, outcome: 'not a replica id, nothing to delete' });
    return { PhysicalResourceId: physicalId, NothingToDelete: true };
  }
  const { replicaRegion: region, identityName: name } = replica;
  const target = targetOf(event);
  const tags = await currentTags(ctx, target, region, name);
  if (tags === undefined) {
    // Already gone. (CloudFormation deletes a custom resource only after its Create
    // finished, i.e. after Get saw the replica, so this is not the NotFound window after Create.)
    return { PhysicalResourceId: physicalId, NothingToDelete: true };
  }
  const decision = decideDelete(tags, target);
  const arn = identityArn(target.location, region, name);
  switch (decision.action) {
    case 'leave':
      ctx.log({ operation: 'Delete', region, identityName: name, outcome: decision.why, owner: tags[OWNER_TAG_KEY] ?? null });
      return { PhysicalResourceId: physicalId, NothingToDelete: true };
    case 'complete handover':
      // This resource's construct moved; the new one holds the replica now.
      await call(ctx, region, 'UntagResource', name, new UntagResourceCommand({ ResourceArn: arn, TagKeys: [PREVIOUS_OWNER_TAG_KEY] }));
      ctx.log({ operation: 'Delete', region, identityName: name, outcome: 'moved to another resource of the stack, left in place' });
      return { PhysicalResourceId: physicalId, NothingToDelete: true };
    case 'give back':
      // The move that took it over is being rolled back: the old resource keeps it.
      await call(ctx, region, 'TagResource', name, new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: OWNER_TAG_KEY, Value: decision.to }] }));
      await call(ctx, region, 'UntagResource', name, new UntagResourceCommand({ ResourceArn: arn, TagKeys: [PREVIOUS_OWNER_TAG_KEY] }));
      ctx.log({ operation: 'Delete', region, identityName: name, outcome: 'given back to the resource it was taken over from', owner: decision.to });
      return { PhysicalResourceId: physicalId, NothingToDelete: true };
    case 'delete':
      break;
  }
  const outcome = await requestDeletion(ctx, region, name);
  return {
    PhysicalResourceId: physicalId,
    NothingToDelete: outcome === 'gone',
    DeleteBusy: outcome === 'busy',
    WaitDeadline: ctx.now() + waitSecondsOf(event) * 1000,
  };
}

/** The Provider framework's onEvent handler. */
export async function onEvent(event: ReplicaEvent, ctx: ReplicaHandlerContext): Promise<ReplicaOnEventResult> {
  // Waiting for the parent may take longer than onEvent may run: isComplete does it.
  const waitsForParent = (error: unknown) => error instanceof ParentNotVerifiedError;
  return orHandOver(() => onEventWork(event, ctx), () => {
    // Out of turns: the physical id is already known (the properties were valid, or onEvent
    // would have failed before its first call); isComplete does the rest.
    const now = ctx.now();
    let physicalId = event.PhysicalResourceId ?? '';
    if (event.RequestType !== 'Delete') {
      const props = parseProperties(event.ResourceProperties, targetOf(event).location.region);
      physicalId = replicaPhysicalId(props.replicaRegion, props.identityName);
    }
    ctx.log({ operation: event.RequestType, physicalId, outcome: 'handed over to isComplete (out of turns, or waiting for the parent)' });
    return { PhysicalResourceId: physicalId, Pending: true, CreatedAt: now, WaitDeadline: now + waitSecondsOf(event) * 1000 };
  }, waitsForParent);
}

async function onEventWork(event: ReplicaEvent, ctx: ReplicaHandlerContext): Promise<ReplicaOnEventResult> {
  return dispatch(event, { onCreate: (e) => onCreate(e, ctx), onUpdate: (e) => onUpdate(e, ctx), onDelete: (e) => onDelete(e, ctx) });
}


/** The attributes `Fn::GetAtt` reads. */
function dataOf(props: ReplicaProperties, target: Target): Record<string, string> {
  return {
    IdentityName: props.identityName,
    IdentityArn: identityArn(target.location, props.replicaRegion, props.identityName),
    SigningAttributesOrigin: deedOrigin(target.location.region),
    ReplicaRegion: props.replicaRegion,
  };
}

async function isVerified(
  event: ReplicaEvent, ctx: ReplicaHandlerContext, props: ReplicaProperties, target: Target,
): Promise<ReplicaIsCompleteResult> {
  const name = props.identityName;
  const region = props.replicaRegion;
  const primary = target.location.region;
  const where = `the DEED replica '${name}' in ${region}`;
  const identity = await getIdentity(ctx, region, name);
  if (identity === undefined) {
    const created = event.CreatedAt ?? 0;
    if (ctx.now() - created < NOT_FOUND_GRACE_MS && !timedOut(event, ctx.now())) {
      return { IsComplete: false }; // eventually consistent right after Create
    }
    throw new Error(`${capitalize(where)} was not found: it was deleted outside CloudFormation or never became visible.`);
  }
  const origin = identity.DkimAttributes?.SigningAttributesOrigin;
  if (origin !== deedOrigin(primary)) {
    throw new Error(`The email identity '${name}' in ${region} is not a DEED replica of ${primary} (SigningAttributesOrigin: ${origin ?? 'none'}, expected ${deedOrigin(primary)}). Delete it there and deploy again.`);
  }
  const status = identity.DkimAttributes?.Status ?? 'none';
  if (status === 'FAILED') {
    throw new Error(`DKIM verification FAILED for ${where}: a replica signs with its parent's keys and is verified through the parent's DKIM CNAME records. Check that the parent '${name}' in ${primary} is verified and its DKIM records are published, then deploy again.`);
  }
  if (identity.VerifiedForSendingStatus === true) {
    return { IsComplete: true, Data: dataOf(props, target) };
  }
  if (timedOut(event, ctx.now())) {
    throw new Error(`Timed out after ${props.timeoutSeconds} seconds waiting for ${where} to be verified for sending; last DKIM status: ${status}. A replica is verified once its parent '${name}' in ${primary} is: check the parent's DKIM records, or raise \`timeout\`.`);
  }
  return { IsComplete: false };
}

/**
 * An Update that created a new replica and then failed removes it again: CloudFormation
 * keeps the old one and never learns of the new one.
 */
async function removeFailedReplacement(ctx: ReplicaHandlerContext, props: ReplicaProperties, target: Target): Promise<void> {
  try {
    const tags = await currentTags(ctx, target, props.replicaRegion, props.identityName);
    if (tags !== undefined && tags[OWNER_TAG_KEY] === target.owner) {
      await requestDeletion(ctx, props.replicaRegion, props.identityName);
    }
  } catch {
    // Best effort: the deployment fails with the original error either way (logged above).
  }
}

async function isReady(event: ReplicaEvent, ctx: ReplicaHandlerContext): Promise<ReplicaIsCompleteResult> {
  const target = targetOf(event);
  const props = parseProperties(event.ResourceProperties, target.location.region);
  if (event.Unchanged) return { IsComplete: true, Data: dataOf(props, target) };
  try {
    return await isVerified(event, ctx, props, target);
  } catch (error) {
    const transient = mayPass(error) && !timedOut(event, ctx.now());
    if (event.Replacement && !transient) await removeFailedReplacement(ctx, props, target);
    throw error;
  }
}

async function isDeleted(event: ReplicaEvent, ctx: ReplicaHandlerContext): Promise<ReplicaIsCompleteResult> {
  if (event.NothingToDelete) return { IsComplete: true };
  const replica = parseReplicaPhysicalId(event.PhysicalResourceId);
  if (replica === undefined) return { IsComplete: true };
  const { replicaRegion: region, identityName: name } = replica;
  const identity = await getIdentity(ctx, region, name);
  if (identity === undefined) return { IsComplete: true };
  if (timedOut(event, ctx.now())) {
    throw new Error(`Timed out after ${waitSecondsOf(event)} seconds waiting for the DEED replica '${name}' in ${region} to be deleted.`);
  }
  if (event.DeleteBusy && await requestDeletion(ctx, region, name) === 'gone') {
    return { IsComplete: true };
  }
  return { IsComplete: false };
}

async function checkOnce(event: ReplicaEvent, ctx: ReplicaHandlerContext): Promise<ReplicaIsCompleteResult> {
  try {
    return await (event.RequestType === 'Delete' ? isDeleted(event, ctx) : isReady(event, ctx));
  } catch (error) {
    // Polling is idempotent: a transient failure that outlasted this invocation's turns just
    // waits for the next invocation, until the resource's own deadline.
    if (mayPass(error) && !timedOut(event, ctx.now())) return { IsComplete: false };
    throw error;
  }
}

/**
 * The Provider framework's isComplete handler; Data only once the replica is verified for sending.
 * Polls for up to `pollWindowMs` within one invocation, then hands back to the framework.
 */
export async function isComplete(event: ReplicaEvent, ctx: ReplicaHandlerContext): Promise<ReplicaIsCompleteResult> {
  const passing = (error: unknown, e: ReplicaEvent) => (mayPass(error) || error instanceof ParentNotVerifiedError) && !timedOut(e, ctx.now());
  return pollWithin(ctx, resumingHandOver(event, (e) => onEventWork(e, ctx), (e) => checkOnce(e, ctx), passing));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
