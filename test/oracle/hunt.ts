/**
 * A longer hunt for disagreements between the oracle and cto's reference engine, outside the test
 * suite: `npx tsx test/oracle/hunt.ts SEED RUNS ENGINE` (defaults 1, 2000, reference; other engines are
 * compared on verdict, kinds and blocked instructions, not state counts). Throws with the source text of
 * the first disagreement (fast-check shrinks it); prints how many programs were compared otherwise.
 */
import fc from 'fast-check';
import { arbSource } from './arb.js';
import { loadSource } from '../../src/model/load.js';
import { engines } from '../../src/explore/engines.js';
import { oracleProgram } from './oracle.js';
let compared = 0, viol = 0, kinds: Record<string, number> = {}, loadErr = 0;
const seed = Number(process.argv[2] ?? 1);
const engine = process.argv[4] ?? 'reference';
// state counts are compared for the reference engine only (a reducing engine stores fewer states)
const sameStates = engine === 'reference';
await fc.assert(fc.asyncProperty(arbSource(), async (src) => {
  const l = loadSource(src, 'g.cto');
  if (l.status !== 'ok') throw new Error('load error: ' + l.diagnostics.map((d) => d.message).join('; ') + '\n' + src);
  const model = l.model;
  for (const p of model.programs) {
    const r = oracleProgram(model, p.name, 20000);
    if (!r) continue;
    compared++;
    const v = await engines[engine]!(model, p.name, {});
    const ck = v.status === 'violation' ? [...new Set(v.violations.map((x) => x.kind))].sort() : [];
    const cb = v.status === 'bound' ? [] : v.waits.filter((w) => !w.returns).map((w) => `${w.program}:${w.pc}`).sort();
    const ob = [...r.blockedAt].sort();
    if (r.verdict === 'violation') viol++;
    for (const k of r.kinds) kinds[k] = (kinds[k] ?? 0) + 1;
    const a = JSON.stringify([v.status, ck, cb, sameStates ? v.stats.states : 0]);
    const b = JSON.stringify([r.verdict, [...r.kinds].sort(), ob, sameStates ? r.states : 0]);
    if (a !== b) throw new Error(`program ${p.name}: cto ${a} oracle ${b}\n${src}`);
  }
}), { numRuns: Number(process.argv[3] ?? 2000), seed });
console.log({ compared, viol, kinds });
