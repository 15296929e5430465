import {
  CfnElement,
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
  Validations,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  ArnExpectation,
  CONFIGURATION_SET_RESOURCE_TYPE,
  configurationSetNameError,
  DEFAULT_CONFIGURATION_SET_TIMEOUT_SECONDS,
  deliveryStreamExpectation,
  destinationArnError,
  dimensionTextError,
  eventDestinationNameError,
  EVENT_TYPES,
  IAM_ROLE_EXPECTATION,
  MAX_EVENT_DESTINATIONS,
  maxDeliverySecondsError,
  redirectDomainError,
  sesV2Name,
  snsTopicExpectation,
} from './private/configuration-set-rules';
import {
  claimUniqueName,
  grantInStackRegion,
  namesIn,
  RegionalObjectKind,
  secondaryRegionPolicy,
  stableStackName,
  tagValidationErrors,
  throwIfAny,
} from './private/construct-support';
import { nagResourceId } from './private/nag';
import { SesProvider } from './private/provider';
import { generatedNamePrefix, otherRegionError, serviceTimeoutSeconds, timeoutError } from './private/rules';
import { regionHash } from './private/template-rules';

/**
 * An Amazon SES v2 configuration set that exists, with the same name and settings, in both
 * regions of a global endpoint.
 */
export interface IMultiRegionConfigurationSet extends IResource {
  /**
   * The configuration set's name, the same in both regions (`ConfigurationSetName` of a send).
   *
   * @attribute
   */
  readonly configurationSetName: string;
}

/**
 * Properties of a {@link MultiRegionConfigurationSet}: those of `ses.ConfigurationSet` that SES
 * can hold the same in both regions, plus `secondaryRegion`.
 */
export interface MultiRegionConfigurationSetProps {
  /**
   * The second region to create the configuration set in, for example the endpoint's
   * `secondaryRegion`. The first is the stack's own region (the primary).
   *
   * Must be a region name such as `us-west-2`, different from the stack's region. Changing it
   * replaces the configuration set there: the new one is created before the old one is deleted.
   */
  readonly secondaryRegion: string;

  /**
   * The configuration set's name in both regions: 1-64 characters of letters, digits, `_` and
   * `-`, unique in the account and each region.
   *
   * Changing it replaces the configuration set in both regions.
   *
   * @default - generated from the stack name and the construct path
   */
  readonly configurationSetName?: string;

  /**
   * Whether email sending is enabled for the configuration set.
   *
   * @default true
   */
  readonly sendingEnabled?: boolean;

  /**
   * Whether SES publishes reputation metrics (bounce and complaint rates) for the configuration
   * set to CloudWatch, in each region.
   *
   * @default false
   */
  readonly reputationMetrics?: boolean;

  /**
   * The reasons for which SES adds an address to the suppression list for sends with this
   * configuration set.
   *
   * @default - the account-level suppression list applies
   */
  readonly suppressionReasons?: ses.SuppressionReasons;

  /**
   * Use no suppression list at all for sends with this configuration set. Cannot be combined
   * with `suppressionReasons`.
   *
   * @default false
   */
  readonly disableSuppressionList?: boolean;

  /**
   * Whether messages must be delivered over a TLS connection.
   *
   * @default ses.ConfigurationSetTlsPolicy.OPTIONAL
   */
  readonly tlsPolicy?: ses.ConfigurationSetTlsPolicy;

  /**
   * How long SES keeps trying to deliver a message: between 5 minutes and 14 hours, in whole
   * seconds.
   *
   * @default - SES's default, 14 hours
   */
  readonly maxDeliveryDuration?: Duration;

  /**
   * The domain SES uses for the open and click tracking links of this configuration set, such
   * as `track.example.com`. It must be set up (a CNAME) for both regions' tracking endpoints.
   *
   * @default - SES's own tracking domain
   */
  readonly customTrackingRedirectDomain?: string;

  /**
   * The HTTPS policy of the custom tracking domain. Needs `customTrackingRedirectDomain`.
   *
   * @default ses.HttpsPolicy.OPTIONAL (SES's default)
   */
  readonly customTrackingHttpsPolicy?: ses.HttpsPolicy;

  /**
   * Virtual Deliverability Manager options of the configuration set (engagement metrics,
   * optimized shared delivery), overriding the account's.
   *
   * @default - the account's VDM settings apply
   */
  readonly vdmOptions?: ses.VdmOptions;

