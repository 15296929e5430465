import {
  CustomResource,
  Duration,
  IResource,
  ITaggable,
  Lazy,
  RemovalPolicy,
  Resource,
  Stack,
  TagManager,
  TagType,
  Token,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { IMultiRegionConfigurationSet } from './configuration-set';
import { IMultiRegionEmailTemplate } from './email-template';
import { claimUniqueName, stableStackName, tagValidationErrors } from './private/construct-support';
import { SesProvider } from './private/provider';
import {
  DEFAULT_TIMEOUT_SECONDS,
  ENDPOINT_RESOURCE_TYPE,
  endpointIdError,
  endpointNameError,
  generatedEndpointName,
  generatedNamePrefix,
  LOOKUP_RESOURCE_TYPE,
  secondaryRegionError,
  serviceTimeoutSeconds,
  sesResourceNameError,
  timeoutError,
} from './private/rules';
import { ReplicaEmailIdentity, ReplicaEmailIdentityOptions } from './replica-email-identity';

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

  /** The primary region, where the endpoint was created and is managed. */
  readonly primaryRegion: string;

  /** The secondary region. */
  readonly secondaryRegion: string;

  /**
   * Lets `grantee` send through this endpoint from the given identities:
   * `ses:SendEmail` on each identity in both regions (a send is served by either), on
   * condition that `ses:MultiRegionEndpointId` is this endpoint.
   *
   * A send that names a configuration set or a template, and every `SendBulkEmail`
   * (whose template IAM requires), needs {@link grantSendEmailWith}.
   * The identities must exist in both regions (see {@link ReplicaEmailIdentity}).
   *
   * @param grantee who may send
   * @param identities the sending identities, in the primary region
   */
  grantSendEmail(grantee: iam.IGrantable, ...identities: ses.IEmailIdentity[]): iam.Grant;

  /**
   * Like {@link grantSendEmail}, for identities given by name (a domain or an email address).
   *
   * @param grantee who may send
   * @param identityNames the sending identities' names
   */
  grantSendEmailFrom(grantee: iam.IGrantable, ...identityNames: string[]): iam.Grant;

  /**
   * Lets `grantee` send through this endpoint with everything its sends name: the
   * identities, and the configuration sets and templates, each in both regions (a send is
   * served by either), on condition that `ses:MultiRegionEndpointId` is this endpoint.
   *
   * Grants `ses:SendEmail`, and `ses:SendBulkEmail` when templates are named (IAM requires
   * the template of every bulk send).
   *
   * @param grantee who may send
   * @param options what the sends name
   */
  grantSendEmailWith(grantee: iam.IGrantable, options: SendEmailGrantOptions): iam.Grant;

  /**
   * An `AWS/SES` metric of this endpoint (dimension `ses:multi-region-endpoint-id`), in the
   * stack's region unless `props.region` says otherwise.
   *
   * The SES developer guide documents one metric for this dimension, `SendCount` (see
   * {@link metricSendCount}); a metric SES does not publish for it has no data, and an
   * alarm on it never fires.
   *
   * @param metricName the metric's name, as SES publishes it
   * @param props overrides; the default statistic is Sum over 5 minutes
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Emails sent through this endpoint and served by one region (`SendCount`): the primary
   * region by default; pass `{ region: endpoint.secondaryRegion }` for the other one. Each
   * region reports the sends it served, so an alarm (which CloudWatch evaluates in one
   * region) watches one region's share.
   *
   * @param props overrides; the default statistic is Sum over 5 minutes
   */
  metricSendCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * A dashboard graph of the sends through this endpoint in both regions and their total
   * (`SendCount`), to see at a glance how traffic is split and when one region takes it all.
   *
   * @param props the graph's options
   */
  sendCountWidget(props?: SendCountWidgetProps): cloudwatch.GraphWidget;
}

/**
 * What the sends of a grantee name, for {@link IMultiRegionEndpoint.grantSendEmailWith}.
 * At least one identity, from `identities` or `identityNames`.
 */
export interface SendEmailGrantOptions {
  /**
   * Identities to send from.
   *
   * @default - none (then `identityNames`)
   */
  readonly identities?: ses.IEmailIdentity[];

  /**
   * Names of identities to send from (a domain or an email address).
   *
   * @default - none (then `identities`)
   */
  readonly identityNames?: string[];

  /**
   * Configuration sets the sends name (`ConfigurationSetName`), in both regions (see
   * {@link MultiRegionConfigurationSet}).
   *
   * @default - none (then `configurationSetNames`)
   */
  readonly configurationSets?: IMultiRegionConfigurationSet[];

