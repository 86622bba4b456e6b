/**
 * The machinery shared by the lemmas of `proofs/`: a lemma is a list of proof obligations (Boolean
 * formulas over a generic component), and it is proved when Z3 finds every obligation valid, i.e. the
 * negation of each unsatisfiable. A satisfiable negation is a counterexample: the lemma is false.
 */
import type { Z3Bool, Z3Context } from '../src/smt/z3.js';

/** One proof obligation: a formula that must be valid. */
export interface Obligation {
  /** What this obligation covers, e.g. `leave decreases the measure`. */
  readonly label: string;
  /** Facts assumed (axioms of the generic component, hypotheses of the step). */
  readonly assume: readonly Z3Bool[];
  /** The claim: valid under the assumptions. */
  readonly claim: Z3Bool;
}

/** A lemma about the semantics: a name, what it states, and how to build its obligations. */
export interface Lemma<Opts = unknown> {
  /** A short identifier, e.g. `termination`. */
  readonly name: string;
  /** One sentence: what is proved. */
  readonly statement: string;
  /** Builds the obligations in `ctx`; `opts` lets a test weaken a guard or the measure to see the proof fail. */
  readonly obligations: (ctx: Z3Context, opts: Opts) => Obligation[];
}

/** The outcome of one obligation. */
export interface ObligationResult {
  /** The obligation's label. */
  readonly label: string;
  /** `proved`: negation unsat; `refuted`: a counterexample exists; `unknown`: Z3 gave up. */
  readonly status: 'proved' | 'refuted' | 'unknown';
}

/** The outcome of a lemma: proved when every obligation is. */
export interface LemmaResult {
  /** The lemma's name. */
  readonly name: string;
  /** Its statement. */
  readonly statement: string;
  /** True when every obligation was proved. */
  readonly proved: boolean;
  /** Per obligation. */
  readonly obligations: readonly ObligationResult[];
  /** Wall time in milliseconds. */
  readonly ms: number;
}

/** Checks every obligation of `lemma` (one solver per obligation: assumptions and the negated claim). */
export async function proveLemma<Opts>(ctx: Z3Context, lemma: Lemma<Opts>, opts: Opts): Promise<LemmaResult> {
  const t0 = Date.now();
  const results: ObligationResult[] = [];
  for (const ob of lemma.obligations(ctx, opts)) {
    const solver = new ctx.Solver();
    for (const a of ob.assume) solver.add(a);
    solver.add(ctx.Not(ob.claim));
    const r = await solver.check();
    results.push({ label: ob.label, status: r === 'unsat' ? 'proved' : r === 'sat' ? 'refuted' : 'unknown' });
  }
  return {
    name: lemma.name,
    statement: lemma.statement,
    proved: results.every((r) => r.status === 'proved'),
    obligations: results,
    ms: Date.now() - t0,
  };
}
