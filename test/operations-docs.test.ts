/**
 * docs/OPERATIONS.md tells users what each failure message means (issue #14, item 2). These
 * checks keep it from drifting: every message of docs/RELIABILITY.md's "What a user sees" table,
 * and every message a handler in lambda/ throws, must be quoted there, placeholders aside.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const REPO = 'https://github.com/cdk-ses-multi-region-endpoint/cdk-ses-multi-region-endpoint/blob/main/';
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const OPERATIONS = read('docs/OPERATIONS.md');

/**
 * What varies between one occurrence of a message and another: `<placeholders>`, quoted
 * values, region names, SES statuses, CamelCase identifiers (operation and error names),
 * numbers and "…". The example values of RELIABILITY.md and the `${…}` of the handlers become
 * gaps; the text between gaps is what OPERATIONS.md must quote.
 */
const VARIABLE = new RegExp([
  '<[^>]*>',
  '…',
  "(?<![A-Za-z])'[^']*'(?![A-Za-z])", // 'orders', not the apostrophe of "account's"
  '"[^"]*"',
  '\\b[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2}\\b',
  '\\b(?:CREATING|READY|FAILED|DELETING)\\b',
  '\\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+\\b',
  '\\d+',
].join('|'), 'g');

/** Shorter pieces of static text say too little to be worth checking. */
const MIN_FRAGMENT = 10;
const tidy = (text: string) => text.replace(/^[\s`]+|[\s`]+$/g, '');

/** The static pieces of a message whose variable parts were replaced by `\0`. */
function fragments(withGaps: string): string[] {
  return withGaps.split('\0').map(tidy).filter((f) => f.length >= MIN_FRAGMENT);
}

/** The messages of RELIABILITY.md's "What a user sees" table: each row's first code span. */
function reliabilityMessages(): Array<{ failure: string; message: string }> {
  const markdown = read('docs/RELIABILITY.md');
  const start = markdown.indexOf('\n## What a user sees');
  expect(start).toBeGreaterThan(0);
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  const rows = section.split('\n').filter((line) => line.startsWith('|')).slice(2); // header, separator
  return rows.map((row) => {
    const [, failure, reason] = row.split('|');
    const span = /``\s?(.+?)\s?``|`([^`]+)`/.exec(reason);
    expect({ row, span: span !== null }).toEqual({ row, span: true });
    return { failure: failure.trim(), message: span![1] ?? span![2] };
  });
}

describe('docs/RELIABILITY.md "What a user sees" is in docs/OPERATIONS.md', () => {
  const messages = reliabilityMessages();

  test('the table was found and read', () => {
    expect(messages.length).toBeGreaterThanOrEqual(13);
    expect(messages.map((m) => m.message)).toContain('Operation timed out');
  });

  test.each(messages.map((m) => [m.failure, m.message]))('%s: its stable beginning', (_failure, message) => {
    // Up to the first variable part, at most 40 characters.
    const prefix = tidy(message.replace(VARIABLE, '\0').split('\0')[0].slice(0, 40));
    expect(prefix.length).toBeGreaterThanOrEqual(MIN_FRAGMENT);
    expect(OPERATIONS).toContain(prefix);
  });

  test.each(messages.map((m) => [m.failure, m.message]))('%s: all of its static text', (_failure, message) => {
    const missing = fragments(message.replace(VARIABLE, '\0')).filter((f) => !OPERATIONS.includes(f));
    expect(missing).toEqual([]);
  });
});

/**
 * The message templates thrown in lambda/: each `throw new …(` whose argument is a string
 * literal, or literals joined by `+`, with every `${…}` turned into a gap (`\0`).
 */
function thrownTemplates(): Array<{ where: string; template: string }> {
  const found: Array<{ where: string; template: string }> = [];
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  for (const file of files(path.join(ROOT, 'lambda'))) {
    const source = fs.readFileSync(file, 'utf8');
    for (const match of source.matchAll(/throw new \w*Error\(\s*/g)) {
      const template = literalsAt(source, match.index! + match[0].length);
      if (template !== undefined) found.push({ where: `${path.relative(ROOT, file)}:${source.slice(0, match.index).split('\n').length}`, template });
    }
  }
  return found;
}

/** Reads string literals joined by `+` from `at`; undefined when there is no literal there. */
function literalsAt(source: string, at: number): string | undefined {
  let i = at;
  let out = '';
  let any = false;
  for (;;) {
    const quote = source[i];
    if (quote !== '`' && quote !== "'" && quote !== '"') break;
    any = true;
    i++;
    while (source[i] !== quote) {
      if (source[i] === '\\') {
        out += source[i + 1];
        i += 2;
      } else if (quote === '`' && source.startsWith('${', i)) {
        // A substitution: skip to its closing brace (substitutions may hold braces themselves).
        let depth = 0;
        for (; ; i++) {
          if (source[i] === '{') depth++;
          if (source[i] === '}' && --depth === 0) break;
        }
        i++;
        out += '\0';
      } else {
        out += source[i++];
      }
    }
    i++;
    const next = /^\s*\+\s*/.exec(source.slice(i));
    if (!next) break;
    i += next[0].length;
  }
  return any ? out : undefined;
}

