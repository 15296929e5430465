/**
 * Validation and naming rules for SES multi-region endpoints.
 *
 * Pure: no aws-cdk-lib import, because the custom-resource handler bundles this
 * file too. The construct applies these rules at synth time to resolved values;
 * the handler applies the very same rules to whatever reached it as tokens.
 */
import { createHash } from 'crypto';

/** The custom resource types the handler serves. */
export const ENDPOINT_RESOURCE_TYPE = 'Custom::SESMultiRegionEndpoint';
export const LOOKUP_RESOURCE_TYPE = 'Custom::SESMultiRegionEndpointLookup';

/** SES: EndpointName is 1-64 characters of letters, digits, `_` and `-`. */
export const ENDPOINT_NAME_PATTERN = /^[\w-]+$/;
export const ENDPOINT_NAME_MAX_LENGTH = 64;

/** Region names such as `us-west-2`, `us-gov-east-1`, `eusc-de-east-1`. */
export const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
export const REGION_MAX_LENGTH = 25;

/** SES allows 50 tags per resource; the library keeps one for its ownership tag. */
export const MAX_TAGS_PER_RESOURCE = 50;
export const OWNER_TAG_KEY = 'cdk-ses-multi-region-endpoint:owner';
/**
 * Set while a resource whose construct moved inside its stack (a new logical id) takes an
 * endpoint or replica over from its old resource: the old owner, so that a rolled-back move
 * gives it back. The old resource's cleanup Delete removes it: the handover is complete.
 */
export const PREVIOUS_OWNER_TAG_KEY = 'cdk-ses-multi-region-endpoint:previous-owner';
export const MAX_USER_TAGS = MAX_TAGS_PER_RESOURCE - 1;
export const TAG_KEY_MAX_LENGTH = 128;
export const TAG_VALUE_MAX_LENGTH = 256;
/** Unicode letters, digits, white space and `_ . : / = + -` (SES tag rules). */
const TAG_CHARACTERS = /^[\p{L}\p{N}\s_.:/=+\-]*$/u;
const TAG_CHARACTERS_TEXT = 'Unicode letters, digits, white space or _ . : / = + -';

/**
 * The range a resource may wait. CloudFormation fails a custom resource on its own after its
 * ServiceTimeout, at most 3600 s from the request, whatever the handler is doing; the library
 * keeps SERVICE_TIMEOUT_MARGIN_SECONDS of that for the handler to fail with its own message.
 */
export const MIN_TIMEOUT_SECONDS = 5;
export const SERVICE_TIMEOUT_MARGIN_SECONDS = 300;
export const MAX_SERVICE_TIMEOUT_SECONDS = 3600;
export const MAX_TIMEOUT_SECONDS = MAX_SERVICE_TIMEOUT_SECONDS - SERVICE_TIMEOUT_MARGIN_SECONDS;
export const DEFAULT_TIMEOUT_SECONDS = 1800;

/** The custom resource's ServiceTimeout for a valid `timeout`: time for the handler's own timeout message first. */
export function serviceTimeoutSeconds(timeoutSeconds: number): number {
  return Math.min(MAX_SERVICE_TIMEOUT_SECONDS, timeoutSeconds + SERVICE_TIMEOUT_MARGIN_SECONDS);
}

/** A generated name is `<prefix>-<secondaryRegion>`; the prefix leaves room for the longest region. */
export const GENERATED_PREFIX_MAX_LENGTH = ENDPOINT_NAME_MAX_LENGTH - 1 - REGION_MAX_LENGTH;

/** A value as error messages quote it: strings in single quotes, anything else as JSON. */
export function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
}

/** Returns why `name` is not a valid endpoint name, or undefined when it is. */
export function endpointNameError(name: unknown, prop = 'endpointName'): string | undefined {
  if (typeof name === 'string' && name.length >= 1 && name.length <= ENDPOINT_NAME_MAX_LENGTH && ENDPOINT_NAME_PATTERN.test(name)) {
    return undefined;
  }
  return `\`${prop}\` must match ^[\\w-]+$ and be 1-${ENDPOINT_NAME_MAX_LENGTH} characters, got: ${show(name)}`;
}

