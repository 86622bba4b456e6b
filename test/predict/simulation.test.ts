/**
 * The predicted outcomes against an independent discrete-event simulation of the reference semantics
 * (src/semantics) under maximal progress (cto-language.md §5), on generated models with fixed durations:
 * every simulated run (random order among simultaneous steps) ends in a predicted outcome, and on small
 * models a memo-free enumeration of all orders finds exactly the predicted set.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Model, Transition } from '../../src/model/types.js';
import { contextFor, type Context } from '../../src/semantics/state.js';
import { enabledSteps, isCompleted, startState } from '../../src/semantics/step.js';
import type { DurationOf } from '../../src/predict/durations.js';
import { BudgetExceeded, type Outcome } from '../../src/predict/explore.js';
import { predictFixed } from '../../src/predict/predict.js';
import { arbModel } from '../arbitraries.js';
import { fixture } from './helpers.js';

type SimOutcome = Outcome | { readonly status: 'prefixDeadlock' };

const CHOICES = [0, 1000, 2000, 3000, 5000, 250];

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Fixed durations drawn from CHOICES by a hash of the firing (so repeated firings may differ). */
function durations(seed: number): DurationOf {
  return (instance: string, t: Transition, k: number) => CHOICES[hash(`${seed}:${instance}.${t.name}#${k}`) % CHOICES.length]!;
}

interface Sim {
  /** A chooser among n enabled steps; undefined = stop here and explore all (enumeration). */
  readonly choose: (n: number) => number;
}

/** One run of the DES: absolute clock, an end time per running action, a chooser for simultaneous steps. */
function simulate(ctx: Context, dur: DurationOf, sim: Sim): SimOutcome {
  const last = ctx.chain.length - 1;
  let s = startState(ctx);
  let clock = 0;
  let t0: number | undefined;
  const endsAt = new Map<string, number>();
  const fired = new Map<string, number>();
  for (;;) {
    if (t0 === undefined && s.stage === last) {
      t0 = clock;
      fired.clear(); // firings are numbered from the checked program's first instruction
    }
    if (t0 !== undefined && isCompleted(ctx, s)) return { status: 'completed', at: clock - t0 };
    const steps = enabledSteps(ctx, s).filter((x) => x.step.kind !== 'end' || endsAt.get(`${x.step.instance}/${x.step.transition}`) === clock);
    if (steps.length === 0) {
      if (endsAt.size === 0) return t0 === undefined ? { status: 'prefixDeadlock' } : { status: 'deadlock', at: clock - t0 };
      clock = Math.min(...endsAt.values());
      continue;
    }
    const { step, next } = steps[sim.choose(steps.length)]!;
    if (step.kind === 'end') endsAt.delete(`${step.instance}/${step.transition}`);
    if (step.kind === 'leave') {
      const was = s.instances.get(step.instance)!.running;
      const type = ctx.model.componentByName.get(s.instances.get(step.instance)!.type)!;
      for (const t of next.instances.get(step.instance)!.running) {
        if (was.includes(t)) continue;
        const k = (fired.get(`${step.instance}/${t}`) ?? 0) + 1;
        fired.set(`${step.instance}/${t}`, k);
        endsAt.set(`${step.instance}/${t}`, clock + dur(step.instance, type.transitionByName.get(t)!, k));
      }
    }
    s = next;
  }
}

/** Every outcome over all choice sequences, by re-running with each prefix of choices (no memo); undefined past `cap` runs. */
function enumerate(ctx: Context, dur: DurationOf, cap: number): Set<string> | undefined {
  const out = new Set<string>();
  const stack: number[][] = [[]];
  let runs = 0;
  while (stack.length > 0) {
    if (++runs > cap) return undefined;
    const prefix = stack.pop()!;
    const made: number[] = [];
    const o = simulate(ctx, dur, {
      choose: (n) => {
        const depth = made.length;
        const c = depth < prefix.length ? prefix[depth]! : 0;
        if (depth >= prefix.length) for (let alt = 1; alt < n; alt++) stack.push([...made, alt]);
        made.push(c);
        return c;
      },
    });
    out.add(key(o));
  }
  return out;
}

const key = (o: SimOutcome): string => (o.status === 'prefixDeadlock' ? 'prefix' : `${o.status}@${o.at}`);

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('predict vs a discrete-event simulation of the reference semantics', () => {
  it('every simulated run ends in a predicted outcome; all orders give exactly the predicted set', () => {
    let compared = 0;
    fc.assert(
      fc.property(arbModel({ minInstrs: 6, maxInstrs: 14, maxPorts: 1, maxComponents: 2, invariants: false }), fc.nat(), fc.nat(), (model: Model, seed: number, simSeed: number) => {
        const dur = durations(seed);
        for (const program of model.programs) {
          let p;
          try {
            p = predictFixed(model, program.name, dur, 50_000);
          } catch (e) {
            if (e instanceof BudgetExceeded) continue;
            throw e;
          }
          if (p.status === 'prefixDeadlock') continue;
          const predicted = new Set(p.timing.outcomes.map(key));
          const ctx = contextFor(model, program.name);
          const rand = mulberry(simSeed);
          for (let r = 0; r < 5; r++) {
            const o = simulate(ctx, dur, { choose: (n) => Math.floor(rand() * n) });
            expect(predicted, `simulated ${key(o)}`).toContain(key(o));
          }
          const all = enumerate(ctx, dur, 3000);
          if (all) {
            compared++;
            expect([...predicted].sort()).toEqual([...all].sort());
          }
        }
      }),
      { numRuns: 80 },
    );
    expect(compared).toBeGreaterThan(20);
  });

  it('on the crafted fixtures with random durations per firing, the same holds', () => {
    const models = ['seed.cto', 'anomaly.cto', 'orderDeadlock.cto'].map(fixture);
    let multi = 0;
    fc.assert(
      fc.property(fc.constantFrom(...models), fc.nat(), fc.nat(), (model, seed, simSeed) => {
        const dur = durations(seed);
        for (const program of model.programs) {
          const p = predictFixed(model, program.name, dur);
          if (p.status === 'prefixDeadlock') continue;
          const predicted = new Set(p.timing.outcomes.map(key));
          if (predicted.size > 1) multi++;
          const ctx = contextFor(model, program.name);
          const rand = mulberry(simSeed);
          for (let r = 0; r < 5; r++) expect(predicted).toContain(key(simulate(ctx, dur, { choose: (n) => Math.floor(rand() * n) })));
          const all = enumerate(ctx, dur, 300);
          if (all) expect([...predicted].sort()).toEqual([...all].sort());
        }
      }),
      { numRuns: 20 },
    );
    expect(multi).toBeGreaterThan(0);
  });
});
