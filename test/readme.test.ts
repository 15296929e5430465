/**
 * The README's examples, as Construct Hub shows them: jsii-rosetta compiles every TypeScript
 * example in strict mode (against fixtures in rosetta/) from the compiled `.jsii` assembly,
 * and translates them; the README's hand-written Python must be valid Python that says what
 * rosetta's translation of the TypeScript next to it says.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compiledCopy, NODE_MODULES, ROOT, run } from './support/checkout';
import { CodeBlock, codeBlocks } from './support/markdown';

jest.setTimeout(240_000);

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

const language = (block: CodeBlock): string => block.info.split(/\s+/)[0];
const blocks = codeBlocks(README);
const typescriptBlocks = blocks.filter((b) => ['ts', 'typescript'].includes(language(b)));
const pythonBlocks = blocks.filter((b) => ['python', 'py'].includes(language(b)));

interface Snippet { readonly typescript: string; readonly didCompile: boolean; readonly python: string }
let snippets: Snippet[];
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ses-mre-readme-'));
  const src = compiledCopy(path.join(work, 'src'));
  // --strict: every TypeScript example must compile, or this fails with the diagnostics.
  run(process.execPath, [path.join(NODE_MODULES, 'jsii-rosetta', 'bin', 'jsii-rosetta'), 'extract', '--strict'], src, 200_000);
  const tablet = JSON.parse(fs.readFileSync(path.join(src, '.jsii.tabl.json'), 'utf8'));
  snippets = Object.values(tablet.snippets as Record<string, any>)
    .filter((s) => s.location.api.api === 'moduleReadme')
    .map((s) => ({ typescript: s.translations.$.source.trim(), didCompile: s.didCompile, python: s.translations.python.source }));
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('every TypeScript example in the README compiles (jsii-rosetta --strict) and is translated', () => {
  expect(typescriptBlocks.length).toBeGreaterThanOrEqual(6);
  // One compiled snippet per TypeScript block, found by its source.
  expect(snippets.map((s) => s.typescript).sort()).toEqual(typescriptBlocks.map((b) => b.code.trim()).sort());
  for (const snippet of snippets) {
    expect(snippet).toEqual(expect.objectContaining({ didCompile: true }));
    expect(snippet.python.length).toBeGreaterThan(0);
  }
});

test('every Python example in the README is valid Python', () => {
  expect(pythonBlocks.length).toBeGreaterThanOrEqual(2);
  for (const block of pythonBlocks) {
    const parsed = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: block.code, encoding: 'utf8' });
    expect({ line: block.line, status: parsed.status, stderr: parsed.stderr }).toEqual({ line: block.line, status: 0, stderr: '' });
  }
});

/**
 * The getting-started app in Python is written by hand (rosetta spells out every StackProps
 * field in the constructor's signature); everything but the imports and that signature must
 * be rosetta's translation of the TypeScript app right above it.
 */
test('the Python app says what the TypeScript app above it says', () => {
  const python = pythonBlocks.find((b) => b.code.includes('class MailStack'));
  const typescript = typescriptBlocks.filter((b) => b.line < python!.line).pop()!;
  expect(typescript.code).toContain('class MailStack');
  const translated = snippets.find((s) => s.typescript === typescript.code.trim())!.python;

  const body = (code: string): string[] => code.split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => !/^(from|import) /.test(line))
    .filter((line) => !/^\s+(def __init__|super\(\)\.__init__)\(/.test(line));
  expect(body(python!.code)).toEqual(body(translated));

  // The imports name the same modules and symbols (rosetta adds Environment on its own line).
  const imported = (code: string): string[] => code.split('\n')
    .filter((line) => /^(from|import) /.test(line))
    .flatMap((line) => {
      const from = /^from (\S+) import (.+)$/.exec(line);
      return from ? from[2].split(',').map((name) => `${from[1]}.${name.trim()}`) : [line];
    })
    .filter((name) => name !== 'aws_cdk.StackProps')
    .sort();
  expect(imported(python!.code)).toEqual(imported(translated));
});
