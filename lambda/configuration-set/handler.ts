/**
 * The lifecycle of one SES configuration set, with its options, event destinations and tags, in
 * one region, as Provider-framework onEvent and isComplete handlers.
 * `MultiRegionConfigurationSet` makes two such resources from one definition: one in the
 * stack's region (the primary) and one in the secondary region, because a send through a global
 * endpoint may be served by either. Small pure functions over injected per-region SES v2
 * clients: they throw with an actionable message and let the Provider framework report FAILED.
 *
 * Every SES call is a turn in the stack's schedule, so the handler reads once and writes only
 * the option groups, destinations and tags that differ from what SES holds.
 */
import {
  CreateConfigurationSetCommand,
  CreateConfigurationSetEventDestinationCommand,
  DeleteConfigurationSetCommand,
  DeleteConfigurationSetEventDestinationCommand,
  EventDestination,
  EventDestinationDefinition,
  GetConfigurationSetCommand,
  GetConfigurationSetCommandOutput,
  GetConfigurationSetEventDestinationsCommand,
  GetConfigurationSetEventDestinationsCommandOutput,
  ListTagsForResourceCommand,
  PutConfigurationSetDeliveryOptionsCommand,
  PutConfigurationSetReputationOptionsCommand,
  PutConfigurationSetSendingOptionsCommand,
  PutConfigurationSetSuppressionOptionsCommand,
  PutConfigurationSetTrackingOptionsCommand,
  PutConfigurationSetVdmOptionsCommand,
  SESv2Client,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateConfigurationSetEventDestinationCommand,
} from '@aws-sdk/client-sesv2';
import {
  configurationSetArn,
  configurationSetNameError,
  configurationSetPhysicalId,
  DEFAULT_CONFIGURATION_SET_TIMEOUT_SECONDS,
  deliveryStreamExpectation,
  destinationArnError,
  dimensionTextError,
  DIMENSION_VALUE_SOURCES,
  eventBusExpectation,
  eventDestinationNameError,
  EVENT_TYPES,
  FEATURE_STATUSES,
  HTTPS_POLICIES,
  IAM_ROLE_EXPECTATION,
  MAX_DELIVERY_SECONDS,
  MAX_EVENT_DESTINATIONS,
  maxDeliverySecondsError,
  oneOfError,
  parseConfigurationSetPhysicalId,
  redirectDomainError,
  snsTopicExpectation,
  SUPPRESSION_REASONS,
  TLS_POLICIES,
} from '../../lib/private/configuration-set-rules';
import {
  OWNER_TAG_KEY,
  otherRegionError,
  PREVIOUS_OWNER_TAG_KEY,
  resourceTarget,
  ResourceTarget,
  show,
  tagErrors,
  timeoutError,
} from '../../lib/private/rules';
import { regionNameError } from '../../lib/private/template-rules';
import { orHandOver, resumingHandOver } from '../shared/handover';
import { claimExisting, decideDelete, takeOverTags } from '../shared/ownership';
import { mayPass, Pacer } from '../shared/pacer';
import { pollWithin, PollingContext } from '../shared/polling';
import { dispatch, ProviderEvent, timedOut } from '../shared/provider-event';
import { errorName, loggedCall } from '../shared/ses-call';
import { tagChanges } from '../shared/tags';

