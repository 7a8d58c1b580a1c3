// Lint with typescript-eslint, which needs the TypeScript 5.x JavaScript API
// (TypeScript 7's native compiler has none): TypeScript is pinned to 5.9.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { allUnits, refusal } from './scripts/lib/layers.mjs';

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Layers point one way (scripts/lib/layers.mjs): for every unit of src/, a
 * no-restricted-imports rule refusing the units it may not import, one per
 * folder depth so that `../` is always src/ itself. Static imports and
 * export-from only; test/layers.test.ts also checks import() and cycles.
 */
function layerRules() {
  const configs = [];
  for (const unit of allUnits()) {
    const refused = allUnits().filter((other) => refusal(unit, other) !== undefined);
    if (refused.length === 0) continue;
    const depths = unit.endsWith('.ts') ? [0] : [1, 2, 3, 4];
    for (const depth of depths) {
      const files = depth === 0 ? [`src/${unit}`] : [`src/${unit}/${'*/'.repeat(depth - 1)}*.ts`];
      const up = depth === 0 ? '\\./' : `(?:\\.\\./){${depth}}`;
      const patterns = refused.map((other) => ({
        regex: `^${up}${other.endsWith('.ts') ? `${escape(other.slice(0, -3))}\\.js$` : `${escape(other)}/`}`,
        message: `src/${unit} may not import src/${other}: ${refusal(unit, other)} (scripts/lib/layers.mjs).`,
      }));
      configs.push({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });
    }
  }
  return configs;
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', 'artifacts/', 'examples/', 'coverage/', 'bench/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  ...layerRules(),
);
