/**
 * Keeps a broken package from being made: the library is useless without its jsii assembly,
 * its compiled JavaScript and the handler bundle in assets/ (a user's `cdk synth` fails with
 * "Cannot find asset"), and none of them is in git.
 *
 *   check-package.ts inputs          before `npm pack` (the `prepack` script, which jsii-pacmak's
 *                                    `npm pack` runs too): the build output is there and newer
 *                                    than its sources
 *   check-package.ts tarball <dir>   after `jsii-pacmak`: every tarball in <dir> holds it
 *
 * On failure it says what is missing or stale and the one command that builds a complete
 * package; a tarball that fails is deleted, so nothing broken is left to install or publish.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const BUILD_COMMAND = 'npx projen package:js';

/** The handler bundles esbuild writes (the `bundle:*` tasks of .projen/tasks.json). */
function handlerBundles(): string[] {
  const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks;
  const bundles = Object.values<any>(tasks)
    .flatMap((task) => task.steps ?? [])
    .flatMap((step) => step.execArgs ?? [])
    .filter((arg: string) => arg.startsWith('--outfile=assets/'))
    .map((arg: string) => arg.slice('--outfile='.length));
  if (bundles.length === 0) throw new Error('check-package: no handler bundle found among the bundle tasks of .projen/tasks.json');
  return bundles;
}

/** The newest modification time of the TypeScript sources under `dirs`, in ms. */
function newestSource(dirs: string[]): number {
  let newest = 0;
  for (const dir of dirs) {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** What is missing or older than its sources in the checkout, as sentences. */
function checkInputs(): string[] {
  const problems: string[] = [];
  const built = (file: string, sources: string[], how: string) => {
    const full = path.join(ROOT, file);
    if (!fs.existsSync(full)) {
      problems.push(`${file} is missing (${how})`);
    } else if (fs.statSync(full).mtimeMs < newestSource(sources)) {
      problems.push(`${file} is older than the sources in ${sources.join('/, ')}/ (${how})`);
    }
  };
  built('.jsii', ['lib'], 'jsii compiles it');
  built('out/index.js', ['lib'], 'jsii compiles it');
  // The handler imports the pure rules modules of lib/private, hence lib/ too.
  for (const bundle of handlerBundles()) built(bundle, ['lambda', 'lib'], 'esbuild bundles the handler into it');
  return problems;
}

/** What every tarball in `dir` lacks of the built package, as sentences. */
function checkTarballs(dir: string): string[] {
  const tarballs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.tgz')) : [];
  if (tarballs.length === 0) return [`no tarball in ${dir}`];
  const problems: string[] = [];
  for (const name of tarballs) {
    const tarball = path.join(dir, name);
    const files = new Set(execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n').filter(Boolean).map((f) => f.replace(/^package\//, '')));
    const missing = ['.jsii', 'out/index.js', ...handlerBundles()].filter((f) => !files.has(f));
    if (missing.length > 0) {
      problems.push(`${name} lacks ${missing.join(', ')}`);
      fs.rmSync(tarball);
    }
  }
  return problems;
}

function main(args: string[]): void {
  const [mode, dir] = args;
  let problems: string[];
  if (mode === 'inputs') problems = checkInputs();
  else if (mode === 'tarball' && dir) problems = checkTarballs(path.resolve(dir));
  else throw new Error('usage: check-package.ts inputs | tarball <dir>');
  if (problems.length === 0) return;
  console.error([
    'This package would be broken, so it was not made:',
    ...problems.map((p) => `  - ${p}`),
    `Build a complete package with \`${BUILD_COMMAND}\`: it bundles the handler, compiles with jsii, packs into dist/js/ and checks the tarball.`,
  ].join('\n'));
  process.exitCode = 1;
}

main(process.argv.slice(2));