/** What the handlers need from the outside world; injected so tests can drive them. */
export interface ConfigurationSetHandlerContext extends PollingContext {
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

/** The CloudFormation event of a configuration set resource, plus what its onEvent adds. */
export interface ConfigurationSetEvent extends ProviderEvent {
  /**
   * Set by onEvent on Create when SES did not find the new set yet to add its event
   * destinations (eventually consistent): isComplete adds them once it sees the set.
   */
  readonly DestinationsPending?: boolean;
}

export interface ConfigurationSetOnEventResult {
  readonly PhysicalResourceId: string;
  readonly WaitDeadline?: number;
  readonly CreatedAt?: number;
  readonly NothingToDelete?: boolean;
  /** Already as wanted: isComplete asks SES nothing. */
  readonly Settled?: boolean;
  readonly Data?: Record<string, string>;
  /** An Update that created a new set (a new name or region): removed again if it fails. */
  readonly Replacement?: boolean;
  /** onEvent ran out of turns: isComplete does its work again first. */
  readonly Pending?: boolean;
  readonly DestinationsPending?: boolean;
}

export interface ConfigurationSetIsCompleteResult {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

/** The option groups of a configuration set this library manages, as SES takes them. */
export interface ConfigurationSetOptions {
  readonly sendingEnabled: boolean;
  readonly reputationMetricsEnabled: boolean;
  readonly tlsPolicy: string;
  /** undefined: SES's default (14 hours) */
  readonly maxDeliverySeconds?: number;
  /** undefined: the account-level suppression list applies; []: no suppression list at all */
  readonly suppressedReasons?: string[];
  /** undefined: SES's own tracking domain */
  readonly customRedirectDomain?: string;
  readonly httpsPolicy?: string;
  /** ENABLED or DISABLED; undefined: the account's setting */
  readonly engagementMetrics?: string;
  readonly optimizedSharedDelivery?: string;
}

/** The resource's properties after validation. */
export interface ConfigurationSetProperties {
  readonly region: string;
  readonly configurationSetName: string;
  readonly options: ConfigurationSetOptions;
  /** Each with exactly one destination; `Enabled` and `MatchingEventTypes` always set. */
  readonly eventDestinations: ReadonlyArray<{ readonly Name: string } & EventDestinationDefinition>;
  readonly tags: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  readonly timeoutSeconds: number;
}

/** Short names for the signatures below. */
export type Ctx = ConfigurationSetHandlerContext;
export type Props = ConfigurationSetProperties;

/** SES may answer NotFound for a short while after a successful Create. */
export const NOT_FOUND_GRACE_MS = 60_000;
/** How often onEvent asks again for the tags of a set SES says exists but cannot find yet. */
export const TAGS_RETRY_INTERVAL_MS = 1_000;

const KNOWN_PROPERTIES = new Set([
  'ServiceToken', 'ServiceTimeout', 'Region', 'Secondary', 'ConfigurationSetName', 'SendingEnabled', 'ReputationMetricsEnabled', 'TlsPolicy',
  'MaxDeliverySeconds', 'SuppressedReasons', 'CustomRedirectDomain', 'HttpsPolicy', 'EngagementMetrics', 'OptimizedSharedDelivery',
  'EventDestinations', 'Tags', 'TimeoutSeconds',
]);
const DESTINATION_KINDS = ['CloudWatchDestination', 'EventBridgeDestination', 'SnsDestination', 'KinesisFirehoseDestination'] as const;

/** CloudFormation passes every property value as a string: `true` arrives as 'true'. */
function booleanOf(value: unknown, prop: string, errors: string[], fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  errors.push(`\`${prop}\` must be true or false, got: ${show(value)}`);
  return fallback;
}

function optionalOneOf(value: unknown, allowed: readonly string[], prop: string, errors: string[]): string | undefined {
  if (value === undefined) return undefined;
  const error = oneOfError(value, allowed, prop);
  if (error) errors.push(error);
  return value as string;
}

/** Validates one event destination (`at` names it in messages) and returns it as SES takes it. */
function parseDestination(raw: unknown, at: string, region: string, errors: string[]): ({ Name: string } & EventDestinationDefinition) | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.push(`\`${at}\` must be an object, got: ${JSON.stringify(raw)}`);
    return undefined;
  }
  const d = raw as Record<string, any>;
  const nameError = eventDestinationNameError(d.Name, `${at}.Name`);
  if (nameError) errors.push(nameError);
  const enabled = booleanOf(d.Enabled, `${at}.Enabled`, errors, true);
  const types = d.MatchingEventTypes;
  if (!Array.isArray(types) || types.length === 0) {
    errors.push(`\`${at}.MatchingEventTypes\` must list at least one event type, got: ${JSON.stringify(types ?? null)}`);
  } else {
    for (const t of types) {
      const error = oneOfError(t, EVENT_TYPES, `${at}.MatchingEventTypes`);
      if (error) errors.push(error);
    }
  }
  const kinds = DESTINATION_KINDS.filter((k) => d[k] !== undefined);
  if (kinds.length !== 1) {
    errors.push(`\`${at}\` must have exactly one of ${DESTINATION_KINDS.join(', ')}, got: ${kinds.length === 0 ? 'none' : kinds.join(', ')}`);
    return undefined;
  }
  const kind = kinds[0];
  const target = (d[kind] ?? {}) as Record<string, any>;
  const arn = (value: unknown, expectation: Parameters<typeof destinationArnError>[1], prop: string) => {
    const error = destinationArnError(value, expectation, `${at}.${kind}.${prop}`);
    if (error) errors.push(error);
  };
  let destination: EventDestinationDefinition;
  switch (kind) {
    case 'CloudWatchDestination': {
      const dims = target.DimensionConfigurations;
      if (!Array.isArray(dims) || dims.length === 0) {
        errors.push(`\`${at}.CloudWatchDestination.DimensionConfigurations\` must list at least one dimension, got: ${JSON.stringify(dims ?? null)}`);
        return undefined;
      }
      for (const [i, dim] of dims.entries()) {
        const where = `${at}.CloudWatchDestination.DimensionConfigurations[${i}]`;
        for (const error of [
          dimensionTextError(dim?.DimensionName, `${where}.DimensionName`),
          dimensionTextError(dim?.DefaultDimensionValue, `${where}.DefaultDimensionValue`),
          oneOfError(dim?.DimensionValueSource, DIMENSION_VALUE_SOURCES, `${where}.DimensionValueSource`),
        ]) if (error) errors.push(error);
      }
      destination = {
        CloudWatchDestination: {
          DimensionConfigurations: dims.map((dim: Record<string, string>) => ({
            DimensionName: dim.DimensionName,
            DimensionValueSource: dim.DimensionValueSource as never,
            DefaultDimensionValue: dim.DefaultDimensionValue,
          })),
        },
      };
      break;
    }
    case 'EventBridgeDestination':
      arn(target.EventBusArn, eventBusExpectation(region), 'EventBusArn');
      destination = { EventBridgeDestination: { EventBusArn: target.EventBusArn } };
      break;
    case 'SnsDestination':
      arn(target.TopicArn, snsTopicExpectation(region), 'TopicArn');
      destination = { SnsDestination: { TopicArn: target.TopicArn } };
      break;
    default:
      arn(target.DeliveryStreamArn, deliveryStreamExpectation(region), 'DeliveryStreamArn');
      arn(target.IamRoleArn, IAM_ROLE_EXPECTATION, 'IamRoleArn');
      destination = { KinesisFirehoseDestination: { DeliveryStreamArn: target.DeliveryStreamArn, IamRoleArn: target.IamRoleArn } };
  }
  return { Name: d.Name, Enabled: enabled, MatchingEventTypes: Array.isArray(types) ? types : [], ...destination };
}

/**
 * Validates the resource properties with the same rules the construct applies at synth (values
 * that were tokens then are only known now). Throws listing every problem.
 * @param primaryRegion the stack's region: a secondary configuration set must be elsewhere
 */