  /**
   * Tags to apply to the configuration set in both regions. Changes are applied in place.
   * `Tags.of(scope)` reaches the configuration set too, merged with these.
   *
   * At most 49 (SES allows 50 and this library keeps one to mark the sets it owns).
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * What happens to the configuration set in both regions when it is removed from the stack or
   * replaced.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How long to wait, in each region, for the configuration set to be visible before the
   * deployment fails. Between 5 seconds and 55 minutes, in whole seconds.
   *
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
}

/**
 * A Firehose delivery stream that receives one region's events, and the role SES assumes to
 * write to it. Both must exist already: the library creates neither.
 */
export interface FirehoseDeliveryStreamTarget {
  /**
   * The ARN of the delivery stream, in the region whose events it receives.
   */
  readonly deliveryStreamArn: string;

  /**
   * The ARN of the IAM role SES assumes to put records into the stream (trusting
   * `ses.amazonaws.com`, allowed `firehose:PutRecordBatch` on the stream).
   */
  readonly iamRoleArn: string;
}

/** What a destination is, once rendered for one region. */
type RenderedDestination = Record<string, unknown>;

/**
 * Where SES publishes the sending events of a {@link MultiRegionConfigurationSet}, in each of
 * its two regions. SES publishes a region's events only to targets in that region, so targets
 * that are regional (SNS topics, Firehose streams) are given once per region.
 */
export class MultiRegionEventDestination {
  /**
   * Publish events to CloudWatch as metrics with these dimensions; each region's metrics land
   * in that region's CloudWatch.
   *
   * @param dimensions the dimensions (at least one), the same in both regions
   */
  public static cloudWatchDimensions(dimensions: ses.CloudWatchDimension[]): MultiRegionEventDestination {
    return new MultiRegionEventDestination('cloudwatch', { dimensions });
  }

  /**
   * Publish events to each region's default EventBridge event bus (the only bus SES accepts):
   * `arn:${Partition}:events:<region>:${Account}:event-bus/default`.
   */
  public static eventBridge(): MultiRegionEventDestination {
    return new MultiRegionEventDestination('eventbridge', {});
  }

  /**
   * Publish events to an SNS topic of each region. The primary topic gets a resource policy
   * statement that lets SES publish for this configuration set (as `ses.EventDestination.snsTopic`
   * does); the secondary topic's policy is yours to set.
   *
   * @param primaryTopic a topic in the stack's region
   * @param secondaryTopicArn the ARN of a topic in the secondary region
   */
  public static snsTopic(primaryTopic: sns.ITopic, secondaryTopicArn: string): MultiRegionEventDestination {
    return new MultiRegionEventDestination('sns', { primaryTopic, primaryArn: primaryTopic.topicArn, secondaryArn: secondaryTopicArn });
  }

  /**
   * Publish events to an SNS topic of each region, both given by ARN. Their resource policies
   * must let `ses.amazonaws.com` publish.
   *
   * @param primaryTopicArn the ARN of a topic in the stack's region
   * @param secondaryTopicArn the ARN of a topic in the secondary region
   */
  public static snsTopicArns(primaryTopicArn: string, secondaryTopicArn: string): MultiRegionEventDestination {
    return new MultiRegionEventDestination('sns', { primaryArn: primaryTopicArn, secondaryArn: secondaryTopicArn });
  }

  /**
   * Publish events to a Firehose delivery stream of each region. The provider's role is allowed
   * to pass the two roles to SES (`iam:PassRole`, only to `ses.amazonaws.com`).
   *
   * @param primary the stream and role of the stack's region
   * @param secondary the stream and role of the secondary region
   */
  public static firehoseDeliveryStreams(primary: FirehoseDeliveryStreamTarget, secondary: FirehoseDeliveryStreamTarget): MultiRegionEventDestination {
    return new MultiRegionEventDestination('firehose', { primaryStream: primary, secondaryStream: secondary });
  }

  private constructor(
    private readonly kind: 'cloudwatch' | 'eventbridge' | 'sns' | 'firehose',
    private readonly targets: {
      readonly dimensions?: ses.CloudWatchDimension[];
      readonly primaryTopic?: sns.ITopic;
      readonly primaryArn?: string;
      readonly secondaryArn?: string;
      readonly primaryStream?: FirehoseDeliveryStreamTarget;
      readonly secondaryStream?: FirehoseDeliveryStreamTarget;
    },
  ) {}

