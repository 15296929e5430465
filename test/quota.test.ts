/**
 * Living within SES's control-plane quota (issue #11): whole stacks deployed, updated and
 * destroyed by the CloudFormation driver, running the bundled handler, against the emulator
 * enforcing 1 request/s with a burst of 2 in each region, while a bystander manages SES in
 * the same regions once every 3 s.
 *
 * Everything runs on a clock K times faster: SES's quota is K requests/s, the stack's period
 * 2 s / K, the bystander's interval 3 s / K, provisioning T / K. Rates below are given back in
 * SES's seconds (divided by K). `npm run bench` runs the same at full scale.
 */
import { App, Stack, Tags } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { MultiRegionConfigurationSet, MultiRegionEmailTemplate, MultiRegionEndpoint, MultiRegionEventDestination } from '../lib';
import { SesEmulator } from './emulator/ses-emulator';
import { Bystander, BystanderResult } from './support/bystander';
import { CloudFormationDriver, DeployResult } from './support/cloudformation-driver';

const K = 10;
const PRIMARY = 'us-east-1';
const SECONDARY = 'us-west-2';
const STACK_CALLER = 'AKIDSTACK';
const STACK = 'MailStack';

let emulator: SesEmulator;
let logLines: Array<Record<string, unknown>> = [];
/** One line per phase, printed at the end: what was measured, for the record. */
const figures: string[] = [];

beforeAll(async () => {
  emulator = await SesEmulator.start();
});
afterAll(async () => {
  await emulator?.stop();
  console.log(`quota (1 request/s, burst 2, clock ${K}x):\n${figures.join('\n')}`);
});
beforeEach(() => {
  emulator.reset();
  const jitter = () => Math.floor(Math.random() * (5000 / K));
  emulator.options = {
    quota: { ratePerSecond: 1 * K, burst: 2 },
    // Read once per Create / Delete: T = 10 s and D = 2 s, each plus up to 5 s, on the fast clock.
    get provisioningDelayMs() { return 10_000 / K + jitter(); },
    get deletionDelayMs() { return 2_000 / K + jitter(); },
    replicaVerificationDelayMs: 10_000 / K,
  };
  logLines = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => { logLines.push(JSON.parse(line)); });
});
afterEach(() => jest.restoreAllMocks());

function driver(): CloudFormationDriver {
  return new CloudFormationDriver({
    stackName: STACK,
    region: PRIMARY,
    lambdaEnv: { ...emulator.clientEnv(PRIMARY, STACK_CALLER), SES_CALL_PERIOD_MS: String(2000 / K) },
  });
}

function app(build: (stack: Stack) => void): CloudAssembly {
  const a = new App();
  build(new Stack(a, STACK, { env: { region: PRIMARY, account: '123456789012' } }));
  return a.synth();
}

interface Phase {
  readonly result: DeployResult;
  /** The stack's calls per region, per SES second. */
  readonly stackRate: Record<string, number>;
  readonly bystanders: Record<string, BystanderResult>;
  /** The most calls the stack made in any window of 10 periods. */
  readonly busiestTenPeriods: number;
}

/** Runs one stack operation with a bystander in each region, and measures the stack's calls. */
async function phase(regions: string[], operation: () => Promise<DeployResult>): Promise<Phase> {
  const bystanders = regions.map((region) => Bystander.start(emulator, { region, intervalMs: 3000 / K }));
  const start = Date.now();
  const result = await operation();
  const end = Date.now();
  const reports = await Promise.all(bystanders.map((b) => b.stop()));
  const ours = emulator.calls.filter((c) => c.caller === STACK_CALLER && c.at! >= start && c.at! <= end);
  const stackRate = Object.fromEntries(regions.map((region) =>
    [region, ours.filter((c) => c.region === region).length / ((end - start) / 1000) / K]));
  const window = (10 * 2000) / K;
  const busiestTenPeriods = Math.max(0, ...ours.map((c) => ours.filter((o) => o.at! >= c.at! && o.at! < c.at! + window).length));
  return { result, stackRate, bystanders: Object.fromEntries(regions.map((r, i) => [r, reports[i]])), busiestTenPeriods };
}

