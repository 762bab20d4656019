// The folder table of architecture.md is enforced by lint: these cases prove the rule bites,
// so a wrong import fails `npm test` instead of a user's machine.
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

// The cases are text under made-up file names that no tsconfig holds, so they are linted
// without type information; the rules proven here need none.
const eslint = new ESLint({ overrideConfig: [{ files: ['**/*.{ts,tsx}'], ...tseslint.configs.disableTypeChecked }] });
async function ruleErrors(filePath: string, code: string, rules: string[]): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  // A case that does not parse proves nothing either way.
  const fatal = result.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`${filePath}: ${fatal.message}`);
  return result.messages.filter((m) => m.ruleId !== null && rules.includes(m.ruleId)).map((m) => m.message);
}
const importErrors = (filePath: string, code: string) =>
  ruleErrors(filePath, code, ['no-restricted-imports', 'no-restricted-globals']);

describe('folder import boundaries', () => {
  it.each([
    ['main/core/any.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['main/core/deep/any.ts', "import electron from 'electron';\nexport default electron;\n"],
    ['renderer/any.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['renderer/any.tsx', "import fs from 'fs';\nexport const x = fs;\n"],
    ['renderer/any.ts', "import Database from 'better-sqlite3';\nexport const x = Database;\n"],
    ['shared/any.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['shared/any.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n"],
    ['shared/any.ts', 'export const x = () => window.location.href;\n'],
    ['server/any.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['preload/any.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['main/shell-policy/any.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['main/shell-policy/any.ts', "import { x } from '../menus';\nexport const y = x;\n"],
    ['main/shell-policy/any.ts', "import { x } from '../core/ports';\nexport const y = x;\n"],
    ['main/any.ts', "import { x } from '../renderer/App';\nexport const y = x;\n"],
    ['main/any.ts', "import { x } from '../preload/electron-bridge';\nexport const y = x;\n"],
    ['main/any.ts', "import { x } from './browser-shell/index';\nexport const y = x;\n"],
  ])('%s refuses a forbidden import', async (filePath, code) => {
    expect(await importErrors(filePath, code)).not.toEqual([]);
  });

  it.each([
    [
      'main/core/any.ts',
      "import { readFileSync } from 'node:fs';\nimport { z } from 'zod';\nexport const x = [readFileSync, z];\n",
    ],
    ['main/any.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    [
      'main/any.ts',
      "import { x } from './core/index';\nimport { y } from '../shared/ipc';\nimport { z } from '../server/app';\nimport { w } from './shell-policy/badge';\nexport const v = [x, y, z, w];\n",
    ],
    [
      'main/shell-policy/any.ts',
      "import path from 'node:path';\nimport { x } from '../../shared/ipc';\nimport { y } from './navigation';\nexport const z = [path, x, y];\n",
    ],
    ['renderer/any.ts', "import { z } from 'zod';\nexport const x = z;\n"],
    ['server/any.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
  ])('%s allows what its folder may import', async (filePath, code) => {
    expect(await importErrors(filePath, code)).toEqual([]);
  });
});

describe('focused tests', () => {
  // The samples are built, not written out, so a search of the tree for a left-in focus finds none here.
  const focus = (call: string, rest: string) => `${call}.${'only'}${rest}`;
  it.each([
    focus('describe', "('a', () => {});\n"),
    focus('it', "('a', () => {});\n"),
    focus('test', "('a', () => {});\n"),
    focus('it', ".each([1])('a %s', () => {});\n"),
  ])('lint refuses %s', async (code) => {
    expect(await ruleErrors('tests/any.test.ts', code, ['no-restricted-properties'])).not.toEqual([]);
  });

  it('lint lets the unfocused test through', async () => {
    expect(
      await ruleErrors('tests/any.test.ts', "describe('a', () => { it('b', () => {}); });\n", [
        'no-restricted-properties',
      ]),
    ).toEqual([]);
  });
});

describe('size limits of production code', () => {
  /** A function whose cyclomatic complexity is `n`: one path, plus one per `if`. */
  const branchy = (n: number) =>
    `export function f(a: number): number {\n${Array.from({ length: n - 1 }, (_, i) => `  if (a === ${i}) return ${i};\n`).join('')}  return -1;\n}\n`;
  /** A module of exactly `n` lines. */
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const x${i} = ${i};\n`).join('');
  /** The size rules are errors, not warnings: the lint gate fails on them. */
  async function sizeSeverities(filePath: string, code: string): Promise<number[]> {
    const [result] = await eslint.lintText(code, { filePath });
    return result.messages.filter((m) => m.ruleId === 'complexity' || m.ruleId === 'max-lines').map((m) => m.severity);
  }

  it('reports a size breach as an error', async () => {
    expect(await sizeSeverities('server/any.ts', branchy(16))).toEqual([2]);
    expect(await sizeSeverities('renderer/any.ts', lines(401))).toEqual([2]);
  });

  it('lint refuses a production function over complexity 15, and lets one of 15 through', async () => {
    expect(await ruleErrors('server/any.ts', branchy(16), ['complexity'])).not.toEqual([]);
    expect(await ruleErrors('server/any.ts', branchy(15), ['complexity'])).toEqual([]);
  });

  it('lint refuses a production file over 400 lines, and lets one of 400 through', async () => {
    expect(await ruleErrors('renderer/any.ts', lines(401), ['max-lines'])).not.toEqual([]);
    expect(await ruleErrors('renderer/any.ts', lines(400), ['max-lines'])).toEqual([]);
  });

  it('leaves tests out of the size limits', async () => {
    expect(await ruleErrors('tests/any.test.ts', branchy(16) + lines(401), ['complexity', 'max-lines'])).toEqual([]);
  });
});
