import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The TypeScript code blocks of README.md, each tested verbatim (see readme.test.ts).
 *
 * A block is a fenced block tagged `ts` or `typescript`. A complete program needs nothing
 * else; it must declare `app` (its `App`), which the test synthesizes. A fragment names, on
 * the line just before its fence, the fixture it is inserted into, in an HTML comment that
 * GitHub does not show:
 *
 *     <!-- fixture: platform -->
 *     ```ts
 *     platform.addService('Search', { ... });
 *     ```
 *
 * A fixture is `fixtures/NAME.ts-fixture`: a module with one line `/// here` where the block
 * goes, which declares what the block uses and exports `app`.
 */

export const README = path.join(__dirname, '..', '..', '..', 'README.md');
export const FIXTURES = path.join(__dirname, 'fixtures');

/** The marker line before a fence, and the line the block goes into in a fixture. */
const MARKER = /^<!--\s*fixture:\s*([a-z0-9-]+)\s*-->$/;
const HERE = '/// here';
/** The fixture of a block without a marker: the block is the whole program. */
export const COMPLETE = 'complete';

export interface ReadmeBlock {
  /** `<heading>` of the section the block is in, with `#2`, `#3` for later blocks of that section. */
  readonly key: string;
  /** The 1-based line of README.md where the block's code starts (after the fence). */
  readonly line: number;
  readonly fixture: string;
  /** The block's text, exactly as in README.md. */
  readonly code: string;
}

/** Every TypeScript block of `markdown`. Fails on a marker that no TypeScript block follows. */
export function readmeBlocks(markdown: string = fs.readFileSync(README, 'utf8')): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  const perHeading = new Map<string, number>();
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^(`{3,})(\S*)\s*$/.exec(line);
    if (!fence) {
      const h = /^#{1,6}\s+(.*)$/.exec(line);
      if (h) heading = h[1].trim();
      const marker = MARKER.exec(line.trim());
      if (marker && !/^`{3,}(ts|typescript)\s*$/.test(lines[i + 1] ?? '')) {
        throw new Error(`README.md:${i + 1}: a fixture marker must be on the line just before a \`\`\`ts fence`);
      }
      continue;
    }
    const end = lines.findIndex((l, j) => j > i && l.startsWith(fence[1]) && l.trim() === fence[1]);
    if (end < 0) throw new Error(`README.md:${i + 1}: the code block is never closed`);
    if (fence[2] === 'ts' || fence[2] === 'typescript') {
      const n = (perHeading.get(heading) ?? 0) + 1;
      perHeading.set(heading, n);
      const marker = MARKER.exec((lines[i - 1] ?? '').trim());
      blocks.push({
        key: n === 1 ? heading : `${heading} #${n}`,
        line: i + 2,
        fixture: marker ? marker[1] : COMPLETE,
        code: lines.slice(i + 1, end).join('\n') + '\n',
      });
    }
    i = end;
  }
  return blocks;
}

/** A block inside its fixture, and where the block starts in the result (0-based line). */
export function withFixture(block: ReadmeBlock): { source: string; offset: number } {
  const file = path.join(FIXTURES, `${block.fixture}.ts-fixture`);
  if (!fs.existsSync(file)) throw new Error(`README.md:${block.line}: no fixture '${block.fixture}' (${path.relative(process.cwd(), file)})`);
  const fixture = fs.readFileSync(file, 'utf8').split('\n');
  const at = fixture.findIndex((l) => l.trim() === HERE);
  if (at < 0 || fixture.findIndex((l, j) => j > at && l.trim() === HERE) >= 0) {
    throw new Error(`${file}: needs exactly one line '${HERE}'`);
  }
  const source = [...fixture.slice(0, at), block.code.replace(/\n$/, ''), ...fixture.slice(at + 1)].join('\n');
  return { source, offset: at };
}
