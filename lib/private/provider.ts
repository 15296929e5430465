import * as path from 'path';
import { CfnResource, CustomResource, Duration, Fn, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeProviderFramework, nagResourceId } from './nag';
import { CALL_PERIOD_ENV, CALL_SLOTS_ENV, DEFAULT_CALL_PERIOD_MS, encodeSlots } from './schedule';

/** The handler bundle esbuild writes at pre-compile; it ships inside the npm package. */
const HANDLER_BUNDLE = path.join(__dirname, '..', '..', 'assets', 'lambda', 'provider', 'index');

/** The log group of a stack's provider is `<prefix><stack name>/<stack UUID>`. */
export const LOG_GROUP_PREFIX = '/cdk-ses-multi-region-endpoint/';

/**
 * How often the Provider framework invokes isComplete. Each invocation itself polls SES, at
 * the resource's turns, for up to POLL_WINDOW, so Step Functions and Lambda are invoked only
 * every couple of minutes while a resource waits.
 */
export const QUERY_INTERVAL = Duration.seconds(1);
export const POLL_WINDOW = Duration.minutes(2);
/**
 * The handlers' Lambda timeout: Lambda's maximum, because onEvent waits for the resource's
 * turns (one every 2 s × the stack's resources) and retries a throttled call in later ones.
 */
export const HANDLER_TIMEOUT = Duration.minutes(15);

/**
 * The stack's one Provider (and its Lambdas, role and logs) for every resource of this
 * library, however many and of whichever kind: a stack singleton with a stable id, like
 * aws-cdk's DynamoDB replica provider. One handler bundle dispatches by resource type, and
 * all resources share one schedule of SES calls (see schedule.ts).
 *
 * The role starts with log writes only; each resource kind adds what it needs, once.
 */
export class SesProvider extends Construct {
  /** Returns the stack's provider, creating it on first use. */
  public static getOrCreate(scope: Construct): SesProvider {
    const stack = Stack.of(scope);
    const id = 'cdk-ses-multi-region-endpoint.Provider';
    return (stack.node.tryFindChild(id) as SesProvider | undefined) ?? new SesProvider(stack, id);
  }

  /** The role both handlers run as; custom resources depend on it so its policy outlives them. */
  public readonly role: iam.Role;
  public readonly onEventHandler: lambda.Function;
  public readonly isCompleteHandler: lambda.Function;
  public readonly provider: cr.Provider;
  /** Explicit endpoint names already used in this stack (two resources must not share one). */
  public readonly explicitNames = new Map<string, string>();
  /** Replicas already defined in this stack, by `<replicaRegion>/<name>` (two resources must not share one). */
  public readonly replicas = new Map<string, string>();