  /**
   * Names of configuration sets the sends name (for example an `ses.ConfigurationSet`'s
   * `configurationSetName`). They must exist in both regions.
   *
   * @default - none
   */
  readonly configurationSetNames?: string[];

  /**
   * Templates the sends use, in both regions (see {@link MultiRegionEmailTemplate}). Naming
   * any also grants `ses:SendBulkEmail`.
   *
   * @default - none (then `templateNames`)
   */
  readonly templates?: IMultiRegionEmailTemplate[];

  /**
   * Names of the templates the sends use (`Content.Template.TemplateName`). They must
   * exist in both regions. Naming any also grants `ses:SendBulkEmail`.
   *
   * @default - none: no templated or bulk sends
   */
  readonly templateNames?: string[];
}

/**
 * Options of {@link IMultiRegionEndpoint.sendCountWidget}.
 */
export interface SendCountWidgetProps {
  /**
   * The graph's title.
   *
   * @default 'Sends through SES global endpoint <endpointName>'
   */
  readonly title?: string;

  /**
   * The period of each point.
   *
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;

  /**
   * The graph's width, in grid columns (of 24).
   *
   * @default 12
   */
  readonly width?: number;

  /**
   * The graph's height, in grid rows.
   *
   * @default 6
   */
  readonly height?: number;
}

/**
 * Attributes of an existing endpoint, for {@link MultiRegionEndpoint.fromMultiRegionEndpointAttributes}.
 */
export interface MultiRegionEndpointAttributes {
  /** The endpoint's name. */
  readonly endpointName: string;

  /** The endpoint's ID (for example `abcdef12.g3h`). */
  readonly endpointId: string;

  /** The endpoint's secondary region. */
  readonly secondaryRegion: string;
}

/**
 * What imported and owned endpoints share: grants and metrics.
 */
abstract class MultiRegionEndpointBase extends Resource implements IMultiRegionEndpoint {
  public abstract readonly endpointName: string;
  public abstract readonly endpointId: string;
  public abstract readonly endpointArn: string;
  public abstract readonly primaryRegion: string;
  public abstract readonly secondaryRegion: string;

  public grantSendEmail(grantee: iam.IGrantable, ...identities: ses.IEmailIdentity[]): iam.Grant {
    if (identities.length === 0) {
      throw new Error('`grantSendEmail` needs at least one identity to send from, got none');
    }
    return this.grantSendEmailWith(grantee, { identities });
  }

  public grantSendEmailFrom(grantee: iam.IGrantable, ...identityNames: string[]): iam.Grant {
    if (identityNames.length === 0) {
      throw new Error('`grantSendEmailFrom` needs at least one identity name to send from, got none');
    }
    return this.grantSendEmailWith(grantee, { identityNames });
  }

  public grantSendEmailWith(grantee: iam.IGrantable, options: SendEmailGrantOptions): iam.Grant {
    const identityNames = [...(options.identities ?? []).map((i) => i.emailIdentityName), ...(options.identityNames ?? [])];
    if (identityNames.length === 0) {
      throw new Error('`grantSendEmailWith` needs at least one identity to send from in `identities` or `identityNames`, got none');
    }
    const configurationSetNames = [...(options.configurationSets ?? []).map((c) => c.configurationSetName), ...(options.configurationSetNames ?? [])];
    const templateNames = [...(options.templates ?? []).map((t) => t.templateName), ...(options.templateNames ?? [])];
    const errors = [
      ...configurationSetNames.map((name) => Token.isUnresolved(name) ? undefined : sesResourceNameError(name, 'configurationSetNames')),
      ...templateNames.map((name) => Token.isUnresolved(name) ? undefined : sesResourceNameError(name, 'templateNames')),
    ].filter((e) => e !== undefined);
    if (errors.length > 0) throw new Error(errors.join('; '));

    const stack = Stack.of(this);
    const inBothRegions = (resource: string, names: string[]) => names.flatMap((name) => [this.primaryRegion, this.secondaryRegion]
      .map((region) => stack.formatArn({ service: 'ses', region, resource, resourceName: name })));
    return iam.Grant.addToPrincipal({
      grantee,
      // SendBulkEmail requires a template resource: without templates it could never be allowed.
      actions: templateNames.length > 0 ? ['ses:SendEmail', 'ses:SendBulkEmail'] : ['ses:SendEmail'],
      resourceArns: [
        ...inBothRegions('identity', identityNames),
        ...inBothRegions('configuration-set', configurationSetNames),
        ...inBothRegions('template', templateNames),
      ],
      conditions: { StringEquals: { 'ses:MultiRegionEndpointId': this.endpointId } },
    });
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SES',
      metricName,
      dimensionsMap: { 'ses:multi-region-endpoint-id': this.endpointId },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
    }).attachTo(this);
  }

  public metricSendCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SendCount', props);
  }

  public sendCountWidget(props: SendCountWidgetProps = {}): cloudwatch.GraphWidget {
    const period = props.period ?? Duration.minutes(5);
    const inRegion = (region: string) => this.metricSendCount({ region, period, label: region });
    const primary = inRegion(this.primaryRegion);
    const secondary = inRegion(this.secondaryRegion);
    return new cloudwatch.GraphWidget({
      title: props.title ?? `Sends through SES global endpoint ${this.endpointName}`,
      width: props.width ?? 12,
      height: props.height ?? 6,
      left: [
        primary,
        secondary,
        new cloudwatch.MathExpression({ expression: 'FILL(p, 0) + FILL(s, 0)', usingMetrics: { p: primary, s: secondary }, period, label: 'both regions' }),
      ],
      leftYAxis: { min: 0, showUnits: false },
    });
  }
}

