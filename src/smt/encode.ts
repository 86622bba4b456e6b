/**
 * The semantics of cto-language.md §3 as Z3 formulas over a chain's layout (see layout.ts). A state is
 * the flattened program counter `g` and, per slot, Booleans for its marked places, running transitions
 * and filled docks plus an integer queue position. A step is chosen by a selector: 0 is "the
 * instruction at g", each other value one component step (leave/enter a place, end a transition, finish
 * a behavior) of one slot under one of the behaviors pushed on it. Guards are evaluated on the
 * post-state, as in src/semantics/step.ts; frame conditions keep every variable no selected step writes.
 */
import type { Behavior, Component, Expr, Port } from '../model/types.js';
import type { Step } from '../semantics/index.js';
import { stagePc, type Layout, type Slot } from './layout.js';
import type { BitVec } from 'z3-solver';
import type { Z3Bool, Z3Context } from './z3.js';

/** A bounded natural number of the encoding (a bit-vector: the formulas stay in pure bit-level logic). */
export type Z3Nat = BitVec<number, 'main'>;

/** `x = k` for a bit-vector `x` and a constant `k`. */
export function natIs(z: Z3Context, x: Z3Nat, k: number): Z3Bool {
  return x.eq(z.BitVec.val(k, x.size()));
}

/** Bits enough to hold every number up to `max`. */
function widthFor(max: number): number {
  return Math.max(1, Math.ceil(Math.log2(max + 1)));
}

/** The local state of one slot. */
export interface SlotVars {
  /** Marked places, by the type's place order. */
  readonly M: readonly Z3Bool[];
  /** Running transitions, by `transitionsOf(type)` order. */
  readonly R: readonly Z3Bool[];
  /** Filled docks, same order. */
  readonly D: readonly Z3Bool[];
  /** Queue position: how many of the slot's pushes have finished. */
  readonly pos: Z3Nat;
}

/** A symbolic state. */
export interface SymState {
  /** The flattened program counter. */
  readonly g: Z3Nat;
  /** Per slot. */
  readonly slots: readonly SlotVars[];
}

/** One component step of one slot, under one behavior. */
export interface StepDef {
  /** Which rule. */
  readonly kind: 'leave' | 'end' | 'enter' | 'finish';
  /** The slot. */
  readonly slot: number;
  /** The behavior it runs under (for `end`: the transition's behavior). */
  readonly behavior: Behavior;
  /** leave/enter: the place's index; end: the transition's index. */
  readonly index: number;
}

/** The transitions of a component, all behaviors, in a fixed order. */
export function transitionsOf(type: Component): string[] {
  return type.behaviors.flatMap((b) => b.transitions.map((t) => t.name));
}

/** The encoder of one chain: builds states, step relations and properties in one Z3 context. */
export class Encoder {
  /** Component steps; the selector value of `steps[i]` is `i + 1` (0 is the instruction). */
  readonly steps: readonly StepDef[];
  private readonly transIndex: readonly ReadonlyMap<string, number>[];
  private readonly placeIndex: readonly ReadonlyMap<string, number>[];
  private readonly writers: Map<string, number[]>;
  private readonly written: [string, number][][] = [];

  /** Width of `g`. */
  readonly gWidth: number;
  /** Width of a step selector. */
  readonly selWidth: number;

