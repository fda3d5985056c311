import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { allTemplates, readAssembly } from '../lib/assembly/cloud-assembly';
import { CostSummary } from '../lib/assembly/cost-summary';

function countByType(templates: Array<Record<string, any>>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const t of templates) {
    for (const r of Object.values(t.Resources ?? {}) as Array<{ Type: string }>) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * Prints what the synthesized app creates: per stack (nested stacks included) its resource
 * count, the resource types over all templates, and the package's cost summary of each stack
 * (`CostSummary.fromAssembly`, what `npx cdk-container-platform cost cdk.out` prints in a user's app).
 */
export function printSummary(assembly: CloudAssembly): void {
  const lines = [`Synthesized to ${assembly.directory}:`];
  const all: Array<Record<string, any>> = [];
  for (const stack of readAssembly(assembly.directory)) {
    for (const file of allTemplates(stack.root)) {
      const name = file.logicalId ? `  nested ${file.file.replace('.nested.template.json', '')}` : stack.stackName;
      lines.push(`${name}: ${Object.keys(file.template.Resources ?? {}).length} resources`);
      all.push(file.template);
    }
  }
  lines.push(`${all.reduce((n, t) => n + Object.keys(t.Resources ?? {}).length, 0)} resources in all:`);
  for (const [type, n] of countByType(all)) lines.push(`  ${String(n).padStart(4)}  ${type}`);
  process.stderr.write(lines.join('\n') + '\n' + CostSummary.fromAssembly(assembly.directory).toText());
}
