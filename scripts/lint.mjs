// The lint gate of `npm test`: one ESLint pass over the tree (type-aware rules included, so one
// pass is worth saving). Every error fails it, and so does every warning, as `--max-warnings=0`
// would. The size rules (max-lines, complexity) are errors, with their documented exceptions
// listed in eslint.config.js.
import { ESLint } from 'eslint';

const eslint = new ESLint();
const results = await eslint.lintFiles(['.']);
const output = await (await eslint.loadFormatter('stylish')).format(results);
if (output) console.log(output);

const failing = results.reduce((n, r) => n + r.messages.length, 0);
if (failing) {
  console.error(`lint: ${failing} problem(s) fail the gate`);
  process.exit(1);
}
console.log(`lint: passed (${results.length} files)`);
