/**
 * fast-check generators shared by the test suites.
 *
 * `arbModel(options)` generates small WELL-FORMED models: every file it yields passes all static
 * rules of cto-language.md §2 (it may draw the CTO208 warning for a component no program adds).
 * Use it for round-trip tests of the printer and for property tests of the semantics.
 *
 * How it stays well formed:
 * - places are numbered in a topological order, with the initial place first; every transition
 *   goes from a lower to a higher place, so behaviors are acyclic and no transition is a loop;
 * - use ports are bound to places other than the initial one; every port has ≥ 1 place;
 * - programs are generated instruction by instruction against the live instances and connections
 *   of their `after` chain (a program either starts empty or after the previous program), so each
 *   instruction obeys the program rules (add a fresh name, con an unconnected use port, dcon an
 *   existing connection, del an unconnected instance, pushB an existing behavior, …);
 * - names come from pools that include keywords where the language allows them
 *   (places `initial`, `wait`; instances `con`, `add`; a transition `duration`), never where it does not.
 */
import fc from 'fast-check';
import { buildModel, type RawComponent, type RawModel } from '../src/model/build.js';
import type { Expr, Instr, Invariant, Model, Program, Span, Transition } from '../src/model/types.js';

/** The knobs of `arbModel`; every field is optional. */
export interface ArbModelOptions {
  /** Component types per file: 1..maxComponents (default 3). */
  readonly maxComponents?: number;
  /** Places per component: 2..maxPlaces (default 5). */
  readonly maxPlaces?: number;
  /** Behaviors per component: 1..maxBehaviors (default 3). */
  readonly maxBehaviors?: number;
  /** Transitions per behavior: 1..maxTransitions (default 4). */
  readonly maxTransitions?: number;
  /** Use and provide ports per component, each 0..maxPorts (default 2). */
  readonly maxPorts?: number;
  /** Programs per file: 1..maxPrograms (default 2); each after the previous one or not. */
  readonly maxPrograms?: number;
  /** Instructions per program: minInstrs..maxInstrs (default 3..12). */
  readonly minInstrs?: number;
  /** See `minInstrs`. */
  readonly maxInstrs?: number;
  /** Generate durations, timeouts, run commands and provide values (default true). */
  readonly attributes?: boolean;
  /** Generate 0..2 invariants over added instances (default true). */
  readonly invariants?: boolean;
}

/** A span for generated nodes (they were never written anywhere). */
export const NO_SPAN: Span = { file: 'generated.cto', start: 0, end: 0, line: 1, col: 1 };

const PLACE_NAMES = ['off', 'initial', 'wait', 'installed', 'configured', 'running', 'paused', 'ready', 'run', 'done'];
const INSTANCE_NAMES = ['server', 'db', 'con', 'add', 'web', 'x1'];
const TRANSITION_NAMES = ['duration', 'start', 'stop', 'install', 'configure', 'timeout', 'run', 'go'];
const STRINGS = ['', 'systemctl start ${instance}', 'echo "hi" \\n \\\\', 'a\\$b', 'multi\nline', '${host}:${db}'];

interface Choice {
  readonly a: number;
  readonly b: number;
}

const choiceArb = fc.record({ a: fc.nat(1000), b: fc.nat(1000) });

const pick = <T>(xs: readonly T[], n: number): T => xs[n % xs.length]!;

