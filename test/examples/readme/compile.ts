import * as path from 'node:path';
import * as ts from 'typescript';
import { ReadmeBlock, withFixture } from './blocks';

const ROOT = path.join(__dirname, '..', '..', '..');
/** Where the blocks' in-memory files live: inside the repository, so that its node_modules and package.json apply. */
const VIRTUAL = path.join(ROOT, 'test', 'examples', 'readme', '.blocks');
/** What `import ... from 'cdk-container-platform'` means in a block: this repository's lib/. */
export const PACKAGE = 'cdk-container-platform';
export const LIB = path.join(ROOT, 'lib', 'index.ts');

export interface CompiledBlock {
  readonly block: ReadmeBlock;
  /** The type errors, as `README.md:line:column message`. */
  readonly errors: string[];
  /** The block in its fixture, compiled to a CommonJS module. */
  readonly javascript: string;
}

/**
 * The repository's compiler options (tsconfig.json), except: emit (to memory); the package
 * name mapped to lib/; no jest globals; and unused locals allowed, since a README block may
 * name a value to show what a call returns, and a fixture may import more than a block uses.
 */
function compilerOptions(): ts.CompilerOptions {
  const configFile = path.join(ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, configFile);
  return {
    ...parsed.options,
    noEmit: false,
    declaration: false,
    sourceMap: false,
    noUnusedLocals: false,
    noUnusedParameters: false,
    types: ['node'],
    paths: { [PACKAGE]: [LIB] },
  };
}

/**
 * Type-checks every block in its fixture with one program (the library and aws-cdk-lib are
 * loaded once), and compiles each to JavaScript. Only the blocks' files are checked.
 */
export function compileBlocks(blocks: readonly ReadmeBlock[]): CompiledBlock[] {
  const options = compilerOptions();
  const files = new Map<string, { block: ReadmeBlock; source: string; offset: number }>();
  blocks.forEach((block, i) => files.set(path.join(VIRTUAL, `block${i + 1}.ts`), { block, ...withFixture(block) }));

  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const virtual = files.get(path.resolve(fileName));
    return virtual
      ? ts.createSourceFile(fileName, virtual.source, languageVersion, true)
      : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => files.has(path.resolve(fileName)) || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => files.get(path.resolve(fileName))?.source ?? readFile(fileName);

  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const global = program.getOptionsDiagnostics().concat(program.getGlobalDiagnostics());
  if (global.length > 0) throw new Error(ts.formatDiagnostics(global, host));

  return [...files.entries()].map(([fileName, { block, offset }]) => {
    const sourceFile = program.getSourceFile(fileName)!;
    const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
    const errors = diagnostics.map((d) => where(d, block, offset) + ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    let javascript = '';
    const emitted = program.emit(sourceFile, (name, text) => {
      if (name.endsWith('.js')) javascript = text;
    });
    errors.push(...emitted.diagnostics.map((d) => where(d, block, offset) + ts.flattenDiagnosticMessageText(d.messageText, '\n')));
    return { block, errors, javascript };
  });
}

/** `README.md:line:column ` for a position in the block, `fixture NAME line N ` for one in the fixture. */
function where(d: ts.Diagnostic, block: ReadmeBlock, offset: number): string {
  if (!d.file || d.start === undefined) return '';
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const blockLines = block.code.replace(/\n$/, '').split('\n').length;
  if (line >= offset && line < offset + blockLines) return `README.md:${block.line + line - offset}:${character + 1} `;
  return `fixture ${block.fixture}, line ${line + 1 - (line >= offset ? blockLines - 1 : 0)}: `;
}
