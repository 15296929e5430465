/**
 * Handler cold start: the bundle's size, and how long a fresh Node process takes to load it,
 * against an empty Node process and against aws-cdk-lib's AwsCustomResource handler.
 *
 * Each run starts one process per module, in a rotating order: the parent times the
 * process from spawn to exit (wall), and the child times its own `require` with
 * process.hrtime. The added cold start of a run is its wall time minus the empty
 * process's wall time in the same run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { msSince } from './stats';

export interface Module {
  readonly key: string;
  readonly label: string;
  /** undefined: an empty process, `node -e ""`. */
  readonly file?: string;
}

export interface ModuleResult {
  readonly module: Module;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Per run: spawn to exit, as the parent saw it. */
  readonly wallMs: number[];
  /** Per run: the child's own measure of `require`. */
  readonly requireMs: number[];
  /** Per run: wall minus the empty process's wall in the same run. */
  readonly addedMs: number[];
}

export interface ColdStartOptions {
  readonly modules: readonly Module[];
  readonly runs: number;
  /** Runs done first and thrown away (file cache, CPU frequency). */
  readonly warmupRuns: number;
  /** The environment of the children: what the Lambda's environment would give the SDK. */
  readonly env: NodeJS.ProcessEnv;
  readonly progress?: (line: string) => void;
}

const EMPTY: Module = { key: 'empty', label: 'empty Node process (`node -e ""`)' };
/** Prints how long requiring argv[1] took, in ms. */
const TIMED_REQUIRE = 'const s=process.hrtime.bigint();require(process.argv[1]);process.stdout.write(String(Number(process.hrtime.bigint()-s)/1e6))';

export function runColdStartBench(options: ColdStartOptions): ModuleResult[] {
  const modules = [EMPTY, ...options.modules];
  const results: ModuleResult[] = modules.map((module) => ({ module, ...sizes(module.file), wallMs: [], requireMs: [], addedMs: [] }));
  options.progress?.(`cold start: ${options.warmupRuns} + ${options.runs} runs of ${modules.length} processes`);
  for (let run = 0; run < options.warmupRuns + options.runs; run++) {
    // Rotate the order, so no module always runs right after another one.
    const order = results.map((_, i) => (i + run) % results.length);
    const measured = new Map<number, { wallMs: number; requireMs: number }>();
    for (const i of order) measured.set(i, loadOnce(results[i].module, options.env));
    if (run < options.warmupRuns) continue;
    const emptyWall = measured.get(0)!.wallMs;
    results.forEach((r, i) => {
      const m = measured.get(i)!;
      r.wallMs.push(m.wallMs);
      r.requireMs.push(m.requireMs);
      r.addedMs.push(m.wallMs - emptyWall);
    });
  }
  return results;
}

function sizes(file: string | undefined): { bytes: number; gzipBytes: number } {
  if (!file) return { bytes: 0, gzipBytes: 0 };
  const content = fs.readFileSync(file);
  return { bytes: content.length, gzipBytes: zlib.gzipSync(content).length };
}

function loadOnce(module: Module, env: NodeJS.ProcessEnv): { wallMs: number; requireMs: number } {
  const args = module.file ? ['-e', TIMED_REQUIRE, module.file] : ['-e', ''];
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const wallMs = msSince(start);
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${child.stderr || child.error}`);
  return { wallMs, requireMs: module.file ? Number(child.stdout) : 0 };
}

/**
 * The handler as it was bundled before issue #6 (cold start), to show before and after side
 * by side in one run: the project's own bundle task (its esbuild arguments, read from
 * .projen/tasks.json) without the arguments that issue added, so the SDK is bundled whole
 * from its CommonJS builds, credential providers included. Written to a temporary directory.
 */
export function buildBeforeBundle(root: string, task: string): string {
  const tasks = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf8'));
  const args: string[] | undefined = tasks.tasks?.[task]?.steps?.find((step: { execArgs?: string[] }) => step.execArgs?.[0] === 'esbuild')?.execArgs;
  if (!args) throw new Error(`.projen/tasks.json: no esbuild step in task ${task}`);
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-')), 'index.js');
  const added = (a: string) => a.startsWith('--main-fields=') || a.startsWith('--external:') || a.startsWith('--supported:dynamic-import=');
  const beforeArgs = [...args.slice(1).filter((a) => !a.startsWith('--outfile=') && !added(a)), `--outfile=${outfile}`, '--log-level=warning'];
  const build = spawnSync(path.join(root, 'node_modules', '.bin', 'esbuild'), beforeArgs, { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`esbuild ${beforeArgs.join(' ')} failed: ${build.stderr || build.error}`);
  return outfile;
}
