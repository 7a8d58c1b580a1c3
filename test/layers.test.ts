import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { allUnits, LAYERS, layerOf, refusal, unitOf } from '../scripts/lib/layers.mjs';
import { REPO_ROOT } from './helpers/cli.js';

/**
 * The import graph of src/ against the layers of scripts/lib/layers.mjs (the
 * table eslint.config.js enforces with no-restricted-imports): every static
 * import, export-from and import(), type-only ones included, read with the
 * TypeScript compiler's own pre-processor.
 */

const SRC = join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path).split('\\').join('/')] : [];
  });
}

interface Edge {
  from: string;
  to: string;
  specifier: string;
}

/** Every relative import of every file of src/, resolved to a path relative to src/ (`.js` is the `.ts` beside it). */
function importGraph(): { files: string[]; edges: Edge[] } {
  const files = sourceFiles(SRC).sort();
  const edges: Edge[] = [];
  for (const from of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(SRC, from), 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('.')) continue;
      const to = normalize(join(dirname(from), specifier.replace(/\.js$/, '.ts')))
        .split('\\')
        .join('/');
      edges.push({ from, to, specifier });
    }
  }
  return { files, edges };
}

/** Strongly connected components with more than one node, or a node importing itself (Tarjan). */
function cycles(nodes: readonly string[], next: (node: string) => Iterable<string>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const other of next(node)) {
      if (!index.has(other)) {
        visit(other);
        low.set(node, Math.min(low.get(node)!, low.get(other)!));
      } else if (onStack.has(other)) low.set(node, Math.min(low.get(node)!, index.get(other)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || [...next(node)].includes(node)) found.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return found;
}

const { files, edges } = importGraph();

describe('layers of src/ (scripts/lib/layers.mjs; README "Layout")', () => {
  it('reads the graph: every import resolves to a file of src/', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.filter((e) => !files.includes(e.to)).map((e) => `${e.from} → ${e.specifier}`)).toEqual([]);
  });

  it('every folder and top-level file of src/ is in a layer', () => {
    expect([...new Set(files.map(unitOf))].filter((unit) => layerOf(unit) < 0)).toEqual([]);
  });

  it('no import goes against the layer order', () => {
    const against = edges.flatMap((e) => {
      const why = refusal(unitOf(e.from), unitOf(e.to));
      return why === undefined ? [] : [`src/${e.from} imports ${e.specifier}: ${why}`];
    });
    expect(against).toEqual([]);
  });

  it('no cycle between folders', () => {
    const next = new Map<string, Set<string>>();
    for (const e of edges) {
      const [from, to] = [unitOf(e.from), unitOf(e.to)];
      if (from !== to) next.set(from, (next.get(from) ?? new Set()).add(to));
    }
    expect(cycles(allUnits(), (unit) => next.get(unit) ?? [])).toEqual([]);
  });

  it('no cycle between files', () => {
    const next = new Map<string, string[]>();
    for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    expect(cycles(files, (file) => next.get(file) ?? [])).toEqual([]);
  });

  it("the README's layout paragraph gives the same order", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const line = /^Layers, lowest first: (.+)$/m.exec(readme)?.[1];
    expect(line, 'README.md has a "Layers, lowest first: …" line').toBeDefined();
    const named = line!.split(' → ').map((layer) => layer.replace(/[`.]/g, '').trim());
    expect(named).toEqual(LAYERS.map((layer) => layer.name));
  });
});