/** Whether `template` appears in OPERATIONS.md with each gap filled by some text on the same line. */
function quotedWhole(template: string): boolean {
  const pieces = template.split('\0');
  while (pieces[0] === '') pieces.shift();
  while (pieces[pieces.length - 1] === '') pieces.pop();
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(pieces.map(escape).join('[^\\n]{1,120}?')).test(OPERATIONS);
}

/**
 * Thrown, but never reaching a user. Each entry says why.
 */
const INTERNAL = [
  // CloudFormation sends only Create, Update and Delete.
  'Unknown RequestType:',
  // The Pacer's "no turn at all": onEvent hands its work to isComplete on it, and isComplete polls
  // only while its invocation has a turn left (14 of its 15 minutes; it polls for 2), so it has one.
  'No turn was left in this invocation to call SES',
];

describe('every message thrown in lambda/ is in docs/OPERATIONS.md', () => {
  const templates = thrownTemplates();

  test('the templates were found', () => {
    // Today 19 in the endpoint handler, 17 in the replica handler, 2 in the Pacer, 1 in the provider.
    expect(templates.length).toBeGreaterThanOrEqual(39);
    expect(templates.some((t) => t.template.startsWith('SES kept failing \0 (\0: \0) for \0 attempts, until there was no time left'))).toBe(true);
  });

  test.each(thrownTemplates().map((t) => [t.where, t.template]))('%s', (_where, template) => {
    if (INTERNAL.some((prefix) => template.startsWith(prefix))) return;
    const missing = fragments(template).filter((f) => !OPERATIONS.includes(f));
    expect(missing).toEqual([]);
    // And whole, in order, on one line: each gap stands for a placeholder (or an example value).
    const shown = template.replace(/\0/g, '<…>');
    expect({ shown, quoted: quotedWhole(template) }).toEqual({ shown, quoted: true });
  });
});

describe('docs/OPERATIONS.md links', () => {
  // As the README's (test/readme-links.test.ts): docs/ is not in the npm package, so links are absolute.
  const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
  const anchorsOf = (markdown: string) => new Set(markdown.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, ''))));
  const links = OPERATIONS.split(/^```[^\n]*\n[\s\S]*?^```$/m).join('\n').match(/\]\([^)\s]+\)/g)!.map((l) => l.slice(2, -1));

  test('are absolute or anchors of the document, and lead to files and headings that exist', () => {
    expect(links.filter((l) => !/^https?:\/\//.test(l) && !l.startsWith('#'))).toEqual([]);
    const own = anchorsOf(OPERATIONS);
    expect(links.filter((l) => l.startsWith('#') && !own.has(l.slice(1)))).toEqual([]);
    for (const link of links.filter((l) => l.startsWith(REPO))) {
      const [file, anchor] = link.slice(REPO.length).split('#');
      expect({ link, exists: fs.existsSync(path.join(ROOT, file)) }).toEqual({ link, exists: true });
      if (anchor) expect({ link, anchor: anchorsOf(read(file)).has(anchor) }).toEqual({ link, anchor: true });
    }
  });
});