  /**
   * Checks the destination for a set in `primaryRegion` and `secondaryRegion` (unresolved
   * values are skipped) and returns every problem; `prop` names it in messages.
   *
   * @internal
   */
  public _errors(prop: string, primaryRegion: string | undefined, secondaryRegion: string | undefined): string[] {
    const known = (v: string | undefined) => (v === undefined || Token.isUnresolved(v) ? undefined : v);
    const [primary, secondary] = [known(primaryRegion), known(secondaryRegion)];
    const errors: string[] = [];
    const arn = (value: string, expected: ArnExpectation, name: string) => {
      if (Token.isUnresolved(value)) return;
      const error = destinationArnError(value, expected, `${prop}.${name}`);
      if (error) errors.push(error);
    };
    const t = this.targets;
    switch (this.kind) {
      case 'cloudwatch':
        if (t.dimensions!.length === 0) errors.push(`\`${prop}\` must have at least one CloudWatch dimension, got none`);
        t.dimensions!.forEach((d, i) => {
          for (const [value, name] of [[d.name, 'name'], [d.defaultValue, 'defaultValue']] as const) {
            const error = Token.isUnresolved(value) ? undefined : dimensionTextError(value, `${prop}.dimensions[${i}].${name}`);
            if (error) errors.push(error);
          }
        });
        break;
      case 'sns': {
        const topicRegion = t.primaryTopic ? known(t.primaryTopic.env.region) : undefined;
        if (t.primaryTopic && topicRegion !== undefined && primary !== undefined && topicRegion !== primary) {
          errors.push(`\`${prop}.primaryTopic\` must be in ${primary} (SES publishes a region's events only to targets in that region), got a topic in ${topicRegion}`);
        }
        if (!t.primaryTopic) arn(t.primaryArn!, snsTopicExpectation(primary), 'primaryTopicArn');
        arn(t.secondaryArn!, snsTopicExpectation(secondary), 'secondaryTopicArn');
        break;
      }
      case 'firehose':
        for (const [stream, region, name] of [[t.primaryStream!, primary, 'primary'], [t.secondaryStream!, secondary, 'secondary']] as const) {
          arn(stream.deliveryStreamArn, deliveryStreamExpectation(region), `${name}.deliveryStreamArn`);
          arn(stream.iamRoleArn, IAM_ROLE_EXPECTATION, `${name}.iamRoleArn`);
        }
        break;
      default:
        break;
    }
    return errors;
  }

  /**
   * What the destination needs besides SES's permissions: a topic policy, `iam:PassRole`.
   *
   * @internal
   */
  public _bind(stack: Stack, provider: SesProvider, primaryArn: string): void {
    const t = this.targets;
    if (t.primaryTopic) {
      t.primaryTopic.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['sns:Publish'],
        resources: [t.primaryTopic.topicArn],
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        conditions: { StringEquals: { 'AWS:SourceAccount': stack.account, 'AWS:SourceArn': primaryArn } },
      }));
    }
    if (t.primaryStream && t.secondaryStream) {
      const roles = [...new Set([t.primaryStream.iamRoleArn, t.secondaryStream.iamRoleArn])];
      provider.role.addToPrincipalPolicy(new iam.PolicyStatement({
        // CreateConfigurationSetEventDestination and Update with a Firehose destination pass its role to SES.
        actions: ['iam:PassRole'],
        resources: roles,
        conditions: { StringEquals: { 'iam:PassedToService': 'ses.amazonaws.com' } },
      }));
    }
  }

  /**
   * The destination as SES v2 takes it, for the set in `region`.
   *
   * @internal
   */
  public _render(stack: Stack, region: string, secondary: boolean): RenderedDestination {
    const t = this.targets;
    switch (this.kind) {
      case 'cloudwatch':
        return {
          CloudWatchDestination: {
            DimensionConfigurations: t.dimensions!.map((d) => ({
              DimensionName: d.name,
              DimensionValueSource: sesV2Name(d.source),
              DefaultDimensionValue: d.defaultValue,
            })),
          },
        };
      case 'eventbridge':
        return { EventBridgeDestination: { EventBusArn: stack.formatArn({ service: 'events', region, resource: 'event-bus', resourceName: 'default' }) } };
      case 'sns':
        return { SnsDestination: { TopicArn: secondary ? t.secondaryArn : t.primaryArn } };
      default: {
        const stream = secondary ? t.secondaryStream! : t.primaryStream!;
        return { KinesisFirehoseDestination: { DeliveryStreamArn: stream.deliveryStreamArn, IamRoleArn: stream.iamRoleArn } };
      }
    }
  }
}