/**
 * How a {@link MultiRegionEndpoint} checks, at deploy time, that its secondary region can
 * carry its mail as the primary does. SES production access, sending, quota and rate are per
 * region, and a send may be served by either: the SES guide warns that any discrepancy can
 * cause delivery failures. Every mode reads both regions' account state (`GetAccount`) before
 * the endpoint is created or changed, logs what differs, and exposes it as attributes.
 */
export enum ProductionLimitsCheck {
  /** Never fail the deploy: read and expose both regions' account state only. */
  REPORT = 'REPORT',

  /**
   * Fail when the secondary region would refuse mail the primary sends: it is in the SES
   * sandbox, or has sending paused, while the primary is not. A sandbox account (both regions
   * in the sandbox) deploys. Lower quotas are only reported.
   */
  PARITY = 'PARITY',

  /**
   * Fail when the secondary region is in the sandbox, has sending paused, or has a lower
   * sending quota or maximum send rate than the primary: on failover it must carry all the mail.
   */
  STRICT = 'STRICT',
}

/**
 * One region's SES account state as the deploy read it (`GetAccount`), as attributes:
 * tokens that resolve to strings at deploy time.
 */
export interface SendingAccountAttributes {
  /** `true` when the region is out of the SES sandbox. */
  readonly productionAccessEnabled: string;

  /** `true` unless sending is paused for the account in the region. */
  readonly sendingEnabled: string;

  /** The sending quota: emails per 24 hours. */
  readonly max24HourSend: string;

  /** The maximum send rate: emails per second. */
  readonly maxSendRate: string;
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
   * Tags to apply to the endpoint. Changes are applied in place. `Tags.of(scope)` reaches
   * the endpoint too, merged with these.
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
   * before the deployment fails. Between 5 seconds and 55 minutes, in whole
   * seconds (CloudFormation gives a custom resource at most 60 minutes; the library keeps 5
   * of them to fail with its own message).
   *
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;

  /**
   * What the deploy does when the secondary region's SES account cannot carry the primary's
   * mail (sandbox, paused sending, lower quota or rate). Checked before the endpoint is created
   * or changed; the account state of both regions is exposed either way
   * ({@link MultiRegionEndpoint.primarySendingAccount}, {@link MultiRegionEndpoint.secondarySendingAccount}).
   *
   * @default ProductionLimitsCheck.PARITY - fail only when the secondary region would refuse
   * mail the primary sends (sandbox or paused sending there, not in the primary)
   */
  readonly productionLimitsCheck?: ProductionLimitsCheck;
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
export class MultiRegionEndpoint extends MultiRegionEndpointBase implements ITaggable {
  /** The CloudFormation resource type of the custom resource. */
  public static readonly RESOURCE_TYPE = ENDPOINT_RESOURCE_TYPE;

  /** The CloudFormation resource type of the read-only lookup made by {@link fromEndpointName}. */
  public static readonly LOOKUP_RESOURCE_TYPE = LOOKUP_RESOURCE_TYPE;

