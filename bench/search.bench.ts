// Search over a big local store: 1,000,000 messages and 100,000 leads, through the app's own
// queries (FTS5, newest messages first, leads ranked by name). p95 over a mix of what reps type:
// full names, name prefixes while typing, common and rare words, two-word phrases.
import { LocalStore } from '../main/core/store/local-store';
import { sharedBigStore } from '../tests/core/support/bench/shared-store';
import { FIRST_NAMES, LAST_NAMES, prng } from '../tests/core/support/bench/big-store';
import { percentile, type Benchmark } from './figures';

function timeQueries(queries: string[], run: (q: string) => unknown[]): { p95: number; p50: number; hits: number } {
  const times: number[] = [];
  let hits = 0;
  for (const q of queries) {
    const t = performance.now();
    hits += run(q).length;
    times.push(performance.now() - t);
  }
  return { p95: percentile(times, 95), p50: percentile(times, 50), hits };
}

const bench: Benchmark = {
  name: 'search (1,000,000 messages, 100,000 leads)',
  async run() {
    const { info } = sharedBigStore();
    const store = LocalStore.open(info.file);
    const rand = prng(7);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const leadQueries = Array.from({ length: 400 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return pick(FIRST_NAMES);
        case 1:
          return pick(LAST_NAMES);
        case 2:
          return `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`;
        default:
          return pick(LAST_NAMES).slice(0, 3);
      }
    });
    const zipf = () => info.words[Math.floor(info.words.length * rand() ** 3)];
    const messageQueries = Array.from({ length: 400 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return zipf();
        case 1:
          return pick(info.words);
        case 2:
          return `${zipf()} ${zipf()}`;
        default:
          return zipf().slice(0, 4);
      }
    });
    // warm the page cache the way a rep's first searches would
    timeQueries(leadQueries.slice(0, 40), (q) => store.leads.search(q, 20));
    timeQueries(messageQueries.slice(0, 40), (q) => store.messages.search(q, 30));
    const leads = timeQueries(leadQueries, (q) => store.leads.search(q, 20));
    const messages = timeQueries(messageQueries, (q) => store.messages.search(q, 30));
    store.close();
    return [
      { name: 'search: build 1M-message test store', value: info.buildMs / 1000, unit: 's', target: null },
      { name: 'search: leads p95', value: leads.p95, unit: 'ms', target: '< 5' },
      { name: 'search: leads p50', value: leads.p50, unit: 'ms', target: null },
      { name: 'search: messages p95', value: messages.p95, unit: 'ms', target: '<= 15' },
      { name: 'search: messages p50', value: messages.p50, unit: 'ms', target: null },
    ];
  },
};
export default bench;
