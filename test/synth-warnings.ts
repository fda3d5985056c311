import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The warnings that synthesis reports, asserted instead of printed.
 *
 * Why aws-cdk-lib prints them: cdk.json turns on `@aws-cdk/core:annotationsInValidationReport`,
 * so every synth puts the constructs' warning annotations into its validation report
 * (validation-report.json in the cloud assembly). Outside the CDK CLI,
 * `@aws-cdk/core:failSynthOnValidationErrors` is true by default: the app handles the report
 * itself, and `validateTemplates` (aws-cdk-lib/core/lib/private/synthesis-validation.js) prints
 * it with `console.error` whenever it is not empty; a report with an error throws instead (in
 * a test, NODE_ENV=test). The CLI sets that context to false and prints the report itself.
 *
 * In the tests, test/setup-after-env.ts hands each such `console.error` of aws-cdk-lib's to
 * {@link captureReport}: the warnings a test file declares with {@link expectSynthWarnings}
 * are asserted (each must be reported at least once in the file) and kept out of the output;
 * any other is printed as before and fails the test that synthesized it. Every other
 * `console.error` goes through untouched.
 */

/** One warning of a validation report. */
export interface ReportedWarning {
  /** What acknowledges it: the annotation's ID ('cdk-container-platform:smoke-test-path'), or the plugin's rule name. */
  readonly id: string;
  readonly message: string;
  readonly paths: string[];
}

const REPORT_LINE = /A copy of this report can be found in: (.+)$/;

/** The IDs the test file declared, with how often each was reported. */
const declared = new Map<string, number>();
/** Reported warnings that were not declared, since the last test ended. */
let undeclared: ReportedWarning[] = [];

/**
 * Declares the warnings that synthesis reports in this test file, by the ID that acknowledges
 * them (the report's `Acknowledge with 'Annotation::<ID>'`). Each must be reported at least
 * once in the file; reported, they are not printed.
 */
export function expectSynthWarnings(...ids: string[]): void {
  for (const id of ids) if (!declared.has(id)) declared.set(id, 0);
}

/** Whether a `console.error` call is aws-cdk-lib printing a synth's validation report. */
export function isValidationReport(args: unknown[]): boolean {
  if (args.length !== 1 || typeof args[0] !== 'string' || !REPORT_LINE.test(args[0])) return false;
  return /synthesis-validation\.js/.test(new Error().stack ?? '');
}

/**
 * Takes the report that aws-cdk-lib prints (its text ends with the path of
 * validation-report.json, read here); whether it may be printed: false when every warning in
 * it was declared.
 */
export function captureReport(text: string): boolean {
  const file = path.resolve(REPORT_LINE.exec(text)![1].trim());
  const warnings = readWarnings(file);
  const others = warnings.filter((w) => !declared.has(w.id));
  for (const w of warnings) if (declared.has(w.id)) declared.set(w.id, declared.get(w.id)! + 1);
  undeclared.push(...others);
  return others.length > 0 || warnings.length === 0;
}

/** The violations of every plugin report in a validation-report.json. */
function readWarnings(file: string): ReportedWarning[] {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  return (report.pluginReports ?? []).flatMap((r: any) => (r.violations ?? []).map((v: any) => ({
    id: String(v.ruleName).replace(/^Annotation::/, ''),
    message: `${String(v.severity ?? '').toUpperCase()} ${v.description}`,
    paths: (v.violatingConstructs ?? v.violatingResources ?? []).map((c: any) => c.constructPath ?? c.resourceLogicalId),
  })));
}

/** The warnings reported and not declared since the last call, described for a failure; '' when none. */
export function takeUndeclared(): string {
  const found = undeclared;
  undeclared = [];
  return found.map((w) => `${w.id}: ${w.message} (${w.paths.join(', ')})`).join('\n');
}

/** The declared warnings that no synth of the file reported, described for a failure; '' when none. */
export function neverReported(): string {
  return [...declared].filter(([, n]) => n === 0).map(([id]) => id).join(', ');
}
