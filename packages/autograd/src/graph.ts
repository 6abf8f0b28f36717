import * as T from '@minigan/tensor';
import { Variable } from './variable.ts';

/** One line per node of the graph below `root`, indented by depth: `mul [3,4]` ← children. */
export function formatGraph(root: Variable, maxDepth = 50): string {
  const lines: string[] = [];
  const ids = new Map<Variable, number>();
  const walk = (v: Variable, depth: number) => {
    const pad = '  '.repeat(depth);
    const seen = ids.get(v);
    const label = `${v._op}${v.name ? ` '${v.name}'` : ''} ${T.fmtShape(v.shape)}${v.requiresGrad ? '' : ' (const)'}`;
    if (seen !== undefined) {
      lines.push(`${pad}#${seen} ${label} (shared, see above)`);
      return;
    }
    ids.set(v, ids.size);
    lines.push(`${pad}#${ids.get(v)} ${label}`);
    if (depth >= maxDepth) return;
    for (const p of v._parents) walk(p, depth + 1);
  };
  walk(root, 0);
  return lines.join('\n');
}

/** The nodes below `root` (each once), with op name, shape and parent indices, for tools. */
export function walkGraph(root: Variable): { op: string; name?: string; shape: number[]; parents: number[] }[] {
  const nodes: Variable[] = [];
  const index = new Map<Variable, number>();
  const stack = [root];
  while (stack.length) {
    const v = stack.pop()!;
    if (index.has(v)) continue;
    index.set(v, nodes.length);
    nodes.push(v);
    for (const p of v._parents) stack.push(p);
  }
  return nodes.map((v) => ({ op: v._op, ...(v.name ? { name: v.name } : {}), shape: v.shape, parents: v._parents.map((p) => index.get(p)!) }));
}