  constructor(
    readonly z: Z3Context,
    readonly layout: Layout,
  ) {
    this.gWidth = widthFor(layout.positions.length + 1);
    this.transIndex = layout.slots.map((s) => new Map(transitionsOf(s.type).map((t, i) => [t, i] as const)));
    this.placeIndex = layout.slots.map((s) => new Map(s.type.places.map((p, i) => [p, i] as const)));
    const steps: StepDef[] = [];
    layout.slots.forEach((slot, si) => {
      const behaviors = [...new Set(slot.pushes.map((p) => p.behavior))];
      for (const b of behaviors) {
        slot.type.places.forEach((p, pi) => {
          if ((b.out.get(p)?.length ?? 0) > 0) steps.push({ kind: 'leave', slot: si, behavior: b, index: pi });
        });
        for (const t of b.transitions) steps.push({ kind: 'end', slot: si, behavior: b, index: this.transIndex[si]!.get(t.name)! });
        slot.type.places.forEach((p, pi) => {
          if ((b.in.get(p)?.length ?? 0) > 0) steps.push({ kind: 'enter', slot: si, behavior: b, index: pi });
        });
        steps.push({ kind: 'finish', slot: si, behavior: b, index: 0 });
      }
    });
    this.steps = steps;
    this.selWidth = widthFor(steps.length + 1);
    // which selectors may write each variable (frame conditions)
    this.writers = new Map();
    const w = (key: string, sel: number): void => {
      const m = /^(M|R|D|pos)(\d+)(?:\.(\d+))?$/.exec(key);
      if (m) (this.written[sel] ??= []).push([m[1]!, m[3] === undefined ? 0 : Number(m[3])]);
      const l = this.writers.get(key);
      if (l) l.push(sel);
      else this.writers.set(key, [sel]);
    };
    w('g', 0);
    steps.forEach((st, i) => {
      const sel = i + 1;
      const b = st.behavior;
      const slot = layout.slots[st.slot]!;
      if (st.kind === 'leave') {
        w(`M${st.slot}.${st.index}`, sel);
        for (const t of b.out.get(slot.type.places[st.index]!)!) w(`R${st.slot}.${this.transIndex[st.slot]!.get(t)!}`, sel);
      } else if (st.kind === 'end') {
        w(`R${st.slot}.${st.index}`, sel);
        w(`D${st.slot}.${st.index}`, sel);
      } else if (st.kind === 'enter') {
        w(`M${st.slot}.${st.index}`, sel);
        for (const t of b.in.get(slot.type.places[st.index]!)!) w(`D${st.slot}.${this.transIndex[st.slot]!.get(t)!}`, sel);
      } else {
        w(`pos${st.slot}`, sel);
      }
    });
  }

  /** Fresh variables for the state at time `t`. */
  stateAt(t: number): SymState {
    const { Bool, BitVec } = this.z;
    return {
      g: BitVec.const(`g@${t}`, this.gWidth),
      slots: this.layout.slots.map((s, si) => ({
        M: s.type.places.map((p) => Bool.const(`s${si}.M.${p}@${t}`)),
        R: transitionsOf(s.type).map((x) => Bool.const(`s${si}.R.${x}@${t}`)),
        D: transitionsOf(s.type).map((x) => Bool.const(`s${si}.D.${x}@${t}`)),
        pos: BitVec.const(`s${si}.pos@${t}`, widthFor(s.pushes.length + 1)),
      })),
    };
  }

  /** The start state: `g = 0`, every slot as its `add` makes it (only the initial place marked, empty queue). */
  initial(s: SymState): Z3Bool {
    const { And, Not } = this.z;
    return And(
      natIs(this.z, s.g, 0),
      ...this.layout.slots.flatMap((slot, si) => {
        const v = s.slots[si]!;
        return [
          ...v.M.map((m, pi) => (slot.type.places[pi] === slot.type.initial ? m : Not(m))),
          ...v.R.map((r) => Not(r)),
          ...v.D.map((d) => Not(d)),
          natIs(this.z, v.pos, 0),
        ];
      }),
    );
  }

  /** The domain of the state's integers. */
  domain(s: SymState): Z3Bool {
    const { And } = this.z;
    return And(
      s.g.ule(this.layout.positions.length),
      ...this.layout.slots.map((slot, si) => s.slots[si]!.pos.ule(slot.pushes.length)),
    );
  }

  private live(slot: Slot, g: Z3Nat): Z3Bool {
    return slot.delG === Infinity ? g.ugt(slot.addG) : this.z.And(g.ugt(slot.addG), g.ule(slot.delG));
  }

  /** Whether slot `si` is idle: its position equals the number of its pushes before `g`. Slots not live are idle. */
  idle(s: SymState, si: number): Z3Bool {
    const { And, Or } = this.z;
    const pushes = this.layout.slots[si]!.pushes;
    const v = s.slots[si]!;
    // k pushes done exactly when g is past push k-1 and not past push k
    return Or(
      ...[...Array(pushes.length + 1).keys()].map((k) => {
        const conds: Z3Bool[] = [natIs(this.z, v.pos, k)];
        if (k > 0) conds.push(s.g.ugt(pushes[k - 1]!.g));
        if (k < pushes.length) conds.push(s.g.ule(pushes[k]!.g));
        return And(...conds);
      }),
    );
  }

