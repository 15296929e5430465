/**
 * The lifecycle of one SES email template in one region, as Provider-framework onEvent and
 * isComplete handlers. `MultiRegionEmailTemplate` makes two such resources from one
 * definition: one in the stack's region (the primary) and one in the secondary region, because
 * a send through a global endpoint may be served by either. Small pure functions over injected
 * per-region SES v2 clients: they throw with an actionable message and let the Provider
 * framework report FAILED.
 */
import {
  CreateEmailTemplateCommand,
  DeleteEmailTemplateCommand,
  EmailTemplateContent,
  GetEmailTemplateCommand,
  GetEmailTemplateCommandOutput,
  ListTagsForResourceCommand,
  SESv2Client,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateEmailTemplateCommand,
} from '@aws-sdk/client-sesv2';
import {
  OWNER_TAG_KEY,
  otherRegionError,
  PREVIOUS_OWNER_TAG_KEY,
  resourceTarget,
  ResourceTarget,
  tagErrors,
  timeoutError,
} from '../../lib/private/rules';
import {
  DEFAULT_TEMPLATE_TIMEOUT_SECONDS,
  parseTemplatePhysicalId,
  regionNameError,
  RESOURCE_CONTENT_PROPS,
  templateArn,
  templateContentErrors,
  templateNameError,
  templatePhysicalId,
} from '../../lib/private/template-rules';
import { orHandOver, resumingHandOver } from '../shared/handover';
import { claimExisting, decideDelete, takeOverTags } from '../shared/ownership';
import { mayPass, Pacer } from '../shared/pacer';
import { pollWithin, PollingContext } from '../shared/polling';
import { dispatch, ProviderEvent, timedOut } from '../shared/provider-event';
import { errorName, loggedCall } from '../shared/ses-call';
import { tagChanges } from '../shared/tags';

/** What the handlers need from the outside world; injected so tests can drive them. */
export interface TemplateHandlerContext extends PollingContext {
  /** The SES v2 client of a region. */
  readonly ses: (region: string) => Pick<SESv2Client, 'send'>;
  /** Writes one structured log line. */
  readonly log: (entry: Record<string, unknown>) => void;
  /**
   * This resource's turns in the stack's schedule of SES calls: every call waits for one,
   * and transient failures are retried in later ones. Without it, calls go out at once.
   */
  readonly pacer?: Pacer;
}

/** The CloudFormation event of a template resource, plus what its onEvent adds. */
export type TemplateEvent = ProviderEvent;

export interface TemplateOnEventResult {
  readonly PhysicalResourceId: string;
  readonly WaitDeadline?: number;
  readonly CreatedAt?: number;
  readonly NothingToDelete?: boolean;
  /** Already as wanted (an Update that wrote no content): isComplete asks SES nothing. */
  readonly Settled?: boolean;
  readonly Data?: Record<string, string>;
  /** An Update that created a new template (a new name or region): removed again if it fails. */
  readonly Replacement?: boolean;
  /** onEvent ran out of turns: isComplete does its work again first. */
  readonly Pending?: boolean;
}

