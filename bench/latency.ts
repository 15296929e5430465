/**
 * Added deploy latency and SES calls per lifecycle.
 *
 * Synthesized stacks of N endpoints are created and destroyed by the CloudFormation driver,
 * which runs the bundled handler staged in the cloud assembly against the SES emulator.
 * Two polling designs run side by side, at the same time, against the same emulator:
 *
 * - current: the schedule the synthesized stack really uses (the Provider's queryInterval
 *   read from the template's waiter state machine, POLL_* from the template's Lambda env);
 * - baseline: the Provider framework's default (5 s query interval, one SES check per
 *   isComplete invocation).
 *
 * "Added" latency is the time from the moment the endpoint became READY (or disappeared)
 * in the emulator to the moment the Provider reported the resource's success.
 */
import * as fs from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { MultiRegionEndpoint } from '../lib';
import { SesEmulator } from '../test/emulator/ses-emulator';
import { CloudFormationDriver, DriverOptions, RecordedRequest } from '../test/support/cloudformation-driver';
import { seededRandom } from '../test/support/seeded-random';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const RESOURCE_TYPE = 'Custom::SESMultiRegionEndpoint';
/** How often the watcher looks at the emulator's (lazily computed) endpoint states. */
const WATCH_INTERVAL_MS = 5;

export type DesignKey = 'current' | 'baseline';

export interface Design {
  readonly key: DesignKey;
  readonly label: string;
  /** How the driver plays the Provider framework and which environment the Lambdas get. */
  readonly driver: (clientEnv: Record<string, string>) => Pick<DriverOptions, 'queryIntervalMs' | 'lambdaEnv'>;
}

export const DESIGNS: readonly Design[] = [
  {
    key: 'current',
    label: 'current: the synthesized schedule (queryInterval and POLL_* from the template)',
    driver: (clientEnv) => ({ queryIntervalMs: 'template', lambdaEnv: clientEnv }),
  },
  {
    key: 'baseline',
    label: 'baseline: Provider default 5 s query interval, one SES check per invocation',
    driver: (clientEnv) => ({ queryIntervalMs: 5000, lambdaEnv: { ...clientEnv, POLL_WINDOW_MS: '0' } }),
  },
];

export interface LatencyOptions {
  /** Nominal provisioning times T, in seconds; one case each. */
  readonly provisioningSeconds: readonly number[];
  /** Nominal deletion time D, in seconds. */
  readonly deletionSeconds: number;
  /**
   * Each endpoint's provisioning (and deletion) time is T (D) plus a uniform random jitter in
   * [0, jitterMs), so that READY falls at a random phase of both polling schedules. With a
   * whole number of seconds every endpoint would become READY exactly on a poll of both
   * designs and the figures would show the best case, not the typical one.
   */
  readonly jitterMs: number;
  readonly endpointsPerStack: number;
  /** Stacks per design and case; each is one "run". They are deployed at the same time. */
  readonly runs: number;
  readonly seed: number;
  /** Progress lines (stderr). */
  readonly progress?: (line: string) => void;
}

/** One endpoint's lifecycle, as measured. */
export interface EndpointSample {
  readonly design: DesignKey;
  readonly run: number;
  readonly endpointName: string;
  /** Create call to READY, in the emulator. */
  readonly provisioningMs: number;
  /** READY to the Provider's SUCCESS for the Create. */
  readonly createAddedMs: number;
  /** CreateMultiRegionEndpoint + GetMultiRegionEndpoint calls while creating. */
  readonly createCalls: number;
  /** Every SES call while creating. */
  readonly createCallsAll: number;
  /** Delete accepted (DELETING) to gone, in the emulator. */
  readonly deletionMs: number;
  /** Gone to the Provider's SUCCESS for the Delete. */
  readonly deleteAddedMs: number;
  /** DeleteMultiRegionEndpoint + GetMultiRegionEndpoint calls while deleting. */
  readonly deleteCalls: number;
  /** Every SES call while deleting (ListTagsForResource included). */
  readonly deleteCallsAll: number;
}

