import type { CloudAssembly } from 'aws-cdk-lib/cx-api';

/** Prints, per stack, how many resources of each kind the synthesized template holds. */
export function printSummary(assembly: CloudAssembly): void {
  for (const stack of assembly.stacks) {
    const resources = Object.values(stack.template.Resources ?? {}) as Array<{ Type: string }>;
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const lines = top.map(([type, n]) => `  ${String(n).padStart(4)}  ${type}`);
    process.stderr.write(`${stack.stackName}: ${resources.length} resources (${assembly.directory}/${stack.templateFile})\n${lines.join('\n')}\n`);
  }
}
