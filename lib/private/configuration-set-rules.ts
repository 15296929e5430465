/**
 * Validation and naming rules for SES configuration sets kept in both regions of a global
 * endpoint, and their event destinations.
 *
 * Pure: no aws-cdk-lib import, because the custom-resource handler bundles this file too. The
 * construct applies these rules at synth time to resolved values; the handler applies the very
 * same rules to whatever reached it as tokens.
 */
import { sesResourceNameError, show } from './rules';
import { regionNameError } from './template-rules';

/** The custom resource type the configuration set handler serves: one resource per configuration set and region. */
export const CONFIGURATION_SET_RESOURCE_TYPE = 'Custom::SESConfigurationSet';

/**
 * How long a configuration set resource waits, by default, for its set to be visible: SES
 * answers within seconds; five minutes leave room for throttling.
 */
export const DEFAULT_CONFIGURATION_SET_TIMEOUT_SECONDS = 300;

/** SES's range for MaxDeliverySeconds: 5 minutes to 14 hours. */
export const MIN_DELIVERY_SECONDS = 300;
export const MAX_DELIVERY_SECONDS = 50_400;

/** SES's quota of event destinations per configuration set. */
export const MAX_EVENT_DESTINATIONS = 10;

/** SES v2's event types (`EventType`). */
export const EVENT_TYPES = ['SEND', 'REJECT', 'BOUNCE', 'COMPLAINT', 'DELIVERY', 'OPEN', 'CLICK', 'RENDERING_FAILURE', 'DELIVERY_DELAY', 'SUBSCRIPTION'];
export const TLS_POLICIES = ['REQUIRE', 'OPTIONAL'];
export const HTTPS_POLICIES = ['REQUIRE', 'REQUIRE_OPEN_ONLY', 'OPTIONAL'];
export const SUPPRESSION_REASONS = ['BOUNCE', 'COMPLAINT'];
export const FEATURE_STATUSES = ['ENABLED', 'DISABLED'];
export const DIMENSION_VALUE_SOURCES = ['MESSAGE_TAG', 'EMAIL_HEADER', 'LINK_TAG'];

/** A domain name such as `track.example.com`. */
const DOMAIN_PATTERN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
/** CloudWatch dimension names and default values (SES): ASCII letters, digits, `_ - . @ :`, at most 256. */
const DIMENSION_PATTERN = /^[A-Za-z0-9_.@:-]{1,256}$/;

/**
 * aws-cdk-lib's `ses.EmailSendingEvent` and `ses.CloudWatchDimensionSource` values are SES v1's
 * camelCase names (`renderingFailure`); SES v2 takes them as `RENDERING_FAILURE`.
 */