export interface TemplateIsCompleteResult {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

/** The resource's properties after validation. */
export interface TemplateProperties {
  readonly region: string;
  readonly templateName: string;
  readonly content: EmailTemplateContent;
  readonly tags: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  readonly timeoutSeconds: number;
}

/** SES may answer NotFound for a short while after a successful Create. */
export const NOT_FOUND_GRACE_MS = 60_000;
/** How often onEvent asks again for the tags of a template SES says exists but cannot find yet. */
export const TAGS_RETRY_INTERVAL_MS = 1_000;

/** ServiceTimeout is CloudFormation's own, passed on among the properties (it changes nothing at SES). */
const KNOWN_PROPERTIES = new Set(['ServiceToken', 'ServiceTimeout', 'Region', 'Secondary', 'TemplateName', 'Subject', 'Text', 'Html', 'Tags', 'TimeoutSeconds']);

/**
 * Validates the resource properties with the same rules the construct applies at synth (values
 * that were tokens then are only known now). Throws listing every problem.
 * @param primaryRegion the stack's region: a secondary template must be elsewhere
 */
export function parseProperties(raw: Record<string, unknown> | undefined, primaryRegion: string): TemplateProperties {
  const props = raw ?? {};
  const errors: string[] = [];
  for (const key of Object.keys(props)) {
    if (!KNOWN_PROPERTIES.has(key)) errors.push(`unknown property '${key}'`);
  }
  const nameError = templateNameError(props.TemplateName, 'TemplateName');
  if (nameError) errors.push(nameError);
  // CloudFormation passes every property value as a string.
  const secondary = props.Secondary === true || props.Secondary === 'true';
  const regionError = secondary
    ? otherRegionError(props.Region, primaryRegion, 'secondaryRegion', 'the primary template is created')
    : regionNameError(props.Region, 'Region');
  if (regionError) errors.push(regionError);
  errors.push(...templateContentErrors({ subject: props.Subject, text: props.Text, html: props.Html }, RESOURCE_CONTENT_PROPS));

  const rawTags = props.Tags ?? [];
  let tags: Array<{ Key: string; Value: string }> = [];
  if (!Array.isArray(rawTags) || rawTags.some((t) => typeof t !== 'object' || t === null)) {
    errors.push(`\`Tags\` must be a list of {Key, Value}, got: ${JSON.stringify(rawTags)}`);
  } else {
    tags = rawTags as Array<{ Key: string; Value: string }>;
    errors.push(...tagErrors(tags.map((t) => ({ key: t.Key, value: t.Value })), 'Tags'));
  }
  const timeoutSeconds = props.TimeoutSeconds === undefined ? DEFAULT_TEMPLATE_TIMEOUT_SECONDS : Number(props.TimeoutSeconds);
  const timeoutProblem = timeoutError(timeoutSeconds, 'TimeoutSeconds');
  if (timeoutProblem) errors.push(timeoutProblem);

  if (errors.length > 0) {
    throw new Error(`Invalid properties for the SES email template: ${errors.join('; ')}`);
  }
  return {
    region: props.Region as string,
    templateName: props.TemplateName as string,
    content: contentOf(props.Subject as string, props.Text as string | undefined, props.Html as string | undefined),
    tags,
    timeoutSeconds,
  };
}

/** The content as SES takes it: an empty part is no part. */
function contentOf(subject: string | undefined, text: string | undefined, html: string | undefined): EmailTemplateContent {
  return {
    Subject: subject,
    ...(text ? { Text: text } : {}),
    ...(html ? { Html: html } : {}),
  };
}

function sameContent(a: EmailTemplateContent | undefined, b: EmailTemplateContent): boolean {
  const norm = (c: EmailTemplateContent | undefined) => [c?.Subject || '', c?.Text || '', c?.Html || ''];
  const [x, y] = [norm(a), norm(b)];
  return x.every((v, i) => v === y[i]);
}


/** Sends one SES command in `region`, in the resource's turn. */
async function call<T>(ctx: TemplateHandlerContext, region: string, operation: string, templateName: string, command: unknown): Promise<T> {
  return loggedCall(ctx, ctx.ses(region), operation, { region, templateName }, command);
}

type Target = ResourceTarget;

function targetOf(event: TemplateEvent): Target {
  return resourceTarget(event.StackId, event.LogicalResourceId);
}

function arnOf(target: Target, region: string, name: string): string {
  return templateArn(target.location, region, name);
}

/** The tags the template must carry: the user's plus our ownership mark. */
function desiredTags(props: TemplateProperties, target: Target): Array<{ Key: string; Value: string }> {
  return [...props.tags.map(({ Key, Value }) => ({ Key, Value })), { Key: OWNER_TAG_KEY, Value: target.owner }];
}

/** GetEmailTemplate, or undefined when SES says NotFound. */
async function getTemplate(ctx: TemplateHandlerContext, region: string, name: string): Promise<GetEmailTemplateCommandOutput | undefined> {
  try {
    return await call<GetEmailTemplateCommandOutput>(ctx, region, 'GetEmailTemplate', name, new GetEmailTemplateCommand({ TemplateName: name }));
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

/** Current tags of a template (ListTagsForResource, the authoritative answer), or undefined when it does not exist. */
async function currentTags(ctx: TemplateHandlerContext, target: Target, region: string, name: string): Promise<Record<string, string> | undefined> {
  try {
    const output = await call<{ Tags?: Array<{ Key?: string; Value?: string }> }>(ctx, region, 'ListTagsForResource', name,
      new ListTagsForResourceCommand({ ResourceArn: arnOf(target, region, name) }));
    return Object.fromEntries((output.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

/**
 * Tags of a template SES just said exists (AlreadyExists). Right after its Create, SES may still
 * answer NotFound (a retried Create): ask again for a while before giving up.
 */
async function tagsOfExistingTemplate(ctx: TemplateHandlerContext, target: Target, region: string, name: string): Promise<Record<string, string>> {
  const giveUpAt = ctx.now() + NOT_FOUND_GRACE_MS;
  for (;;) {
    const tags = await currentTags(ctx, target, region, name);
    if (tags !== undefined) return tags;
    if (ctx.now() >= giveUpAt) {
      throw new Error(`SES says an email template named '${name}' already exists in ${region} but cannot find it: it may be being deleted. Deploy again in a few minutes.`);
    }
    if (!ctx.pacer) await ctx.sleep(TAGS_RETRY_INTERVAL_MS);
  }
}


/** Brings the template's tags to the desired set. */
async function syncTags(ctx: TemplateHandlerContext, props: TemplateProperties, target: Target, current: Record<string, string>): Promise<void> {
  const { region, templateName: name } = props;
  const arn = arnOf(target, region, name);
  const { toRemove, toSet } = tagChanges(desiredTags(props, target), current);
  if (toRemove.length > 0) {
    await call(ctx, region, 'UntagResource', name, new UntagResourceCommand({ ResourceArn: arn, TagKeys: toRemove }));
  }
  if (toSet.length > 0) {
    await call(ctx, region, 'TagResource', name, new TagResourceCommand({ ResourceArn: arn, Tags: toSet }));
  }
}

/**
 * Brings the content of a template this resource holds to the wanted one: read it first (the
 * template itself, not OldResourceProperties, so that a rollback goes through), write only
 * when it differs. True when it wrote.
 */
async function syncContent(
  ctx: TemplateHandlerContext, props: TemplateProperties, existing: GetEmailTemplateCommandOutput | undefined,
): Promise<boolean> {
  const { region, templateName: name } = props;
  const current = existing ?? await getTemplate(ctx, region, name);
  if (current !== undefined && sameContent(current.TemplateContent, props.content)) return false;
  await call(ctx, region, 'UpdateEmailTemplate', name, new UpdateEmailTemplateCommand({ TemplateName: name, TemplateContent: props.content }));
  return true;
}

/** Creates the template, or adopts it when a retried or rolled-back request of this very resource (or a moved one) made it already. */
async function createTemplate(ctx: TemplateHandlerContext, props: TemplateProperties, target: Target): Promise<TemplateOnEventResult> {
  const { region, templateName: name } = props;
  try {
    await call(ctx, region, 'CreateEmailTemplate', name, new CreateEmailTemplateCommand({
      TemplateName: name,
      TemplateContent: props.content,
      Tags: desiredTags(props, target),
    }));
  } catch (error) {
    const message = (error as Error).message;
    switch (errorName(error)) {
      case 'AlreadyExistsException': {
        let tags = await tagsOfExistingTemplate(ctx, target, region, name);
        const claim = claimExisting(tags, target);
        if (claim === 'foreign') {
          throw new Error(`An SES email template named '${name}' already exists in ${region} and was not created by this stack: choose another templateName, or delete that template if this stack should own it. It was left untouched.`);
        }
        if (claim === 'take over') {
          // Another resource of this stack made it: this construct moved. The same template.
          const handover = takeOverTags(tags, target);
          await call(ctx, region, 'TagResource', name, new TagResourceCommand({ ResourceArn: arnOf(target, region, name), Tags: handover }));
          ctx.log({ operation: 'TakeOverMovedTemplate', region, templateName: name, outcome: 'ok', from: tags[OWNER_TAG_KEY] });
          tags = { ...tags, ...Object.fromEntries(handover.map((t) => [t.Key, t.Value])) };
        } else {
          // Ours: a retried Create, or a rollback back to a template we still hold.
          ctx.log({ operation: 'AdoptOwnTemplate', region, templateName: name, outcome: 'ok' });
        }
        await syncContent(ctx, props, undefined);
        await syncTags(ctx, props, target, tags);
        break;
      }
      case 'LimitExceededException':
        throw new Error(`Cannot create the SES email template '${name}' in ${region}: the account's quota of email templates there is reached (${message}). Delete unused templates or request a quota increase.`);
      case 'BadRequestException':
        throw new Error(`SES refused to create the email template '${name}' in ${region}: ${message}`);
      default:
        throw error;
    }
  }
  const now = ctx.now();
  return { PhysicalResourceId: templatePhysicalId(region, name), CreatedAt: now, WaitDeadline: now + props.timeoutSeconds * 1000 };
}

async function onCreate(event: TemplateEvent, ctx: TemplateHandlerContext): Promise<TemplateOnEventResult> {
  const target = targetOf(event);
  return createTemplate(ctx, parseProperties(event.ResourceProperties, target.location.region), target);
}

async function onUpdate(event: TemplateEvent, ctx: TemplateHandlerContext): Promise<TemplateOnEventResult> {
  const target = targetOf(event);
  const props = parseProperties(event.ResourceProperties, target.location.region);
  const { region, templateName: name } = props;
  const physicalId = templatePhysicalId(region, name);
  if (physicalId !== event.PhysicalResourceId) {
    // A new name or region is a new template; CloudFormation deletes the old one during
    // cleanup, and isComplete deletes the new one again if it fails.
    return { ...await createTemplate(ctx, props, target), Replacement: true };
  }
  // Compare with the template itself, not OldResourceProperties: on a rollback those hold the
  // failed change, and the rollback must go through.
  const existing = await getTemplate(ctx, region, name);
  const tags = existing && await currentTags(ctx, target, region, name);
  if (existing === undefined || tags === undefined) {
    // Deleted outside CloudFormation, while the stack still declares it: create it again.
    // Failing would fail the rollback the same way (UPDATE_ROLLBACK_FAILED).
    ctx.log({ operation: 'RecreateMissingTemplate', region, templateName: name, outcome: 'was gone' });
    return createTemplate(ctx, props, target);
  }
  let wrote = false;
  if (tags[OWNER_TAG_KEY] === target.owner) {
    wrote = await syncContent(ctx, props, existing);
    await syncTags(ctx, props, target, tags);
  } else {
    // Not ours (any more): writing it would take it over. Only an update that would write
    // nothing goes through (a rollback back to what it has).
    const { toRemove, toSet } = tagChanges(props.tags, Object.fromEntries(Object.entries(tags).filter(([key]) => key !== OWNER_TAG_KEY)));
    if (toRemove.length > 0 || toSet.length > 0 || !sameContent(existing.TemplateContent, props.content)) {
      throw new Error(`The SES email template '${name}' in ${region} is not owned by this resource (its ${OWNER_TAG_KEY} tag is ${JSON.stringify(tags[OWNER_TAG_KEY] ?? null)}): it was left untouched. Give this resource another templateName, or remove it from the stack.`);
    }
  }
  const deadline = ctx.now() + props.timeoutSeconds * 1000;
  if (!wrote) {
    // The content was as wanted already: nothing to wait for, isComplete need not ask SES again.
    return { PhysicalResourceId: physicalId, WaitDeadline: deadline, Settled: true, Data: dataOf(props, target) };
  }
  return { PhysicalResourceId: physicalId, WaitDeadline: deadline };
}

async function onDelete(event: TemplateEvent, ctx: TemplateHandlerContext): Promise<TemplateOnEventResult> {
  const physicalId = event.PhysicalResourceId ?? '';
  const parsed = parseTemplatePhysicalId(physicalId);
  if (parsed === undefined) {
    // Not a template id (a create that failed before making anything): nothing of ours exists.
    ctx.log({ operation: 'Delete', physicalId, outcome: 'not a template id, nothing to delete' });
    return { PhysicalResourceId: physicalId, NothingToDelete: true };
  }
  const { region, templateName: name } = parsed;
  const target = targetOf(event);
  const tags = await currentTags(ctx, target, region, name);
  if (tags === undefined) {
    // Already gone. (CloudFormation deletes a custom resource only after its Create finished,
    // i.e. after Get saw the template, so this is not the NotFound window after Create.)
    return { PhysicalResourceId: physicalId, NothingToDelete: true };
  }
  const decision = decideDelete(tags, target);
  const arn = arnOf(target, region, name);
  switch (decision.action) {
    case 'leave':
      ctx.log({ operation: 'Delete', region, templateName: name, outcome: decision.why, owner: tags[OWNER_TAG_KEY] ?? null });
      return { PhysicalResourceId: physicalId, NothingToDelete: true };
    case 'complete handover':
      // This resource's construct moved; the new one holds the template now.
      await call(ctx, region, 'UntagResource', name, new UntagResourceCommand({ ResourceArn: arn, TagKeys: [PREVIOUS_OWNER_TAG_KEY] }));
      ctx.log({ operation: 'Delete', region, templateName: name, outcome: 'moved to another resource of the stack, left in place' });
      return { PhysicalResourceId: physicalId, NothingToDelete: true };
    case 'give back':
      // The move that took it over is being rolled back: the old resource keeps it.
      await call(ctx, region, 'TagResource', name, new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: OWNER_TAG_KEY, Value: decision.to }] }));
      await call(ctx, region, 'UntagResource', name, new UntagResourceCommand({ ResourceArn: arn, TagKeys: [PREVIOUS_OWNER_TAG_KEY] }));
      ctx.log({ operation: 'Delete', region, templateName: name, outcome: 'given back to the resource it was taken over from', owner: decision.to });
      return { PhysicalResourceId: physicalId, NothingToDelete: true };
    case 'delete':
      break;
  }
  await requestDeletion(ctx, region, name);
  // SES deletes a template at once; nothing to wait for (a Get would only spend the quota).
  return { PhysicalResourceId: physicalId, NothingToDelete: true };
}

/** Deletes a template; NotFound means it is gone already. */
async function requestDeletion(ctx: TemplateHandlerContext, region: string, name: string): Promise<'deleted' | 'gone'> {
  try {
    await call(ctx, region, 'DeleteEmailTemplate', name, new DeleteEmailTemplateCommand({ TemplateName: name }));
    return 'deleted';
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return 'gone';
    throw error;
  }
}

function waitSecondsOf(event: TemplateEvent): number {
  const timeoutSeconds = Number(event.ResourceProperties?.TimeoutSeconds ?? DEFAULT_TEMPLATE_TIMEOUT_SECONDS);
  return timeoutError(timeoutSeconds) === undefined ? timeoutSeconds : DEFAULT_TEMPLATE_TIMEOUT_SECONDS;
}

/** The Provider framework's onEvent handler. */
export async function onEvent(event: TemplateEvent, ctx: TemplateHandlerContext): Promise<TemplateOnEventResult> {
  return orHandOver(() => onEventWork(event, ctx), () => {
    // Out of turns: the physical id is already known (the properties were valid, or onEvent
    // would have failed before its first call); isComplete does the rest.
    const now = ctx.now();
    let physicalId = event.PhysicalResourceId ?? '';
    if (event.RequestType !== 'Delete') {
      const props = parseProperties(event.ResourceProperties, targetOf(event).location.region);
      physicalId = templatePhysicalId(props.region, props.templateName);
    }
    ctx.log({ operation: event.RequestType, physicalId, outcome: 'out of turns in onEvent, handed over to isComplete' });
    return { PhysicalResourceId: physicalId, Pending: true, CreatedAt: now, WaitDeadline: now + waitSecondsOf(event) * 1000 };
  });
}

async function onEventWork(event: TemplateEvent, ctx: TemplateHandlerContext): Promise<TemplateOnEventResult> {
  return dispatch(event, { onCreate: (e) => onCreate(e, ctx), onUpdate: (e) => onUpdate(e, ctx), onDelete: (e) => onDelete(e, ctx) });
}


/** The attributes `Fn::GetAtt` reads. */
function dataOf(props: TemplateProperties, target: Target): Record<string, string> {
  return {
    TemplateName: props.templateName,
    Region: props.region,
    Arn: arnOf(target, props.region, props.templateName),
  };
}

/** Whether the template is visible with the wanted content. */
async function isVisible(
  event: TemplateEvent, ctx: TemplateHandlerContext, props: TemplateProperties, target: Target,
): Promise<TemplateIsCompleteResult> {
  const { region, templateName: name } = props;
  const template = await getTemplate(ctx, region, name);
  if (template === undefined) {
    const created = event.CreatedAt ?? 0;
    if (ctx.now() - created < NOT_FOUND_GRACE_MS && !timedOut(event, ctx.now())) {
      return { IsComplete: false }; // eventually consistent right after Create
    }
    throw new Error(`The SES email template '${name}' in ${region} was not found: it was deleted outside CloudFormation or never became visible.`);
  }
  if (sameContent(template.TemplateContent, props.content)) {
    return { IsComplete: true, Data: dataOf(props, target) };
  }
  if (timedOut(event, ctx.now())) {
    throw new Error(`Timed out after ${props.timeoutSeconds} seconds waiting for the SES email template '${name}' in ${region} to show the content this stack wrote: SES still returns other content. Is something else writing this template? Deploy again, or raise \`timeout\`.`);
  }
  return { IsComplete: false };
}

/**
 * An Update that created a new template and then failed removes it again: CloudFormation keeps
 * the old one and never learns of the new one.
 */
async function removeFailedReplacement(ctx: TemplateHandlerContext, props: TemplateProperties, target: Target): Promise<void> {
  const { region, templateName: name } = props;
  try {
    const tags = await currentTags(ctx, target, region, name);
    if (tags === undefined) return;
    const decision = decideDelete(tags, target);
    if (decision.action === 'delete') {
      ctx.log({ operation: 'RemoveFailedReplacement', region, templateName: name, outcome: await requestDeletion(ctx, region, name) });
    } else if (decision.action === 'give back') {
      // Taken over from another resource of the stack by this failed update: it keeps it.
      const arn = arnOf(target, region, name);
      await call(ctx, region, 'TagResource', name, new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: OWNER_TAG_KEY, Value: decision.to }] }));
      await call(ctx, region, 'UntagResource', name, new UntagResourceCommand({ ResourceArn: arn, TagKeys: [PREVIOUS_OWNER_TAG_KEY] }));
      ctx.log({ operation: 'RemoveFailedReplacement', region, templateName: name, outcome: 'given back', owner: decision.to });
    }
  } catch (error) {
    // Best effort: the deployment fails with the original error either way.
    ctx.log({ operation: 'RemoveFailedReplacement', region, templateName: name, outcome: errorName(error), message: (error as Error).message });
  }
}