export interface LatencyCase {
  readonly provisioningSeconds: number;
  readonly deletionSeconds: number;
  readonly samples: readonly EndpointSample[];
  /** Wall time of the create phase and of the delete phase (all stacks). */
  readonly createWallMs: number;
  readonly deleteWallMs: number;
}

export async function runLatencyBench(options: LatencyOptions): Promise<LatencyCase[]> {
  const { assembly, stacks } = synthesize(options);
  const emulator = await SesEmulator.start();
  try {
    const cases: LatencyCase[] = [];
    for (const [index, seconds] of options.provisioningSeconds.entries()) {
      options.progress?.(`latency: T = ${seconds} s, D = ${options.deletionSeconds} s, ${stacks.length} stacks of ${options.endpointsPerStack} endpoints`);
      cases.push(await runCase(emulator, assembly, stacks, options, seconds, options.seed + index));
    }
    return cases;
  } finally {
    await emulator.stop();
    fs.rmSync(assembly.directory, { recursive: true, force: true });
  }
}

interface BenchStack {
  readonly stackName: string;
  readonly design: Design;
  readonly run: number;
}

/** One app, one stack per design and run: generated endpoint names differ by stack name. */
function synthesize(options: LatencyOptions): { assembly: CloudAssembly; stacks: BenchStack[] } {
  const app = new App();
  const stacks: BenchStack[] = [];
  for (const design of DESIGNS) {
    for (let run = 1; run <= options.runs; run++) {
      const stackName = `Bench-${design.key}-${run}`;
      const stack = new Stack(app, stackName, { env: { region: REGION, account: ACCOUNT } });
      for (let i = 1; i <= options.endpointsPerStack; i++) {
        new MultiRegionEndpoint(stack, `Endpoint${i}`, { secondaryRegion: 'us-west-2' });
      }
      stacks.push({ stackName, design, run });
    }
  }
  return { assembly: app.synth(), stacks };
}

async function runCase(
  emulator: SesEmulator,
  assembly: CloudAssembly,
  stacks: readonly BenchStack[],
  options: LatencyOptions,
  provisioningSeconds: number,
  seed: number,
): Promise<LatencyCase> {
  const random = seededRandom(seed);
  const jittered = (seconds: number) => seconds * 1000 + Math.floor(random() * options.jitterMs);
  emulator.reset();
  // The emulator reads these once per Create / Delete, so every endpoint draws its own time.
  emulator.options = {
    get provisioningDelayMs() { return jittered(provisioningSeconds); },
    get deletionDelayMs() { return jittered(options.deletionSeconds); },
  };

  const clientEnv = emulator.clientEnv(REGION);
  const drivers = stacks.map((s) => new CloudFormationDriver({
    stackName: s.stackName,
    region: REGION,
    account: ACCOUNT,
    ...s.design.driver(clientEnv),
  }));
  const watcher = new TransitionWatcher(emulator);
  watcher.start();
  try {
    const createStart = Date.now();
    const created = await Promise.all(drivers.map((d, i) => d.deploy(assembly, stacks[i].stackName)));
    const createWallMs = Date.now() - createStart;
    created.forEach((result, i) => {
      if (result.status !== 'CREATE_COMPLETE') throw new Error(`${stacks[i].stackName}: ${result.status}: ${result.reason}`);
    });
    const deletePhaseFirstCall = emulator.calls.length;

    const deleteStart = Date.now();
    const destroyed = await Promise.all(drivers.map((d) => d.destroy()));
    const deleteWallMs = Date.now() - deleteStart;
    destroyed.forEach((result, i) => {
      if (result.status !== 'DELETE_COMPLETE') throw new Error(`${stacks[i].stackName}: ${result.status}: ${result.reason}`);
    });
    watcher.tick();

    const createCalls = emulator.calls.slice(0, deletePhaseFirstCall);
    const deleteCalls = emulator.calls.slice(deletePhaseFirstCall);
    const count = (calls: typeof emulator.calls, name: string, operations?: string[]) =>
      calls.filter((c) => c.endpointName === name && (operations?.includes(c.operation) ?? true)).length;

    const samples = stacks.flatMap((s, i) => endpointRequests(assembly, s.stackName, drivers[i].requests).map(({ create, destroy }) => {
      const name = create.response.PhysicalResourceId;
      const t = watcher.times(name);
      return {
        design: s.design.key,
        run: s.run,
        endpointName: name,
        provisioningMs: t.readyAt - t.createdAt,
        createAddedMs: create.endedAt - t.readyAt,
        createCalls: count(createCalls, name, ['CreateMultiRegionEndpoint', 'GetMultiRegionEndpoint']),
        createCallsAll: count(createCalls, name),
        deletionMs: t.goneAt - t.deletingAt,
        deleteAddedMs: destroy.endedAt - t.goneAt,
        deleteCalls: count(deleteCalls, name, ['DeleteMultiRegionEndpoint', 'GetMultiRegionEndpoint']),
        deleteCallsAll: count(deleteCalls, name),
      };
    }));
    return { provisioningSeconds, deletionSeconds: options.deletionSeconds, samples, createWallMs, deleteWallMs };
  } finally {
    watcher.stop();
  }
}