/**
 * Options of an event destination of a {@link MultiRegionConfigurationSet}, as
 * `ses.ConfigurationSetEventDestinationOptions`.
 */
export interface MultiRegionEventDestinationOptions {
  /**
   * Where the events go, in each region.
   */
  readonly destination: MultiRegionEventDestination;

  /**
   * The sending events to publish (at least one).
   *
   * @default - all of them
   */
  readonly events?: ses.EmailSendingEvent[];

  /**
   * Whether SES publishes to this destination.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The destination's name in both regions: 1-64 characters of letters, digits, `_` and `-`,
   * unique in the configuration set.
   *
   * @default - the id given to `addEventDestination`
   */
  readonly eventDestinationName?: string;
}

/** An event destination as the construct holds it. */
interface DestinationEntry {
  readonly name: string;
  readonly destination: MultiRegionEventDestination;
  readonly events: string[];
  readonly enabled: boolean;
}

/**
 * An SES v2 configuration set kept in step in both regions of a global endpoint, from one
 * definition: a send through the endpoint may be served by either region, so a configuration
 * set it names must exist in both, with the same settings.
 *
 * Deploying creates the configuration set, with the same name, options, event destinations and
 * tags, in the stack's region and in `secondaryRegion`. An update changes both, writing only
 * what differs; removing it deletes both (with their event destinations). Configuration sets
 * this library did not create are never modified or deleted.
 *
 * Not copied: dedicated IP pools and Mail Manager archives are regional resources; attach them
 * in each region yourself (an update leaves an attached pool and archive as they are).
 *
 * @resource Custom::SESConfigurationSet
 */
export class MultiRegionConfigurationSet extends Resource implements IMultiRegionConfigurationSet, ITaggable {
  /** The CloudFormation resource type of the custom resources (one per region). */
  public static readonly RESOURCE_TYPE = CONFIGURATION_SET_RESOURCE_TYPE;

  /**
   * The configuration set's name. Using it makes a resource wait until the set exists in both
   * regions.
   *
   * @attribute
   */
  public readonly configurationSetName: string;

  /**
   * The configuration set's ARN in the primary region (the stack's):
   * `arn:${Partition}:ses:${Region}:${Account}:configuration-set/${ConfigurationSetName}`.
   *
   * @attribute
   */
  public readonly configurationSetArn: string;

  /** The primary region: the stack's region. */
  public readonly primaryRegion: string;

  /** The secondary region. */
  public readonly secondaryRegion: string;

  /** The configuration set's tags in both regions: `props.tags` merged with what `Tags.of()` adds. */
  public readonly tags: TagManager;

  /** The custom resources, primary first. */
  private readonly resources: CustomResource[];
  private readonly provider: SesProvider;
  private readonly destinations: DestinationEntry[] = [];
  private readonly plainName: string;

