// The folder table of architecture.md is enforced by lint: these cases prove the rule bites,
// so a wrong import fails `npm test` instead of a user's machine.
import { ESLint } from 'eslint';

const eslint = new ESLint();
async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

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
  ])('%s refuses a forbidden import', async (filePath, code) => {
    expect(await importErrors(filePath, code)).not.toEqual([]);
  });

  it.each([
    ['main/core/any.ts', "import { readFileSync } from 'node:fs';\nimport { z } from 'zod';\nexport const x = [readFileSync, z];\n"],
    ['main/any.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['renderer/any.ts', "import { z } from 'zod';\nexport const x = z;\n"],
    ['server/any.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
  ])('%s allows what its folder may import', async (filePath, code) => {
    expect(await importErrors(filePath, code)).toEqual([]);
  });
});
