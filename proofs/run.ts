/**
 * `npm run proofs`: checks every lemma of `proofs/` with Z3 and prints one line per lemma. Exits 0 when
 * every lemma is proved, 1 otherwise (a refuted or undecided obligation is named on the next lines).
 */
import { shutdownZ3, z3Context } from '../src/smt/z3.js';
import { proveLemma } from './kit.js';
import { LEMMAS } from './lemmas.js';

async function main(): Promise<number> {
  const ctx = await z3Context();
  let failed = 0;
  for (const lemma of LEMMAS) {
    const r = await proveLemma(ctx, lemma, {});
    const n = r.obligations.length;
    if (r.proved) {
      console.log(`proved  ${r.name}: ${r.statement} (${n} obligations, ${r.ms} ms)`);
    } else {
      failed++;
      console.log(`FAILED  ${r.name}: ${r.statement} (${n} obligations, ${r.ms} ms)`);
      for (const o of r.obligations) if (o.status !== 'proved') console.log(`        ${o.label}: ${o.status === 'refuted' ? 'counterexample found' : 'Z3 could not decide'}`);
    }
  }
  console.log(failed === 0 ? `all ${LEMMAS.length} lemmas proved` : `${failed} of ${LEMMAS.length} lemmas not proved`);
  return failed === 0 ? 0 : 1;
}

const code = await main().catch((e: unknown) => {
  console.error(`proofs: internal error: ${e instanceof Error ? e.message : String(e)}`);
  return 1;
});
await shutdownZ3();
process.exitCode = code;
