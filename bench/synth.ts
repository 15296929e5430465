/**
 * Synth cost: time and template bytes for N endpoints, with this construct, with native
 * `AWS::SES::MultiRegionEndpoint` resources, and with the hand-rolled alternative (native
 * resource + an AwsCustomResource that reads the EndpointId with GetMultiRegionEndpoint), and
 * with the floor of any construct built on aws-cdk-lib's Provider framework (a bare Provider
 * with an isComplete waiter and one inline handler, and a plain CustomResource per endpoint),
 * and with the floor of a provider that leaves the Provider framework out (L1 resources only:
 * the handler asset, a role, a log group and one Lambda function that CloudFormation invokes).
 *
 * Every measurement runs in a fresh Node process (this file, run as a script). All variants
 * require the same modules first; the timed part is constructing the stack and
 * `app.synth()`, from `new App()` to the assembly on disk. aws-cdk-lib's modules load their
 * code lazily, on first use, so a first synth still loads (reads, compiles, runs) the
 * aws-cdk-lib code the variant uses: that is what `cdk synth` pays. The process then
 * synthesizes a few more fresh Apps ("warm"), which leaves that one-time cost out.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { median, msSince } from './stats';

/** The handler bundle the library ships (written by the bench task's bundle step), staged by the L1 floor. */
const HANDLER_BUNDLE_DIR = path.join(__dirname, '..', 'assets', 'lambda', 'provider', 'index');

export type SynthVariant = 'ours' | 'native' | 'handRolled' | 'providerFloor' | 'l1Floor' | 'empty';

export const VARIANT_LABELS: Record<SynthVariant, string> = {
  ours: 'MultiRegionEndpoint (this library)',
  native: 'native CfnMultiRegionEndpoint',
  handRolled: 'native + AwsCustomResource lookup',
  providerFloor: 'floor: bare Provider framework + CustomResource',
  l1Floor: 'floor without the Provider framework: L1 Lambda + custom resource',
  empty: 'empty stack',
};

/** Synths after the first one in the same process: their median is the "warm" figure. */
export const WARM_SYNTHS = 3;

export interface SynthMeasurement {
  readonly variant: SynthVariant;
  readonly endpoints: number;
  /** The first synth in a fresh process, as `cdk synth` runs it. */
  readonly synthMs: number;
  /** Later synths of a fresh App in the same process (median): modules loaded, code warm. */
  readonly warmSynthMs: number;
  readonly templateBytes: number;
  readonly resources: number;
}

export interface SynthOptions {
  readonly root: string;
  readonly sizes: readonly number[];
  /** Default: every variant but the empty stack. */
  readonly variants?: ReadonlyArray<Exclude<SynthVariant, 'empty'>>;
  /** Also synthesize an empty stack, which each variant's fixed cost is measured against. Default true. */
  readonly withEmptyStack?: boolean;
  readonly runs: number;
  /** Synths after the first one in each process, for the warm figure. Default WARM_SYNTHS. */
  readonly warmSynths?: number;
  /** The environment of the child processes. */
  readonly env: NodeJS.ProcessEnv;
  readonly progress?: (line: string) => void;
}

/**
 * Runs every (variant, size) once per round, rounds one after the other, so that drift in
 * the machine's speed spreads over all variants alike.
 */
export function runSynthBench(options: SynthOptions): SynthMeasurement[] {
  const cases: Array<[SynthVariant, number]> = options.withEmptyStack === false ? [] : [['empty', 0]];
  for (const n of options.sizes) {
    for (const variant of options.variants ?? ['ours', 'native', 'handRolled', 'providerFloor', 'l1Floor'] as const) cases.push([variant, n]);
  }
  const validation = options.env.CDK_VALIDATION === 'false' ? 'template validation off' : 'template validation on';
  const measurements: SynthMeasurement[] = [];
  for (let round = 1; round <= options.runs; round++) {
    options.progress?.(`synth (${validation}): round ${round}/${options.runs}, ${cases.length} fresh processes`);
    for (const [variant, n] of cases) measurements.push(synthInChild(options, variant, n));
  }
  return measurements;
}