  /** Whether every slot is idle. */
  allIdle(s: SymState): Z3Bool {
    return this.z.And(...this.layout.slots.map((_, si) => this.idle(s, si)));
  }

  /** Whether `b` is the current behavior of slot `si`. */
  private current(s: SymState, si: number, b: Behavior): Z3Bool {
    const { And, Or } = this.z;
    const slot = this.layout.slots[si]!;
    const v = s.slots[si]!;
    return Or(...slot.pushes.flatMap((p, i) => (p.behavior === b ? [And(natIs(this.z, v.pos, i), s.g.ugt(p.g))] : [])));
  }

  /** Whether port `port` of slot `si` is active (a token in its group). */
  active(s: SymState, si: number, port: Port): Z3Bool {
    const { Or } = this.z;
    const v = s.slots[si]!;
    const places = this.placeIndex[si]!;
    const trans = this.transIndex[si]!;
    return Or(
      ...[...port.groupPlaces].map((p) => v.M[places.get(p)!]!),
      ...[...port.groupTransitions].flatMap((t) => [v.R[trans.get(t)!]!, v.D[trans.get(t)!]!]),
    );
  }

  private connLive(c: { conG: number; dconG: number }, g: Z3Nat): Z3Bool {
    return c.dconG === Infinity ? g.ugt(c.conG) : this.z.And(g.ugt(c.conG), g.ule(c.dconG));
  }

  /** Whether use port `u` of slot `si` is connected to an active provide port. */
  private served(s: SymState, si: number, u: string): Z3Bool {
    const { And, Or } = this.z;
    return Or(
      ...this.layout.conns
        .filter((c) => c.user === si && c.usePort === u)
        .map((c) => And(this.connLive(c, s.g), this.active(s, c.provider, this.layout.slots[c.provider]!.type.portByName.get(c.providePort)!))),
    );
  }

  /** Whether some use port connected to provide port `q` of slot `si` is active. */
  private inUse(s: SymState, si: number, q: string): Z3Bool {
    const { And, Or } = this.z;
    return Or(
      ...this.layout.conns
        .filter((c) => c.provider === si && c.providePort === q)
        .map((c) => And(this.connLive(c, s.g), this.active(s, c.user, this.layout.slots[c.user]!.type.portByName.get(c.usePort)!))),
    );
  }

  private withSlot(s: SymState, si: number, v: SlotVars): SymState {
    return { g: s.g, slots: s.slots.map((x, i) => (i === si ? v : x)) };
  }

  /** The state after component step `st` (meaningful where it is enabled). */
  post(s: SymState, st: StepDef): SymState {
    const { Bool } = this.z;
    const v = s.slots[st.slot]!;
    const slot = this.layout.slots[st.slot]!;
    const ti = this.transIndex[st.slot]!;
    const T = Bool.val(true);
    const F = Bool.val(false);
    switch (st.kind) {
      case 'leave': {
        const outs = new Set(st.behavior.out.get(slot.type.places[st.index]!)!.map((t) => ti.get(t)!));
        return this.withSlot(s, st.slot, { ...v, M: v.M.map((m, i) => (i === st.index ? F : m)), R: v.R.map((r, i) => (outs.has(i) ? T : r)) });
      }
      case 'end':
        return this.withSlot(s, st.slot, { ...v, R: v.R.map((r, i) => (i === st.index ? F : r)), D: v.D.map((d, i) => (i === st.index ? T : d)) });
      case 'enter': {
        const ins = new Set(st.behavior.in.get(slot.type.places[st.index]!)!.map((t) => ti.get(t)!));
        return this.withSlot(s, st.slot, { ...v, M: v.M.map((m, i) => (i === st.index ? T : m)), D: v.D.map((d, i) => (ins.has(i) ? F : d)) });
      }
      case 'finish':
        return this.withSlot(s, st.slot, { ...v, pos: v.pos.add(1) });
    }
  }