function componentArb(name: string, o: Required<ArbModelOptions>): fc.Arbitrary<RawComponent> {
  return fc
    .record({
      nPlaces: fc.integer({ min: 2, max: o.maxPlaces }),
      placeOffset: fc.nat(PLACE_NAMES.length - 1),
      behaviors: fc.array(fc.array(fc.record({ i: fc.nat(), j: fc.nat(), c: choiceArb }), { minLength: 1, maxLength: o.maxTransitions }), {
        minLength: 1,
        maxLength: o.maxBehaviors,
      }),
      uses: fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), { maxLength: o.maxPorts }),
      provides: fc.array(fc.record({ places: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), value: fc.option(fc.nat(), { nil: undefined }) }), {
        maxLength: o.maxPorts,
      }),
    })
    .map(({ nPlaces, placeOffset, behaviors, uses, provides }): RawComponent => {
      const places = Array.from({ length: nPlaces }, (_, k) => {
        const base = PLACE_NAMES[(placeOffset + k) % PLACE_NAMES.length]!;
        return k < PLACE_NAMES.length ? base : `${base}${k}`;
      });
      let tCount = 0;
      const bs = behaviors.map((ts, bi) => {
        const bname = bi === 0 ? 'deploy' : bi === 1 ? 'run' : `b${bi}`;
        const transitions = ts.map(({ i, j, c }): Transition => {
          const src = i % (nPlaces - 1);
          const dst = src + 1 + (j % (nPlaces - 1 - src));
          const tn = tCount < TRANSITION_NAMES.length ? TRANSITION_NAMES[tCount]! : `t${tCount}`;
          tCount++;
          const attrs = o.attributes
            ? {
                ...(c.a % 3 !== 0 ? { duration: { lo: (c.a % 20) * 500, hi: (c.a % 20) * 500 + (c.b % 3) * 250 } } : {}),
                ...(c.b % 4 === 1 ? { timeout: (c.b % 7 + 1) * 60_000 } : {}),
                ...(c.a % 5 === 2 ? { run: pick(STRINGS, c.b) } : {}),
              }
            : {};
          return { name: tn, behavior: bname, source: places[src]!, target: places[dst]!, ...attrs, span: NO_SPAN };
        });
        return { name: bname, transitions, span: NO_SPAN };
      });
      const uniq = (xs: number[], from: number): string[] => [...new Set(xs.map((x) => from + (x % (nPlaces - from))))].sort((a, b) => a - b).map((k) => places[k]!);
      const ports: RawComponent['ports'][number][] = [
        ...uses.map((ps, k) => ({ kind: 'use' as const, name: k === 0 ? 'use' : `u${k}`, places: uniq(ps, 1), span: NO_SPAN })),
        ...provides.map((p, k) => ({
          kind: 'provide' as const,
          name: k === 0 ? 'service' : `p${k}`,
          places: uniq(p.places, 0),
          ...(o.attributes && p.value !== undefined ? { value: pick(STRINGS, p.value) } : {}),
          span: NO_SPAN,
        })),
      ];
      return { name, places, initial: places[0]!, behaviors: bs, ports, span: NO_SPAN };
    });
}

interface GenState {
  readonly live: Map<string, RawComponent>;
  /** `user.usePort` → [provider, providePort]. */
  readonly conns: Map<string, readonly [string, string, string, string]>;
}

/** Interprets choices as instructions valid in the running state (which it updates). */
function programInstrs(choices: readonly Choice[], comps: readonly RawComponent[], st: GenState): Instr[] {
  const out: Instr[] = [];
  for (const { a, b } of choices) {
    const live = [...st.live.entries()];
    const connected = (inst: string): boolean => [...st.conns.values()].some((c) => c[0] === inst || c[2] === inst);
    const cands: Instr[][] = [];
    const fresh = INSTANCE_NAMES.filter((n) => !st.live.has(n));
    if (fresh.length > 0) cands.push(comps.map((c, k): Instr => ({ op: 'add', instance: pick(fresh, k + b), type: c.name, span: NO_SPAN })));
    const cons: Instr[] = [];
    for (const [u, ut] of live) {
      for (const up of ut.ports.filter((p) => p.kind === 'use' && !st.conns.has(`${u}.${p.name}`))) {
        for (const [p, pt] of live) {
          for (const pp of pt.ports.filter((x) => x.kind === 'provide')) {
            cons.push({ op: 'con', user: u, usePort: up.name, provider: p, providePort: pp.name, span: NO_SPAN });
          }
        }
      }
    }
    cands.push(cons);
    cands.push([...st.conns.values()].map((c): Instr => ({ op: 'dcon', user: c[0], usePort: c[1], provider: c[2], providePort: c[3], span: NO_SPAN })));
    cands.push(live.filter(([n]) => !connected(n)).map(([n]): Instr => ({ op: 'del', instance: n, span: NO_SPAN })));
    cands.push(live.flatMap(([n, t]) => t.behaviors.map((bh): Instr => ({ op: 'pushB', instance: n, behavior: bh.name, span: NO_SPAN }))));
    cands.push(live.map(([n]): Instr => ({ op: 'wait', instance: n, span: NO_SPAN })));
    cands.push([{ op: 'waitAll', span: NO_SPAN }]);
    const kinds = cands.filter((c) => c.length > 0);
    const instr = pick(pick(kinds, a), b);
    out.push(instr);
    switch (instr.op) {
      case 'add':
        st.live.set(instr.instance, comps.find((c) => c.name === instr.type)!);
        break;
      case 'del':
        st.live.delete(instr.instance);
        break;
      case 'con':
        st.conns.set(`${instr.user}.${instr.usePort}`, [instr.user, instr.usePort, instr.provider, instr.providePort]);
        break;
      case 'dcon':
        st.conns.delete(`${instr.user}.${instr.usePort}`);
        break;
      default:
    }
  }
  return out;
}

