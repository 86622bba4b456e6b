/**
 * `--engine both`: the explicit reference explorer and the Z3 engine decide the same program, and must
 * agree on the status and on the kind of the primary violation. A disagreement is an internal error
 * (one of the two engines is wrong), returned with both verdicts so the CLI can report it loudly.
 */
import type { VerifyOptions } from '../explore/engines.js';
import { explore } from '../explore/search.js';
import { verdictSummary, type Verdict } from '../explore/verdict.js';
import type { Model } from '../model/types.js';
import { bmc } from './bmc.js';

/** The outcome of running both engines. */
export type BothResult =
  /** They agree; `verdict` is the reference explorer's (shortest traces, full statistics). */
  | { readonly status: 'agree'; readonly verdict: Verdict; readonly z3: Verdict }
  /** They disagree: an internal error, reported with both verdicts and what differs. */
  | { readonly status: 'disagree'; readonly explicit: Verdict; readonly z3: Verdict; readonly why: string };

/** Why two verdicts disagree, or undefined when they agree (a `bound` on either side is no disagreement). */
export function disagreement(a: Verdict, b: Verdict): string | undefined {
  if (a.status === 'bound' || b.status === 'bound') return undefined;
  if (a.status !== b.status) return `explicit says ${verdictSummary(a)}, z3 says ${verdictSummary(b)}`;
  if (a.status === 'violation' && b.status === 'violation') {
    const x = a.violations[0]!;
    const y = b.violations[0]!;
    if (x.kind !== y.kind || x.trace.length !== y.trace.length) return `explicit says ${verdictSummary(a)}, z3 says ${verdictSummary(b)}`;
  }
  return undefined;
}

/**
 * Runs the reference explorer and the Z3 engine on `programName` and compares them (status; for a
 * violation, the primary kind and the shortest trace's length). Never throws for a disagreement.
 */
export async function verifyBoth(model: Model, programName: string, opts: VerifyOptions = {}): Promise<BothResult> {
  const explicit = explore(model, programName, opts);
  const z3 = await bmc(model, programName, opts);
  const why = disagreement(explicit, z3);
  return why === undefined ? { status: 'agree', verdict: explicit, z3 } : { status: 'disagree', explicit, z3, why };
}
