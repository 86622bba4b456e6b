/**
 * An independent oracle for `cto verify`: a deliberately plain, separately written reading of
 * cto-language.md §3 (states and steps) and §4 (what verify decides), used only by the tests to
 * cross-check cto's engines. It shares nothing with src/semantics or src/explore: it reads the
 * model types only, recomputes port groups and Out_b/In_b itself, and keeps states as plain
 * objects with sorted arrays whose JSON text is the state's identity.
 *
 * Choices, each from the contract:
 * - the hand-over from a completed program to the next one of its `after` chain is not a step
 *   (§1: "passing from A to B is not a step"), so a state in which a non-final program of the
 *   chain has completed is never stored: it *is* the next program's state at pc 0;
 * - every reachable state is explored, also after an invariant fails, so that `kinds` lists every
 *   kind of violation that exists (a deadlock state has no successor anyway).
 */
import type { Component, Expr, Model, Program } from '../../src/model/types.js';

/** The kinds of violation of §4. */
export type OracleKind = 'deadlock' | 'invariant' | 'ps';

/** What the oracle decides for one program through its `after` chain. */
export interface OracleResult {
  /** 'violation' iff some reachable state violates something. */
  readonly verdict: 'verified' | 'violation';
  /** Every kind of violation found among the reachable states. */
  readonly kinds: ReadonlySet<OracleKind>;
  /** The number of distinct reachable states (hand-over states identified with the next program's start). */
  readonly states: number;
  /** `program:pc` of every deadlock state (pc may equal the program's length: the implicit waitAll). */
  readonly blockedAt: ReadonlySet<string>;
  /** The names of the invariants that fail in some reachable state. */
  readonly failedInvariants: ReadonlySet<string>;
}

/** One live instance: its type and its M, R, D (sorted, duplicate-free) and its queue Q (in order). */
interface Inst {
  readonly type: string;
  readonly M: readonly string[];
  readonly R: readonly string[];
  readonly D: readonly string[];
  readonly Q: readonly string[];
}

/** A state: which program of the chain runs, its pc, the live instances and the connections. */
interface St {
  readonly prog: number;
  readonly pc: number;
  /** Live instances by name. */
  readonly inst: Readonly<Record<string, Inst>>;
  /** Connections: "user.usePort" -> "provider.providePort". */
  readonly conns: Readonly<Record<string, string>>;
}

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();
const withAll = (xs: readonly string[], ys: readonly string[]): string[] => sorted([...xs, ...ys]);
const without = (xs: readonly string[], ys: readonly string[]): string[] => xs.filter((x) => !ys.includes(x));

/** The identity of a state: JSON with instance names and connection keys in sorted order. */
function keyOf(s: St): string {
  const inst = Object.keys(s.inst)
    .sort()
    .map((n) => {
      const i = s.inst[n]!;
      return [n, i.type, i.M, i.R, i.D, i.Q];
    });
  const conns = Object.keys(s.conns)
    .sort()
    .map((k) => [k, s.conns[k]]);
  return JSON.stringify([s.prog, s.pc, inst, conns]);
}

/** The `after` chain ending with `name`, first program first. */
function chainOf(model: Model, name: string): Program[] {
  const chain: Program[] = [];
  let p = model.programs.find((q) => q.name === name);
  if (!p) throw new Error(`oracle: no program ${name}`);
  while (p) {
    chain.unshift(p);
    const after: string | undefined = p.after;
    p = after === undefined ? undefined : model.programs.find((q) => q.name === after);
  }
  return chain;
}

/** Helper context: per component, the port groups and each behavior's Out/In, computed here from the raw lists. */
class Ctx {
  private readonly comps = new Map<string, Component>();
  constructor(readonly model: Model) {
    for (const c of model.components) this.comps.set(c.name, c);
  }
  comp(type: string): Component {
    const c = this.comps.get(type);
    if (!c) throw new Error(`oracle: no component ${type}`);
    return c;
  }
  /** Transitions of behavior `b` of `type` leaving `place`. */
  out(type: string, b: string, place: string): string[] {
    const beh = this.comp(type).behaviors.find((x) => x.name === b)!;
    return beh.transitions.filter((t) => t.source === place).map((t) => t.name);
  }
  /** Transitions of behavior `b` of `type` entering `place`. */
  into(type: string, b: string, place: string): string[] {
    const beh = this.comp(type).behaviors.find((x) => x.name === b)!;
    return beh.transitions.filter((t) => t.target === place).map((t) => t.name);
  }
  /** Is port `port` of the live instance `i` active: a token (place, running transition or dock) in its group? */
  active(i: Inst | undefined, port: string): boolean {
    if (!i) return false;
    const c = this.comp(i.type);
    const p = c.ports.find((x) => x.name === port);
    if (!p) return false;
    const G = new Set(p.places);
    if (i.M.some((m) => G.has(m))) return true;
    const groupTrans = new Set<string>();
    for (const b of c.behaviors) for (const t of b.transitions) if (G.has(t.source) && G.has(t.target)) groupTrans.add(t.name);
    return i.R.some((t) => groupTrans.has(t)) || i.D.some((t) => groupTrans.has(t));
  }
  portsOf(type: string, kind: 'use' | 'provide'): string[] {
    return this.comp(type)
      .ports.filter((p) => p.kind === kind)
      .map((p) => p.name);
  }
}