function expectWithinQuota(p: Phase): void {
  const share = (b: BystanderResult) => `${b.throttled}/${b.calls}`;
  figures.push(`  ${expect.getState().currentTestName?.slice(0, 40)}… ${p.result.status}: stack ${Object.entries(p.stackRate).map(([r, v]) => `${r} ${v.toFixed(2)} req/s`).join(', ')}; `
    + `bystander throttled ${Object.entries(p.bystanders).map(([r, b]) => `${r} ${share(b)}`).join(', ')}; busiest 10 periods ${p.busiestTenPeriods} calls`);
  for (const rate of Object.values(p.stackRate)) expect(rate).toBeLessThanOrEqual(0.5);
  for (const bystander of Object.values(p.bystanders)) {
    expect(bystander.calls).toBeGreaterThan(5);
    expect(bystander.throttledShare).toBeLessThanOrEqual(0.1);
  }
  // One call per period: 11 in a window of 10 periods at exact turns. In this one process,
  // 20 handlers, the emulator and jest share one CPU, so a request may reach the emulator a
  // little after its turn; one such straggler more is allowed. (Without the schedule, the
  // 20 Creates alone arrive within a few milliseconds.)
  expect(p.busiestTenPeriods).toBeLessThanOrEqual(13);
}

const foreignState = () => JSON.stringify([emulator.endpoint(PRIMARY, 'foreign'), emulator.identity(SECONDARY, 'foreign.example.com')]);
const foreignWrites = () => emulator.calls.filter((c) => (c.endpointName === 'foreign' || c.identityName === 'foreign.example.com')
  && !/^(Get|List)/.test(c.operation));

test('20 endpoints: deploy, tag update and destroy within the quota, beside a bystander', async () => {
  emulator.seed({ region: PRIMARY, endpointName: 'foreign', routes: [SECONDARY], tags: { owner: 'someone-else' } });
  const before = foreignState();
  const build = (tagged: boolean) => app((stack) => {
    for (let i = 0; i < 20; i++) new MultiRegionEndpoint(stack, `Endpoint${i}`, { secondaryRegion: SECONDARY });
    if (tagged) Tags.of(stack).add('team', 'mail');
  });
  const cfn = driver();

  const created = await phase([PRIMARY], () => cfn.deploy(build(false)));
  expect(created.result).toMatchObject({ status: 'CREATE_COMPLETE' });
  expect(emulator.endpoints(PRIMARY).filter((e) => e.status === 'READY')).toHaveLength(21);
  expectWithinQuota(created);

  const updated = await phase([PRIMARY], () => cfn.deploy(build(true)));
  expect(updated.result).toMatchObject({ status: 'UPDATE_COMPLETE' });
  expect(emulator.endpoints(PRIMARY).filter((e) => e.tags.team === 'mail')).toHaveLength(20);
  expectWithinQuota(updated);

  const destroyed = await phase([PRIMARY], () => cfn.destroy());
  expect(destroyed.result).toMatchObject({ status: 'DELETE_COMPLETE' });
  expectWithinQuota(destroyed);

  // Nothing failed, nothing is left, nothing foreign was touched.
  expect(cfn.events.filter((e) => e.status.endsWith('_FAILED'))).toEqual([]);
  expect(emulator.endpoints().map((e) => e.endpointName)).toEqual(['foreign']);
  expect(foreignState()).toBe(before);
  expect(foreignWrites()).toEqual([]);
  expect(logLines.filter((l) => l.operation === 'AdoptOwnEndpoint')).toEqual([]);
}, 120_000);

test('5 endpoints each with a DEED replica: both regions within the quota, beside bystanders in both', async () => {
  emulator.seed({ region: PRIMARY, endpointName: 'foreign', routes: [SECONDARY] });
  emulator.seedIdentity({ region: SECONDARY, name: 'foreign.example.com' });
  for (let i = 0; i < 5; i++) emulator.seedIdentity({ region: PRIMARY, name: `d${i}.example.com` });
  const before = foreignState();
  const build = (tagged: boolean) => app((stack) => {
    for (let i = 0; i < 5; i++) {
      const endpoint = new MultiRegionEndpoint(stack, `Endpoint${i}`, { secondaryRegion: SECONDARY });
      endpoint.addReplicaIdentity(`Replica${i}`, ses.EmailIdentity.fromEmailIdentityName(stack, `Parent${i}`, `d${i}.example.com`));
    }
    if (tagged) Tags.of(stack).add('team', 'mail');
  });
  const cfn = driver();

  const created = await phase([PRIMARY, SECONDARY], () => cfn.deploy(build(false)));
  expect(created.result).toMatchObject({ status: 'CREATE_COMPLETE' });
  expect(emulator.identities(SECONDARY).filter((i) => i.verifiedForSending && i.identityName.startsWith('d'))).toHaveLength(5);
  expectWithinQuota(created);

  const updated = await phase([PRIMARY, SECONDARY], () => cfn.deploy(build(true)));
  expect(updated.result).toMatchObject({ status: 'UPDATE_COMPLETE' });
  expectWithinQuota(updated);

  const destroyed = await phase([PRIMARY, SECONDARY], () => cfn.destroy());
  expect(destroyed.result).toMatchObject({ status: 'DELETE_COMPLETE' });
  expectWithinQuota(destroyed);

  expect(cfn.events.filter((e) => e.status.endsWith('_FAILED'))).toEqual([]);
  expect(emulator.endpoints().map((e) => e.endpointName)).toEqual(['foreign']);
  expect(emulator.identities(SECONDARY).map((i) => i.identityName)).toEqual(['foreign.example.com']);
  expect(emulator.identities(PRIMARY)).toHaveLength(5); // the parents, only ever read
  expect(foreignState()).toBe(before);
  expect(foreignWrites()).toEqual([]);
}, 120_000);

