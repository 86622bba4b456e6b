/**
 * Properties of the reference explorer over random well-formed models (`arbModel`):
 * traces replay and end in the reported failure; verdicts and shortest traces agree with brute-force
 * enumeration of every execution; the state count is the number of distinct reachable states, as
 * counted by an independent oracle (test/oracle) and by a second traversal with another encoding.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnoseDeadlock } from '../../src/explore/diagnose.js';
import { replay, violationReport } from '../../src/explore/report.js';
import { explore } from '../../src/explore/search.js';
import type { Model } from '../../src/model/types.js';
import {
  contextFor,
  enabledSteps,
  isDeadlock,
  psBreaches,
  startState,
  violatedInvariants,
  type State,
} from '../../src/semantics/index.js';
import { arbModel } from '../arbitraries.js';
import { oracleProgram } from '../oracle/oracle.js';
import { bruteForce } from './helpers.js';

const small = arbModel({
  maxComponents: 2,
  maxPlaces: 3,
  maxBehaviors: 2,
  maxTransitions: 2,
  maxPorts: 1,
  maxPrograms: 2,
  minInstrs: 3,
  maxInstrs: 7,
  attributes: false,
});

const medium = arbModel({ maxComponents: 2, maxPlaces: 4, maxBehaviors: 2, maxTransitions: 3, maxPorts: 2, maxInstrs: 10, attributes: false });

/** A canonical JSON encoding written independently of `stateKey`. */
function otherKey(s: State): string {
  const inst = [...s.instances.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([n, i]) => [n, i.type, [...i.marked].sort(), [...i.running].sort(), [...i.docks].sort(), i.queue]);
  const conns = s.connections.map((c) => [c.user, c.usePort, c.provider, c.providePort].join(' ')).sort();
  return JSON.stringify([s.stage, s.pc, inst, conns]);
}

/** Distinct reachable states by depth-first search with `otherKey`. */
function countReachable(model: Model, program: string): number {
  const ctx = contextFor(model, program);
  const seen = new Set<string>();
  const todo = [startState(ctx)];
  seen.add(otherKey(todo[0]!));
  while (todo.length) {
    const s = todo.pop()!;
    for (const { next } of enabledSteps(ctx, s)) {
      const k = otherKey(next);
      if (!seen.has(k)) {
        seen.add(k);
        todo.push(next);
      }
    }
  }
  return seen.size;
}

describe('reference explorer properties', () => {
  it('every reported trace replays and ends in the reported failure; every blocked instance is explained', () => {
    fc.assert(
      fc.property(medium, (model) => {
        for (const p of model.programs) {
          const ctx = contextFor(model, p.name);
          const v = explore(model, p.name);
          if (v.status !== 'violation') continue;
          for (const viol of v.violations) {
            const r = replay(ctx, viol.trace);
            expect(r.ok).toBe(true);
            const last = r.states[r.states.length - 1]!;
            if (viol.kind === 'deadlock') {
              expect(isDeadlock(ctx, last)).toBe(true);
              for (const b of diagnoseDeadlock(ctx, last).instances) {
                expect(b.reasons.length).toBeGreaterThan(0);
                for (const reason of b.reasons) expect(reason).not.toMatch(/no step it could take/);
              }
            } else if (viol.kind === 'ps') expect(psBreaches(ctx, last).length).toBeGreaterThan(0);
            else expect(violatedInvariants(ctx, last)).toContain(viol.invariant);
            expect(() => violationReport(ctx, viol)).not.toThrow();
          }
        }
      }),
      { numRuns: 120 },
    );
  });

  it('agrees with brute-force enumeration of all executions: verdict, failures and shortest trace lengths', () => {
    let compared = 0;
    fc.assert(
      fc.property(small, (model) => {
        for (const p of model.programs) {
          const brute = bruteForce(contextFor(model, p.name), 20_000);
          if (!brute.complete) continue;
          compared++;
          const v = explore(model, p.name);
          expect(v.status).toBe(brute.shortest.size > 0 ? 'violation' : 'verified');
          const found = new Map(
            (v.status === 'violation' ? v.violations : []).map((x) => [x.kind === 'invariant' ? `inv:${x.invariant}` : x.kind, x.trace.length]),
          );
          expect(found).toEqual(brute.shortest);
        }
      }),
      { numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(100);
  });

  it('counts exactly the distinct reachable states and agrees with the independent oracle', () => {
    fc.assert(
      fc.property(medium, (model) => {
        for (const p of model.programs) {
          const v = explore(model, p.name);
          const o = oracleProgram(model, p.name);
          if (o === undefined) throw new Error('the oracle gave up on a small model');
          expect(v.stats.states).toBe(countReachable(model, p.name));
          expect(v.stats.states).toBe(o.states);
          expect(v.status).toBe(o.verdict);
          const kinds = new Set(v.status === 'violation' ? v.violations.map((x) => x.kind) : []);
          expect(kinds).toEqual(o.kinds);
          if (v.status === 'bound') continue;
          for (const w of v.waits) expect(w.returns).toBe(!o.blockedAt.has(`${w.program}:${w.pc}`));
        }
      }),
      { numRuns: 150 },
    );
  });
});