  /**
   * Imports an existing endpoint from its attributes. Creates no resources.
   *
   * @param scope the scope of the imported endpoint; its stack's region is the primary
   * @param id the construct id
   * @param attrs the endpoint's name, ID and secondary region
   */
  public static fromMultiRegionEndpointAttributes(scope: Construct, id: string, attrs: MultiRegionEndpointAttributes): IMultiRegionEndpoint {
    validateEndpointName(attrs.endpointName, 'attrs.endpointName');
    validateEndpointId(attrs.endpointId);
    class Import extends MultiRegionEndpointBase {
      public readonly endpointName = attrs.endpointName;
      public readonly endpointId = attrs.endpointId;
      public readonly primaryRegion = Stack.of(scope).region;
      public readonly secondaryRegion = attrs.secondaryRegion;
      public readonly endpointArn = Stack.of(scope).formatArn({ service: 'ses', resource: 'multi-region-endpoint', resourceName: attrs.endpointName });
    }
    validateSecondaryRegion(attrs.secondaryRegion, Stack.of(scope).region, 'attrs.secondaryRegion');
    return new Import(scope, id);
  }

  /**
   * Imports an existing endpoint by name; its ID and secondary region are looked up at
   * deploy time by a read-only custom resource (it never creates, modifies or deletes the
   * endpoint). A missing endpoint fails the deployment with a clear message.
   *
   * @param scope the scope of the imported endpoint; its stack's region is the primary
   * @param id the construct id
   * @param endpointName the endpoint's name
   */
  public static fromEndpointName(scope: Construct, id: string, endpointName: string): IMultiRegionEndpoint {
    validateEndpointName(endpointName);
    class Lookup extends MultiRegionEndpointBase {
      public readonly endpointName: string;
      public readonly endpointId: string;
      public readonly endpointArn: string;
      public readonly primaryRegion: string;
      public readonly secondaryRegion: string;

      constructor() {
        super(scope, id);
        const provider = SesProvider.getOrCreate(this);
        provider.grantEndpointLookup();
        const lookup = new CustomResource(this, 'Lookup', {
          serviceToken: provider.serviceToken,
          resourceType: MultiRegionEndpoint.LOOKUP_RESOURCE_TYPE,
          properties: { EndpointName: endpointName },
          // The lookup waits at most the default timeout for an endpoint still CREATING.
          serviceTimeout: Duration.seconds(serviceTimeoutSeconds(DEFAULT_TIMEOUT_SECONDS)),
        });
        provider.schedule(lookup);
        lookup.node.addDependency(provider.role);
        this.endpointName = endpointName;
        this.endpointId = lookup.getAttString('EndpointId');
        this.endpointArn = lookup.getAttString('Arn');
        this.primaryRegion = Stack.of(this).region;
        this.secondaryRegion = lookup.getAttString('SecondaryRegion');
      }
    }
    return new Lookup();
  }

  public readonly endpointName: string;
  public readonly endpointId: string;
  public readonly endpointArn: string;

  /**
   * The endpoint's status once the deployment has finished (`READY`).
   *
   * @attribute
   */
  public readonly endpointStatus: string;

  /**
   * The primary region's SES account state, as the last deploy that created or changed the
   * endpoint read it (`Fn::GetAtt PrimaryProductionAccessEnabled` and so on).
   */
  public readonly primarySendingAccount: SendingAccountAttributes;

  /**
   * The secondary region's SES account state, as the last deploy that created or changed the
   * endpoint read it (`Fn::GetAtt SecondaryProductionAccessEnabled` and so on). See
   * {@link MultiRegionEndpointProps.productionLimitsCheck}.
   */
  public readonly secondarySendingAccount: SendingAccountAttributes;

  /** The primary region: the stack's region, where the endpoint is created and managed. */
  public readonly primaryRegion: string;

  /** The secondary region. */
  public readonly secondaryRegion: string;

  /** The endpoint's tags: `props.tags` merged with what `Tags.of()` adds. */
  public readonly tags: TagManager;

  /** The custom resource that is the endpoint in the template. */
  private readonly resource: CustomResource;

