import { CfnElement, CustomResource, Duration, Names, RemovalPolicy, Resource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { nagResourceId } from './private/nag';
import { SesProvider } from './private/provider';
import {
  domainNameError,
  primaryRegionError,
  replicaPhysicalId,
  replicaRegionError,
  replicaTargetHash,
  REPLICA_RESOURCE_TYPE,
} from './private/replica-rules';
import { DEFAULT_TIMEOUT_SECONDS, serviceTimeoutSeconds, timeoutError } from './private/rules';

/**
 * Options of a {@link ReplicaEmailIdentity}, beside what it replicates and where.
 */
export interface ReplicaEmailIdentityOptions {
  /**
   * What happens to the replica when it is removed from the stack or replaced.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How long to wait for the replica to be verified for sending, or to disappear after
   * deletion, before the deployment fails. Between 5 seconds and 55 minutes, in whole
   * seconds (CloudFormation gives a custom resource at most 60 minutes; the library keeps 5
   * of them to fail with its own message).
   *
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;
}

/**
 * Properties of a {@link ReplicaEmailIdentity}.
 */
export interface ReplicaEmailIdentityProps extends ReplicaEmailIdentityOptions {
  /**
   * The parent: a domain identity in the stack's region that uses Easy DKIM (not Bring
   * Your Own DKIM, and not itself a replica), for example `example.com`. The replica
   * has the same name.
   *
   * Changing it replaces the replica.
   */
  readonly parentIdentityName: string;

  /**
   * The region to create the replica in, for example the endpoint's secondary region.
   * Must be a region name such as `us-west-2`, different from the stack's region.
   *
   * Changing it replaces the replica: the new one is created before the old one is deleted.
   */
  readonly replicaRegion: string;
}

/**
 * A DEED (Deterministic Easy DKIM) replica of a domain identity: the same identity in
 * another region, signing with the parent's DKIM keys, so it needs no new DNS records.
 * A multi-region endpoint needs its sending identities in both of its regions.
 *
 * Deploying checks that the parent exists in the stack's region and uses Easy DKIM,
 * creates the replica in `replicaRegion` and waits until it is verified for sending.
 * Removing it deletes the replica and waits until it is gone. Identities this library
 * did not create are never modified or deleted.
 *
 * @resource Custom::SESReplicaEmailIdentity
 */
export class ReplicaEmailIdentity extends Resource {
  /** The CloudFormation resource type of the custom resource. */
  public static readonly RESOURCE_TYPE = REPLICA_RESOURCE_TYPE;

  /**
   * Creates a DEED replica of `parent` in `replicaRegion`. The replica is deployed after
   * the parent (and removed before it, which SES requires).
   *
   * @param scope the construct scope; the parent is in its stack's region
   * @param id the construct id
   * @param parent the parent identity: a domain identity that uses Easy DKIM
   * @param replicaRegion the region to create the replica in
   * @param options the removal policy and the timeout
   */
  public static forEmailIdentity(
    scope: Construct,
    id: string,
    parent: ses.IEmailIdentity,
    replicaRegion: string,
    options: ReplicaEmailIdentityOptions = {},
  ): ReplicaEmailIdentity {
    // DEED replicates domains only: an email address identity of the stack is caught here,
    // where its definition is visible (its name is a token until deploy time).
    const definition = parent.node.defaultChild instanceof ses.CfnEmailIdentity ? parent.node.defaultChild.emailIdentity : undefined;
    if (typeof definition === 'string' && !Token.isUnresolved(definition) && definition.includes('@')) {
      throw new Error(`\`parent\` must be a domain identity: DEED replicates domains, not email addresses, got: '${definition}'`);
    }
    const replica = new ReplicaEmailIdentity(scope, id, { ...options, parentIdentityName: parent.emailIdentityName, replicaRegion });
    replica.node.addDependency(parent);
    return replica;
  }

  /** The parent identity's name (the replica has the same name). */
  public readonly parentIdentityName: string;

  /** The parent identity's ARN, in the primary region. */
  public readonly parentIdentityArn: string;

  /** The region of the replica. */
  public readonly replicaRegion: string;

  /** The primary region: the stack's region, where the parent identity is. */
  public readonly primaryRegion: string;

  /**
   * The replica's name: the parent's name, available once the replica is verified for
   * sending (using it makes a resource wait for that).
   *
   * @attribute
   */
  public readonly identityName: string;

  /**
   * The replica's ARN, in the replica region:
   * `arn:${Partition}:ses:${ReplicaRegion}:${Account}:identity/${IdentityName}`.
   *
   * @attribute
   */
  public readonly identityArn: string;

  /**
   * The replica's DKIM signing attributes origin: `AWS_SES_` and the primary region, for
   * example `AWS_SES_US_EAST_1`.
   *
   * @attribute
   */
  public readonly signingAttributesOrigin: string;

  /** The custom resource that is the replica in the template. */
  private readonly resource: CustomResource;

  /**
   * @param scope the construct scope; the parent is in its stack's region
   * @param id the construct id
   * @param props the parent, the replica region and options
   */
  constructor(scope: Construct, id: string, props: ReplicaEmailIdentityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const provider = SesProvider.getOrCreate(this);
    const name = props.parentIdentityName;
    const region = props.replicaRegion;

    this.parentIdentityName = name;
    this.replicaRegion = region;
    this.primaryRegion = stack.region;
    validateParentIdentityName(name);
    validateReplicaRegion(region, stack.region);
    validatePrimaryRegion(stack.region);
    validateUniqueReplica(provider, name, region, this.node.path);
    const timeoutSeconds = props.timeout ? props.timeout.toMilliseconds({ integral: false }) / 1000 : DEFAULT_TIMEOUT_SECONDS;
    validateTimeout(timeoutSeconds);

    this.parentIdentityArn = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    const replicaArn = stack.formatArn({ service: 'ses', region, resource: 'identity', resourceName: name });

    // A new name or region makes new logical ids for the resource and its policy: CloudFormation
    // then creates the new replica (with its new policy), and in the cleanup deletes the old
    // replica before the old policy, so the deletion still has its permissions. Updating the
    // policy in place would take them away first and orphan the old replica.
    const suffix = replicaTargetHash(resolvedOrUndefined(name), resolvedOrUndefined(region));

    // This replica's permissions, on the shared provider role: only its parent and its replica.
    const policy = new iam.Policy(this, 'Policy', {
      // Unique per name and region too: two inline policies of one name would overwrite each other.
      policyName: `${Names.uniqueId(this).slice(-100)}Policy${suffix}`,
      roles: [provider.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ReplicateParentDkimSigningKey',
          // Permission-only action that CreateEmailIdentity checks on the parent; the
          // condition key is multi-valued (ArrayOfString), hence ForAllValues.
          actions: ['ses:ReplicateEmailIdentityDKIMSigningKey'],
          resources: [this.parentIdentityArn],
          conditions: { 'ForAllValues:StringEquals': { 'ses:ReplicaRegion': [region] } },
        }),
        new iam.PolicyStatement({
          sid: 'ReadParentIdentity',
          actions: ['ses:GetEmailIdentity'],
          resources: [this.parentIdentityArn],
        }),
        new iam.PolicyStatement({
          sid: 'ManageReplicaIdentity',
          // SES lists `identity` as a resource type of the tag actions too, so nothing
          // here needs '*'. TagResource: CreateEmailIdentity with Tags requires it.
          // UntagResource: a construct moved inside the stack hands the replica over with tags.
          actions: ['ses:CreateEmailIdentity', 'ses:GetEmailIdentity', 'ses:DeleteEmailIdentity', 'ses:TagResource', 'ses:UntagResource', 'ses:ListTagsForResource'],
          resources: [replicaArn],
        }),
      ],
    });
    if (Token.isUnresolved(name)) {
      // A parent known only at deploy time (an EmailIdentity of the stack, a parameter) can
      // change without a new logical id: this policy is then updated in place, before
      // CloudFormation's cleanup deletes the old replica, whose name it no longer holds. Reading
      // and deleting identities of the replica region stays allowed for that cleanup; the
      // handler deletes only identities that carry this resource's ownership tag.
      const replicaIdentities = stack.formatArn({ service: 'ses', region, resource: 'identity', resourceName: '*' });
      policy.addStatements(new iam.PolicyStatement({
        sid: 'CleanUpOwnReplicas',
        actions: ['ses:GetEmailIdentity', 'ses:DeleteEmailIdentity', 'ses:ListTagsForResource', 'ses:UntagResource'],
        resources: [replicaIdentities],
      }));
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResourceId(stack, replicaIdentities)}]`,
        reason: 'Read and delete identities of the replica region, not only the current replica: when the parent (a token) changes, '
          + 'this policy is updated before CloudFormation deletes the old replica. The handler only deletes identities that carry '
          + 'this resource\'s ownership tag.',
      });
    }

    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: ReplicaEmailIdentity.RESOURCE_TYPE,
      properties: {
        ParentIdentityName: name,
        ReplicaRegion: region,
        TimeoutSeconds: timeoutSeconds,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      // CloudFormation's own limit, past the handler's: the handler's message comes first.
      serviceTimeout: Duration.seconds(serviceTimeoutSeconds(timeoutSeconds)),
    });
    // The handler's permissions must outlive the replica when it is deleted.
    resource.node.addDependency(policy);
    provider.schedule(resource);
    this.resource = resource;

    for (const element of [resource.node.defaultChild, policy.node.defaultChild] as CfnElement[]) {
      element.overrideLogicalId(`${stack.getLogicalId(element)}${suffix}`);
    }

    this.identityName = resource.getAttString('IdentityName');
    this.identityArn = resource.getAttString('IdentityArn');
    this.signingAttributesOrigin = resource.getAttString('SigningAttributesOrigin');
  }

  /**
   * What happens to the replica when it is removed from the stack or replaced, as on any
   * L2 construct (the same as the `removalPolicy` option).
   *
   * @param policy RETAIN keeps the replica identity in SES; DESTROY deletes it (and waits until it is gone)
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(policy);
  }
}

function resolvedOrUndefined(value: string): string | undefined {
  return Token.isUnresolved(value) ? undefined : value;
}

function validateParentIdentityName(name: string): void {
  if (Token.isUnresolved(name)) return; // checked by the handler once resolved
  const error = domainNameError(name);
  if (error) throw new Error(error);
}

function validateReplicaRegion(region: string, stackRegion: string): void {
  if (Token.isUnresolved(region)) return;
  const error = replicaRegionError(region, Token.isUnresolved(stackRegion) ? undefined : stackRegion);
  if (error) throw new Error(error);
}

function validatePrimaryRegion(stackRegion: string): void {
  if (Token.isUnresolved(stackRegion)) return;
  const error = primaryRegionError(stackRegion);
  if (error) throw new Error(error);
}

function validateUniqueReplica(provider: SesProvider, name: string, region: string, path: string): void {
  if (Token.isUnresolved(name) || Token.isUnresolved(region)) return;
  const key = replicaPhysicalId(region, name);
  const other = provider.replicas.get(key);
  if (other !== undefined) {
    throw new Error(`A replica of '${name}' in ${region} is already defined in this stack (by ${other}): define each replica once`);
  }
  provider.replicas.set(key, path);
}

function validateTimeout(seconds: number): void {
  const error = timeoutError(seconds);
  if (error) throw new Error(error);
}
