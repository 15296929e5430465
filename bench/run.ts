/**
 * Runs every benchmark, prints the figures and writes docs/BENCHMARKS.md.
 *
 *   npx projen bench
 * or
 *   npx projen bundle:lambda/provider/index
 *   npx ts-node --transpile-only --project test/tsconfig.json bench/run.ts [--quick]
 *
 * `--quick` runs fewer iterations and writes nothing (to try changes to the benchmark).
 * `--only coldstart` measures the handler cold start alone (with the full number of runs,
 * or --quick's), prints that section and writes nothing. `--only synth` does the same for
 * the synth cost (section 4, template validation off and on), `--only quota` for whole
 * stacks under SES's quota (section 5).
 * Every run saves its raw measurements to a JSON file (its path is printed);
 * `--from-json FILE` renders the report from such a file without measuring again.
 * Nothing here asserts a time.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildBeforeBundle, ModuleResult, runColdStartBench } from './coldstart';
import { runLatencyBench } from './latency';
import { currentLoad, describeMachine } from './machine';
import { QuotaCase, runQuotaBench } from './quota';
import { BenchResults, coldStartSection, renderReport, Settings, synthSection } from './report';
import { quotaSection } from './report-quota';
import { fmtMs, msSince } from './stats';
import { runSynthBench } from './synth';

const ROOT = path.resolve(__dirname, '..');
const DOC = path.join(ROOT, 'docs', 'BENCHMARKS.md');
const BUNDLE = path.join(ROOT, 'assets', 'lambda', 'provider', 'index', 'index.js');
const PEER_BUNDLE = path.join(ROOT, 'node_modules', 'aws-cdk-lib', 'custom-resource-handlers', 'dist', 'custom-resources', 'aws-custom-resource-handler', 'index.js');
const BUNDLE_TASK = 'bundle:lambda/provider/index';
/** How to reproduce the figures: the projen task, and what it runs. */
const COMMAND = [
  'npx projen bench',
  '# which runs:',
  `npx projen ${BUNDLE_TASK} && npx ts-node --transpile-only --project test/tsconfig.json bench/run.ts`,
].join('\n');

const QUICK = process.argv.includes('--quick');
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

/** SES's behaviour in the quota cases: provisioning of about 10-15 s, deletion of 5-10 s. */
const QUOTA_SETTINGS = { provisioningMs: 10_000, deletionMs: 5_000, jitterMs: 5_000, bystanderIntervalMs: 3_000 };
// The latency section measures one-endpoint stacks (issue #11's latency goal is for one
// endpoint; bigger stacks take turns, see the quota section).
const SETTINGS: Settings = QUICK
  ? {
    endpointsPerStack: 1,
    latencyRuns: 3,
    jitterMs: 5000,
    coldStartRuns: 5,
    coldStartWarmupRuns: 1,
    synthRuns: 2,
    synthValidatedRuns: 1,
    quota: QUOTA_SETTINGS,
  }
  : {
    endpointsPerStack: 1,
    latencyRuns: 12,
    jitterMs: 5000,
    coldStartRuns: 20,
    coldStartWarmupRuns: 2,
    synthRuns: 5,
    synthValidatedRuns: 3,
    quota: QUOTA_SETTINGS,
  };
/** The quota cases, each run with this checkout and with the library before issue #11. */
const QUOTA_SHAPES = QUICK
  ? [{ shape: 'endpoints' as const, count: 1 }, { shape: 'endpoints' as const, count: 3 }, { shape: 'replicas' as const, count: 2 }]
  : [{ shape: 'endpoints' as const, count: 1 }, { shape: 'endpoints' as const, count: 10 }, { shape: 'endpoints' as const, count: 20 }, { shape: 'replicas' as const, count: 5 }];
const PROVISIONING_SECONDS = QUICK ? [2] : [2, 10, 30];
const DELETION_SECONDS = 2;
const SYNTH_SIZES = [1, 10, 50];

