import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeProviderFramework } from './nag';

/** What differs between this library's providers. */
export interface HandlerProviderOptions {
  /** The directory of the handler bundle esbuild writes at pre-compile. */
  readonly bundleDir: string;
  readonly roleDescription: string;
  readonly onEventDescription: string;
  readonly isCompleteDescription: string;
  /** The handler Lambdas' timeout. */
  readonly timeout: Duration;
  /** How often the Provider framework invokes isComplete. */
  readonly queryInterval: Duration;
  readonly environment?: { [key: string]: string };
}

/** The parts every provider of this library has. */
export interface HandlerProvider {
  /** The role both handlers run as; custom resources depend on it so its policy outlives them. */
  readonly role: iam.Role;
  readonly onEventHandler: lambda.Function;
  readonly isCompleteHandler: lambda.Function;
  readonly provider: cr.Provider;
}

/**
 * Builds, inside `scope`, a log group with retention, one role with nothing but log
 * writes, the onEvent and isComplete Lambdas of one bundle (Node.js 24, arm64), and the
 * CDK Provider around them; and acknowledges the Provider framework's cdk-nag findings.
 */
export function createHandlerProvider(scope: Construct, options: HandlerProviderOptions): HandlerProvider {
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS });
  const role = new iam.Role(scope, 'HandlerRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: options.roleDescription,
  });
  logGroup.grantWrite(role);

  const handler = (handlerId: string, entry: string, description: string) => new lambda.Function(scope, handlerId, {
    code: lambda.Code.fromAsset(options.bundleDir),
    handler: `index.${entry}`,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    timeout: options.timeout,
    environment: options.environment,
    role,
    logGroup,
    description,
  });
  const onEventHandler = handler('OnEventHandler', 'onEvent', options.onEventDescription);
  const isCompleteHandler = handler('IsCompleteHandler', 'isComplete', options.isCompleteDescription);

  const provider = new cr.Provider(scope, 'Provider', {
    onEventHandler,
    isCompleteHandler,
    queryInterval: options.queryInterval,
    // The framework's ceiling; each resource's own `timeout` is enforced by its handler.
    totalTimeout: Duration.hours(1),
    logGroup,
  });
  acknowledgeProviderFramework(provider, [onEventHandler, isCompleteHandler]);
  return { role, onEventHandler, isCompleteHandler, provider };
}
