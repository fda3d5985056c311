import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { costDrivers, formatCosts, formatLevers } from './cost';

function countByType(template: any): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const r of Object.values(template.Resources ?? {}) as Array<{ Type: string }>) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * Prints what the synthesized app creates: per stack (nested stacks included) its resource
 * count, the resource types over all templates, and per stack its fixed monthly cost drivers.
 */
export function printSummary(assembly: CloudAssembly): void {
  const templates: Array<[string, any]> = [];
  const costs: string[] = [];
  const nestedFiles = fs.readdirSync(assembly.directory).filter((f) => f.endsWith('.nested.template.json')).sort();
  for (const stack of assembly.stacks) {
    const own: any[] = [stack.template];
    templates.push([stack.stackName, stack.template]);
    for (const file of nestedFiles.filter((f) => f.startsWith(stack.stackName))) {
      const nested = JSON.parse(fs.readFileSync(path.join(assembly.directory, file), 'utf8'));
      own.push(nested);
      templates.push([`  nested ${file.replace('.nested.template.json', '')}`, nested]);
    }
    costs.push(...formatCosts(stack.stackName, stack.environment.region, costDrivers(own)));
  }
  const all = { Resources: Object.assign({}, ...templates.map(([name, t]) => Object.fromEntries(Object.entries(t.Resources ?? {}).map(([k, v]) => [`${name}/${k}`, v])))) };
  const lines = [`Synthesized to ${assembly.directory}:`];
  for (const [name, t] of templates) lines.push(`${name}: ${Object.keys(t.Resources ?? {}).length} resources`);
  lines.push(`${Object.keys(all.Resources).length} resources in all:`);
  for (const [type, n] of countByType(all)) lines.push(`  ${String(n).padStart(4)}  ${type}`);
  lines.push(...costs, ...formatLevers());
  process.stderr.write(lines.join('\n') + '\n');
}