test('an endpoint, a template and a configuration set in both regions (issue #13): within the quota, beside bystanders in both', async () => {
  // One of each: five custom resources, four of them taking turns for calls in the secondary region.
  const build = (tagged: boolean) => app((stack) => {
    const endpoint = new MultiRegionEndpoint(stack, 'Endpoint', { secondaryRegion: SECONDARY });
    new MultiRegionEmailTemplate(stack, 'Template', { secondaryRegion: endpoint.secondaryRegion, subject: 'Order', text: 'Hello {{name}}' });
    const set = new MultiRegionConfigurationSet(stack, 'Set', { secondaryRegion: endpoint.secondaryRegion, reputationMetrics: true });
    set.addEventDestination('Events', { destination: MultiRegionEventDestination.eventBridge() });
    if (tagged) Tags.of(stack).add('team', 'mail');
  });
  const cfn = driver();

  const created = await phase([PRIMARY, SECONDARY], () => cfn.deploy(build(false)));
  expect(created.result).toMatchObject({ status: 'CREATE_COMPLETE' });
  for (const region of [PRIMARY, SECONDARY]) {
    expect(emulator.templates(region)).toHaveLength(1);
    expect(emulator.configurationSets(region)).toHaveLength(1);
  }
  expectWithinQuota(created);

  const updated = await phase([PRIMARY, SECONDARY], () => cfn.deploy(build(true)));
  expect(updated.result).toMatchObject({ status: 'UPDATE_COMPLETE' });
  expectWithinQuota(updated);

  const destroyed = await phase([PRIMARY, SECONDARY], () => cfn.destroy());
  expect(destroyed.result).toMatchObject({ status: 'DELETE_COMPLETE' });
  expectWithinQuota(destroyed);

  expect(cfn.events.filter((e) => e.status.endsWith('_FAILED'))).toEqual([]);
  expect([...emulator.endpoints(), ...emulator.templates(), ...emulator.configurationSets()]).toEqual([]);
}, 120_000);

test('a neighbour that takes most of the quota slows the deploy down but fails nothing, and a throttled Create is retried, not adopted', async () => {
  const build = () => app((stack) => {
    for (let i = 0; i < 5; i++) new MultiRegionEndpoint(stack, `Endpoint${i}`, { secondaryRegion: SECONDARY });
  });
  const cfn = driver();
  // 0.9 requests/s of SES's 1, on top of the stack's 0.5. Whether the neighbour alone empties the
  // bucket at a Create's turn is chance, so two Creates are also answered "Rate exceeded" for sure.
  emulator.failNext('CreateMultiRegionEndpoint', 'TooManyRequestsException', { times: 2 });
  const neighbour = Bystander.start(emulator, { region: PRIMARY, intervalMs: 1000 / 0.9 / K, caller: 'AKIDNEIGHBOUR' });
  try {
    expect(await cfn.deploy(build())).toMatchObject({ status: 'CREATE_COMPLETE' });
    expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
  } finally {
    await neighbour.stop();
  }
  const ours = emulator.calls.filter((c) => c.caller === STACK_CALLER);
  expect(ours.filter((c) => c.errorType === 'TooManyRequestsException').length).toBeGreaterThan(0);
  expect(ours.filter((c) => c.operation === 'CreateMultiRegionEndpoint' && c.errorType === 'AlreadyExistsException')).toEqual([]);
  expect(logLines.filter((l) => l.operation === 'AdoptOwnEndpoint')).toEqual([]);
  expect(emulator.endpoints()).toEqual([]);
}, 120_000);
