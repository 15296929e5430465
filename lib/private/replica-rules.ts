/**
 * Validation and naming rules for DEED (Deterministic Easy DKIM) replica identities.
 *
 * Pure: no aws-cdk-lib import, because the custom-resource handler bundles this
 * file too. The construct applies these rules at synth time to resolved values;
 * the handler applies the very same rules to whatever reached it as tokens.
 */
import { createHash } from 'crypto';
import { otherRegionError, show, StackLocation } from './rules';

/** The custom resource type the replica handler serves. */
export const REPLICA_RESOURCE_TYPE = 'Custom::SESReplicaEmailIdentity';

/** `DkimAttributes.SigningAttributesOrigin` of an identity that uses Easy DKIM (the only kind DEED replicates). */
export const EASY_DKIM_ORIGIN = 'AWS_SES';
/** `DkimAttributes.SigningAttributesOrigin` of an identity that uses Bring Your Own DKIM. */
export const BYODKIM_ORIGIN = 'EXTERNAL';
/** A DEED replica's origin is this prefix and its parent's region: `AWS_SES_US_EAST_1`. */
export const DEED_ORIGIN_PREFIX = 'AWS_SES_';

/**
 * The regions SES replicates DKIM signing keys from: the `AWS_SES_<REGION>` values of the
 * SDK's `DkimSigningAttributesOrigin` (@aws-sdk/client-sesv2 3.1176.0). The parent (the
 * stack's region) must be one of them.
 */
export const DEED_PARENT_ORIGINS: readonly string[] = [
  'AWS_SES_AF_SOUTH_1',
  'AWS_SES_AP_NORTHEAST_1',
  'AWS_SES_AP_NORTHEAST_2',
  'AWS_SES_AP_NORTHEAST_3',
  'AWS_SES_AP_SOUTHEAST_1',
  'AWS_SES_AP_SOUTHEAST_2',
  'AWS_SES_AP_SOUTHEAST_3',
  'AWS_SES_AP_SOUTHEAST_5',
  'AWS_SES_AP_SOUTH_1',
  'AWS_SES_AP_SOUTH_2',
  'AWS_SES_CA_CENTRAL_1',
  'AWS_SES_CA_WEST_1',
  'AWS_SES_EU_CENTRAL_1',
  'AWS_SES_EU_CENTRAL_2',
  'AWS_SES_EU_NORTH_1',
  'AWS_SES_EU_SOUTH_1',
  'AWS_SES_EU_WEST_1',
  'AWS_SES_EU_WEST_2',
  'AWS_SES_EU_WEST_3',
  'AWS_SES_IL_CENTRAL_1',
  'AWS_SES_ME_CENTRAL_1',
  'AWS_SES_ME_SOUTH_1',
  'AWS_SES_SA_EAST_1',
  'AWS_SES_US_EAST_1',
  'AWS_SES_US_EAST_2',
  'AWS_SES_US_GOV_EAST_1',
  'AWS_SES_US_GOV_WEST_1',
  'AWS_SES_US_WEST_1',
  'AWS_SES_US_WEST_2',
];

/** DNS: at most 253 characters, labels of 1-63 letters, digits and inner hyphens. */
export const DOMAIN_MAX_LENGTH = 253;
const DOMAIN_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/** At least two labels; the top-level label is not all digits (that would be an IP address). */
export const DOMAIN_PATTERN = new RegExp(`^(?:${DOMAIN_LABEL}\\.)+(?!\\d+$)${DOMAIN_LABEL}$`);

/** The DEED origin of a replica whose parent is in `region`: `us-east-1` -> `AWS_SES_US_EAST_1`. */
export function deedOrigin(region: string): string {
  return `${DEED_ORIGIN_PREFIX}${region.toUpperCase().replace(/-/g, '_')}`;
}

/** The parent region a DEED origin names (`AWS_SES_US_EAST_1` -> `us-east-1`), or undefined for other origins. */
export function regionOfDeedOrigin(origin: unknown): string | undefined {
  if (typeof origin !== 'string' || !origin.startsWith(DEED_ORIGIN_PREFIX)) return undefined;
  return origin.slice(DEED_ORIGIN_PREFIX.length).toLowerCase().replace(/_/g, '-');
}

/** Returns why `name` is not a domain identity DEED can replicate, or undefined when it is. */
export function domainNameError(name: unknown, prop = 'parentIdentityName'): string | undefined {
  if (typeof name === 'string' && name.length <= DOMAIN_MAX_LENGTH && DOMAIN_PATTERN.test(name)) {
    return undefined;
  }
  return `\`${prop}\` must be a domain name such as 'example.com' (DEED replicates domain identities that use Easy DKIM), got: ${show(name)}`;
}

/**
 * Returns why `region` is not a valid replica region, or undefined when it is.
 * @param primaryRegion the parent's region (the stack's region), when known
 */
export function replicaRegionError(region: unknown, primaryRegion?: string, prop = 'replicaRegion'): string | undefined {
  return otherRegionError(region, primaryRegion, prop, 'the parent identity is');
}

/** Returns why the parent's region (the stack's region) cannot be a DEED parent region, or undefined when it can. */
export function primaryRegionError(region: string): string | undefined {
  if (DEED_PARENT_ORIGINS.includes(deedOrigin(region))) return undefined;
  return `The primary region (the stack's region) must be one SES replicates DKIM keys from (DEED origin ${deedOrigin(region)} is not among ${DEED_PARENT_ORIGINS.join(', ')}), got: ${show(region)}`;
}

/** An SES identity ARN: `arn:${Partition}:ses:${Region}:${Account}:identity/${IdentityName}`. */
export function identityArn(location: Pick<StackLocation, 'partition' | 'account'>, region: string, identityName: string): string {
  return `arn:${location.partition}:ses:${region}:${location.account}:identity/${identityName}`;
}

/**
 * The custom resource's physical id: `<replicaRegion>/<identityName>`. With the region in
 * it, a region change is a replacement CloudFormation can see (new id, old one deleted).
 */
export function replicaPhysicalId(replicaRegion: string, identityName: string): string {
  return `${replicaRegion}/${identityName}`;
}

/** Parses {@link replicaPhysicalId}; undefined when `id` is not one (nothing of ours behind it). */
export function parseReplicaPhysicalId(id: unknown): { readonly replicaRegion: string; readonly identityName: string } | undefined {
  if (typeof id !== 'string') return undefined;
  const slash = id.indexOf('/');
  const replicaRegion = id.slice(0, slash);
  const identityName = id.slice(slash + 1);
  if (slash < 0 || replicaRegionError(replicaRegion) !== undefined || domainNameError(identityName) !== undefined) {
    return undefined;
  }
  return { replicaRegion, identityName };
}

/**
 * A short, stable hash of what a replica is (its name and region). The construct adds it to
 * the logical ids of the custom resource and its IAM policy, so changing either makes
 * CloudFormation create a new replica (with a new policy) and then delete the old one while
 * the old policy still grants what that deletion needs. Unresolved values (tokens) count
 * as `undefined`: they keep the ids stable.
 */
export function replicaTargetHash(identityName: string | undefined, replicaRegion: string | undefined): string {
  return createHash('sha256').update(JSON.stringify([identityName ?? null, replicaRegion ?? null])).digest('hex').slice(0, 8).toUpperCase();
}