/** SES's rule for configuration set and template names: letters, digits, `_` and `-`, 1-64 characters. */
export const SES_RESOURCE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Returns why `name` is not a valid configuration set or template name (`prop` says which), or undefined. */
export function sesResourceNameError(name: unknown, prop: string): string | undefined {
  if (typeof name === 'string' && SES_RESOURCE_NAME_PATTERN.test(name)) return undefined;
  return `\`${prop}\` must match ^[A-Za-z0-9_-]+$ and be 1-64 characters, got: ${show(name)}`;
}

/** Endpoint IDs look like `abcdef12.g3h`. */
export const ENDPOINT_ID_PATTERN = /^[A-Za-z0-9]+(\.[A-Za-z0-9]+)+$/;

/** Returns why `endpointId` does not look like an endpoint ID, or undefined when it does. */
export function endpointIdError(endpointId: unknown, prop = 'endpointId'): string | undefined {
  if (typeof endpointId === 'string' && endpointId.length <= 128 && ENDPOINT_ID_PATTERN.test(endpointId)) return undefined;
  return `\`${prop}\` must be an endpoint ID such as 'abcdef12.g3h', got: ${show(endpointId)}`;
}

/**
 * Returns why `region` is not a valid secondary region, or undefined when it is.
 * @param primaryRegion the region the endpoint is created in, when known
 */
export function secondaryRegionError(region: unknown, primaryRegion?: string, prop = 'secondaryRegion'): string | undefined {
  return otherRegionError(region, primaryRegion, prop, 'the endpoint is created');
}

/**
 * Returns why `region` is not a valid region other than the primary one, or undefined.
 * @param primaryHas what the primary region holds, for the message ("the endpoint is created")
 */
export function otherRegionError(region: unknown, primaryRegion: string | undefined, prop: string, primaryHas: string): string | undefined {
  if (typeof region !== 'string' || region.length > REGION_MAX_LENGTH || !REGION_PATTERN.test(region)) {
    return `\`${prop}\` must be an AWS region name such as 'us-west-2', got: ${show(region)}`;
  }
  if (primaryRegion !== undefined && region === primaryRegion) {
    return `\`${prop}\` must differ from the primary region (the stack's region, where ${primaryHas}), got: ${show(region)}`;
  }
  return undefined;
}

/**
 * Returns every reason why `tags` are not valid endpoint tags (empty when they are).
 * @param isUnresolved tells which keys and values are not known yet (synth-time tokens);
 *   those are skipped here and checked by the handler
 */
export function tagErrors(
  tags: ReadonlyArray<{ key: unknown; value: unknown }>,
  prop = 'tags',
  isUnresolved: (value: unknown) => boolean = () => false,
): string[] {
  const errors: string[] = [];
  if (tags.length > MAX_USER_TAGS) {
    errors.push(`\`${prop}\` may hold at most ${MAX_USER_TAGS} tags (SES allows ${MAX_TAGS_PER_RESOURCE}, this library keeps 1 for its ownership tag), got: ${tags.length}`);
  }
  const seen = new Set<unknown>();
  for (const { key, value } of tags) {
    if (isUnresolved(key)) continue;
    if (typeof key !== 'string' || key.length < 1 || key.length > TAG_KEY_MAX_LENGTH || !TAG_CHARACTERS.test(key)) {
      errors.push(`\`${prop}\` keys must be 1-${TAG_KEY_MAX_LENGTH} characters of ${TAG_CHARACTERS_TEXT}, got: ${show(key)}`);
      continue;
    }
    if (key.toLowerCase().startsWith('aws:')) {
      errors.push(`\`${prop}\` keys must not start with 'aws:' (reserved by AWS), got: ${show(key)}`);
    } else if (key === OWNER_TAG_KEY || key === PREVIOUS_OWNER_TAG_KEY) {
      errors.push(`\`${prop}\` key ${show(key)} is reserved by this library to mark the endpoints it owns, got: ${show(key)}`);
    }
    if (seen.has(key)) {
      errors.push(`\`${prop}\` keys must be unique, got ${show(key)} twice`);
    }
    seen.add(key);
    if (isUnresolved(value)) continue;
    if (typeof value !== 'string' || value.length > TAG_VALUE_MAX_LENGTH || !TAG_CHARACTERS.test(value)) {
      errors.push(`\`${prop}\` value of ${show(key)} must be 0-${TAG_VALUE_MAX_LENGTH} characters of ${TAG_CHARACTERS_TEXT}, got: ${show(value)}`);
    }
  }
  return errors;
}

