/**
 * What the benchmarks ran on, so figures from different machines are not compared blindly.
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly awsCdkLib: string;
  /** The commit benchmarked, with `+ local changes` when the working tree differs from it. */
  readonly commit: string;
}

export function describeMachine(root: string): Machine {
  return {
    cpus: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    awsCdkLib: require(path.join(root, 'node_modules', 'aws-cdk-lib', 'package.json')).version,
    commit: gitCommit(root),
  };
}

function gitCommit(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain').length > 0 ? `${head} + local changes` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** The 1-minute load average, and what it means on this many cores. */
export interface Load {
  readonly at: string;
  readonly oneMinute: number;
  readonly fiveMinutes: number;
}

export function currentLoad(): Load {
  const [oneMinute, fiveMinutes] = os.loadavg();
  return { at: new Date().toISOString(), oneMinute, fiveMinutes };
}

/** A load average above half the cores means other jobs competed for the CPU. */
export function wasLoaded(load: Load, cpus: number): boolean {
  return load.oneMinute > cpus / 2;
}
