/**
 * The static layout of one program's `after` chain for the Z3 engine (cto-language.md §3, §2 program
 * rules). A program is a straight line, so which instances are live, with which type, which ports are
 * connected and which behaviors have been pushed on each instance are functions of the flattened
 * program counter `g` alone (`g` = index of the next instruction over the whole chain). Every `add`
 * opens a *slot* (an instance name re-added after `del` gets a fresh slot), so a state only needs `g`
 * and, per slot, its marked places, running transitions, filled docks and a queue position: the queue
 * contents are fixed by the `pushB`s of the program, and the slot's queue is the pushes before `g`
 * from the position on.
 */
import type { Behavior, Component, Instr } from '../model/types.js';
import type { Context } from '../semantics/index.js';

/** Thrown when the chain breaks a program rule of §2 (never for a file that loads). */
export class LayoutError extends Error {}

/** One `add`: an instance with its type, the positions where it is live, and its pushes. */
export interface Slot {
  /** The instance's name. */
  readonly name: string;
  /** Its component type. */
  readonly type: Component;
  /** Position (in `g`) of its `add`: live once `g > addG`. */
  readonly addG: number;
  /** Position of its `del`, if any: live while `g ≤ delG`. */
  readonly delG: number;
  /** Its `pushB`s in order: position and behavior. */
  readonly pushes: readonly { readonly g: number; readonly behavior: Behavior }[];
}

/** One `con`, with the position where it is removed (if any). */
export interface ConnSlot {
  /** The user's slot. */
  readonly user: number;
  /** The use port. */
  readonly usePort: string;
  /** The provider's slot. */
  readonly provider: number;
  /** The provide port. */
  readonly providePort: string;
  /** Position of the `con`: the connection exists once `g > conG`. */
  readonly conG: number;
  /** Position of the matching `dcon`, if any: it exists while `g ≤ dconG`. */
  readonly dconG: number;
}

/** One flattened instruction: where it is in the chain and, for those naming instances, their slots. */
export interface Position {
  /** The chain's program index. */
  readonly stage: number;
  /** Index in that program. */
  readonly pc: number;
  /** The instruction. */
  readonly instr: Instr;
  /** `add`/`del`/`pushB`/`wait`: the slot named; `dcon`: the connection removed (index in `conns`). */
  readonly slot?: number;
  /** `dcon`: the connection it removes. */
  readonly conn?: number;
  /** Whether this is the first instruction of a program after the first (it waits for every instance to be idle: the hand-over of §1). */
  readonly handOver: boolean;
}

/** The layout of a chain. */
export interface Layout {
  /** The reference context. */
  readonly ctx: Context;
  /** Every instruction of the chain, flattened: `g` indexes this array; `g === positions.length` is the end. */
  readonly positions: readonly Position[];
  /** `offsets[k]`: the `g` of program k's first instruction; `offsets[chain.length]` = the total. */
  readonly offsets: readonly number[];
  /** The slots, in order of their `add`. */
  readonly slots: readonly Slot[];
  /** The connections, in order of their `con`. */
  readonly conns: readonly ConnSlot[];
}

