import * as path from 'path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { createHandlerProvider } from './handler-provider';
import { nagResourceId } from './nag';

/** The handler bundle esbuild writes at pre-compile; it ships inside the npm package. */
const HANDLER_BUNDLE = path.join(__dirname, '..', '..', 'assets', 'lambda', 'multi-region-endpoint', 'index');

/**
 * How often the Provider framework invokes isComplete. Each invocation itself polls SES
 * every POLL_INTERVAL for up to POLL_WINDOW, so READY is seen within about a second
 * while Step Functions and Lambda are invoked only every couple of minutes.
 */
export const QUERY_INTERVAL = Duration.seconds(1);
export const POLL_INTERVAL = Duration.seconds(1);
export const POLL_WINDOW = Duration.minutes(2);

/**
 * One Provider (and its Lambdas, role and logs) per stack, however many endpoints:
 * a stack singleton with a stable id, like aws-cdk's DynamoDB replica provider.
 */
export class MultiRegionEndpointProvider extends Construct {
  /** Returns the stack's provider, creating it on first use. */
  public static getOrCreate(scope: Construct): MultiRegionEndpointProvider {
    const stack = Stack.of(scope);
    const id = 'cdk-ses-multi-region-endpoint.Provider';
    return (stack.node.tryFindChild(id) as MultiRegionEndpointProvider | undefined) ?? new MultiRegionEndpointProvider(stack, id);
  }

  /** The role both handlers run as; custom resources depend on it so its policy outlives them. */
  public readonly role: iam.Role;
  public readonly onEventHandler: lambda.Function;
  public readonly isCompleteHandler: lambda.Function;
  public readonly provider: cr.Provider;
  /** Explicit endpoint names already used in this stack (two resources must not share one). */
  public readonly explicitNames = new Map<string, string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);

    const parts = createHandlerProvider(this, {
      bundleDir: HANDLER_BUNDLE,
      roleDescription: 'Manages SES multi-region endpoints for cdk-ses-multi-region-endpoint',
      onEventDescription: 'Creates, updates and deletes SES multi-region endpoints',
      isCompleteDescription: 'Reports whether an SES multi-region endpoint is READY or gone',
      // Room for a polling window plus one SES call's full throttling backoff (retry.ts).
      timeout: Duration.minutes(5),
      queryInterval: QUERY_INTERVAL,
      environment: {
        POLL_INTERVAL_MS: String(POLL_INTERVAL.toMilliseconds()),
        POLL_WINDOW_MS: String(POLL_WINDOW.toMilliseconds()),
      },
    });
    this.role = parts.role;
    this.onEventHandler = parts.onEventHandler;
    this.isCompleteHandler = parts.isCompleteHandler;
    this.provider = parts.provider;
    const endpointsArn = stack.formatArn({ service: 'ses', resource: 'multi-region-endpoint', resourceName: '*' });
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
      // actions list none for multi-region endpoints), so IAM only accepts '*' here.
      actions: ['ses:CreateMultiRegionEndpoint', 'ses:TagResource', 'ses:UntagResource', 'ses:ListTagsForResource'],
      resources: ['*'],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CreateSesServiceLinkedRole',
      // A documented prerequisite of the first global endpoint in an account.
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [serviceLinkedRoles],
      conditions: { StringEquals: { 'iam:AWSServiceName': 'ses.amazonaws.com' } },
    }));

    Validations.of(this.role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${nagResourceId(stack, endpointsArn)}]`,
        reason: 'ses:GetMultiRegionEndpoint/DeleteMultiRegionEndpoint on every endpoint of this account and region, not exact names: '
          + 'when a rename replaces an endpoint, CloudFormation deletes the old one after the policy already names the new one. '
          + 'The handler only deletes endpoints that carry this resource\'s ownership tag.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ses:CreateMultiRegionEndpoint, ses:TagResource, ses:UntagResource and ses:ListTagsForResource have no resource type '
          + 'for multi-region endpoints in the IAM service authorization reference, so IAM only accepts "*" for them.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagResourceId(stack, serviceLinkedRoles)}]`,
        reason: 'iam:CreateServiceLinkedRole only for SES\'s own service-linked role (path aws-service-role/ses.amazonaws.com/, '
          + 'condition iam:AWSServiceName = ses.amazonaws.com): a documented prerequisite of the first global endpoint in an account.',
      },
    );
  }

  /** The service token custom resources send their events to. */
  public get serviceToken(): string {
    return this.provider.serviceToken;
  }
}