function synthInChild(options: SynthOptions, variant: SynthVariant, endpoints: number): SynthMeasurement {
  const warm = String(options.warmSynths ?? WARM_SYNTHS);
  const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, variant, String(endpoints), warm], {
    cwd: options.root,
    env: { ...options.env, TS_NODE_PROJECT: path.join(options.root, 'test', 'tsconfig.json') },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`synth of ${endpoints} ${variant} failed: ${child.stderr || child.error}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!);
}

// ---- the child process ----


/* eslint-disable @typescript-eslint/no-require-imports -- required before the clock starts, the same set for every variant (aws-cdk-lib still loads the code behind them on first use) */
function synthHere(variant: SynthVariant, endpoints: number, warmSynths: number): SynthMeasurement {
  const cdk: typeof import('aws-cdk-lib') = require('aws-cdk-lib');
  const ses: typeof import('aws-cdk-lib/aws-ses') = require('aws-cdk-lib/aws-ses');
  const cr: typeof import('aws-cdk-lib/custom-resources') = require('aws-cdk-lib/custom-resources');
  const lambda: typeof import('aws-cdk-lib/aws-lambda') = require('aws-cdk-lib/aws-lambda');
  const iam: typeof import('aws-cdk-lib/aws-iam') = require('aws-cdk-lib/aws-iam');
  const logs: typeof import('aws-cdk-lib/aws-logs') = require('aws-cdk-lib/aws-logs');
  const lib: typeof import('../lib') = require('../lib');
  /* eslint-enable @typescript-eslint/no-require-imports */

  /** Builds the app and synthesizes it into a fresh directory; the clock runs from `new App()` to the assembly on disk. */
  const synthOnce = () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
    try {
      const start = process.hrtime.bigint();
      const app = new cdk.App({ outdir });
      const stack = new cdk.Stack(app, 'Bench', { env: { region: 'us-east-1', account: '123456789012' } });
      let floorToken: string | undefined;
      if (variant === 'providerFloor' && endpoints > 0) {
        // The least a construct on the Provider framework with an isComplete waiter pays:
        // one inline handler for both, no role, log group, permissions or validation of its own.
        const handler = new lambda.Function(stack, 'Handler', {
          code: lambda.Code.fromInline('exports.handler = async () => ({});'),
          handler: 'index.handler',
          runtime: lambda.Runtime.NODEJS_24_X,
        });
        floorToken = new cr.Provider(stack, 'Provider', { onEventHandler: handler, isCompleteHandler: handler, totalTimeout: cdk.Duration.hours(1) }).serviceToken;
      }
      if (variant === 'l1Floor' && endpoints > 0) {
        // The least a provider without the Provider framework pays: the same handler bundle
        // staged as an asset, a role with an inline policy, a log group and one function that
        // CloudFormation invokes directly. Its handler would have to answer CloudFormation's
        // ResponseURL itself and re-invoke itself for waits beyond Lambda's 15 minutes.
        const staging = new cdk.AssetStaging(stack, 'HandlerCode', { sourcePath: HANDLER_BUNDLE_DIR });
        const code = stack.synthesizer.addFileAsset({
          fileName: staging.relativeStagedPath(stack),
          packaging: cdk.FileAssetPackaging.ZIP_DIRECTORY,
          sourceHash: staging.assetHash,
        });
        const logGroup = new logs.CfnLogGroup(stack, 'Logs', { retentionInDays: 90 });
        const role = new iam.CfnRole(stack, 'HandlerRole', {
          assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }] },
          policies: [{
            policyName: 'Handler',
            policyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroup.attrArn },
                { Effect: 'Allow', Action: ['ses:GetMultiRegionEndpoint', 'ses:DeleteMultiRegionEndpoint'], Resource: stack.formatArn({ service: 'ses', resource: 'multi-region-endpoint', resourceName: '*' }) },
                { Effect: 'Allow', Action: ['ses:CreateMultiRegionEndpoint', 'ses:TagResource', 'ses:UntagResource', 'ses:ListTagsForResource'], Resource: '*' },
              ],
            },
          }],
        });
        const handler = new lambda.CfnFunction(stack, 'Handler', {
          code: { s3Bucket: code.bucketName, s3Key: code.objectKey },
          handler: 'index.handler',
          runtime: 'nodejs24.x',
          architectures: ['arm64'],
          timeout: 900,
          role: role.attrArn,
          loggingConfig: { logGroup: logGroup.ref },
        });
        floorToken = handler.attrArn;
      }
      for (let i = 1; i <= endpoints; i++) {
        const endpointName = `bench-endpoint-${i}`;
        if (variant === 'ours') {
          new lib.MultiRegionEndpoint(stack, `Endpoint${i}`, { endpointName, secondaryRegion: 'us-west-2' });
          continue;
        }
        if (variant === 'l1Floor') {
          new cdk.CfnResource(stack, `Endpoint${i}`, {
            type: lib.MultiRegionEndpoint.RESOURCE_TYPE,
            properties: { ServiceToken: floorToken!, EndpointName: endpointName, Details: { RouteDetails: [{ Region: 'us-west-2' }] } },
          });
          continue;
        }
        if (variant === 'providerFloor') {
          new cdk.CustomResource(stack, `Endpoint${i}`, {
            serviceToken: floorToken!,
            resourceType: lib.MultiRegionEndpoint.RESOURCE_TYPE,
            properties: { EndpointName: endpointName, Details: { RouteDetails: [{ Region: 'us-west-2' }] } },
          });
          continue;
        }
        if (variant === 'empty') continue;
        const endpoint = new ses.CfnMultiRegionEndpoint(stack, `Endpoint${i}`, {
          endpointName,
          details: { routeDetails: [{ region: 'us-west-2' }] },
        });
        if (variant === 'handRolled') {
          // The EndpointId SendEmail needs is not a CloudFormation attribute: read it.
          new cr.AwsCustomResource(stack, `Endpoint${i}Id`, {
            onUpdate: {
              service: 'SESV2',
              action: 'getMultiRegionEndpoint',
              parameters: { EndpointName: endpoint.ref },
              physicalResourceId: cr.PhysicalResourceId.of(endpointName),
            },
            policy: cr.AwsCustomResourcePolicy.fromSdkCalls({
              resources: [stack.formatArn({ service: 'ses', resource: 'multi-region-endpoint', resourceName: endpointName })],
            }),
            installLatestAwsSdk: false,
          });
        }
      }
      const artifact = app.synth().getStackArtifact('Bench');
      const ms = msSince(start);
      const resources = Object.keys(artifact.template.Resources ?? {}).length;
      return { ms, templateBytes: fs.statSync(artifact.templateFullPath).size, resources };
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  };

  const first = synthOnce();
  const warm = Array.from({ length: warmSynths }, () => synthOnce().ms);
  return {
    variant,
    endpoints,
    synthMs: first.ms,
    warmSynthMs: warm.length > 0 ? median(warm) : NaN,
    templateBytes: first.templateBytes,
    resources: first.resources,
  };
}

if (require.main === module) {
  const [variant, endpoints, warmSynths] = process.argv.slice(2);
  process.stdout.write(`${JSON.stringify(synthHere(variant as SynthVariant, Number(endpoints), Number(warmSynths)))}\n`);
}