/** Computes the layout of `ctx`'s chain, checking the program rules on the way. */
export function layoutOf(ctx: Context): Layout {
  const positions: Position[] = [];
  const offsets: number[] = [];
  const slots: { name: string; type: Component; addG: number; delG: number; pushes: { g: number; behavior: Behavior }[] }[] = [];
  const conns: { user: number; usePort: string; provider: number; providePort: string; conG: number; dconG: number }[] = [];
  const live = new Map<string, number>();
  const slotOf = (name: string, g: number): number => {
    const s = live.get(name);
    if (s === undefined) throw new LayoutError(`instance ${name} is not live at instruction ${g}`);
    return s;
  };
  ctx.chain.forEach((prog, stage) => {
    offsets.push(positions.length);
    prog.instrs.forEach((instr, pc) => {
      const g = positions.length;
      const handOver = stage > 0 && pc === 0;
      switch (instr.op) {
        case 'add': {
          if (live.has(instr.instance)) throw new LayoutError(`instance ${instr.instance} is already live`);
          const type = ctx.model.componentByName.get(instr.type);
          if (!type) throw new LayoutError(`unknown component type ${instr.type}`);
          live.set(instr.instance, slots.length);
          positions.push({ stage, pc, instr, slot: slots.length, handOver });
          slots.push({ name: instr.instance, type, addG: g, delG: Infinity, pushes: [] });
          return;
        }
        case 'del': {
          const s = slotOf(instr.instance, g);
          if (conns.some((c) => (c.user === s || c.provider === s) && c.dconG === Infinity)) {
            throw new LayoutError(`instance ${instr.instance} is still connected`);
          }
          slots[s]!.delG = g;
          live.delete(instr.instance);
          positions.push({ stage, pc, instr, slot: s, handOver });
          return;
        }
        case 'con': {
          const user = slotOf(instr.user, g);
          const provider = slotOf(instr.provider, g);
          if (slots[user]!.type.portByName.get(instr.usePort)?.kind !== 'use') throw new LayoutError(`${instr.user}.${instr.usePort} is not a use port`);
          if (slots[provider]!.type.portByName.get(instr.providePort)?.kind !== 'provide') {
            throw new LayoutError(`${instr.provider}.${instr.providePort} is not a provide port`);
          }
          if (conns.some((c) => c.user === user && c.usePort === instr.usePort && c.dconG === Infinity)) {
            throw new LayoutError(`${instr.user}.${instr.usePort} is already connected`);
          }
          conns.push({ user, usePort: instr.usePort, provider, providePort: instr.providePort, conG: g, dconG: Infinity });
          positions.push({ stage, pc, instr, handOver });
          return;
        }
        case 'dcon': {
          const user = slotOf(instr.user, g);
          const provider = slotOf(instr.provider, g);
          const k = conns.findIndex(
            (c) => c.user === user && c.usePort === instr.usePort && c.provider === provider && c.providePort === instr.providePort && c.dconG === Infinity,
          );
          if (k < 0) throw new LayoutError(`connection ${instr.user}.${instr.usePort} -> ${instr.provider}.${instr.providePort} does not exist`);
          conns[k]!.dconG = g;
          positions.push({ stage, pc, instr, slot: user, conn: k, handOver });
          return;
        }
        case 'pushB': {
          const s = slotOf(instr.instance, g);
          const behavior = slots[s]!.type.behaviorByName.get(instr.behavior);
          if (!behavior) throw new LayoutError(`${slots[s]!.type.name} has no behavior ${instr.behavior}`);
          slots[s]!.pushes.push({ g, behavior });
          positions.push({ stage, pc, instr, slot: s, handOver });
          return;
        }
        case 'wait':
          positions.push({ stage, pc, instr, slot: slotOf(instr.instance, g), handOver });
          return;
        case 'waitAll':
          positions.push({ stage, pc, instr, handOver });
          return;
      }
    });
  });
  offsets.push(positions.length);
  return { ctx, positions, offsets, slots, conns };
}

/**
 * The `(stage, pc)` of the reference state at flattened position `g` (§1 hand-over, as `normalize`
 * does it): when every instance is idle a finished program has handed over to the next, otherwise the
 * state still belongs to the program whose end `g` is.
 */
export function stagePc(layout: Layout, g: number, allIdle: boolean): { stage: number; pc: number } {
  const n = layout.ctx.chain.length;
  let stage = 0;
  if (allIdle) {
    for (let k = 0; k < n; k++) if (layout.offsets[k]! <= g) stage = k;
  } else {
    stage = n - 1;
    for (let k = n - 1; k >= 0; k--) if (g <= layout.offsets[k + 1]!) stage = k;
  }
  return { stage, pc: g - layout.offsets[stage]! };
}

/**
 * How many times place π can be left during one execution of behavior `b`: once if it is marked when
 * `b` starts, plus once per enter, and an enter needs a dock of every transition into π, each filled
 * once per start of that transition, i.e. per leave of its source. Acyclicity makes this a recursion.
 */
function leaveBound(b: Behavior, place: string, memo: Map<string, number>): number {
  const known = memo.get(place);
  if (known !== undefined) return known;
  const ins = b.in.get(place) ?? [];
  let n = 1;
  if (ins.length > 0) {
    const byName = new Map(b.transitions.map((t) => [t.name, t] as const));
    n += Math.min(...ins.map((t) => leaveBound(b, byName.get(t)!.source, memo)));
  }
  memo.set(place, n);
  return n;
}

/**
 * An upper bound on the number of steps one execution of behavior `b` takes, from its start at the head
 * of the queue to its `finish`: leaves + ends + enters + 1 (see `leaveBound`; usually each is at most
 * once per place or transition, but tokens merging into a marked place can make a place be left again).
 */
export function behaviorStepBound(b: Behavior): number {
  const memo = new Map<string, number>();
  const places = new Set(b.transitions.flatMap((t) => [t.source, t.target]));
  let leaves = 0;
  let enters = 0;
  for (const p of places) {
    if ((b.out.get(p)?.length ?? 0) > 0) leaves += leaveBound(b, p, memo);
    const ins = b.in.get(p) ?? [];
    if (ins.length > 0) enters += leaveBound(b, p, memo) - 1;
  }
  const ends = b.transitions.reduce((n, t) => n + leaveBound(b, t.source, memo), 0);
  return leaves + ends + enters + 1;
}

/**
 * The length of the longest possible execution of the chain: every instruction once, plus every pushed
 * behavior's `behaviorStepBound`. Every execution is at most this long (proofs/termination.ts proves the
 * finiteness this rests on), so bounded model checking up to it decides §4 completely.
 */
export function executionBound(layout: Layout): number {
  let n = layout.positions.length;
  for (const s of layout.slots) for (const p of s.pushes) n += behaviorStepBound(p.behavior);
  return n;
}

/** Whether `g` is within the live range of `slot`. */
export function liveAt(slot: Slot, g: number): boolean {
  return g > slot.addG && g <= slot.delG;
}