async function isReady(event: TemplateEvent, ctx: TemplateHandlerContext): Promise<TemplateIsCompleteResult> {
  if (event.Settled) return { IsComplete: true, Data: event.Data };
  const target = targetOf(event);
  const props = parseProperties(event.ResourceProperties, target.location.region);
  try {
    return await isVisible(event, ctx, props, target);
  } catch (error) {
    const transient = mayPass(error) && !timedOut(event, ctx.now());
    if (event.Replacement && !transient) await removeFailedReplacement(ctx, props, target);
    throw error;
  }
}

async function checkOnce(event: TemplateEvent, ctx: TemplateHandlerContext): Promise<TemplateIsCompleteResult> {
  try {
    if (event.RequestType === 'Delete') return { IsComplete: true };
    return await isReady(event, ctx);
  } catch (error) {
    // Polling is idempotent: a transient failure that outlasted this invocation's turns just
    // waits for the next invocation, until the resource's own deadline.
    if (mayPass(error) && !timedOut(event, ctx.now())) return { IsComplete: false };
    throw error;
  }
}

/**
 * The Provider framework's isComplete handler; Data once the template is visible with the wanted
 * content. Polls for up to `pollWindowMs` within one invocation, then hands back to the framework.
 */
export async function isComplete(event: TemplateEvent, ctx: TemplateHandlerContext): Promise<TemplateIsCompleteResult> {
  const passing = (error: unknown, e: TemplateEvent) => mayPass(error) && !timedOut(e, ctx.now());
  return pollWithin(ctx, resumingHandOver(event, (e) => onEventWork(e, ctx), (e) => checkOnce(e, ctx), passing));
}