export function parseProperties(raw: Record<string, unknown> | undefined, primaryRegion: string): ConfigurationSetProperties {
  const props = raw ?? {};
  const errors: string[] = [];
  for (const key of Object.keys(props)) {
    if (!KNOWN_PROPERTIES.has(key)) errors.push(`unknown property '${key}'`);
  }
  const nameError = configurationSetNameError(props.ConfigurationSetName, 'ConfigurationSetName');
  if (nameError) errors.push(nameError);
  const secondary = props.Secondary === true || props.Secondary === 'true';
  const regionError = secondary
    ? otherRegionError(props.Region, primaryRegion, 'secondaryRegion', 'the primary configuration set is created')
    : regionNameError(props.Region, 'Region');
  if (regionError) errors.push(regionError);
  const region = props.Region as string;

  const tlsPolicy = optionalOneOf(props.TlsPolicy, TLS_POLICIES, 'TlsPolicy', errors) ?? 'OPTIONAL';
  let maxDeliverySeconds: number | undefined;
  if (props.MaxDeliverySeconds !== undefined) {
    maxDeliverySeconds = Number(props.MaxDeliverySeconds);
    const error = maxDeliverySecondsError(maxDeliverySeconds, 'MaxDeliverySeconds');
    if (error) errors.push(error);
  }
  let suppressedReasons: string[] | undefined;
  if (props.SuppressedReasons !== undefined) {
    if (!Array.isArray(props.SuppressedReasons)) {
      errors.push(`\`SuppressedReasons\` must be a list, got: ${JSON.stringify(props.SuppressedReasons)}`);
    } else {
      suppressedReasons = props.SuppressedReasons as string[];
      for (const reason of suppressedReasons) {
        const error = oneOfError(reason, SUPPRESSION_REASONS, 'SuppressedReasons');
        if (error) errors.push(error);
      }
    }
  }
  const customRedirectDomain = props.CustomRedirectDomain as string | undefined;
  if (customRedirectDomain !== undefined) {
    const error = redirectDomainError(customRedirectDomain, 'CustomRedirectDomain');
    if (error) errors.push(error);
  }
  const httpsPolicy = optionalOneOf(props.HttpsPolicy, HTTPS_POLICIES, 'HttpsPolicy', errors);
  if (httpsPolicy !== undefined && customRedirectDomain === undefined) {
    errors.push('`HttpsPolicy` needs a `CustomRedirectDomain` (it is the policy of that tracking domain), got none');
  }
  const options: ConfigurationSetOptions = {
    sendingEnabled: booleanOf(props.SendingEnabled, 'SendingEnabled', errors, true),
    reputationMetricsEnabled: booleanOf(props.ReputationMetricsEnabled, 'ReputationMetricsEnabled', errors, false),
    tlsPolicy,
    maxDeliverySeconds,
    suppressedReasons,
    customRedirectDomain,
    httpsPolicy,
    engagementMetrics: optionalOneOf(props.EngagementMetrics, FEATURE_STATUSES, 'EngagementMetrics', errors),
    optimizedSharedDelivery: optionalOneOf(props.OptimizedSharedDelivery, FEATURE_STATUSES, 'OptimizedSharedDelivery', errors),
  };

  const rawDestinations = props.EventDestinations ?? [];
  const eventDestinations: Array<{ Name: string } & EventDestinationDefinition> = [];
  if (!Array.isArray(rawDestinations)) {
    errors.push(`\`EventDestinations\` must be a list, got: ${JSON.stringify(rawDestinations)}`);
  } else {
    if (rawDestinations.length > MAX_EVENT_DESTINATIONS) {
      errors.push(`\`EventDestinations\` may hold at most ${MAX_EVENT_DESTINATIONS} destinations (SES's quota per configuration set), got: ${rawDestinations.length}`);
    }
    const seen = new Set<unknown>();
    rawDestinations.forEach((d, i) => {
      const parsed = parseDestination(d, `EventDestinations[${i}]`, region, errors);
      if (!parsed) return;
      if (seen.has(parsed.Name)) errors.push(`\`EventDestinations\` names must be unique, got ${show(parsed.Name)} twice`);
      seen.add(parsed.Name);
      eventDestinations.push(parsed);
    });
  }

  const rawTags = props.Tags ?? [];
  let tags: Array<{ Key: string; Value: string }> = [];
  if (!Array.isArray(rawTags) || rawTags.some((t) => typeof t !== 'object' || t === null)) {
    errors.push(`\`Tags\` must be a list of {Key, Value}, got: ${JSON.stringify(rawTags)}`);
  } else {
    tags = rawTags as Array<{ Key: string; Value: string }>;
    errors.push(...tagErrors(tags.map((t) => ({ key: t.Key, value: t.Value })), 'Tags'));
  }
  const timeoutSeconds = props.TimeoutSeconds === undefined ? DEFAULT_CONFIGURATION_SET_TIMEOUT_SECONDS : Number(props.TimeoutSeconds);
  const timeoutProblem = timeoutError(timeoutSeconds, 'TimeoutSeconds');
  if (timeoutProblem) errors.push(timeoutProblem);

  if (errors.length > 0) {
    throw new Error(`Invalid properties for the SES configuration set: ${errors.join('; ')}`);
  }
  return { region, configurationSetName: props.ConfigurationSetName as string, options, eventDestinations, tags, timeoutSeconds };
}


/** Sends one SES command in `region`, in the resource's turn. */
async function call<T>(
  ctx: Ctx, region: string, operation: string, configurationSetName: string, command: unknown, extra: Record<string, unknown> = {},
): Promise<T> {
  return loggedCall(ctx, ctx.ses(region), operation, { region, configurationSetName, ...extra }, command);
}

