import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { createHandlerProvider } from './handler-provider';

/** The handler bundle esbuild writes at pre-compile; it ships inside the npm package. */
const HANDLER_BUNDLE = path.join(__dirname, '..', '..', 'assets', 'lambda', 'replica-email-identity', 'index');

/** How often the Provider framework asks isComplete whether the replica is verified. */
export const REPLICA_QUERY_INTERVAL = Duration.seconds(5);

/**
 * One Provider (and its Lambdas, role and logs) per stack, however many replica identities:
 * a stack singleton with a stable id, like aws-cdk's DynamoDB replica provider.
 *
 * The role starts with no SES permission at all: each replica attaches its own policy,
 * scoped to its parent and its replica (see ReplicaEmailIdentity).
 */
export class ReplicaEmailIdentityProvider extends Construct {
  /** Returns the stack's provider, creating it on first use. */
  public static getOrCreate(scope: Construct): ReplicaEmailIdentityProvider {
    const stack = Stack.of(scope);
    const id = 'cdk-ses-multi-region-endpoint.ReplicaProvider';
    return (stack.node.tryFindChild(id) as ReplicaEmailIdentityProvider | undefined) ?? new ReplicaEmailIdentityProvider(stack, id);
  }

  /** The role both handlers run as; each replica attaches its own policy to it. */
  public readonly role: iam.Role;
  public readonly onEventHandler: lambda.Function;
  public readonly isCompleteHandler: lambda.Function;
  public readonly provider: cr.Provider;
  /** Replicas already defined in this stack, by `<replicaRegion>/<name>` (two resources must not share one). */
  public readonly replicas = new Map<string, string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    const parts = createHandlerProvider(this, {
      bundleDir: HANDLER_BUNDLE,
      roleDescription: 'Manages SES DEED replica email identities for cdk-ses-multi-region-endpoint',
      onEventDescription: 'Creates and deletes SES DEED replica email identities',
      isCompleteDescription: 'Reports whether an SES DEED replica identity is verified or gone',
      // Room for the SDK's throttling backoff (retry.ts) on a few calls in two regions.
      timeout: Duration.minutes(3),
      queryInterval: REPLICA_QUERY_INTERVAL,
    });
    this.role = parts.role;
    this.onEventHandler = parts.onEventHandler;
    this.isCompleteHandler = parts.isCompleteHandler;
    this.provider = parts.provider;
  }

  /** The service token custom resources send their events to. */
  public get serviceToken(): string {
    return this.provider.serviceToken;
  }
}