  /** Whether component step `st` is enabled in `s`: its premise (§3 rules 1–4) and its guard. */
  enabled(s: SymState, st: StepDef): Z3Bool {
    const { And, Or, Not, Implies } = this.z;
    const v = s.slots[st.slot]!;
    const slot = this.layout.slots[st.slot]!;
    const ti = this.transIndex[st.slot]!;
    const cur = this.current(s, st.slot, st.behavior);
    switch (st.kind) {
      case 'leave': {
        const after = this.post(s, st);
        const guard = slot.type.ports
          .filter((q) => q.kind === 'provide')
          .map((q) => Implies(And(this.active(s, st.slot, q), Not(this.active(after, st.slot, q))), Not(this.inUse(after, st.slot, q.name))));
        return And(cur, v.M[st.index]!, ...guard);
      }
      case 'end':
        return And(cur, v.R[st.index]!);
      case 'enter': {
        const after = this.post(s, st);
        const ins = st.behavior.in.get(slot.type.places[st.index]!)!.map((t) => v.D[ti.get(t)!]!);
        const guard = slot.type.ports
          .filter((u) => u.kind === 'use')
          .map((u) => Implies(And(Not(this.active(s, st.slot, u)), this.active(after, st.slot, u)), this.served(after, st.slot, u.name)));
        return And(cur, ...ins, ...guard);
      }
      case 'finish': {
        const outPlaces = slot.type.places.flatMap((p, i) => ((st.behavior.out.get(p)?.length ?? 0) > 0 ? [v.M[i]!] : []));
        return And(cur, ...v.R.map((r) => Not(r)), ...v.D.map((d) => Not(d)), ...outPlaces.map((m) => Not(m)));
      }
    }
  }

  /** Whether the instruction at `g` is enabled (§3 program steps; the hand-over waits for all idle). */
  instrEnabled(s: SymState): Z3Bool {
    const { And, Or, Not } = this.z;
    const cases = this.layout.positions.map((pos, g) => {
      const conds: Z3Bool[] = [natIs(this.z, s.g, g)];
      if (pos.handOver) conds.push(this.allIdle(s));
      const i = pos.instr;
      if (i.op === 'del' || i.op === 'wait') conds.push(this.idle(s, pos.slot!));
      else if (i.op === 'waitAll') conds.push(this.allIdle(s));
      else if (i.op === 'dcon') {
        const c = this.layout.conns[pos.conn!]!;
        conds.push(Not(this.active(s, c.user, this.layout.slots[c.user]!.type.portByName.get(c.usePort)!)));
      }
      return And(...conds);
    });
    return Or(...cases);
  }

  /** Whether some step is enabled. */
  anyEnabled(s: SymState): Z3Bool {
    return this.z.Or(this.instrEnabled(s), ...this.steps.map((st) => this.enabled(s, st)));
  }

  /** The chain has completed: `g` at the end and every instance idle. */
  completed(s: SymState): Z3Bool {
    return this.z.And(natIs(this.z, s.g, this.layout.positions.length), this.allIdle(s));
  }

  /** A deadlock (§4): not completed and no step enabled. */
  deadlock(s: SymState): Z3Bool {
    return this.z.And(this.z.Not(this.completed(s)), this.z.Not(this.anyEnabled(s)));
  }

  /** PS (§3): every active use port of a live instance is connected to an active provide port. */
  ps(s: SymState): Z3Bool {
    const { And, Implies } = this.z;
    return And(
      ...this.layout.slots.flatMap((slot, si) =>
        slot.type.ports
          .filter((u) => u.kind === 'use')
          .map((u) => Implies(And(this.live(slot, s.g), this.active(s, si, u)), this.served(s, si, u.name))),
      ),
    );
  }

