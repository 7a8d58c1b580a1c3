import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

/**
 * Functions stay short (README "Development"): no function-like node of src/
 * (declaration, method, accessor, constructor, function expression, arrow)
 * spans more than MAX_LINES lines, counted from the line it starts on to the
 * line of its closing brace. The files are read with the TypeScript
 * compiler's own parser.
 */

const SRC = join(REPO_ROOT, 'src');
const MAX_LINES = 80;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path).split('\\').join('/')] : [];
  });
}

/** A name as written, or undefined when it is computed. */
function nameText(name: ts.Node | undefined): string | undefined {
  if (name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))) return name.text;
  return undefined;
}

/** How a function is named in a failure: `Class.method`, its own name, the variable or property it is assigned to, else its line. */
function functionName(node: ts.FunctionLikeDeclaration, file: ts.SourceFile): string {
  const parent = node.parent;
  let own = ts.isConstructorDeclaration(node) ? 'constructor' : nameText(node.name);
  if (own === undefined && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)))
    own = nameText(parent.name);
  if (own === undefined) return `(function at line ${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1})`;
  const owner = ts.isClassLike(parent) ? parent : ts.isPropertyDeclaration(parent) && ts.isClassLike(parent.parent) ? parent.parent : undefined;
  return owner ? `${nameText(owner.name) ?? '(class)'}.${own}` : own;
}

interface Measured {
  key: string;
  lines: number;
}

/** Every function-like node with a body in one file's text, with its length in lines. */
function measure(path: string, text: string): Measured[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
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

const tooLong = (measured: Measured[]): string[] => measured.filter((m) => m.lines > MAX_LINES).map((m) => `src/${m.key}: ${m.lines} lines`);

describe(`functions of src/ span at most ${MAX_LINES} lines`, () => {
  it('measures every kind of function, named as a reader would look for it', () => {
    const body = (lines: number) => Array.from({ length: lines - 2 }, (_, i) => `  step(${i});`).join('\n');
    const text = [
      `export async function long() {\n${body(81)}\n}`,
      `function short() {\n${body(80)}\n}`,
      `const arrow = (x: number) => {\n${body(81)}\n};`,
      `class Reader {\n  method(): void {\n${body(81)}\n  }\n  constructor() {\n${body(81)}\n  }\n  field = () => {\n${body(81)}\n  };\n}`,
      `export const table = {\n  entry() {\n${body(81)}\n  },\n};`,
      `run(function () {\n${body(81)}\n});`,
    ].join('\n');
    expect(tooLong(measure('example.ts', text))).toEqual([
      'src/example.ts → long: 81 lines',
      'src/example.ts → arrow: 81 lines',
      'src/example.ts → Reader.method: 81 lines',
      'src/example.ts → Reader.constructor: 81 lines',
      'src/example.ts → Reader.field: 81 lines',
      'src/example.ts → entry: 81 lines',
      expect.stringMatching(/^src\/example\.ts → \(function at line \d+\): 81 lines$/),
    ]);
  });

  it(`no function over ${MAX_LINES} lines but those being split elsewhere`, () => {
    const files = sourceFiles(SRC).sort();
    expect(files.length).toBeGreaterThan(100);
    expect(tooLong(files.flatMap((path) => measure(path, readFileSync(join(SRC, path), 'utf8'))))).toEqual([]);
  });
});
