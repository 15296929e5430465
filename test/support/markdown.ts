/** Reading the code of markdown documents (the README's examples and commands). */

/** A fenced code block: its info string (language and options), its code, the line it starts on. */
export interface CodeBlock { readonly info: string; readonly code: string; readonly line: number }

/** Fenced code blocks of a markdown text, with their info string and starting line. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S.*)?$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    blocks.push({ info: open[1] ?? '', code: lines.slice(i + 1, end).join('\n'), line: i + 1 });
    i = end;
  }
  return blocks;
}