type Target = ResourceTarget;

function targetOf(event: ConfigurationSetEvent): Target {
  return resourceTarget(event.StackId, event.LogicalResourceId);
}

function arnOf(target: Target, region: string, name: string): string {
  return configurationSetArn(target.location, region, name);
}

/** The tags the set must carry: the user's plus our ownership mark. */
function desiredTags(props: Props, target: Target): Array<{ Key: string; Value: string }> {
  return [...props.tags.map(({ Key, Value }) => ({ Key, Value })), { Key: OWNER_TAG_KEY, Value: target.owner }];
}

function tagsOf(list: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

// ---- the option groups: what SES holds, what is wanted, and the Put that writes each ----

type SetState = GetConfigurationSetCommandOutput;
/** What SES holds of a set: its options (with its tags) and its event destinations. */
type SetRead = { set: SetState; destinations: EventDestination[] };

/** One option group: whether SES's state already has it as wanted, and the command that writes it. */
interface OptionGroup {
  readonly operation: string;
  readonly matches: (current: SetState) => boolean;
  readonly write: (name: string, current: SetState) => unknown;
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  JSON.stringify(a === undefined ? null : [...new Set(a)].sort()) === JSON.stringify(b === undefined ? null : [...new Set(b)].sort());

function optionGroups(o: ConfigurationSetOptions): OptionGroup[] {
  return [
    {
      operation: 'PutConfigurationSetSendingOptions',
      matches: (c) => (c.SendingOptions?.SendingEnabled ?? true) === o.sendingEnabled,
      write: (name) => new PutConfigurationSetSendingOptionsCommand({ ConfigurationSetName: name, SendingEnabled: o.sendingEnabled }),
    },
    {
      operation: 'PutConfigurationSetReputationOptions',
      matches: (c) => (c.ReputationOptions?.ReputationMetricsEnabled ?? false) === o.reputationMetricsEnabled,
      write: (name) => new PutConfigurationSetReputationOptionsCommand({
        ConfigurationSetName: name,
        ReputationMetricsEnabled: o.reputationMetricsEnabled,
      }),
    },
    {
      operation: 'PutConfigurationSetDeliveryOptions',
      // No MaxDeliverySeconds is SES's default of 14 hours, the longest.
      matches: (c) => (c.DeliveryOptions?.TlsPolicy ?? 'OPTIONAL') === o.tlsPolicy
        && (c.DeliveryOptions?.MaxDeliverySeconds ?? MAX_DELIVERY_SECONDS) === (o.maxDeliverySeconds ?? MAX_DELIVERY_SECONDS),
      // A dedicated IP pool is regional and not managed here: one attached in a region stays.
      write: (name, c) => new PutConfigurationSetDeliveryOptionsCommand({
        ConfigurationSetName: name,
        TlsPolicy: o.tlsPolicy as never,
        MaxDeliverySeconds: o.maxDeliverySeconds,
        SendingPoolName: c.DeliveryOptions?.SendingPoolName,
      }),
    },
    {
      operation: 'PutConfigurationSetSuppressionOptions',
      matches: (c) => sameList(c.SuppressionOptions?.SuppressedReasons, o.suppressedReasons),
      // Auto-validation options (ValidationOptions) are not managed here: they stay as they are.
      write: (name, c) => new PutConfigurationSetSuppressionOptionsCommand({
        ConfigurationSetName: name,
        SuppressedReasons: o.suppressedReasons as never,
        ...(c.SuppressionOptions?.ValidationOptions ? { ValidationOptions: c.SuppressionOptions.ValidationOptions } : {}),
      }),
    },
    {
      operation: 'PutConfigurationSetTrackingOptions',
      matches: (c) => (c.TrackingOptions?.CustomRedirectDomain ?? undefined) === o.customRedirectDomain
        && (o.customRedirectDomain === undefined || (c.TrackingOptions?.HttpsPolicy ?? 'OPTIONAL') === (o.httpsPolicy ?? 'OPTIONAL')),
      write: (name) => new PutConfigurationSetTrackingOptionsCommand({
        ConfigurationSetName: name,
        CustomRedirectDomain: o.customRedirectDomain,
        HttpsPolicy: o.httpsPolicy as never,
      }),
    },
    {
      operation: 'PutConfigurationSetVdmOptions',
      matches: (c) => c.VdmOptions?.DashboardOptions?.EngagementMetrics === o.engagementMetrics
        && c.VdmOptions?.GuardianOptions?.OptimizedSharedDelivery === o.optimizedSharedDelivery,
      write: (name) => new PutConfigurationSetVdmOptionsCommand({ ConfigurationSetName: name, VdmOptions: vdmOptionsOf(o) }),
    },
  ];
}

function vdmOptionsOf(o: ConfigurationSetOptions) {
  if (o.engagementMetrics === undefined && o.optimizedSharedDelivery === undefined) return undefined;
  return {
    ...(o.engagementMetrics ? { DashboardOptions: { EngagementMetrics: o.engagementMetrics as never } } : {}),
    ...(o.optimizedSharedDelivery ? { GuardianOptions: { OptimizedSharedDelivery: o.optimizedSharedDelivery as never } } : {}),
  };
}

/** Every option group in CreateConfigurationSet's shape. */
function createOptions(o: ConfigurationSetOptions) {
  const vdm = vdmOptionsOf(o);
  return {
    SendingOptions: { SendingEnabled: o.sendingEnabled },
    ReputationOptions: { ReputationMetricsEnabled: o.reputationMetricsEnabled },
    DeliveryOptions: { TlsPolicy: o.tlsPolicy as never, ...(o.maxDeliverySeconds !== undefined ? { MaxDeliverySeconds: o.maxDeliverySeconds } : {}) },
    ...(o.suppressedReasons !== undefined ? { SuppressionOptions: { SuppressedReasons: o.suppressedReasons as never } } : {}),
    ...(o.customRedirectDomain !== undefined
      ? { TrackingOptions: { CustomRedirectDomain: o.customRedirectDomain, ...(o.httpsPolicy ? { HttpsPolicy: o.httpsPolicy as never } : {}) } }
      : {}),
    ...(vdm ? { VdmOptions: vdm } : {}),
  };
}

// ---- event destinations ----

/** A destination as a canonical text: equal texts are equal destinations (event order aside). */
function destinationKey(d: EventDestination | EventDestinationDefinition): string {
  const cw = d.CloudWatchDestination?.DimensionConfigurations?.map((c) => [c.DimensionName, c.DimensionValueSource, c.DefaultDimensionValue]);
  return JSON.stringify([
    d.Enabled ?? false,
    [...new Set(d.MatchingEventTypes ?? [])].sort(),
    cw ?? null,
    d.EventBridgeDestination?.EventBusArn ?? null,
    d.SnsDestination?.TopicArn ?? null,
    d.KinesisFirehoseDestination ? [d.KinesisFirehoseDestination.DeliveryStreamArn, d.KinesisFirehoseDestination.IamRoleArn] : null,
    d.PinpointDestination?.ApplicationArn ?? null,
  ]);
}

interface DestinationChanges {
  readonly toDelete: string[];
  readonly toUpdate: Array<{ Name: string } & EventDestinationDefinition>;
  readonly toCreate: Array<{ Name: string } & EventDestinationDefinition>;
}

function destinationChanges(desired: ConfigurationSetProperties['eventDestinations'], current: readonly EventDestination[]): DestinationChanges {
  const byName = new Map(current.map((d) => [d.Name, d]));
  const wanted = new Set(desired.map((d) => d.Name));
  return {
    toDelete: current.map((d) => d.Name!).filter((name) => !wanted.has(name)),
    toUpdate: desired.filter((d) => byName.has(d.Name) && destinationKey(byName.get(d.Name)!) !== destinationKey(d)),
    toCreate: desired.filter((d) => !byName.has(d.Name)),
  };
}

const definitionOf = ({ Name: _name, ...definition }: { Name: string } & EventDestinationDefinition): EventDestinationDefinition => definition;

/** Brings the set's event destinations to the wanted ones: deletes first (room under SES's quota), then updates, then creates. */
async function syncDestinations(ctx: Ctx, props: Props, current: readonly EventDestination[]): Promise<number> {
  const { region, configurationSetName: name } = props;
  const { toDelete, toUpdate, toCreate } = destinationChanges(props.eventDestinations, current);
  for (const destination of toDelete) {
    const command = new DeleteConfigurationSetEventDestinationCommand({ ConfigurationSetName: name, EventDestinationName: destination });
    await call(ctx, region, 'DeleteConfigurationSetEventDestination', name, command, { eventDestinationName: destination });
  }
  for (const d of toUpdate) {
    await call(ctx, region, 'UpdateConfigurationSetEventDestination', name, new UpdateConfigurationSetEventDestinationCommand({
      ConfigurationSetName: name,
      EventDestinationName: d.Name,
      EventDestination: definitionOf(d),
    }), { eventDestinationName: d.Name });
  }
  for (const d of toCreate) await createDestination(ctx, props, d);
  return toDelete.length + toUpdate.length + toCreate.length;
}

async function createDestination(ctx: Ctx, props: Props, d: { Name: string } & EventDestinationDefinition): Promise<void> {
  const { region, configurationSetName: name } = props;
  try {
    await call(ctx, region, 'CreateConfigurationSetEventDestination', name, new CreateConfigurationSetEventDestinationCommand({
      ConfigurationSetName: name,
      EventDestinationName: d.Name,
      EventDestination: definitionOf(d),
    }), { eventDestinationName: d.Name });
  } catch (error) {
    if (errorName(error) === 'LimitExceededException') {
      throw new Error(`Cannot add the event destination '${d.Name}' to the SES configuration set '${name}' in ${region}: SES's quota of event destinations per configuration set is reached (${(error as Error).message}).`);
    }
    if (errorName(error) === 'BadRequestException') {
      throw new Error(`SES refused the event destination '${d.Name}' of the configuration set '${name}' in ${region}: ${(error as Error).message}`);
    }
    throw error;
  }
}

// ---- tags ----


async function syncTags(ctx: Ctx, props: Props, target: Target, current: Record<string, string>): Promise<number> {
  const { region, configurationSetName: name } = props;
  const arn = arnOf(target, region, name);
  const { toRemove, toSet } = tagChanges(desiredTags(props, target), current);
  if (toRemove.length > 0) {
    await call(ctx, region, 'UntagResource', name, new UntagResourceCommand({ ResourceArn: arn, TagKeys: toRemove }));
  }
  if (toSet.length > 0) {
    await call(ctx, region, 'TagResource', name, new TagResourceCommand({ ResourceArn: arn, Tags: toSet }));
  }
  return (toRemove.length > 0 ? 1 : 0) + (toSet.length > 0 ? 1 : 0);
}

// ---- reads ----

/** GetConfigurationSet, or undefined when SES says NotFound. */
async function getSet(ctx: Ctx, region: string, name: string): Promise<SetState | undefined> {
  try {
    return await call<SetState>(ctx, region, 'GetConfigurationSet', name, new GetConfigurationSetCommand({ ConfigurationSetName: name }));
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

async function getDestinations(ctx: Ctx, region: string, name: string): Promise<EventDestination[] | undefined> {
  try {
    const output = await call<GetConfigurationSetEventDestinationsCommandOutput>(ctx, region, 'GetConfigurationSetEventDestinations', name,
      new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: name }));
    return output.EventDestinations ?? [];
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

/** Current tags of a set (ListTagsForResource), or undefined when it does not exist. */
async function currentTags(ctx: Ctx, target: Target, region: string, name: string): Promise<Record<string, string> | undefined> {
  try {
    const output = await call<{ Tags?: Array<{ Key?: string; Value?: string }> }>(ctx, region, 'ListTagsForResource', name,
      new ListTagsForResourceCommand({ ResourceArn: arnOf(target, region, name) }));
    return tagsOf(output.Tags);
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

/**
 * Tags of a set SES just said exists (AlreadyExists). Right after its Create, SES may still
 * answer NotFound (a retried Create): ask again for a while before giving up.
 */
async function tagsOfExistingSet(ctx: Ctx, target: Target, region: string, name: string): Promise<Record<string, string>> {
  const giveUpAt = ctx.now() + NOT_FOUND_GRACE_MS;
  for (;;) {
    const tags = await currentTags(ctx, target, region, name);
    if (tags !== undefined) return tags;
    if (ctx.now() >= giveUpAt) throw cannotFind(name, region);
    if (!ctx.pacer) await ctx.sleep(TAGS_RETRY_INTERVAL_MS);
  }
}

function cannotFind(name: string, region: string): Error {
  return new Error(`SES says a configuration set named '${name}' already exists in ${region} but cannot find it: it may be being deleted. Deploy again in a few minutes.`);
}

/** What SES holds of a set: its options (with its tags) and its event destinations; undefined when it does not exist. */
async function readSet(ctx: Ctx, region: string, name: string): Promise<SetRead | undefined> {
  const set = await getSet(ctx, region, name);
  if (set === undefined) return undefined;
  const destinations = await getDestinations(ctx, region, name);
  if (destinations === undefined) return undefined;
  return { set, destinations };
}

/**
 * Brings a set this resource holds to the wanted options, destinations and tags, writing only
 * what differs from what SES holds (not from OldResourceProperties, so that a rollback goes
 * through). The number of writes.
 */
async function syncSet(
  ctx: Ctx, props: Props, target: Target,
  state: SetRead, tags: Record<string, string>,
): Promise<number> {
  const { region, configurationSetName: name } = props;
  let writes = 0;
  for (const group of optionGroups(props.options)) {
    if (group.matches(state.set)) continue;
    await call(ctx, region, group.operation, name, group.write(name, state.set));
    writes++;
  }
  writes += await syncDestinations(ctx, props, state.destinations);
  writes += await syncTags(ctx, props, target, tags);
  return writes;
}

/** Whether bringing the set to `props` would write anything, the ownership tag aside. */
function wouldWrite(props: Props, state: SetRead, tags: Record<string, string>): boolean {
  const { toDelete, toUpdate, toCreate } = destinationChanges(props.eventDestinations, state.destinations);
  const { toRemove, toSet } = tagChanges(props.tags, Object.fromEntries(Object.entries(tags).filter(([key]) => key !== OWNER_TAG_KEY)));
  return optionGroups(props.options).some((g) => !g.matches(state.set))
    || toDelete.length + toUpdate.length + toCreate.length + toRemove.length + toSet.length > 0;
}

// ---- the lifecycle ----

/** Creates the set, or adopts it when a retried or rolled-back request of this very resource (or a moved one) made it already. */
async function createSet(ctx: Ctx, props: Props, target: Target): Promise<ConfigurationSetOnEventResult> {
  const { region, configurationSetName: name } = props;
  let destinationsPending = false;
  try {
    await call(ctx, region, 'CreateConfigurationSet', name, new CreateConfigurationSetCommand({
      ConfigurationSetName: name,
      ...createOptions(props.options),
      Tags: desiredTags(props, target),
    }));
    // A new set has no event destinations: create them all, without reading first.
    for (const d of props.eventDestinations) {
      try {
        await createDestination(ctx, props, d);
      } catch (error) {
        if (errorName(error) !== 'NotFoundException') throw error;
        // Not visible yet right after its Create: isComplete adds them once it sees the set.
        destinationsPending = true;
        break;
      }
    }
  } catch (error) {
    const message = (error as Error).message;
    switch (errorName(error)) {
      case 'AlreadyExistsException': {
        await adoptExisting(ctx, props, target);
        break;
      }
      case 'LimitExceededException':
        throw new Error(`Cannot create the SES configuration set '${name}' in ${region}: the account's quota of configuration sets there is reached (${message}). Delete unused configuration sets or request a quota increase.`);
      case 'BadRequestException':
        throw new Error(`SES refused to create the configuration set '${name}' in ${region}: ${message}`);
      default:
        throw error;
    }
  }
  const now = ctx.now();
  return {
    PhysicalResourceId: configurationSetPhysicalId(region, name),
    CreatedAt: now,
    WaitDeadline: now + props.timeoutSeconds * 1000,
    ...(destinationsPending ? { DestinationsPending: true } : {}),
  };
}

/** A set of the wanted name exists: ours (adopt), a moved resource's of this stack (take over), or foreign (refuse, untouched). */
async function adoptExisting(ctx: Ctx, props: Props, target: Target): Promise<void> {
  const { region, configurationSetName: name } = props;
  let tags = await tagsOfExistingSet(ctx, target, region, name);
  const claim = claimExisting(tags, target);
  if (claim === 'foreign') {
    throw new Error(`An SES configuration set named '${name}' already exists in ${region} and was not created by this stack: choose another configurationSetName, or delete that configuration set if this stack should own it. It was left untouched.`);
  }
  if (claim === 'take over') {
    // Another resource of this stack made it: this construct moved. The same set.
    const handover = takeOverTags(tags, target);
    await call(ctx, region, 'TagResource', name, new TagResourceCommand({ ResourceArn: arnOf(target, region, name), Tags: handover }));
    ctx.log({ operation: 'TakeOverMovedConfigurationSet', region, configurationSetName: name, outcome: 'ok', from: tags[OWNER_TAG_KEY] });
    tags = { ...tags, ...Object.fromEntries(handover.map((t) => [t.Key, t.Value])) };
  } else {
    // Ours: a retried Create, or a rollback back to a set we still hold.
    ctx.log({ operation: 'AdoptOwnConfigurationSet', region, configurationSetName: name, outcome: 'ok' });
  }
  const state = await readSet(ctx, region, name);
  if (state === undefined) throw cannotFind(name, region);
  await syncSet(ctx, props, target, state, tags);
}

async function onCreate(event: ConfigurationSetEvent, ctx: Ctx): Promise<ConfigurationSetOnEventResult> {
  const target = targetOf(event);
  return createSet(ctx, parseProperties(event.ResourceProperties, target.location.region), target);
}

async function onUpdate(event: ConfigurationSetEvent, ctx: Ctx): Promise<ConfigurationSetOnEventResult> {
  const target = targetOf(event);
  const props = parseProperties(event.ResourceProperties, target.location.region);
  const { region, configurationSetName: name } = props;
  const physicalId = configurationSetPhysicalId(region, name);
  if (physicalId !== event.PhysicalResourceId) {
    // A new name or region is a new set; CloudFormation deletes the old one during cleanup,
    // and isComplete deletes the new one again if it fails.
    return { ...await createSet(ctx, props, target), Replacement: true };
  }
  // Compare with the set itself, not OldResourceProperties: on a rollback those hold the failed
  // change, and the rollback must go through. GetConfigurationSet answers the tags too.
  const state = await readSet(ctx, region, name);
  if (state === undefined) {
    // Deleted outside CloudFormation, while the stack still declares it: create it again.
    // Failing would fail the rollback the same way (UPDATE_ROLLBACK_FAILED).
    ctx.log({ operation: 'RecreateMissingConfigurationSet', region, configurationSetName: name, outcome: 'was gone' });
    return createSet(ctx, props, target);
  }
  const tags = tagsOf(state.set.Tags);
  if (tags[OWNER_TAG_KEY] === target.owner) {
    await syncSet(ctx, props, target, state, tags);
  } else if (wouldWrite(props, state, tags)) {
    // Not ours (any more): writing it would take it over. Only an update that would write
    // nothing goes through (a rollback back to what it has).
    throw new Error(`The SES configuration set '${name}' in ${region} is not owned by this resource (its ${OWNER_TAG_KEY} tag is ${JSON.stringify(tags[OWNER_TAG_KEY] ?? null)}): it was left untouched. Give this resource another configurationSetName, or remove it from the stack.`);
  }
  // SES applies option, destination and tag writes to an existing set at once: nothing to wait for.
  return { PhysicalResourceId: physicalId, WaitDeadline: ctx.now() + props.timeoutSeconds * 1000, Settled: true, Data: dataOf(props, target) };
}

async function onDelete(event: ConfigurationSetEvent, ctx: Ctx): Promise<ConfigurationSetOnEventResult> {
  const physicalId = event.PhysicalResourceId ?? '';
  const parsed = parseConfigurationSetPhysicalId(physicalId);
  if (parsed === undefined) {
    // Not a configuration set id (a create that failed before making anything): nothing of ours exists.
    ctx.log({ operation: 'Delete', physicalId, outcome: 'not a configuration set id, nothing to delete' });
    return { PhysicalResourceId: physicalId, NothingToDelete: true };
  }
  const { region, configurationSetName: name } = parsed;
  const target = targetOf(event);
  const tags = await currentTags(ctx, target, region, name);
  if (tags === undefined) return { PhysicalResourceId: physicalId, NothingToDelete: true };
  const decision = decideDelete(tags, target);
  const arn = arnOf(target, region, name);
  switch (decision.action) {
    case 'leave':
      ctx.log({ operation: 'Delete', region, configurationSetName: name, outcome: decision.why, owner: tags[OWNER_TAG_KEY] ?? null });
      return { PhysicalResourceId: physicalId, NothingToDelete: true };
    case 'complete handover':
      await call(ctx, region, 'UntagResource', name, new UntagResourceCommand({ ResourceArn: arn, TagKeys: [PREVIOUS_OWNER_TAG_KEY] }));
      ctx.log({ operation: 'Delete', region, configurationSetName: name, outcome: 'moved to another resource of the stack, left in place' });
      return { PhysicalResourceId: physicalId, NothingToDelete: true };
    case 'give back':
      await giveBack(ctx, region, name, arn, decision.to);
      ctx.log({ operation: 'Delete', region, configurationSetName: name, outcome: 'given back to the resource it was taken over from', owner: decision.to });
      return { PhysicalResourceId: physicalId, NothingToDelete: true };
    case 'delete':
      break;
  }
  // SES deletes the set's event destinations with it, at once.
  await requestDeletion(ctx, region, name);
  return { PhysicalResourceId: physicalId, NothingToDelete: true };
}

async function giveBack(ctx: Ctx, region: string, name: string, arn: string, to: string): Promise<void> {
  await call(ctx, region, 'TagResource', name, new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: OWNER_TAG_KEY, Value: to }] }));
  await call(ctx, region, 'UntagResource', name, new UntagResourceCommand({ ResourceArn: arn, TagKeys: [PREVIOUS_OWNER_TAG_KEY] }));
}

/** Deletes a set (and its event destinations); NotFound means it is gone already. */
async function requestDeletion(ctx: Ctx, region: string, name: string): Promise<'deleted' | 'gone'> {
  try {
    await call(ctx, region, 'DeleteConfigurationSet', name, new DeleteConfigurationSetCommand({ ConfigurationSetName: name }));
    return 'deleted';
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return 'gone';
    throw error;
  }
}

function waitSecondsOf(event: ConfigurationSetEvent): number {
  const timeoutSeconds = Number(event.ResourceProperties?.TimeoutSeconds ?? DEFAULT_CONFIGURATION_SET_TIMEOUT_SECONDS);
  return timeoutError(timeoutSeconds) === undefined ? timeoutSeconds : DEFAULT_CONFIGURATION_SET_TIMEOUT_SECONDS;
}

/** The Provider framework's onEvent handler. */
export async function onEvent(event: ConfigurationSetEvent, ctx: Ctx): Promise<ConfigurationSetOnEventResult> {
  return orHandOver(() => onEventWork(event, ctx), () => {
    // Out of turns: the physical id is already known (the properties were valid, or onEvent
    // would have failed before its first call); isComplete does the rest.
    const now = ctx.now();
    let physicalId = event.PhysicalResourceId ?? '';
    if (event.RequestType !== 'Delete') {
      const props = parseProperties(event.ResourceProperties, targetOf(event).location.region);
      physicalId = configurationSetPhysicalId(props.region, props.configurationSetName);
    }
    ctx.log({ operation: event.RequestType, physicalId, outcome: 'out of turns in onEvent, handed over to isComplete' });
    return { PhysicalResourceId: physicalId, Pending: true, CreatedAt: now, WaitDeadline: now + waitSecondsOf(event) * 1000 };
  });
}

async function onEventWork(event: ConfigurationSetEvent, ctx: Ctx): Promise<ConfigurationSetOnEventResult> {
  return dispatch(event, { onCreate: (e) => onCreate(e, ctx), onUpdate: (e) => onUpdate(e, ctx), onDelete: (e) => onDelete(e, ctx) });
}


/** The attributes `Fn::GetAtt` reads. */
function dataOf(props: Props, target: Target): Record<string, string> {
  return {
    ConfigurationSetName: props.configurationSetName,
    Region: props.region,
    Arn: arnOf(target, props.region, props.configurationSetName),
  };
}

/** Whether the new set is visible (and, if onEvent could not add them, has its event destinations). */
async function isVisible(
  event: ConfigurationSetEvent, ctx: Ctx, props: Props, target: Target,
): Promise<ConfigurationSetIsCompleteResult> {
  const { region, configurationSetName: name } = props;
  const set = await getSet(ctx, region, name);
  if (set === undefined) {
    const created = event.CreatedAt ?? 0;
    if (ctx.now() - created < NOT_FOUND_GRACE_MS && !timedOut(event, ctx.now())) {
      return { IsComplete: false }; // eventually consistent right after Create
    }
    throw new Error(`The SES configuration set '${name}' in ${region} was not found: it was deleted outside CloudFormation or never became visible.`);
  }
  if (event.DestinationsPending) {
    const current = await getDestinations(ctx, region, name);
    if (current === undefined) return { IsComplete: false };
    await syncDestinations(ctx, props, current);
  }
  return { IsComplete: true, Data: dataOf(props, target) };
}

/**
 * An Update that created a new set and then failed removes it again: CloudFormation keeps the
 * old one and never learns of the new one.
 */
async function removeFailedReplacement(ctx: Ctx, props: Props, target: Target): Promise<void> {
  const { region, configurationSetName: name } = props;
  try {
    const tags = await currentTags(ctx, target, region, name);
    if (tags === undefined) return;
    const decision = decideDelete(tags, target);
    if (decision.action === 'delete') {
      ctx.log({ operation: 'RemoveFailedReplacement', region, configurationSetName: name, outcome: await requestDeletion(ctx, region, name) });
    } else if (decision.action === 'give back') {
      await giveBack(ctx, region, name, arnOf(target, region, name), decision.to);
      ctx.log({ operation: 'RemoveFailedReplacement', region, configurationSetName: name, outcome: 'given back', owner: decision.to });
    }
  } catch (error) {
    // Best effort: the deployment fails with the original error either way.
    ctx.log({ operation: 'RemoveFailedReplacement', region, configurationSetName: name, outcome: errorName(error), message: (error as Error).message });
  }
}

async function isReady(event: ConfigurationSetEvent, ctx: Ctx): Promise<ConfigurationSetIsCompleteResult> {
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

async function checkOnce(event: ConfigurationSetEvent, ctx: Ctx): Promise<ConfigurationSetIsCompleteResult> {
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
 * The Provider framework's isComplete handler; Data once the set is visible. Polls for up to
 * `pollWindowMs` within one invocation, then hands back to the framework.
 */
export async function isComplete(event: ConfigurationSetEvent, ctx: Ctx): Promise<ConfigurationSetIsCompleteResult> {
  const passing = (error: unknown, e: ConfigurationSetEvent) => mayPass(error) && !timedOut(e, ctx.now());
  return pollWithin(ctx, resumingHandOver(event, (e) => onEventWork(e, ctx), (e) => checkOnce(e, ctx), passing));
}
