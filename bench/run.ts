/**
 * `npm run bench`: the scaling benchmark of issue 5. For each family (bench/families.ts, and the MariaDB
 * example of examples/gen/mariadb.ts) at growing N, runs four explorers side by side — `reduced` (the
 * fast explorer with partial-order reduction, the `fast` engine), `full` (the fast explorer without
 * reduction), `symmetric` (without partial-order reduction, with symmetry reduction: the first phase of
 * the default engine) and `reference` (the reference explorer) — each under a time limit, and prints states,
 * transitions, wall time, peak memory, states/s and the growth ratio of the state count as N doubles.
 * Once a configuration stops at a bound, larger N are skipped for it ("gave up"). Finishes with the
 * loader benchmark of bench/load.ts.
 *
 * Environment: CTO_BENCH_LIMIT_MS (time limit per run, default 5000), CTO_BENCH_QUICK=1 (fewer N).
 */
import { cpus, totalmem } from 'node:os';
import { loadSource } from '../src/model/load.js';
import type { Model } from '../src/model/types.js';
import { explore } from '../src/explore/search.js';
import { fastExplore } from '../src/explore/fast/explore.js';
import type { Verdict } from '../src/explore/verdict.js';
import { chain, fanout, fanoutDeploy } from './families.js';

/** A family: a name, the N to try, and the source at each N. */
interface Family {
  readonly name: string;
  readonly sizes: readonly number[];
  readonly source: (n: number) => string;
}

/** An explorer under benchmark. */
interface Runner {
  readonly name: string;
  readonly run: (m: Model, program: string, limitMs: number, onMem: () => void) => Verdict;
}

const LIMIT_MS = Number(process.env.CTO_BENCH_LIMIT_MS ?? 5000);
const QUICK = process.env.CTO_BENCH_QUICK === '1';
const SIZES = QUICK ? [1, 2, 4, 8, 100] : [1, 2, 3, 4, 5, 6, 8, 16, 32, 64, 100];

async function families(): Promise<Family[]> {
  const fams: Family[] = [
    { name: 'fanout-corrected', sizes: SIZES, source: (n) => fanout(n, 'corrected') },
    { name: 'fanout-lecture', sizes: SIZES, source: (n) => fanout(n, 'lecture') },
    { name: 'chain', sizes: SIZES, source: chain },
    { name: 'deploy-waitall', sizes: SIZES, source: fanoutDeploy },
  ];
  try {
    const { mariadbSource } = (await import('../examples/gen/mariadb.js')) as { mariadbSource: (n: number, m: number) => string };
    const sizes = QUICK ? [2, 4, 50] : [2, 3, 4, 5, 6, 8, 16, 32, 50];
    fams.push({ name: 'mariadb(n, m=2)', sizes, source: (n) => mariadbSource(n, 2) });
  } catch {
    // examples/gen/mariadb.ts is not there: no MariaDB family
  }
  return fams;
}

const runners: Runner[] = [
  { name: 'reduced', run: (m, p, ms, onMem) => fastExplore(m, p, { timeLimitMs: ms, onProgress: onMem }) },
  { name: 'full', run: (m, p, ms, onMem) => fastExplore(m, p, { reduce: false, timeLimitMs: ms, onProgress: onMem }) },
  { name: 'symmetric', run: (m, p, ms, onMem) => fastExplore(m, p, { reduce: false, symmetry: true, timeLimitMs: ms, onProgress: onMem }) },
  { name: 'reference', run: (m, p, ms, onMem) => explore(m, p, { timeLimitMs: ms, onProgress: onMem }) },
];

function memNow(): number {
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
}

function pad(x: string | number, w: number): string {
  return String(x).padStart(w);
}

function outcome(v: Verdict): string {
  if (v.status === 'verified') return 'verified';
  if (v.status === 'bound') return `bound:${v.bound}`;
  const first = v.violations[0]!;
  return `${first.kind}(trace ${first.trace.length})`;
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  console.log(`cto bench — ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
  console.log(`time limit per run ${LIMIT_MS} ms; a configuration that reaches a bound is not run at larger N ("gave up")`);
  console.log('peak = JS heap + array buffers, sampled during the run, above the level before it\n');
  const header = `${'family'.padEnd(18)} ${pad('N', 4)} ${'engine'.padEnd(10)} ${'outcome'.padEnd(22)} ${pad('states', 10)} ${pad('transitions', 12)} ${pad('ms', 7)} ${pad('peak MB', 8)} ${pad('states/s', 10)} ${pad('growth', 7)}`;
  const bestFull: string[] = [];
  for (const fam of await families()) {
    let best = { rate: 0, where: '' };
    console.log(header);
    const gaveUp = new Set<string>();
    const last = new Map<string, { n: number; states: number }>();
    for (const n of fam.sizes) {
      const loaded = loadSource(fam.source(n), `${fam.name}-${n}.cto`);
      if (loaded.status !== 'ok') throw new Error(`${fam.name}(${n}) does not load: ${loaded.diagnostics[0]?.message}`);
      const model = loaded.model;
      const program = model.programs[model.programs.length - 1]!.name;
      for (const r of runners) {
        if (gaveUp.has(r.name)) continue;
        gc?.();
        const base = memNow();
        let peak = base;
        const onMem = (): void => {
          peak = Math.max(peak, memNow());
        };
        const v = r.run(model, program, LIMIT_MS, onMem);
        onMem();
        const { states, transitions, ms } = v.stats;
        const rate = ms > 0 ? Math.round((states / ms) * 1000) : 0;
        const prev = last.get(r.name);
        // growth: state-count ratio per doubling of N, from the previous size tried
        const growth = prev && v.status !== 'bound' ? Math.pow(states / prev.states, Math.log(2) / Math.log(n / prev.n)).toFixed(2) : '';
        if (v.status !== 'bound') last.set(r.name, { n, states });
        else gaveUp.add(r.name);
        if (r.name === 'full' && v.status !== 'bound' && rate > best.rate && states > 10_000) best = { rate, where: `N=${n}, ${states} states` };
        console.log(
          `${fam.name.padEnd(18)} ${pad(n, 4)} ${r.name.padEnd(10)} ${outcome(v).padEnd(22)} ${pad(states, 10)} ${pad(transitions, 12)} ${pad(ms, 7)} ${pad(((peak - base) / 2 ** 20).toFixed(1), 8)} ${pad(rate, 10)} ${pad(growth, 7)}`,
        );
      }
    }
    for (const g of gaveUp) console.log(`  ${fam.name}: ${g} gave up (bound) at the N shown last for it`);
    if (best.rate > 0) bestFull.push(`  ${fam.name.padEnd(18)} ${pad(best.rate, 10)} states/s (${best.where})`);
    console.log('');
  }
  console.log('raw throughput of the fast explorer without reduction (best completed run over 10,000 states, per family):');
  console.log(`${bestFull.join('\n')}\n`);
  try {
    const { benchLoad } = (await import('./load.js')) as { benchLoad: () => Promise<number> };
    await benchLoad();
  } catch (e) {
    console.log(`load benchmark not run: ${(e as Error).message}`);
  }
}

await main();