function exprFrom(seed: readonly number[], pos: { k: number }, atoms: readonly Expr[], depth: number): Expr {
  const n = seed[pos.k++ % seed.length]!;
  const kind = depth <= 0 ? 4 : n % 6;
  switch (kind) {
    case 0:
    case 1:
    case 2: {
      const left = exprFrom(seed, pos, atoms, depth - 1);
      const right = exprFrom(seed, pos, atoms, depth - 1);
      return { kind: (['and', 'or', 'implies'] as const)[kind], left, right, span: NO_SPAN };
    }
    case 3:
      return { kind: 'not', operand: exprFrom(seed, pos, atoms, depth - 1), span: NO_SPAN };
    default:
      return pick(atoms, n);
  }
}

/** Small well-formed models (see the file comment and `ArbModelOptions`). */
export function arbModel(options: ArbModelOptions = {}): fc.Arbitrary<Model> {
  const o: Required<ArbModelOptions> = {
    maxComponents: 3, maxPlaces: 5, maxBehaviors: 3, maxTransitions: 4, maxPorts: 2, maxPrograms: 2,
    minInstrs: 3, maxInstrs: 12, attributes: true, invariants: true, ...options,
  };
  const names = ['Server', 'Database', 'Web_2'];
  return fc
    .integer({ min: 1, max: o.maxComponents })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, k) => componentArb(names[k] ?? `C${k}`, o))))
    .chain((comps) =>
      fc.record({
        comps: fc.constant(comps),
        programs: fc.array(fc.record({ after: fc.boolean(), choices: fc.array(choiceArb, { minLength: o.minInstrs, maxLength: o.maxInstrs }) }), {
          minLength: 1,
          maxLength: o.maxPrograms,
        }),
        invariants: o.invariants ? fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), { maxLength: 2 }) : fc.constant([]),
      }),
    )
    .map(({ comps, programs, invariants }): Model => {
      const progs: Program[] = [];
      let st: GenState = { live: new Map(), conns: new Map() };
      programs.forEach((p, k) => {
        const after = k > 0 && p.after ? progs[k - 1]!.name : undefined;
        st = after ? { live: new Map(st.live), conns: new Map(st.conns) } : { live: new Map(), conns: new Map() };
        const instrs = programInstrs(p.choices, comps, st);
        progs.push({ name: k === 0 ? 'deploy' : `step${k}`, ...(after ? { after } : {}), instrs, span: NO_SPAN });
      });
      const added = new Map<string, RawComponent>();
      for (const p of progs) for (const i of p.instrs) if (i.op === 'add') added.set(i.instance, comps.find((c) => c.name === i.type)!);
      const atoms: Expr[] = [...added].flatMap(([inst, t]): Expr[] => [
        { kind: 'idle', instance: inst, span: NO_SPAN },
        ...t.places.map((pl): Expr => ({ kind: 'in', instance: inst, place: pl, span: NO_SPAN })),
        ...t.ports.map((pt): Expr => ({ kind: 'active', instance: inst, port: pt.name, span: NO_SPAN })),
      ]);
      const invs: Invariant[] =
        atoms.length === 0 ? [] : (invariants as number[][]).map((seed, k) => ({ name: `inv${k}`, expr: exprFrom(seed, { k: 0 }, atoms, 3), span: NO_SPAN }));
      const raw: RawModel = { file: 'generated.cto', components: comps, programs: progs, invariants: invs };
      return buildModel(raw);
    });
}

/** A model as plain JSON without spans (maps and sets as arrays), for comparing models structurally. */
export function modelShape(m: Model): unknown {
  return JSON.parse(
    JSON.stringify(m, (k, v: unknown) => {
      if (k === 'span' || k === 'file' || (k === 'end' && typeof v === 'object')) return undefined; // where things are written, not what
      if (v instanceof Map) return [...v.keys()];
      if (v instanceof Set) return [...v];
      return v;
    }),
  );
}
