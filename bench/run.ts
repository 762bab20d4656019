// `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) and prints
// each figure beside its target; `--json` prints one object keyed by figure name.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { meets, type Benchmark, type Figure } from './figures';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const json = argv.includes('--json');
const only = argv.filter((a) => !a.startsWith('--'));

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));

const figures: Figure[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { default: Benchmark };
  if (!json) console.error(`running ${mod.default.name}…`);
  figures.push(...(await mod.default.run()));
}

if (json) {
  const out: Record<string, { value: number; unit: string; target: string | null; meets: boolean | null }> = {};
  for (const f of figures) out[f.name] = { value: f.value, unit: f.unit, target: f.target, meets: meets(f) };
  console.log(JSON.stringify(out, null, 2));
} else {
  const rows = figures.map((f) => [
    f.name,
    `${+f.value.toFixed(f.value < 10 ? 3 : 1)} ${f.unit}`,
    f.target ?? '—',
    meets(f) === null ? '' : meets(f) ? 'yes' : 'NO',
  ]);
  const head = ['figure', 'value', 'target', 'meets'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  if (rows.length === 0) console.log('(no benchmarks yet)');
}
process.exit(0);