  /** The custom resources that take turns calling SES. */
  private readonly scheduled: CfnResource[] = [];
  /** What the role was already granted, by key: each resource kind adds its permissions once. */
  private readonly grantedOnce = new Set<string>();
  /** The regions whose account state the handler reads besides the stack's. */
  private readonly accountRegions = new Set<string>();
  private endpointsGranted = false;
  private lookupsGranted = false;
  private endpointsAcknowledged = false;

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      // Findable by the stack's name; the stack ARN's UUID makes each incarnation of the stack
      // its own group, so a kept group never blocks re-creating a stack of the same name.
      logGroupName: `${LOG_GROUP_PREFIX}${stack.stackName}/${Fn.select(2, Fn.split('/', stack.stackId))}`,
      retention: logs.RetentionDays.THREE_MONTHS,
      // Kept when the stack is deleted: a failed first deploy's rollback, or a failed destroy,
      // would otherwise take the only record of what SES answered with it. Entries expire.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Manages SES multi-region endpoints and DEED replica identities for cdk-ses-multi-region-endpoint',
    });
    logGroup.grantWrite(this.role);

    const environment = {
      POLL_WINDOW_MS: String(POLL_WINDOW.toMilliseconds()),
      [CALL_PERIOD_ENV]: String(DEFAULT_CALL_PERIOD_MS),
      // Resolved at synth, once every resource has registered. Lambda's 4 KB environment holds
      // the hashes of several hundred resources, more than a stack's 500-resource limit allows.
      [CALL_SLOTS_ENV]: Lazy.string({ produce: () => encodeSlots(this.scheduled.map((r) => Stack.of(this).resolve(r.logicalId) as string)) }),
    };
    const handler = (handlerId: string, entry: string, description: string) => new lambda.Function(this, handlerId, {
      code: lambda.Code.fromAsset(HANDLER_BUNDLE),
      handler: `index.${entry}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: HANDLER_TIMEOUT,
      environment,
      role: this.role,
      logGroup,
      description,
    });
    this.onEventHandler = handler('OnEventHandler', 'onEvent', 'Creates, updates and deletes SES multi-region endpoints and DEED replica identities');
    this.isCompleteHandler = handler('IsCompleteHandler', 'isComplete', 'Reports whether an SES multi-region endpoint or DEED replica identity is ready or gone');

    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEventHandler,
      isCompleteHandler: this.isCompleteHandler,
      queryInterval: QUERY_INTERVAL,
      // Not a wall-clock limit: the waiter's MaxAttempts (totalTimeout / queryInterval), and each
      // attempt may poll for POLL_WINDOW. Each resource's `timeout` is enforced by its handler,
      // and CloudFormation's ServiceTimeout (set per resource, past its `timeout`) is the backstop.
      totalTimeout: Duration.hours(1),
      logGroup,
    });
    acknowledgeProviderFramework(this.provider, [this.onEventHandler, this.isCompleteHandler]);
  }

  /** The service token custom resources send their events to. */
  public get serviceToken(): string {
    return this.provider.serviceToken;
  }

  /** Makes `resource` one of the resources that take turns calling SES. */
  public schedule(resource: CustomResource): void {
    this.scheduled.push(resource.node.defaultChild as CfnResource);
  }

  /**
   * Adds `statements` to the role the first time `key` is granted; later calls with the same
   * key add nothing. For a resource kind's permissions, which do not depend on the resource.
   */
  public grantOnce(key: string, statements: () => iam.PolicyStatement[]): void {
    if (this.grantedOnce.has(key)) return;
    this.grantedOnce.add(key);
    for (const statement of statements()) this.role.addToPrincipalPolicy(statement);
  }

  /** What endpoints need: create, tag, read and delete endpoints of the stack's account and region. */
  public grantEndpointManagement(): void {
    if (this.endpointsGranted) return;
    this.endpointsGranted = true;
    const stack = Stack.of(this);
    const endpointsArn = this.endpointsArn();
    const serviceLinkedRoles = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'aws-service-role/ses.amazonaws.com/*' });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageOwnEndpoints',
      actions: ['ses:GetMultiRegionEndpoint', 'ses:DeleteMultiRegionEndpoint'],
      // Every endpoint of this account and region rather than exact names: when a rename
      // replaces an endpoint, CloudFormation deletes the old one after this policy has
      // already moved on to the new name, so an exact-name policy would orphan it. The
      // handler deletes only endpoints that carry this resource's ownership tag.
      resources: [endpointsArn],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CreateAndTagEndpoints',
      // SES defines no resource type for these actions (Create has no ARN yet; the tag
      // actions list none for multi-region endpoints), so IAM only accepts '*' here; the
      // condition keeps them in the region the endpoints live in (the stack's).
      actions: ['ses:CreateMultiRegionEndpoint', 'ses:TagResource', 'ses:UntagResource', 'ses:ListTagsForResource'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CreateSesServiceLinkedRole',
      // A documented prerequisite of the first global endpoint in an account.
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [serviceLinkedRoles],
      conditions: { StringEquals: { 'iam:AWSServiceName': 'ses.amazonaws.com' } },
    }));
    this.acknowledgeEndpointsArn();
    Validations.of(this.role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ses:CreateMultiRegionEndpoint, ses:TagResource, ses:UntagResource and ses:ListTagsForResource have no resource type '
          + 'for multi-region endpoints in the IAM service authorization reference, and ses:GetAccount has none at all, so IAM only '
          + 'accepts "*" for them; the condition aws:RequestedRegion keeps them in the stack\'s region, where the endpoints live '
          + '(GetAccount: and the endpoints\' secondary regions).',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagResourceId(stack, serviceLinkedRoles)}]`,
        reason: 'iam:CreateServiceLinkedRole only for SES\'s own service-linked role (path aws-service-role/ses.amazonaws.com/, '
          + 'condition iam:AWSServiceName = ses.amazonaws.com): a documented prerequisite of the first global endpoint in an account.',
      },
    );
  }

  /**
   * What the production-limits check needs: `ses:GetAccount` in the stack's region and in each
   * secondary region of the stack's endpoints.
   */
  public grantAccountRead(secondaryRegion: string): void {
    this.accountRegions.add(secondaryRegion);
    this.grantOnce('account-read', () => [new iam.PolicyStatement({
      sid: 'ReadSendingAccount',
      // GetAccount has no resource type (it reads the account's state in one region): IAM only
      // accepts '*', so the condition names the regions it may read.
      actions: ['ses:GetAccount'],
      resources: ['*'],
      conditions: {
        StringEquals: {
          'aws:RequestedRegion': Lazy.list({ produce: () => [Stack.of(this).region, ...[...this.accountRegions].filter((r) => r !== Stack.of(this).region)] }),
        },
      },
    })]);
  }

  /** What lookups need: read endpoints of the stack's account and region, nothing else. */
  public grantEndpointLookup(): void {
    if (this.lookupsGranted) return;
    this.lookupsGranted = true;
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadEndpoints',
      actions: ['ses:GetMultiRegionEndpoint'],
      resources: [this.endpointsArn()],
    }));
    this.acknowledgeEndpointsArn();
  }

  private endpointsArn(): string {
    return Stack.of(this).formatArn({ service: 'ses', resource: 'multi-region-endpoint', resourceName: '*' });
  }

  private acknowledgeEndpointsArn(): void {
    if (this.endpointsAcknowledged) return;
    this.endpointsAcknowledged = true;
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResourceId(Stack.of(this), this.endpointsArn())}]`,
      reason: 'ses:GetMultiRegionEndpoint (and, for endpoints of this stack, ses:DeleteMultiRegionEndpoint) on every endpoint of '
        + 'this account and region, not exact names: a lookup names its endpoint only at deploy time, and when a rename replaces '
        + 'an endpoint, CloudFormation deletes the old one after the policy already names the new one. '
        + 'The handler only deletes endpoints that carry this resource\'s ownership tag.',
    });
  }
}
