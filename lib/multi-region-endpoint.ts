import { CustomResource, Duration, IResource, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MultiRegionEndpointProvider } from './private/provider';
import {
  DEFAULT_TIMEOUT_SECONDS,
  endpointNameError,
  generatedEndpointName,
  generatedNamePrefix,
  secondaryRegionError,
  tagErrors,
  timeoutError,
} from './private/rules';

/**
 * An Amazon SES v2 multi-region endpoint (global endpoint).
 */
export interface IMultiRegionEndpoint extends IResource {
  /**
   * The endpoint's name.
   *
   * @attribute
   */
  readonly endpointName: string;

  /**
   * The endpoint's ID, as `SendEmail` and `SendBulkEmail` take it in `EndpointId`
   * (for example `abcdef12.g3h`).
   *
   * @attribute
   */
  readonly endpointId: string;

  /**
   * The endpoint's ARN: `arn:${Partition}:ses:${Region}:${Account}:multi-region-endpoint/${EndpointName}`.
   *
   * @attribute
   */
  readonly endpointArn: string;
}

/**
 * Properties of a {@link MultiRegionEndpoint}.
 */
export interface MultiRegionEndpointProps {
  /**
   * The secondary region. The primary region is the stack's own region, where the
   * endpoint is created and managed; mail is sent through both.
   *
   * Must be a region name such as `us-west-2`, different from the stack's region.
   */
  readonly secondaryRegion: string;

  /**
   * The endpoint's name: 1-64 characters of letters, digits, `_` and `-`, unique in
   * the account and primary region.
   *
   * Changing it replaces the endpoint. Changing `secondaryRegion` requires a new name,
   * which a generated name provides by itself.
   *
   * @default - generated from the stack name, the construct path and the secondary region
   */
  readonly endpointName?: string;

  /**
   * Tags to apply to the endpoint. Changes are applied in place.
   *
   * At most 49 (SES allows 50 and this library keeps one to mark the endpoints it owns).
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * What happens to the endpoint when it is removed from the stack or replaced.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How long to wait for the endpoint to become READY, or to disappear after deletion,
   * before the deployment fails. Between 5 seconds and 60 minutes (the Provider
   * framework's limit), in whole seconds.
   *
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;
}

/**
 * An Amazon SES v2 multi-region endpoint (global endpoint) that sends through the
 * stack's region and a secondary region.
 *
 * Deploying creates the endpoint and waits until it is READY; `endpointId` is what
 * `SendEmail({ EndpointId })` needs. Removing it deletes the endpoint and waits until
 * it is gone. Endpoints this library did not create are never modified or deleted.
 *
 * @resource Custom::SESMultiRegionEndpoint
 */
export class MultiRegionEndpoint extends Resource implements IMultiRegionEndpoint {
  /** The CloudFormation resource type of the custom resource. */
  public static readonly RESOURCE_TYPE = 'Custom::SESMultiRegionEndpoint';

  public readonly endpointName: string;
  public readonly endpointId: string;
  public readonly endpointArn: string;

  /**
   * The endpoint's status once the deployment has finished (`READY`).
   *
   * @attribute
   */
  public readonly endpointStatus: string;

  /** The primary region: the stack's region, where the endpoint is created and managed. */
  public readonly primaryRegion: string;

  /** The secondary region. */
  public readonly secondaryRegion: string;

  /**
   * @param scope the construct scope; the endpoint is created in its stack's region
   * @param id the construct id
   * @param props the endpoint's properties
   */
  constructor(scope: Construct, id: string, props: MultiRegionEndpointProps) {
    super(scope, id, { physicalName: props.endpointName });
    const stack = Stack.of(this);
    const provider = MultiRegionEndpointProvider.getOrCreate(this);

    this.primaryRegion = stack.region;
    this.secondaryRegion = props.secondaryRegion;
    validateSecondaryRegion(props.secondaryRegion, stack.region);
    const endpointName = props.endpointName ?? generatedEndpointName(generatedNamePrefix(stack.stackName, this.node.path), props.secondaryRegion);
    if (props.endpointName !== undefined) {
      validateEndpointName(props.endpointName);
      validateUniqueName(provider, props.endpointName, this.node.path);
    }
    const tags = Object.entries(props.tags ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([Key, Value]) => ({ Key, Value }));
    validateTags(tags);
    const timeoutSeconds = props.timeout ? props.timeout.toMilliseconds({ integral: false }) / 1000 : DEFAULT_TIMEOUT_SECONDS;
    validateTimeout(timeoutSeconds);

    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: MultiRegionEndpoint.RESOURCE_TYPE,
      properties: {
        EndpointName: endpointName,
        Details: { RouteDetails: [{ Region: props.secondaryRegion }] },
        Tags: tags,
        TimeoutSeconds: timeoutSeconds,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    // The handler's permissions must outlive the endpoint when the stack is deleted.
    resource.node.addDependency(provider.role);

    this.endpointName = this.getResourceNameAttribute(resource.ref);
    this.endpointId = resource.getAttString('EndpointId');
    this.endpointArn = resource.getAttString('Arn');
    this.endpointStatus = resource.getAttString('Status');
  }
}

function validateEndpointName(name: string): void {
  if (Token.isUnresolved(name)) return; // checked by the handler once resolved
  const error = endpointNameError(name);
  if (error) throw new Error(error);
}

function validateSecondaryRegion(region: string, stackRegion: string): void {
  if (Token.isUnresolved(region)) return;
  const error = secondaryRegionError(region, Token.isUnresolved(stackRegion) ? undefined : stackRegion);
  if (error) throw new Error(error);
}

function validateUniqueName(provider: MultiRegionEndpointProvider, name: string, path: string): void {
  if (Token.isUnresolved(name)) return;
  const other = provider.explicitNames.get(name);
  if (other !== undefined) {
    throw new Error(`\`endpointName\` must be unique in the stack, got: '${name}' (already used by ${other})`);
  }
  provider.explicitNames.set(name, path);
}

function validateTags(tags: ReadonlyArray<{ Key: string; Value: string }>): void {
  const errors = tagErrors(tags.map(({ Key, Value }) => ({ key: Key, value: Value })), 'tags', (v) => Token.isUnresolved(v));
  if (errors.length > 0) throw new Error(errors.join('\n'));
}

function validateTimeout(seconds: number): void {
  const error = timeoutError(seconds);
  if (error) throw new Error(error);
}