  /**
   * @param scope the construct scope; the primary configuration set is created in its stack's region
   * @param id the construct id
   * @param props the configuration set's settings, name and secondary region
   */
  constructor(scope: Construct, id: string, props: MultiRegionConfigurationSetProps) {
    super(scope, id, { physicalName: props.configurationSetName });
    const stack = Stack.of(this);
    const provider = SesProvider.getOrCreate(this);
    this.provider = provider;

    this.primaryRegion = stack.region;
    this.secondaryRegion = props.secondaryRegion;
    if (!Token.isUnresolved(props.secondaryRegion)) {
      const error = otherRegionError(props.secondaryRegion, Token.isUnresolved(stack.region) ? undefined : stack.region,
        'secondaryRegion', 'the primary configuration set is created');
      if (error) throw new Error(error);
    }
    const name = props.configurationSetName ?? generatedNamePrefix(stableStackName(stack), this.node.path);
    this.plainName = name;
    if (props.configurationSetName !== undefined && !Token.isUnresolved(props.configurationSetName)) {
      throwIfAny([configurationSetNameError(props.configurationSetName)]);
      claimUniqueName(namesIn(explicitNames, stack), 'configurationSetName', props.configurationSetName, this.node.path);
    }
    throwIfAny(optionErrors(props));
    throwIfAny(tagValidationErrors(Object.entries(props.tags ?? {}).map(([Key, Value]) => ({ Key, Value }))));
    this.tags = new TagManager(TagType.KEY_VALUE, MultiRegionConfigurationSet.RESOURCE_TYPE, props.tags);
    // Tags.of() adds tags later (an aspect), so check the merged set once more before synthesis.
    this.node.addValidation({ validate: () => tagValidationErrors(this.renderedTags(), 'tags` and `Tags.of()') });
    const timeoutSeconds = props.timeout ? props.timeout.toMilliseconds({ integral: false }) / 1000 : DEFAULT_CONFIGURATION_SET_TIMEOUT_SECONDS;
    throwIfAny([timeoutError(timeoutSeconds)]);

    const vdm = props.vdmOptions;
    const status = (on: boolean | undefined) => (on === undefined ? undefined : on ? 'ENABLED' : 'DISABLED');
    const resourceIn = (resourceId: string, region: string, secondary: boolean) => {
      const resource = new CustomResource(this, resourceId, {
        serviceToken: provider.serviceToken,
        resourceType: MultiRegionConfigurationSet.RESOURCE_TYPE,
        properties: {
          Region: region,
          ...(secondary ? { Secondary: true } : {}),
          ConfigurationSetName: name,
          SendingEnabled: props.sendingEnabled ?? true,
          ReputationMetricsEnabled: props.reputationMetrics ?? false,
          TlsPolicy: props.tlsPolicy ?? ses.ConfigurationSetTlsPolicy.OPTIONAL,
          MaxDeliverySeconds: props.maxDeliveryDuration?.toSeconds(),
          SuppressedReasons: props.disableSuppressionList ? [] : suppressedReasons(props.suppressionReasons),
          CustomRedirectDomain: props.customTrackingRedirectDomain,
          HttpsPolicy: props.customTrackingHttpsPolicy,
          EngagementMetrics: status(vdm?.engagementMetrics),
          OptimizedSharedDelivery: status(vdm?.optimizedSharedDelivery),
          EventDestinations: Lazy.any({ produce: () => this.destinations.map((d) => this.renderDestination(d, region, secondary)) }),
          // Sorted by key, so the set does not change with the object's key order.
          Tags: Lazy.any({ produce: () => this.renderedTags() }),
          TimeoutSeconds: timeoutSeconds,
        },
        removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
        // CloudFormation's own limit, past the handler's: the handler's message comes first.
        serviceTimeout: Duration.seconds(serviceTimeoutSeconds(timeoutSeconds)),
      });
      // Both take turns in the stack's one schedule of SES calls, whatever their region.
      provider.schedule(resource);
      return resource;
    };

    // The secondary region first: the primary's attributes then mean that the set exists in both regions.
    const secondary = resourceIn('Secondary', props.secondaryRegion, true);
    const primary = resourceIn('Primary', stack.region, false);
    primary.node.addDependency(secondary);

    // The primary region's permissions go on the provider's role, once per stack.
    grantInStackRegion(provider, CONFIGURATION_SETS);
    primary.node.addDependency(provider.role);
    // The secondary region's permissions live in a policy of that region, and the resource's
    // logical id names the region: changing secondaryRegion creates a new resource (and
    // policy), then deletes the old resource before the old policy.
    secondary.node.addDependency(secondaryRegionPolicy(this, provider, props.secondaryRegion, CONFIGURATION_SETS));
    secondary.node.addDependency(provider.role);
    const element = secondary.node.defaultChild as CfnElement;
    element.overrideLogicalId(`${stack.getLogicalId(element)}${regionHash(Token.isUnresolved(props.secondaryRegion) ? undefined : props.secondaryRegion)}`);

    this.resources = [primary, secondary];
    this.configurationSetName = primary.getAttString('ConfigurationSetName');
    this.configurationSetArn = primary.getAttString('Arn');
  }