/** The Create and the Delete request of every endpoint resource of a stack. */
function endpointRequests(assembly: CloudAssembly, stackName: string, requests: readonly RecordedRequest[]) {
  const resources: Record<string, { Type: string }> = assembly.getStackArtifact(stackName).template.Resources;
  const endpoints = new Set(Object.keys(resources).filter((id) => resources[id].Type === RESOURCE_TYPE));
  const ofType = (type: string) => requests.filter((r) => r.requestType === type && endpoints.has(r.logicalId));
  const deletes = new Map(ofType('Delete').map((r) => [r.logicalId, r]));
  return ofType('Create').map((create) => {
    const destroy = deletes.get(create.logicalId);
    if (!destroy) throw new Error(`${create.logicalId}: no Delete request was recorded`);
    if (create.response.Status !== 'SUCCESS' || destroy.response.Status !== 'SUCCESS') {
      throw new Error(`${create.logicalId}: ${create.response.Reason ?? destroy.response.Reason}`);
    }
    return { create, destroy };
  });
}

interface Transitions {
  readonly createdAt: number;
  readonly readyAt: number;
  readonly deletingAt: number;
  readonly goneAt: number;
}

/**
 * Timestamps each endpoint's transitions. The emulator computes states lazily from exact
 * timestamps, and stamps READY with the exact moment provisioning ended, so createdAt,
 * readyAt and deletingAt are exact; goneAt is the first look (every 5 ms) that no longer
 * finds the endpoint, so it is late by at most a few milliseconds.
 */
class TransitionWatcher {
  private readonly seen = new Map<string, Partial<{ -readonly [K in keyof Transitions]: number }>>();
  private present = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly emulator: SesEmulator) {}

  public start(): void {
    this.timer = setInterval(() => this.tick(), WATCH_INTERVAL_MS);
  }

  public stop(): void {
    clearInterval(this.timer);
  }

  public tick(): void {
    const now = Date.now();
    const present = new Set<string>();
    for (const e of this.emulator.endpoints(REGION)) {
      present.add(e.endpointName);
      const t = this.seen.get(e.endpointName) ?? {};
      this.seen.set(e.endpointName, t);
      t.createdAt ??= e.createdAt.getTime();
      if (e.status === 'READY') t.readyAt ??= e.updatedAt.getTime();
      if (e.status === 'DELETING') t.deletingAt ??= e.updatedAt.getTime();
    }
    for (const name of this.present) {
      if (!present.has(name)) this.seen.get(name)!.goneAt ??= now;
    }
    this.present = present;
  }

  public times(name: string): Transitions {
    const t = this.seen.get(name);
    if (t?.createdAt === undefined || t.readyAt === undefined || t.deletingAt === undefined || t.goneAt === undefined) {
      throw new Error(`endpoint ${name}: transitions not all observed: ${JSON.stringify(t)}`);
    }
    return t as Transitions;
  }
}