/** Progress goes to stderr, so stdout carries only the report. */
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  if (process.argv.includes('--from-json')) {
    const saved = JSON.parse(fs.readFileSync(process.argv[process.argv.indexOf('--from-json') + 1], 'utf8'));
    report({ ...saved, startedAt: new Date(saved.startedAt) });
    return;
  }
  if (ONLY !== undefined) {
    if (ONLY !== 'coldstart' && ONLY !== 'synth' && ONLY !== 'quota') throw new Error(`--only ${ONLY}: only 'coldstart', 'synth' or 'quota' can be run alone`);
    const loadBefore = currentLoad();
    const { markdown, verdicts } = ONLY === 'coldstart'
      ? coldStartSection({ coldStart: measureColdStart({ ...process.env }), settings: SETTINGS, machine: describeMachine(ROOT) })
      : ONLY === 'synth'
        ? synthSection({ ...measureSynth({ ...process.env }), settings: SETTINGS })
        : quotaSection(await measureQuota(), QUOTA_SETTINGS);
    const loadAfter = currentLoad();
    console.log(markdown);
    for (const v of verdicts) console.log(`\n${v.goal}: ${v.figure} (${v.met ? 'met' : 'missed'})`);
    progress(`load average (1 min) ${loadBefore.oneMinute.toFixed(2)} before, ${loadAfter.oneMinute.toFixed(2)} after; --only: docs/BENCHMARKS.md not written`);
    return;
  }
  const results = await measure();
  const raw = path.join(os.tmpdir(), `cdk-ses-bench-${results.startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(raw, JSON.stringify(results));
  progress(`raw measurements: ${raw}`);
  report(results);
}

function report(results: BenchResults): void {
  const { markdown, verdicts } = renderReport(results);
  console.log(markdown);
  if (QUICK) {
    progress('--quick: docs/BENCHMARKS.md not written');
  } else {
    fs.writeFileSync(DOC, markdown);
    progress(`wrote ${path.relative(ROOT, DOC)}`);
  }
  const missed = verdicts.filter((v) => !v.met).length;
  progress(`done in ${fmtMs(results.runtimeMs)}; ${verdicts.length - missed} goals met, ${missed} missed`);
}

async function measure(): Promise<BenchResults> {
  const start = process.hrtime.bigint();
  const startedAt = new Date();
  // The children start from this environment, before the drivers add the emulator's to it.
  const baseEnv = { ...process.env };
  const machine = describeMachine(ROOT);
  const loadBefore = currentLoad();

  const coldStart = measureColdStart(baseEnv);

  const { synth, synthValidated } = measureSynth(baseEnv);

  // The handler logs one JSON line per SES call: keep the console for the report.
  // Latency and quota cases mostly wait (the quota cases in child processes): they run at once.
  const log = console.log;
  console.log = () => undefined;
  let latency;
  let quota;
  try {
    [latency, quota] = await Promise.all([
      runLatencyBench({
        provisioningSeconds: PROVISIONING_SECONDS,
        deletionSeconds: DELETION_SECONDS,
        jitterMs: SETTINGS.jitterMs,
        endpointsPerStack: SETTINGS.endpointsPerStack,
        runs: SETTINGS.latencyRuns,
        seed: 20240601,
        progress,
      }),
      measureQuota(),
    ]);
  } finally {
    console.log = log;
  }

  return {
    command: COMMAND,
    startedAt,
    runtimeMs: msSince(start),
    machine,
    loadBefore,
    loadAfter: currentLoad(),
    settings: SETTINGS,
    latency,
    coldStart,
    synth,
    synthValidated,
    quota,
  };
}

/** Whole stacks under SES's quota, this checkout and the library before issue #11 side by side. */
function measureQuota(): Promise<QuotaCase[]> {
  return runQuotaBench({
    root: ROOT,
    shapes: QUOTA_SHAPES,
    ...QUOTA_SETTINGS,
    seed: 20261130,
    caseTimeoutMs: 20 * 60_000,
    progress,
  });
}

/** The shipped handler bundle, the same handler as bundled before issue #6, and aws-cdk-lib's. */
function measureColdStart(baseEnv: NodeJS.ProcessEnv): ModuleResult[] {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx projen ${BUNDLE_TASK}' first`);
  const before = buildBeforeBundle(ROOT, BUNDLE_TASK);
  try {
    return runColdStartBench({
      modules: [
        { key: 'ours', label: 'this library\'s handler bundle', file: BUNDLE },
        { key: 'before', label: 'before: same handler, SDK from its CommonJS builds (until issue #6)', file: before },
        { key: 'peer', label: 'aws-cdk-lib AwsCustomResource handler', file: PEER_BUNDLE },
      ],
      runs: SETTINGS.coldStartRuns,
      warmupRuns: SETTINGS.coldStartWarmupRuns,
      env: lambdaLikeEnv(baseEnv),
      progress,
    });
  } finally {
    fs.rmSync(path.dirname(before), { recursive: true, force: true });
  }
}

/** Synth cost, with aws-cdk-lib's template validation off (the goal) and on. */
function measureSynth(baseEnv: NodeJS.ProcessEnv): Pick<BenchResults, 'synth' | 'synthValidated'> {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx projen ${BUNDLE_TASK}' first`);
  const synth = runSynthBench({ root: ROOT, sizes: SYNTH_SIZES, runs: SETTINGS.synthRuns, env: { ...baseEnv, CDK_VALIDATION: 'false' }, progress });
  const validatedEnv = { ...baseEnv };
  delete validatedEnv.CDK_VALIDATION;
  const synthValidated = runSynthBench({
    root: ROOT,
    sizes: [SYNTH_SIZES[SYNTH_SIZES.length - 1]],
    variants: ['ours', 'native'],
    withEmptyStack: false,
    warmSynths: 0,
    runs: SETTINGS.synthValidatedRuns,
    env: validatedEnv,
    progress,
  });
  return { synth, synthValidated };
}

/** What a Lambda's environment gives the SDK at import: a region and credentials. */
function lambdaLikeEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    PATH: base.PATH,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'token',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POLL_WINDOW_MS: '120000',
  };
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