/** Returns why `seconds` is not a valid wait timeout, or undefined when it is. */
export function timeoutError(seconds: unknown, prop = 'timeout'): string | undefined {
  if (typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= MIN_TIMEOUT_SECONDS && seconds <= MAX_TIMEOUT_SECONDS) {
    return undefined;
  }
  return `\`${prop}\` must be a whole number of seconds between ${MIN_TIMEOUT_SECONDS} seconds and ${MAX_TIMEOUT_SECONDS / 60} minutes (CloudFormation gives a custom resource at most ${MAX_SERVICE_TIMEOUT_SECONDS / 60} minutes, and the library keeps ${SERVICE_TIMEOUT_MARGIN_SECONDS / 60} of them to fail with its own message), got: ${typeof seconds === 'number' ? `${seconds} seconds` : show(seconds)}`;
}

function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * The stable part of a generated endpoint name: readable path components plus a hash
 * of the stack name and construct path, so it is unique per stack and construct and
 * the same on every synth.
 */
export function generatedNamePrefix(stackName: string, constructPath: string): string {
  const hash = createHash('sha256').update(`${stackName}\0${constructPath}`).digest('hex').slice(0, 8);
  const readableRoom = GENERATED_PREFIX_MAX_LENGTH - hash.length - 1;
  const readable = sanitize(constructPath.split('/').filter(Boolean).join('-'));
  const tail = readable.length > readableRoom ? readable.slice(readable.length - readableRoom).replace(/^[-_]+/, '') : readable;
  return tail ? `${tail}-${hash}` : hash;
}

/**
 * A generated endpoint name ends with the secondary region, so changing the region
 * changes the name and CloudFormation's replacement creates the new endpoint before
 * deleting the old one.
 */
export function generatedEndpointName(prefix: string, secondaryRegion: string): string {
  return `${prefix}-${secondaryRegion}`;
}

/** Where the endpoint lives: parsed from a CloudFormation stack ARN. */
export interface StackLocation {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** Parses `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>`. */
export function parseStackId(stackId: unknown): StackLocation {
  const match = typeof stackId === 'string' ? /^arn:([^:]+):cloudformation:([^:]+):(\d{12}):stack\/.+/.exec(stackId) : null;
  if (!match) {
    throw new Error(`StackId must be a CloudFormation stack ARN, got: ${show(stackId)}`);
  }
  return { partition: match[1], region: match[2], account: match[3] };
}

/** The endpoint ARN (used for tagging and IAM); SES builds it from the name and never returns it. */
export function endpointArn(location: StackLocation, endpointName: string): string {
  return `arn:${location.partition}:ses:${location.region}:${location.account}:multi-region-endpoint/${endpointName}`;
}

/**
 * The value of the ownership tag: the stack's id and the resource's logical id, so a
 * rebuilt stack of the same name or another resource never claims this endpoint.
 * Hashed only if it would not fit a tag value.
 */
export function ownerTagValue(stackId: string, logicalResourceId: string): string {
  const value = `${stackId}/${logicalResourceId}`;
  if (value.length <= TAG_VALUE_MAX_LENGTH && TAG_CHARACTERS.test(value)) {
    return value;
  }
  return `sha256:${createHash('sha256').update(value).digest('hex')}`;
}

/** Where a custom resource's SES object lives and the ownership tag value that marks it as this resource's. */
export interface ResourceTarget {
  readonly location: StackLocation;
  readonly owner: string;
  /** The stack's id: owners that start with it and a `/` are resources of the same stack. */
  readonly stackId: string;
}

/** The target of the resource CloudFormation names by its stack id and logical id. */
export function resourceTarget(stackId: string, logicalResourceId: string): ResourceTarget {
  return { location: parseStackId(stackId), owner: ownerTagValue(stackId, logicalResourceId), stackId };
}

/**
 * Whether an ownership tag value names another resource of the target's own stack: the
 * construct moved (a new id or parent, `cdk refactor`), so its logical id changed. A hashed
 * value (a stack ARN and logical id longer than a tag value) cannot be told apart: foreign.
 */
export function ownedByAnotherResourceOfTheStack(owner: string | undefined, target: ResourceTarget): boolean {
  return owner !== undefined && owner !== target.owner && owner.startsWith(`${target.stackId}/`) && !owner.slice(target.stackId.length + 1).includes('/');
}
