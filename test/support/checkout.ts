/**
 * Copies of this checkout as a clean clone has it, for tests that build the library as it is
 * published (its `.jsii` assembly, `out/`, the tarball) without writing build output into the
 * working tree.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');
export const NODE_MODULES = path.join(ROOT, 'node_modules');
/** The one handler bundle of the stack's provider (endpoints, lookups and replicas). */
export const HANDLER_ASSET = 'assets/lambda/provider/index/index.js';

/** The environment of the tools run here: no Node end-of-life banner, no npm chatter. */
export const TOOL_ENV = {
  ...process.env,
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
};

/** Runs a command; on failure, throws with its output (jest shows it). */
export function run(command: string, args: string[], cwd: string, timeout = 120_000): string {
  try {
    return execFileSync(command, args, { cwd, env: TOOL_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout });
  } catch (e: any) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}`);
  }
}

/** The files of a clean clone of this checkout: what git tracks or would track (not .gitignore'd). */
function cloneFiles(): string[] {
  return run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT).split('\0').filter(Boolean)
    .filter((file) => fs.existsSync(path.join(ROOT, file)));
}

/** The bundled handlers in assets/ (git-ignored, but shipped). */
function bundleFiles(): string[] {
  if (!fs.existsSync(path.join(ROOT, HANDLER_ASSET))) {
    throw new Error(`${HANDLER_ASSET} is missing: run 'npx projen bundle' first (npm test does).`);
  }
  return fs.readdirSync(path.join(ROOT, 'assets'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

/**
 * Copies `files` of the checkout into `dest` and links this checkout's node_modules there: a
 * clean clone after `npm ci`, without its cost.
 */
function copyOf(dest: string, files: string[]): string {
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dest, file));
  }
  fs.symlinkSync(NODE_MODULES, path.join(dest, 'node_modules'), 'junction');
  return dest;
}

/** A clean clone of this checkout in `dest`, as `git clone` then `npm ci` leave it: no build output. */
export function cleanCopy(dest: string): string {
  return copyOf(dest, cloneFiles());
}

/**
 * A copy of the checkout after `npx projen bundle` in `dest`, compiled with jsii there, which
 * writes `out/` and the `.jsii` assembly (README included) into the copy.
 */
export function compiledCopy(dest: string): string {
  copyOf(dest, [...new Set([...cloneFiles(), ...bundleFiles()])]);
  run(process.execPath, [path.join(NODE_MODULES, 'jsii', 'bin', 'jsii'), ...JSII_FLAGS], dest);
  return dest;
}

/** jsii's flags, as the project's compile task passes them (.projen/tasks.json). */
const JSII_FLAGS: string[] = (() => {
  const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks;
  const exec: string = tasks.compile.steps.find((step: any) => /^jsii\b/.test(step.exec ?? '')).exec;
  return exec.split(/\s+/).slice(1);
})();
