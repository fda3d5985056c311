import { instance } from '@viz-js/viz';
import { Diagram, DiagramGroup, NodeKind } from './model';

/** Fill colours by node kind, shared by both renderings. */
const FILL: Record<NodeKind, string> = {
  client: '#ffffff',
  dns: '#e8eaf6',
  network: '#e3f2fd',
  loadBalancer: '#ffe0b2',
  listener: '#fff3e0',
  targetGroup: '#fff8e1',
  tasks: '#e8f5e9',
  queue: '#fce4ec',
  trigger: '#fffde7',
  delivery: '#f3e5f5',
};

function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The diagram in the Graphviz DOT language; Graphviz lays it out. */
export function toDot(diagram: Diagram): string {
  const kinds = new Map(diagram.nodes.map((n) => [n.id, n]));
  const out = [
    'digraph platform {',
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=12, nodesep=0.25, ranksep=0.6, newrank=true];',
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, color="#607d8b"];',
    '  edge [fontname="Helvetica", fontsize=9, color="#546e7a", fontcolor="#37474f"];',
  ];
  const node = (id: string, indent: string): string => {
    const n = kinds.get(id)!;
    return `${indent}${id} [label=${dotString(n.lines.join('\n'))}, fillcolor="${FILL[n.kind]}"${n.kind === 'client' ? ', shape=oval' : ''}];`;
  };
  const group = (g: DiagramGroup, indent: string): void => {
    out.push(`${indent}subgraph cluster_${g.id} {`, `${indent}  label=${dotString(g.label)}; style="rounded,dashed"; color="#90a4ae"; fontsize=11;`);
    for (const id of g.nodes) out.push(node(id, `${indent}  `));
    for (const child of g.groups) group(child, `${indent}  `);
    out.push(`${indent}}`);
  };
  for (const g of diagram.groups) group(g, '  ');
  for (const e of diagram.edges) {
    const attrs = [e.label ? `label=${dotString(e.label)}` : '', e.dashed ? 'style=dashed' : ''].filter((a) => a);
    out.push(`  ${e.from} -> ${e.to}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

function mermaidString(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/** The same diagram as a Mermaid flowchart, which GitHub and most Markdown viewers render. */
export function toMermaid(diagram: Diagram): string {
  const kinds = new Map(diagram.nodes.map((n) => [n.id, n]));
  const out = ['flowchart LR'];
  const group = (g: DiagramGroup, indent: string): void => {
    out.push(`${indent}subgraph ${g.id} [${mermaidString(g.label)}]`);
    for (const id of g.nodes) {
      const n = kinds.get(id)!;
      const label = mermaidString(n.lines.join('<br/>'));
      out.push(`${indent}  ${id}${n.kind === 'client' ? `((${label}))` : `[${label}]`}`);
    }
    for (const child of g.groups) group(child, `${indent}  `);
    out.push(`${indent}end`);
  };
  for (const g of diagram.groups) group(g, '  ');
  for (const e of diagram.edges) {
    const arrow = e.dashed ? '-.->' : '-->';
    out.push(`  ${e.from} ${arrow}${e.label ? `|${mermaidString(e.label)}|` : ''} ${e.to}`);
  }
  for (const [kind, fill] of Object.entries(FILL)) out.push(`  classDef ${kind} fill:${fill},stroke:#607d8b`);
  for (const kind of Object.keys(FILL)) {
    const ids = diagram.nodes.filter((n) => n.kind === kind).map((n) => n.id);
    if (ids.length > 0) out.push(`  class ${ids.join(',')} ${kind}`);
  }
  return out.join('\n') + '\n';
}

/** Lays out and draws the DOT text as SVG with Graphviz (WebAssembly, offline). */
export async function toSvg(dot: string): Promise<string> {
  const viz = await instance();
  return viz.renderString(dot, { format: 'svg', engine: 'dot' });
}