  /**
   * Adds an event destination, in both regions: SES publishes each region's sending events for
   * this configuration set to that region's target. At most 10 per configuration set.
   *
   * @param id the destination's id, its name unless `eventDestinationName` is given
   * @param options the destination, the events and whether it is enabled
   */
  public addEventDestination(id: string, options: MultiRegionEventDestinationOptions): void {
    const name = options.eventDestinationName ?? id;
    const prop = `addEventDestination('${id}')`;
    const errors: string[] = [];
    if (!Token.isUnresolved(name)) {
      const error = eventDestinationNameError(name, options.eventDestinationName === undefined ? `${prop} id` : `${prop}.eventDestinationName`);
      if (error) errors.push(error);
      if (this.destinations.some((d) => d.name === name)) {
        errors.push(`\`eventDestinationName\` must be unique in the configuration set, got: '${name}' twice`);
      }
    }
    if (this.destinations.length >= MAX_EVENT_DESTINATIONS) {
      errors.push(`A configuration set may have at most ${MAX_EVENT_DESTINATIONS} event destinations (SES's quota), got: ${this.destinations.length + 1}`);
    }
    const events = [...new Set((options.events ?? Object.values(ses.EmailSendingEvent)).map((e) => sesV2Name(e)))];
    if (events.length === 0) errors.push(`\`${prop}.events\` must list at least one event, got: []`);
    for (const event of events) {
      if (!EVENT_TYPES.includes(event)) errors.push(`\`${prop}.events\` must be ses.EmailSendingEvent values, got: '${event}'`);
    }
    errors.push(...options.destination._errors(`${prop}.destination`, this.primaryRegion, this.secondaryRegion));
    throwIfAny(errors);
    this.destinations.push({ name, destination: options.destination, events, enabled: options.enabled ?? true });
    options.destination._bind(Stack.of(this), this.provider,
      Stack.of(this).formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.plainName }));
  }

  /**
   * The configuration set's ARN in `region` (the primary or the secondary region):
   * `arn:${Partition}:ses:${region}:${Account}:configuration-set/${ConfigurationSetName}`.
   *
   * @param region the region
   */
  public configurationSetArnIn(region: string): string {
    return Stack.of(this).formatArn({ service: 'ses', region, resource: 'configuration-set', resourceName: this.configurationSetName });
  }

  /**
   * What happens to the configuration set in both regions when it is removed from the stack or
   * replaced, as on any L2 construct (the same as the `removalPolicy` prop).
   *
   * @param policy RETAIN keeps the configuration sets in SES; DESTROY deletes them
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    for (const resource of this.resources) resource.applyRemovalPolicy(policy);
  }

  private renderDestination(d: DestinationEntry, region: string, secondary: boolean): Record<string, unknown> {
    return { Name: d.name, Enabled: d.enabled, MatchingEventTypes: d.events, ...d.destination._render(Stack.of(this), region, secondary) };
  }

  /** The merged tags as SES takes them, sorted by key. */
  private renderedTags(): Array<{ Key: string; Value: string }> {
    return this.tags.renderTags() ?? [];
  }
}

function suppressedReasons(reasons: ses.SuppressionReasons | undefined): string[] | undefined {
  switch (reasons) {
    case ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS: return ['BOUNCE', 'COMPLAINT'];
    case ses.SuppressionReasons.BOUNCES_ONLY: return ['BOUNCE'];
    case ses.SuppressionReasons.COMPLAINTS_ONLY: return ['COMPLAINT'];
    default: return undefined;
  }
}

/** Every problem with the option props, naming the prop and the value. */
function optionErrors(props: MultiRegionConfigurationSetProps): Array<string | undefined> {
  const errors: Array<string | undefined> = [];
  if (props.disableSuppressionList && props.suppressionReasons !== undefined) {
    errors.push(`\`suppressionReasons\` must not be given with \`disableSuppressionList\` (no suppression list at all), got: '${props.suppressionReasons}'`);
  }
  const duration = props.maxDeliveryDuration;
  if (duration !== undefined && !Token.isUnresolved(duration.toMilliseconds({ integral: false }))) {
    errors.push(maxDeliverySecondsError(duration.toMilliseconds({ integral: false }) / 1000, 'maxDeliveryDuration'));
  }
  const domain = props.customTrackingRedirectDomain;
  if (domain !== undefined && !Token.isUnresolved(domain)) errors.push(redirectDomainError(domain, 'customTrackingRedirectDomain'));
  if (props.customTrackingHttpsPolicy !== undefined && domain === undefined) {
    errors.push(`\`customTrackingHttpsPolicy\` needs \`customTrackingRedirectDomain\` (it is the policy of that tracking domain), got: '${props.customTrackingHttpsPolicy}' without a domain`);
  }
  return errors;
}