  /** The truth of an invariant expression (§2: atoms about instances not live, or lacking the name, are false). */
  expr(s: SymState, e: Expr): Z3Bool {
    const { And, Or, Not, Implies, Bool } = this.z;
    switch (e.kind) {
      case 'and':
        return And(this.expr(s, e.left), this.expr(s, e.right));
      case 'or':
        return Or(this.expr(s, e.left), this.expr(s, e.right));
      case 'implies':
        return Implies(this.expr(s, e.left), this.expr(s, e.right));
      case 'not':
        return Not(this.expr(s, e.operand));
      default: {
        const cases = this.layout.slots.flatMap((slot, si) => {
          if (slot.name !== e.instance) return [];
          const live = this.live(slot, s.g);
          if (e.kind === 'idle') return [And(live, this.idle(s, si))];
          if (e.kind === 'in') {
            const pi = this.placeIndex[si]!.get(e.place);
            return pi === undefined ? [] : [And(live, s.slots[si]!.M[pi]!)];
          }
          const port = slot.type.portByName.get(e.port);
          return port === undefined ? [] : [And(live, this.active(s, si, port))];
        });
        return cases.length === 0 ? Bool.val(false) : Or(...cases);
      }
    }
  }

  /**
   * The step relation from `s` to `n`, with selector `sel`: the selected step is enabled in `s` and `n`
   * is its successor; every variable no possible writer of it is selected keeps its value.
   */
  transition(s: SymState, n: SymState, sel: Z3Nat): Z3Bool {
    const { And, Implies, Or, Eq } = this.z;
    const parts: Z3Bool[] = [sel.ule(this.steps.length), Implies(natIs(this.z, sel, 0), And(this.instrEnabled(s), n.g.eq(s.g.add(1))))];
    this.steps.forEach((st, i) => {
      const p = this.post(s, st);
      const v = p.slots[st.slot]!;
      const nv = n.slots[st.slot]!;
      const eqs: Z3Bool[] = [];
      for (const key of this.writtenBy(i + 1)) {
        const [kind, idx] = key;
        if (kind === 'M') eqs.push(Eq(nv.M[idx]!, v.M[idx]!));
        else if (kind === 'R') eqs.push(Eq(nv.R[idx]!, v.R[idx]!));
        else if (kind === 'D') eqs.push(Eq(nv.D[idx]!, v.D[idx]!));
        else eqs.push(nv.pos.eq(v.pos));
      }
      parts.push(Implies(natIs(this.z, sel, i + 1), And(this.enabled(s, st), ...eqs)));
    });
    // frame conditions
    const keep = (key: string, eq: Z3Bool): void => {
      const ws = this.writers.get(key) ?? [];
      parts.push(ws.length === 0 ? eq : Or(...ws.map((w) => natIs(this.z, sel, w)), eq));
    };
    keep('g', n.g.eq(s.g));
    this.layout.slots.forEach((_, si) => {
      const a = s.slots[si]!;
      const b = n.slots[si]!;
      a.M.forEach((m, i) => keep(`M${si}.${i}`, Eq(b.M[i]!, m)));
      a.R.forEach((r, i) => keep(`R${si}.${i}`, Eq(b.R[i]!, r)));
      a.D.forEach((d, i) => keep(`D${si}.${i}`, Eq(b.D[i]!, d)));
      keep(`pos${si}`, b.pos.eq(a.pos));
    });
    return And(...parts);
  }

  private writtenBy(sel: number): readonly [string, number][] {
    return this.written[sel] ?? [];
  }

  /** The reference `Step` of selector value `sel` taken at flattened position `g`. */
  stepLabel(sel: number, g: number): Step {
    if (sel === 0) {
      const pos = this.layout.positions[g]!;
      return { kind: 'instr', stage: pos.stage, pc: pos.pc };
    }
    const st = this.steps[sel - 1]!;
    const slot = this.layout.slots[st.slot]!;
    switch (st.kind) {
      case 'leave':
        return { kind: 'leave', instance: slot.name, place: slot.type.places[st.index]! };
      case 'enter':
        return { kind: 'enter', instance: slot.name, place: slot.type.places[st.index]! };
      case 'end':
        return { kind: 'end', instance: slot.name, transition: transitionsOf(slot.type)[st.index]! };
      case 'finish':
        return { kind: 'finish', instance: slot.name, behavior: st.behavior.name };
    }
  }

  /** `(stage, pc)` of a concrete `g` and all-idle flag, as the reference semantics numbers it. */
  stagePc(g: number, allIdle: boolean): { stage: number; pc: number } {
    return stagePc(this.layout, g, allIdle);
  }
}