export function sesV2Name(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** Returns why `name` is not a valid configuration set name, or undefined. */
export function configurationSetNameError(name: unknown, prop = 'configurationSetName'): string | undefined {
  return sesResourceNameError(name, prop);
}

/** Returns why `seconds` is not a valid maximum delivery time, or undefined. */
export function maxDeliverySecondsError(seconds: unknown, prop: string): string | undefined {
  if (typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= MIN_DELIVERY_SECONDS && seconds <= MAX_DELIVERY_SECONDS) return undefined;
  return `\`${prop}\` must be a whole number of seconds between 5 minutes and 14 hours (SES's MaxDeliverySeconds, `
    + `${MIN_DELIVERY_SECONDS}-${MAX_DELIVERY_SECONDS}), got: ${typeof seconds === 'number' ? `${seconds} seconds` : show(seconds)}`;
}

/** Returns why `domain` is not a domain name for open and click tracking, or undefined. */
export function redirectDomainError(domain: unknown, prop: string): string | undefined {
  if (typeof domain === 'string' && DOMAIN_PATTERN.test(domain)) return undefined;
  return `\`${prop}\` must be a domain name such as 'track.example.com', got: ${show(domain)}`;
}

/** Returns why `value` is none of `allowed`, or undefined. */
export function oneOfError(value: unknown, allowed: readonly string[], prop: string): string | undefined {
  if (typeof value === 'string' && allowed.includes(value)) return undefined;
  return `\`${prop}\` must be one of ${allowed.join(', ')}, got: ${show(value)}`;
}

/** Returns why `name` is not a valid event destination name, or undefined. */
export function eventDestinationNameError(name: unknown, prop = 'eventDestinationName'): string | undefined {
  return sesResourceNameError(name, prop);
}

/** Returns why a CloudWatch dimension name or default value is not valid, or undefined. */
export function dimensionTextError(value: unknown, prop: string): string | undefined {
  if (typeof value === 'string' && DIMENSION_PATTERN.test(value)) return undefined;
  return `\`${prop}\` must be 1-256 characters of ASCII letters, digits or _ - . @ :, got: ${show(value)}`;
}

/** The parts of an ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

export function parseArn(arn: string): ArnParts | undefined {
  const match = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/.exec(arn);
  if (!match) return undefined;
  return { partition: match[1], service: match[2], region: match[3], account: match[4], resource: match[5] };
}

/** What an ARN given for a destination must name. */
export interface ArnExpectation {
  /** `sns`, `firehose` or `iam` */
  readonly service: string;
  /** What the message calls it: 'an SNS topic ARN' */
  readonly what: string;
  /** The region it must be in, when known (undefined: not checked, or global like IAM) */
  readonly region?: string;
  /** The resource must start with this, e.g. `deliverystream/` or `role/` */
  readonly resourcePrefix?: string;
  /** The resource must be exactly this, e.g. `event-bus/default` */
  readonly resource?: string;
}

/** Returns why `arn` is not the ARN expected (a regional one in the right region), or undefined. */
export function destinationArnError(arn: unknown, expected: ArnExpectation, prop: string): string | undefined {
  const parts = typeof arn === 'string' ? parseArn(arn) : undefined;
  const shaped = parts !== undefined && parts.service === expected.service && parts.account !== ''
    && (expected.resourcePrefix === undefined || parts.resource.startsWith(expected.resourcePrefix))
    && (expected.resource === undefined || parts.resource === expected.resource)
    && (expected.service === 'iam' ? parts.region === '' : parts.region !== '');
  if (!shaped) return `\`${prop}\` must be ${expected.what}, got: ${show(arn)}`;
  if (expected.region !== undefined && parts!.region !== expected.region) {
    return `\`${prop}\` must be in ${expected.region} (SES publishes a region's events only to targets in that region), got: ${show(arn)}`;
  }
  return undefined;
}

/** The expectations for each ARN of a per-region destination, in `region`. */
export function snsTopicExpectation(region: string | undefined): ArnExpectation {
  return { service: 'sns', what: 'an SNS topic ARN', region };
}
export function deliveryStreamExpectation(region: string | undefined): ArnExpectation {
  return { service: 'firehose', what: 'a Firehose delivery stream ARN', region, resourcePrefix: 'deliverystream/' };
}
export const IAM_ROLE_EXPECTATION: ArnExpectation = { service: 'iam', what: 'an IAM role ARN', resourcePrefix: 'role/' };
export function eventBusExpectation(region: string | undefined): ArnExpectation {
  return { service: 'events', what: 'the ARN of a default event bus (arn:<partition>:events:<region>:<account>:event-bus/default)', region, resource: 'event-bus/default' };
}

/** An SES configuration set ARN: `arn:${Partition}:ses:${Region}:${Account}:configuration-set/${Name}`. */
export function configurationSetArn(location: { readonly partition: string; readonly account: string }, region: string, name: string): string {
  return `arn:${location.partition}:ses:${region}:${location.account}:configuration-set/${name}`;
}

/**
 * The custom resource's physical id: `<region>/<configurationSetName>`. With the region in it, a
 * region change is a replacement CloudFormation can see (new id, old one deleted).
 */
export function configurationSetPhysicalId(region: string, name: string): string {
  return `${region}/${name}`;
}

/** Parses {@link configurationSetPhysicalId}; undefined when `id` is not one (nothing of ours behind it). */
export function parseConfigurationSetPhysicalId(id: unknown): { readonly region: string; readonly configurationSetName: string } | undefined {
  if (typeof id !== 'string') return undefined;
  const slash = id.indexOf('/');
  if (slash < 0) return undefined;
  const region = id.slice(0, slash);
  const configurationSetName = id.slice(slash + 1);
  if (regionNameError(region, 'region') !== undefined || configurationSetNameError(configurationSetName) !== undefined) return undefined;
  return { region, configurationSetName };
}