  /**
   * @param scope the construct scope; the endpoint is created in its stack's region
   * @param id the construct id
   * @param props the endpoint's properties
   */
  constructor(scope: Construct, id: string, props: MultiRegionEndpointProps) {
    super(scope, id, { physicalName: props.endpointName });
    const stack = Stack.of(this);
    const provider = SesProvider.getOrCreate(this);
    provider.grantEndpointManagement();
    provider.grantAccountRead(props.secondaryRegion);

    this.primaryRegion = stack.region;
    this.secondaryRegion = props.secondaryRegion;
    validateSecondaryRegion(props.secondaryRegion, stack.region);
    const endpointName = props.endpointName
      ?? generatedEndpointName(generatedNamePrefix(stableStackName(stack), this.node.path), props.secondaryRegion);
    if (props.endpointName !== undefined) {
      validateEndpointName(props.endpointName);
      claimUniqueName(provider.explicitNames, 'endpointName', props.endpointName, this.node.path);
    }
    validateTags(props.tags ?? {});
    this.tags = new TagManager(TagType.KEY_VALUE, MultiRegionEndpoint.RESOURCE_TYPE, props.tags);
    // Tags.of() adds tags later (an aspect), so check the merged set once more before synthesis.
    this.node.addValidation({ validate: () => tagValidationErrors(this.renderedTags(), MERGED_TAGS_PROP) });
    const timeoutSeconds = props.timeout ? props.timeout.toMilliseconds({ integral: false }) / 1000 : DEFAULT_TIMEOUT_SECONDS;
    validateTimeout(timeoutSeconds);

    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: MultiRegionEndpoint.RESOURCE_TYPE,
      properties: {
        EndpointName: endpointName,
        Details: { RouteDetails: [{ Region: props.secondaryRegion }] },
        // Sorted by key, so the template does not change with the object's key order.
        Tags: Lazy.any({ produce: () => this.renderedTags() }),
        TimeoutSeconds: timeoutSeconds,
        ProductionLimitsCheck: props.productionLimitsCheck ?? ProductionLimitsCheck.PARITY,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      // CloudFormation's own limit, past the handler's: the handler's message comes first.
      serviceTimeout: Duration.seconds(serviceTimeoutSeconds(timeoutSeconds)),
    });
    provider.schedule(resource);
    // The handler's permissions must outlive the endpoint when the stack is deleted.
    resource.node.addDependency(provider.role);
    this.resource = resource;

    this.endpointName = this.getResourceNameAttribute(resource.ref);
    this.endpointId = resource.getAttString('EndpointId');
    this.endpointArn = resource.getAttString('Arn');
    this.endpointStatus = resource.getAttString('Status');
    const account = (prefix: string): SendingAccountAttributes => ({
      productionAccessEnabled: resource.getAttString(`${prefix}ProductionAccessEnabled`),
      sendingEnabled: resource.getAttString(`${prefix}SendingEnabled`),
      max24HourSend: resource.getAttString(`${prefix}Max24HourSend`),
      maxSendRate: resource.getAttString(`${prefix}MaxSendRate`),
    });
    this.primarySendingAccount = account('Primary');
    this.secondarySendingAccount = account('Secondary');
  }

  /**
   * Replicates a domain identity of the primary region (verified with Easy DKIM) into this
   * endpoint's secondary region with Deterministic Easy DKIM (DEED), so that sends served
   * by the secondary region can use it. No new DNS records are needed.
   *
   * @param id the construct id of the replica
   * @param parent the domain identity in the primary region
   * @param options removal policy and how long to wait for verification
   */
  public addReplicaIdentity(id: string, parent: ses.IEmailIdentity, options?: ReplicaEmailIdentityOptions): ReplicaEmailIdentity {
    return ReplicaEmailIdentity.forEmailIdentity(this, id, parent, this.secondaryRegion, options);
  }

  /**
   * What happens to the endpoint when it is removed from the stack or replaced, as on any
   * L2 construct (the same as the `removalPolicy` prop).
   *
   * @param policy RETAIN keeps the endpoint in SES; DESTROY deletes it (and waits until it is gone)
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(policy);
  }

  /** The merged tags as SES takes them, sorted by key (a list: keys like `__proto__` survive). */
  private renderedTags(): Array<{ Key: string; Value: string }> {
    return this.tags.renderTags() ?? [];
  }
}


function validateEndpointName(name: string, prop = 'endpointName'): void {
  if (Token.isUnresolved(name)) return; // checked by the handler once resolved
  const error = endpointNameError(name, prop);
  if (error) throw new Error(error);
}

function validateEndpointId(endpointId: string): void {
  if (Token.isUnresolved(endpointId)) return;
  const error = endpointIdError(endpointId, 'attrs.endpointId');
  if (error) throw new Error(error);
}

function validateSecondaryRegion(region: string, stackRegion: string, prop = 'secondaryRegion'): void {
  if (Token.isUnresolved(region)) return;
  const error = secondaryRegionError(region, Token.isUnresolved(stackRegion) ? undefined : stackRegion, prop);
  if (error) throw new Error(error);
}


/** How messages name the merged tags: `Tags.of()` adds to `tags`, and the limits count both (rendered as `tags` and `Tags.of()`). */
const MERGED_TAGS_PROP = 'tags` and `Tags.of()';


function validateTags(tags: { [key: string]: string }): void {
  const errors = tagValidationErrors(Object.entries(tags).map(([Key, Value]) => ({ Key, Value })));
  if (errors.length > 0) throw new Error(errors.join('\n'));
}

function validateTimeout(seconds: number): void {
  const error = timeoutError(seconds);
  if (error) throw new Error(error);
}