function setInst(s: St, name: string, i: Inst): St {
  return { ...s, inst: { ...s.inst, [name]: i } };
}

/** Successors by the component steps of §3 (leave, end, enter, finish), guards evaluated after the step. */
function componentSteps(cx: Ctx, s: St): St[] {
  const res: St[] = [];
  for (const name of Object.keys(s.inst)) {
    const i = s.inst[name]!;
    if (i.Q.length === 0) continue;
    const b = i.Q[0]!;
    const comp = cx.comp(i.type);
    // 1. leave π
    for (const pi of i.M) {
      const out = cx.out(i.type, b, pi);
      if (out.length === 0) continue;
      const ni: Inst = { ...i, M: without(i.M, [pi]), R: withAll(i.R, out) };
      const ns = setInst(s, name, ni);
      let ok = true;
      for (const q of cx.portsOf(i.type, 'provide')) {
        if (!(cx.active(i, q) && !cx.active(ni, q))) continue;
        for (const [user, prov] of Object.entries(ns.conns)) {
          if (prov !== `${name}.${q}`) continue;
          const [ua, uu] = user.split('.') as [string, string];
          if (cx.active(ns.inst[ua], uu)) ok = false;
        }
      }
      if (ok) res.push(ns);
    }
    // 2. end θ
    for (const th of i.R) {
      res.push(setInst(s, name, { ...i, R: without(i.R, [th]), D: withAll(i.D, [th]) }));
    }
    // 3. enter π
    for (const pi of comp.places) {
      const inn = cx.into(i.type, b, pi);
      if (inn.length === 0 || !inn.every((t) => i.D.includes(t))) continue;
      const ni: Inst = { ...i, D: without(i.D, inn), M: withAll(i.M, [pi]) };
      const ns = setInst(s, name, ni);
      let ok = true;
      for (const u of cx.portsOf(i.type, 'use')) {
        if (!(!cx.active(i, u) && cx.active(ni, u))) continue;
        const prov = ns.conns[`${name}.${u}`];
        if (prov === undefined) {
          ok = false;
          continue;
        }
        const [pa, pp] = prov.split('.') as [string, string];
        if (!cx.active(ns.inst[pa], pp)) ok = false;
      }
      if (ok) res.push(ns);
    }
    // 4. finish b
    if (i.R.length === 0 && i.D.length === 0 && i.M.every((m) => cx.out(i.type, b, m).length === 0)) {
      res.push(setInst(s, name, { ...i, Q: i.Q.slice(1) }));
    }
  }
  return res;
}

const allIdle = (s: St): boolean => Object.values(s.inst).every((i) => i.Q.length === 0);

/** The program step at pc (none when pc is past the end or the instruction waits). */
function programStep(cx: Ctx, chain: readonly Program[], s: St): St | undefined {
  const ins = chain[s.prog]!.instrs[s.pc];
  if (!ins) return undefined;
  const next = { ...s, pc: s.pc + 1 };
  switch (ins.op) {
    case 'add': {
      if (s.inst[ins.instance]) return undefined;
      const c = cx.comp(ins.type);
      return setInst(next, ins.instance, { type: ins.type, M: [c.initial], R: [], D: [], Q: [] });
    }
    case 'del': {
      const i = s.inst[ins.instance];
      if (!i || i.Q.length > 0) return undefined;
      const involved = Object.entries(s.conns).some(
        ([u, p]) => u.split('.')[0] === ins.instance || p.split('.')[0] === ins.instance,
      );
      if (involved) return undefined;
      const inst = { ...s.inst };
      delete inst[ins.instance];
      return { ...next, inst };
    }
    case 'con': {
      const key = `${ins.user}.${ins.usePort}`;
      if (!s.inst[ins.user] || !s.inst[ins.provider] || s.conns[key] !== undefined) return undefined;
      return { ...next, conns: { ...s.conns, [key]: `${ins.provider}.${ins.providePort}` } };
    }
    case 'dcon': {
      const key = `${ins.user}.${ins.usePort}`;
      if (s.conns[key] !== `${ins.provider}.${ins.providePort}`) return undefined;
      if (cx.active(s.inst[ins.user], ins.usePort)) return undefined;
      const conns = { ...s.conns };
      delete conns[key];
      return { ...next, conns };
    }
    case 'pushB': {
      const i = s.inst[ins.instance];
      if (!i) return undefined;
      return setInst(next, ins.instance, { ...i, Q: [...i.Q, ins.behavior] });
    }
    case 'wait': {
      const i = s.inst[ins.instance];
      return i && i.Q.length === 0 ? next : undefined;
    }
    case 'waitAll':
      return allIdle(s) ? next : undefined;
  }
}