/** What a configuration set resource calls SES for, on the configuration sets of one region. */
const CONFIGURATION_SET_ACTIONS = [
  'ses:CreateConfigurationSet',
  'ses:GetConfigurationSet',
  'ses:DeleteConfigurationSet',
  'ses:PutConfigurationSetSendingOptions',
  'ses:PutConfigurationSetReputationOptions',
  'ses:PutConfigurationSetDeliveryOptions',
  'ses:PutConfigurationSetSuppressionOptions',
  'ses:PutConfigurationSetTrackingOptions',
  'ses:PutConfigurationSetVdmOptions',
  'ses:CreateConfigurationSetEventDestination',
  'ses:GetConfigurationSetEventDestinations',
  'ses:UpdateConfigurationSetEventDestination',
  'ses:DeleteConfigurationSetEventDestination',
  // `configuration-set` is a resource type of the tag actions, so no '*' is needed.
  'ses:TagResource',
  'ses:UntagResource',
  'ses:ListTagsForResource',
];

/** Every configuration set of the account in `region`. */
function configurationSetsArn(stack: Stack, region: string): string {
  return stack.formatArn({ service: 'ses', region, resource: 'configuration-set', resourceName: '*' });
}

/** The dedicated IP pools of the account in `region`: a delivery options update keeps a pool attached by hand, which IAM checks. */
function dedicatedIpPoolsArn(stack: Stack, region: string): string {
  return stack.formatArn({ service: 'ses', region, resource: 'dedicated-ip-pool', resourceName: '*' });
}

function statementsFor(stack: Stack, region: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ sid: 'ManageConfigurationSets', actions: CONFIGURATION_SET_ACTIONS, resources: [configurationSetsArn(stack, region)] }),
    new iam.PolicyStatement({
      sid: 'KeepAttachedDedicatedIpPools',
      actions: ['ses:PutConfigurationSetDeliveryOptions'],
      resources: [dedicatedIpPoolsArn(stack, region)],
    }),
  ];
}

const IAM5_REASON = 'Every configuration set of this account in the region, not exact names: when a new configurationSetName replaces a set, '
  + 'CloudFormation deletes the old one after the policy already names the new one. The handler only writes and deletes configuration sets '
  + 'that carry this resource\'s ownership tag.';
const IAM5_POOLS_REASON = 'ses:PutConfigurationSetDeliveryOptions on the region\'s dedicated IP pools: a delivery options update keeps '
  + 'the pool someone attached to the set in that region (pools are regional and not managed by this library); it creates no pool.';

/** Configuration sets, as the provider's role manages them in each region. */
const CONFIGURATION_SETS: RegionalObjectKind = {
  grantKey: 'configuration-sets',
  policyIdPrefix: 'cdk-ses-multi-region-endpoint.ConfigurationSets.',
  statementsIn: statementsFor,
  acknowledgeIn: (scope, stack, region) => Validations.of(scope).acknowledge(
    { id: `AwsSolutions-IAM5[Resource::${nagResourceId(stack, configurationSetsArn(stack, region))}]`, reason: IAM5_REASON },
    { id: `AwsSolutions-IAM5[Resource::${nagResourceId(stack, dedicatedIpPoolsArn(stack, region))}]`, reason: IAM5_POOLS_REASON },
  ),
  cleanup: {
    sid: 'CleanUpOwnConfigurationSets',
    actions: ['ses:DeleteConfigurationSet', 'ses:ListTagsForResource', 'ses:TagResource', 'ses:UntagResource'],
    anyRegionArn: (stack) => configurationSetsArn(stack, '*'),
    reason: 'Read the tags of, untag and delete configuration sets of any region: when a secondaryRegion given as a token changes, this '
      + 'policy is updated before CloudFormation deletes the old set. The handler only deletes sets that carry this resource\'s ownership tag.',
  },
};

/** Explicit configuration set names already used in each stack, and by which construct. */
const explicitNames = new WeakMap<Stack, Map<string, string>>();
