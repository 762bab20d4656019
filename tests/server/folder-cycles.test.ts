// The server's folders form a layered graph (storage at the bottom, http and stream at the top):
// a cycle between two folders means neither can be read, tested or moved without the other.
// This test reads every import under server/ and fails on any folder-level cycle, naming it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SERVER = resolve(__dirname, '../../server');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** The folder a server file belongs to: its first folder under server/, or "." for server/*.ts. */
function folderOf(file: string): string {
  const parts = relative(SERVER, file).split('/');
  return parts.length > 1 ? parts[0]! : '.';
}

const IMPORT =
  /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** Node → nodes it imports (relative imports that stay inside server/), a node being what `nodeOf` makes of a file. */
function importGraph(nodeOf: (file: string) => string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SERVER)) {
    const from = nodeOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(file), match[1] ?? match[2]!);
      if (!target.startsWith(SERVER + '/')) continue;
      const to = nodeOf(target.endsWith('.ts') ? target : target + '.ts');
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

const folderGraph = () => importGraph(folderOf);
const fileGraph = () => importGraph((file) => relative(SERVER, file));

/** Strongly connected components with more than one folder (Tarjan). */
function folderCycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('server folder imports', () => {
  it('finds a cycle when there is one (the check bites)', () => {
    const graph = new Map([
      ['storage', new Set(['nudges'])],
      ['nudges', new Set(['domain'])],
      ['domain', new Set(['storage'])],
      ['http', new Set(['domain'])],
    ]);
    expect(folderCycles(graph)).toEqual([['domain', 'nudges', 'storage']]);
  });

  it('reads the real imports', () => {
    expect(folderGraph().get('http')?.has('storage')).toBe(true);
  });

  it('has no folder-level cycle under server/', () => {
    expect(folderCycles(folderGraph())).toEqual([]);
  });

  it('has no file-level cycle under server/ (e.g. channels/index.ts and webhooks.ts)', () => {
    expect(folderCycles(fileGraph())).toEqual([]);
  });

  it('storage imports nothing else of the server', () => {
    expect([...(folderGraph().get('storage') ?? [])]).toEqual([]);
  });
});