/** Hand over from a completed non-final program to the next one (not a step). */
function handOver(chain: readonly Program[], s: St): St {
  let t = s;
  while (t.prog < chain.length - 1 && t.pc >= chain[t.prog]!.instrs.length && allIdle(t)) t = { ...t, prog: t.prog + 1, pc: 0 };
  return t;
}

/** The value of an invariant expression in a state (atoms of a non-live instance, or a missing place/port, are false). */
function holds(cx: Ctx, s: St, e: Expr): boolean {
  switch (e.kind) {
    case 'and':
      return holds(cx, s, e.left) && holds(cx, s, e.right);
    case 'or':
      return holds(cx, s, e.left) || holds(cx, s, e.right);
    case 'implies':
      return !holds(cx, s, e.left) || holds(cx, s, e.right);
    case 'not':
      return !holds(cx, s, e.operand);
    case 'in': {
      const i = s.inst[e.instance];
      return !!i && i.M.includes(e.place);
    }
    case 'active':
      return cx.active(s.inst[e.instance], e.port);
    case 'idle': {
      const i = s.inst[e.instance];
      return !!i && i.Q.length === 0;
    }
  }
}

/** PS: every active use port is connected to a provide port, and that provide port is active. */
function portSafe(cx: Ctx, s: St): boolean {
  for (const [name, i] of Object.entries(s.inst)) {
    for (const u of cx.portsOf(i.type, 'use')) {
      if (!cx.active(i, u)) continue;
      const prov = s.conns[`${name}.${u}`];
      if (prov === undefined) return false;
      const [pa, pp] = prov.split('.') as [string, string];
      if (!cx.active(s.inst[pa], pp)) return false;
    }
  }
  return true;
}

/**
 * Explore every reachable state of program `name` through its `after` chain (§3, §4).
 * With `maxStates`, gives up (returns undefined) once more states than that are stored.
 */
export function oracleProgram(model: Model, name: string, maxStates = Infinity): OracleResult | undefined {
  const cx = new Ctx(model);
  const chain = chainOf(model, name);
  const last = chain.length - 1;
  const start = handOver(chain, { prog: 0, pc: 0, inst: {}, conns: {} });
  const seen = new Set<string>([keyOf(start)]);
  const todo: St[] = [start];
  const kinds = new Set<OracleKind>();
  const blockedAt = new Set<string>();
  const failedInvariants = new Set<string>();
  while (todo.length > 0) {
    const s = todo.pop()!;
    for (const inv of model.invariants) {
      if (!holds(cx, s, inv.expr)) {
        kinds.add('invariant');
        failedInvariants.add(inv.name);
      }
    }
    if (!portSafe(cx, s)) kinds.add('ps');
    const succ = componentSteps(cx, s);
    const p = programStep(cx, chain, s);
    if (p) succ.push(p);
    const completed = s.prog === last && s.pc >= chain[last]!.instrs.length && allIdle(s);
    if (succ.length === 0 && !completed) {
      kinds.add('deadlock');
      blockedAt.add(`${chain[s.prog]!.name}:${s.pc}`);
    }
    for (const n0 of succ) {
      const n = handOver(chain, n0);
      const k = keyOf(n);
      if (!seen.has(k)) {
        seen.add(k);
        if (seen.size > maxStates) return undefined;
        todo.push(n);
      }
    }
  }
  return { verdict: kinds.size > 0 ? 'violation' : 'verified', kinds, states: seen.size, blockedAt, failedInvariants };
}

/** The file's verdict: every program checked from the empty assembly; a violation as soon as any program has one. */
export function oracleFile(model: Model): { verdict: 'verified' | 'violation'; programs: ReadonlyMap<string, OracleResult> } {
  const programs = new Map<string, OracleResult>();
  for (const p of model.programs) programs.set(p.name, oracleProgram(model, p.name)!);
  const bad = [...programs.values()].some((r) => r.verdict === 'violation');
  return { verdict: bad ? 'violation' : 'verified', programs };
}
