/**
 * Living within SES's control-plane quota (issue #11), at full scale: every case deploys a
 * stack, updates its tags and destroys it against an emulator that enforces 1 request/s with
 * a burst of 2 in each region, while a bystander calls once every 3 s in each region.
 *
 * Two designs side by side, in the same run: this checkout ("after"), and the library as it
 * was before issue #11 ("before": commit BEFORE_COMMIT, checked out into a temporary git
 * worktree, its handlers bundled there). Each case runs in its own child process with its
 * own emulator (its own account), all cases at once: they wait far more than they compute.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { QuotaCaseInput, QuotaCaseResult } from './quota-case';

/** The last commit before issue #11: one Provider per resource kind, polling every second, SDK retries. */
export const BEFORE_COMMIT = '11c988a4b74615217bef9e005de46ac26f163ca3';

export type QuotaDesign = 'after' | 'before';

export interface QuotaCaseSpec {
  readonly design: QuotaDesign;
  readonly shape: 'endpoints' | 'replicas';
  readonly count: number;
}

export interface QuotaCase extends QuotaCaseSpec {
  /** Undefined when the child failed or ran out of time (see `error`). */
  readonly result?: QuotaCaseResult;
  readonly error?: string;
}

export interface QuotaOptions {
  readonly root: string;
  readonly shapes: ReadonlyArray<Omit<QuotaCaseSpec, 'design'>>;
  readonly provisioningMs: number;
  readonly deletionMs: number;
  readonly jitterMs: number;
  readonly bystanderIntervalMs: number;
  readonly seed: number;
  /** A case still running after this is stopped and reported as such. */
  readonly caseTimeoutMs: number;
  readonly progress?: (line: string) => void;
}

const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

export async function runQuotaBench(options: QuotaOptions): Promise<QuotaCase[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-quota-'));
  const worktree = path.join(work, 'before');
  try {
    options.progress?.(`quota: checking out ${BEFORE_COMMIT.slice(0, 7)} (before issue #11) and bundling its handlers`);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: options.root, stdio: ['ignore', 'pipe', 'pipe'] });
    git('worktree', 'add', '--detach', worktree, BEFORE_COMMIT);
    fs.symlinkSync(path.join(options.root, 'node_modules'), path.join(worktree, 'node_modules'));
    execFileSync(path.join(options.root, 'node_modules', '.bin', 'projen'), ['bundle'], { cwd: worktree, stdio: ['ignore', 'pipe', 'pipe'] });

    const specs: QuotaCaseSpec[] = (['after', 'before'] as const).flatMap((design) => options.shapes.map((s) => ({ design, ...s })));
    const inputs = specs.map((spec, i) => {
      const stackName = `Quota-${spec.design}-${spec.shape}-${spec.count}`;
      const libDir = spec.design === 'after' ? options.root : worktree;
      const synth = (tagged: boolean) => {
        const outdir = path.join(work, `${stackName}${tagged ? '-tagged' : ''}.out`);
        execFileSync(process.execPath, [...TS_NODE, path.join(__dirname, 'quota-synth.ts'), libDir, spec.shape, String(spec.count), tagged ? '1' : '0', outdir, stackName], {
          cwd: options.root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CDK_VALIDATION: 'false' },
        });
        return outdir;
      };
      options.progress?.(`quota: synthesizing ${stackName}`);
      const input: QuotaCaseInput = {
        stackName,
        shape: spec.shape,
        count: spec.count,
        assembly: synth(false),
        taggedAssembly: synth(true),
        provisioningMs: options.provisioningMs,
        deletionMs: options.deletionMs,
        jitterMs: options.jitterMs,
        bystanderIntervalMs: options.bystanderIntervalMs,
        seed: options.seed + i,
      };
      return input;
    });
    options.progress?.(`quota: running ${inputs.length} cases at once (each deploys, updates tags and destroys its stack)`);
    const started = Date.now();
    return await Promise.all(specs.map(async (spec, i) => {
      const outcome = await runCase(options.root, inputs[i], options.caseTimeoutMs);
      options.progress?.(`quota: ${inputs[i].stackName} done after ${Math.round((Date.now() - started) / 1000)} s${outcome.error ? ` (${outcome.error.split('\n')[0]})` : ''}`);
      return { ...spec, ...outcome };
    }));
  } finally {
    try {
      execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: options.root, stdio: 'ignore' });
    } catch {
      // not created
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function runCase(root: string, input: QuotaCaseInput, timeoutMs: number): Promise<{ result?: QuotaCaseResult; error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...TS_NODE, path.join(__dirname, 'quota-case.ts'), JSON.stringify(input)], {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve({ result: JSON.parse(stdout) });
      } else {
        resolve({ error: signal === 'SIGKILL' ? `did not finish within ${Math.round(timeoutMs / 60_000)} min` : `exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}` });
      }
    });
  });
}
