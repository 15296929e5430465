/**
 * One case of the quota benchmark, run as a child process (each case has its own emulator,
 * that is its own account, and its own process environment for the handler):
 *
 *   node -r ts-node/register/transpile-only bench/quota-case.ts '<QuotaCaseInput as JSON>'
 *
 * Deploys the case's stack, updates its tags and destroys it with the driver, against an
 * emulator that enforces SES's quota (1 request/s, burst 2, per region), while a bystander
 * calls once every 3 s in each region. Prints a QuotaCaseResult as JSON on stdout.
 */
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { parentDomain, QUOTA_ACCOUNT, QUOTA_PRIMARY, QUOTA_SECONDARY } from './quota-synth';
import { SesEmulator } from '../test/emulator/ses-emulator';
import { Bystander } from '../test/support/bystander';
import { CloudFormationDriver, DeployResult } from '../test/support/cloudformation-driver';
import { seededRandom } from '../test/support/seeded-random';

export interface QuotaCaseInput {
  readonly stackName: string;
  readonly shape: 'endpoints' | 'replicas';
  readonly count: number;
  /** Cloud assembly directories: the stack, and the same stack with one more tag. */
  readonly assembly: string;
  readonly taggedAssembly: string;
  readonly provisioningMs: number;
  readonly deletionMs: number;
  readonly jitterMs: number;
  readonly bystanderIntervalMs: number;
  readonly seed: number;
}

export interface PhaseResult {
  readonly phase: 'create' | 'update' | 'destroy';
  readonly status: string;
  readonly reason?: string;
  readonly durationMs: number;
  /** The stack's calls, per region. */
  readonly stackCalls: Record<string, number>;
  readonly stackThrottled: Record<string, number>;
  readonly bystanderCalls: Record<string, number>;
  readonly bystanderThrottled: Record<string, number>;
  /** Resources that ended *_FAILED during the phase (rollbacks included). */
  readonly failedResources: number;
  /** Create only: READY at SES to SUCCESS of each endpoint, ms. */
  readonly addedMs?: number[];
}

export interface QuotaCaseResult {
  readonly phases: PhaseResult[];
  /** After the destroy: endpoints and identities left that the stack made (orphans). */
  readonly leftBehind: string[];
  /** Whether the foreign endpoint (and identity) seeded before the deploy are exactly as they were, never written. */
  readonly foreignIntact: boolean;
}

const STACK_CALLER = 'AKIDSTACK';

async function main(): Promise<void> {
  const input: QuotaCaseInput = JSON.parse(process.argv[2]);
  console.log = () => undefined; // the handler's JSON log lines
  const emulator = await SesEmulator.start();
  const random = seededRandom(input.seed);
  const jittered = (ms: number) => ms + Math.floor(random() * input.jitterMs);
  emulator.options = {
    quota: { ratePerSecond: 1, burst: 2 },
    get provisioningDelayMs() { return jittered(input.provisioningMs); },
    get deletionDelayMs() { return jittered(input.deletionMs); },
    replicaVerificationDelayMs: input.provisioningMs,
    identityDeletionDelayMs: input.deletionMs,
  };
  emulator.seed({ region: QUOTA_PRIMARY, endpointName: 'foreign', routes: [QUOTA_SECONDARY], tags: { owner: 'someone-else' } });
  const regions = input.shape === 'replicas' ? [QUOTA_PRIMARY, QUOTA_SECONDARY] : [QUOTA_PRIMARY];
  if (input.shape === 'replicas') {
    emulator.seedIdentity({ region: QUOTA_SECONDARY, name: 'foreign.example.com' });
    for (let i = 0; i < input.count; i++) emulator.seedIdentity({ region: QUOTA_PRIMARY, name: parentDomain(i) });
  }
  const foreign = () => JSON.stringify([emulator.endpoint(QUOTA_PRIMARY, 'foreign'), emulator.identity(QUOTA_SECONDARY, 'foreign.example.com')]);
  const foreignBefore = foreign();

  const cfn = new CloudFormationDriver({
    stackName: input.stackName,
    region: QUOTA_PRIMARY,
    account: QUOTA_ACCOUNT,
    queryIntervalMs: 'template',
    lambdaEnv: emulator.clientEnv(QUOTA_PRIMARY, STACK_CALLER),
  });

  const phases: PhaseResult[] = [];
  const run = async (phase: PhaseResult['phase'], operation: () => Promise<DeployResult>) => {
    const bystanders = regions.map((region) => Bystander.start(emulator, { region, intervalMs: input.bystanderIntervalMs }));
    const firstEvent = cfn.events.length;
    const firstRequest = cfn.requests.length;
    const start = Date.now();
    const result = await operation();
    const end = Date.now();
    const reports = await Promise.all(bystanders.map((b) => b.stop()));
    const ours = emulator.calls.filter((c) => c.caller === STACK_CALLER && c.at! >= start && c.at! <= end);
    const perRegion = (pick: (c: typeof ours[number]) => boolean) =>
      Object.fromEntries(regions.map((r) => [r, ours.filter((c) => c.region === r && pick(c)).length]));
    let addedMs: number[] | undefined;
    if (phase === 'create') {
      addedMs = cfn.requests.slice(firstRequest)
        .filter((r) => r.requestType === 'Create' && r.response.Status === 'SUCCESS' && r.response.Data.EndpointName !== undefined)
        .map((r) => {
          const endpoint = emulator.endpoint(QUOTA_PRIMARY, r.response.Data.EndpointName);
          return endpoint && endpoint.status === 'READY' ? r.endedAt - endpoint.updatedAt.getTime() : NaN;
        })
        .filter((ms) => Number.isFinite(ms));
    }
    phases.push({
      phase,
      status: result.status,
      reason: result.reason,
      durationMs: end - start,
      stackCalls: perRegion(() => true),
      stackThrottled: perRegion((c) => c.errorType === 'TooManyRequestsException'),
      bystanderCalls: Object.fromEntries(regions.map((r, i) => [r, reports[i].calls])),
      bystanderThrottled: Object.fromEntries(regions.map((r, i) => [r, reports[i].throttled])),
      failedResources: cfn.events.slice(firstEvent).filter((e) => e.status.endsWith('_FAILED')).length,
      addedMs,
    });
    return result;
  };

  const created = await run('create', () => cfn.deploy(new CloudAssembly(input.assembly), input.stackName));
  if (created.status === 'CREATE_COMPLETE') {
    await run('update', () => cfn.deploy(new CloudAssembly(input.taggedAssembly), input.stackName));
    await run('destroy', () => cfn.destroy());
  }
  const leftBehind = [
    ...emulator.endpoints().filter((e) => e.endpointName !== 'foreign').map((e) => `endpoint ${e.endpointName}`),
    ...emulator.identities(QUOTA_SECONDARY).filter((i) => i.identityName !== 'foreign.example.com').map((i) => `identity ${i.identityName}`),
  ];
  const foreignWritten = emulator.calls.some((c) => (c.endpointName === 'foreign' || c.identityName === 'foreign.example.com') && !/^(Get|List)/.test(c.operation));
  const result: QuotaCaseResult = { phases, leftBehind, foreignIntact: foreign() === foreignBefore && !foreignWritten };
  await emulator.stop();
  process.stdout.write(JSON.stringify(result));
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
