import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

/**
 * Functions stay short (README "Development", STYLE.md): no function-like
 * node of src/ spans more than MAX_LINES lines, counted from the line it
 * starts on (modifiers included, its doc comment not) to the line of its
 * closing brace.
 */

const SRC = join(REPO_ROOT, 'src');
const MAX_LINES = 80;

/**
 * Being split on other branches at the time of writing (h-stream, h-index and
 * the spdx-model work); the lead empties this list once they are merged.
 * Keys are `file relative to src/ → function` as the test names them.
 */
const BEING_SPLIT_ELSEWHERE: readonly string[] = [
  'normalize/scan-stream.ts → JsonScanner.push',
  'formats/spdx-model.ts → open',
  'lib/json-scan.ts → scanJson',
  'query/queries/vuln.ts → queryVuln',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path).split('\\').join('/')] : [];
  });
}

/** A property, method or variable name as written, or undefined when it is computed. */
function nameText(name: ts.Node | undefined): string | undefined {
  if (name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))) return name.text;
  return undefined;
}

/** How the test names a function: `Class.method`, a declared name, the variable or property it is assigned to, else its line. */
function functionName(node: ts.FunctionLikeDeclaration, file: ts.SourceFile): string {
  const parent = node.parent;
  let own = nameText(node.name);
  if (ts.isConstructorDeclaration(node)) own = 'constructor';
  if (own === undefined && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) own = nameText(parent.name);
  if (own === undefined) return `(anonymous function at line ${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1})`;
  const owner = ts.isClassLike(parent) ? parent : ts.isPropertyDeclaration(parent) && ts.isClassLike(parent.parent) ? parent.parent : undefined;
  const className = owner ? (nameText(owner.name) ?? '(class)') : undefined;
  return className ? `${className}.${own}` : own;
}

interface Measured {
  key: string;
  lines: number;
}

/** Every function-like node with a body in one file, with its length in lines. */
function measure(path: string): Measured[] {
  const file = ts.createSourceFile(path, readFileSync(join(SRC, path), 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Measured[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ key: `${path} → ${functionName(node as ts.FunctionLikeDeclaration, file)}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const measured = sourceFiles(SRC).sort().flatMap(measure);

describe(`functions of src/ span at most ${MAX_LINES} lines`, () => {
  it('finds the functions', () => {
    expect(measured.length).toBeGreaterThan(1000);
    expect(measured.filter((m) => m.key.endsWith(' → walkImage')).map((m) => m.key)).toEqual(['collect/walk.ts → walkImage']);
  });

  it(`no function over ${MAX_LINES} lines but those being split elsewhere`, () => {
    const long = measured.filter((m) => m.lines > MAX_LINES && !BEING_SPLIT_ELSEWHERE.includes(m.key)).map((m) => `src/${m.key}: ${m.lines} lines`);
    expect(long).toEqual([]);
  });
});
