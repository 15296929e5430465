/**
 * The README is read on Construct Hub and npm, where only the package's files exist: every
 * link must be absolute (this repository's files by their GitHub address) or point into the
 * README itself, and each must lead to a file and heading that exist (issue #14).
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const REPO = 'https://github.com/cdk-ses-multi-region-endpoint/cdk-ses-multi-region-endpoint/blob/main/';
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** Links outside fenced code blocks. */
const links = README.split(/^```[^\n]*\n[\s\S]*?^```$/m).join('\n').match(/\]\([^)\s]+\)/g)!.map((l) => l.slice(2, -1));

/** GitHub's anchor for a heading. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
const anchorsOf = (markdown: string) => new Set(markdown.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, ''))));

test('every README link is absolute or an anchor of the README', () => {
  expect(links.length).toBeGreaterThan(5);
  expect(links.filter((l) => !/^https?:\/\//.test(l) && !l.startsWith('#'))).toEqual([]);
});

test("links to this repository's files lead to files and headings that exist", () => {
  const own = links.filter((l) => l.startsWith(REPO));
  expect(own.length).toBeGreaterThan(5);
  for (const link of own) {
    const [file, anchor] = link.slice(REPO.length).split('#');
    const full = path.join(ROOT, file);
    expect({ link, exists: fs.existsSync(full) }).toEqual({ link, exists: true });
    if (anchor) expect({ link, anchor: anchorsOf(fs.readFileSync(full, 'utf8')).has(anchor) }).toEqual({ link, anchor: true });
  }
});

test('anchors within the README lead to its headings', () => {
  const anchors = anchorsOf(README);
  for (const link of links.filter((l) => l.startsWith('#'))) expect({ link, found: anchors.has(link.slice(1)) }).toEqual({ link, found: true });
});
