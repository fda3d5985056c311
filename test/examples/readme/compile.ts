import * as fs from 'node:fs';
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

/** aws-cdk-lib's core module, which the package's root re-exports together with every service module. */
const CDK_CORE = path.join(fs.realpathSync(path.join(ROOT, 'node_modules', 'aws-cdk-lib')), 'core', 'index.d.ts');

/**
 * The repository's compiler options (tsconfig.json), except: emit (to memory); the package
 * name mapped to lib/; no jest globals; and unused locals allowed, since a README block may
 * name a value to show what a call returns, and a fixture may import more than a block uses.
 *
 * With `coreOnly`, `import { App } from 'aws-cdk-lib'` reads aws-cdk-lib/core instead of the
 * root, which re-exports all ~300 service modules: the same declarations, half the files to
 * parse (about 8 s of CPU saved). Valid only while every import from the root names a core
 * export: {@link importsOnlyCore} checks, and the program is built again without it if not.
 */
function compilerOptions(coreOnly: boolean): ts.CompilerOptions {
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
    paths: coreOnly ? { [PACKAGE]: [LIB], 'aws-cdk-lib': [CDK_CORE] } : { [PACKAGE]: [LIB] },
  };
}

/** Whether every import and re-export from 'aws-cdk-lib' in the program's own files (not node_modules) names an export of core. */
function importsOnlyCore(program: ts.Program): boolean {
  const checker = program.getTypeChecker();
  const core = program.getSourceFile(CDK_CORE);
  const moduleSymbol = core && checker.getSymbolAtLocation(core);
  if (!moduleSymbol) return false;
  const exported = new Set(checker.getExportsOfModule(moduleSymbol).map((e) => e.name));
  for (const file of program.getSourceFiles()) {
    if (file.fileName.includes('/node_modules/')) continue;
    for (const statement of file.statements) {
      const declaration = ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) ? statement : undefined;
      const from = declaration?.moduleSpecifier;
      if (!declaration || !from || !ts.isStringLiteral(from) || from.text !== 'aws-cdk-lib') continue;
      const bindings = ts.isImportDeclaration(declaration) ? declaration.importClause?.namedBindings : declaration.exportClause;
      if (!bindings || !(ts.isNamedImports(bindings) || ts.isNamedExports(bindings))) return false;
      if (bindings.elements.some((e) => !exported.has((e.propertyName ?? e.name).text))) return false;
    }
  }
  return true;
}

/**
 * Type-checks every block in its fixture with one program (the library and aws-cdk-lib are
 * loaded once), and compiles each to JavaScript. Only the blocks' files are checked.
 */
export function compileBlocks(blocks: readonly ReadmeBlock[]): CompiledBlock[] {
  const files = new Map<string, { block: ReadmeBlock; source: string; offset: number }>();
  blocks.forEach((block, i) => files.set(path.join(VIRTUAL, `block${i + 1}.ts`), { block, ...withFixture(block) }));
  let options = compilerOptions(true);
  let host = blockHost(options, files);
  let program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  if (!importsOnlyCore(program)) {
    options = compilerOptions(false);
    host = blockHost(options, files);
    program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  }
  const global = program.getOptionsDiagnostics().concat(program.getGlobalDiagnostics());
  if (global.length > 0) throw new Error(ts.formatDiagnostics(global, host));

  return [...files.entries()].map(([fileName, { block, offset }]) => {
    const sourceFile = program.getSourceFile(fileName)!;
    const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
    let javascript = '';
    const emitted = program.emit(sourceFile, (name, text) => {
      if (name.endsWith('.js')) javascript = text;
    });
    const errors = [...diagnostics, ...emitted.diagnostics].map((d) => where(d, block, offset) + ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    return { block, errors, javascript };
  });
}

/** A compiler host that reads the blocks' files from memory and everything else from disk. */
function blockHost(options: ts.CompilerOptions, files: Map<string, { source: string }>): ts.CompilerHost {
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
  return host;
}

/** `README.md:line:column ` for a position in the block, `fixture NAME line N ` for one in the fixture. */
function where(d: ts.Diagnostic, block: ReadmeBlock, offset: number): string {
  if (!d.file || d.start === undefined) return '';
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const blockLines = block.code.replace(/\n$/, '').split('\n').length;
  if (line >= offset && line < offset + blockLines) return `README.md:${block.line + line - offset}:${character + 1} `;
  return `fixture ${block.fixture}, line ${line + 1 - (line >= offset ? blockLines - 1 : 0)}: `;
}
