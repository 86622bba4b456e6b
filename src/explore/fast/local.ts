/**
 * Local states of one instance, interned: `(type, M, R, D, popped)` of cto-language.md §3 gets a small
 * integer id, and everything the explorer asks about a local state (its active ports, its component
 * steps with their effect on port activity, the truth of invariant atoms) is computed once per id.
 *
 * `popped` counts the behaviors this instance has finished since the start of the chain; with the
 * number of behaviors pushed so far (a static function of the position, see `compile.ts`) it gives the
 * queue `Q(c)`: the pushes `popped .. pushCount-1`. The instance is idle when `popped === pushCount`.
 * Id 0 stands for "not live".
 */
import type { Model } from '../../model/types.js';
import type { Compiled, TypeInfo } from './compile.js';

/** The four component step kinds of §3, as small integers. */
export const LEAVE = 0;
/** See `LEAVE`. */
export const END = 1;
/** See `LEAVE`. */
export const ENTER = 2;
/** See `LEAVE`. */
export const FINISH = 3;

/** A component step from a local state, with its structural effect (guards are checked by the explorer). */
export interface LocalStep {
  /** LEAVE, END, ENTER or FINISH. */
  readonly kind: number;
  /** The place (leave, enter), transition (end) or behavior (finish) it names. */
  readonly name: string;
  /** The local state it leads to. */
  readonly target: number;
  /** Use ports it makes active (enter only): each must be connected to an active provide port after the step. */
  readonly guardUses: number;
  /** Provide ports it makes inactive (leave only): every connected use port must be inactive after the step. */
  readonly guardProvides: number;
  /** All ports whose activity it changes. */
  readonly changed: number;
  /** Whether it changes the truth of an `in`/`active` atom of an invariant about this instance, or is a finish while an `idle` atom exists. */
  readonly visible: boolean;
}

/** What is known about one local state. */
export interface LocalInfo {
  /** Type index (-1 for the "not live" id 0). */
  readonly type: number;
  /** Marked places. */
  readonly marked: bigint;
  /** Running transitions. */
  readonly running: bigint;
  /** Filled docks. */
  readonly docks: bigint;
  /** Behaviors finished so far. */
  readonly popped: number;
  /** Active ports (bit per port of the type). */
  readonly active: number;
  /** Component steps (valid while the instance is not idle); computed on first use. */
  steps: LocalStep[] | undefined;
  /** Truth of this instance's `in`/`active` atoms (indexed like `LocalTable.atoms`). */
  readonly atomValues: Uint8Array;
}

/** An invariant atom about one instance that depends on its local state only. */
export interface LocalAtom {
  /** 'in' or 'active'. */
  readonly kind: 'in' | 'active';
  /** Place or port name. */
  readonly name: string;
}

function bits(x: bigint): number[] {
  const out: number[] = [];
  for (let k = 0; x > 0n; k++, x >>= 1n) if (x & 1n) out.push(k);
  return out;
}

/** The interned local states of one instance. */
export class LocalTable {
  /** Infos by id; id 0 is "not live". */
  readonly infos: LocalInfo[] = [];
  private readonly byKey = new Map<string, number>();
  /** Memo of `future(id, pushCount)`. */
  private readonly futureMemo = new Map<number, number>();

  /**
   * @param model the model
   * @param types the compiled types
   * @param pushList behaviors pushed on this instance, in order
   * @param atoms this instance's `in`/`active` atoms
   * @param hasIdleAtom whether some invariant has an `idle` atom about this instance
   */
  constructor(
    private readonly model: Model,
    private readonly types: readonly TypeInfo[],
    private readonly pushList: readonly string[],
    readonly atoms: readonly LocalAtom[],
    readonly hasIdleAtom: boolean,
  ) {
    this.infos.push({ type: -1, marked: 0n, running: 0n, docks: 0n, popped: -1, active: 0, steps: [], atomValues: new Uint8Array(atoms.length) });
  }

  /** The id of a local state, interning it if new. */
  intern(type: number, marked: bigint, running: bigint, docks: bigint, popped: number): number {
    const key = `${type}|${marked}|${running}|${docks}|${popped}`;
    const id = this.byKey.get(key);
    if (id !== undefined) return id;
    const t = this.types[type]!;
    let active = 0;
    for (let p = 0; p < t.portNames.length; p++) {
      if ((marked & t.groupPlaces[p]!) !== 0n || ((running | docks) & t.groupTrans[p]!) !== 0n) active |= 1 << p;
    }
    const atomValues = new Uint8Array(this.atoms.length);
    this.atoms.forEach((a, k) => {
      if (a.kind === 'in') {
        const b = t.placeBit.get(a.name);
        atomValues[k] = b !== undefined && (marked >> BigInt(b)) & 1n ? 1 : 0;
      } else {
        const b = t.portBit.get(a.name);
        atomValues[k] = b !== undefined && (active >> b) & 1 ? 1 : 0;
      }
    });
    const newId = this.infos.length;
    this.infos.push({ type, marked, running, docks, popped, active, steps: undefined, atomValues });
    this.byKey.set(key, newId);
    return newId;
  }

  /** The local state of a freshly added instance of `type`, given the pushes made before the `add`. */
  initial(type: number, pushedBefore: number): number {
    const t = this.types[type]!;
    const comp = this.model.components[type]!;
    return this.intern(type, 1n << BigInt(t.placeBit.get(comp.initial)!), 0n, 0n, pushedBefore);
  }

  /** The component steps of §3 from local state `id` (structural premises only), assuming it is not idle. */
  steps(id: number): LocalStep[] {
    const info = this.infos[id]!;
    if (info.steps) return info.steps;
    const out: LocalStep[] = [];
    const bName = this.pushList[info.popped];
    if (info.type >= 0 && bName !== undefined) {
      const t = this.types[info.type]!;
      const comp = this.model.components[info.type]!;
      const b = comp.behaviorByName.get(bName)!;
      const tmask = (names: readonly string[]): bigint => names.reduce((m, x) => m | (1n << BigInt(t.transBit.get(x)!)), 0n);
      const add = (kind: number, name: string, target: number): void => {
        const after = this.infos[target]!;
        const changed = info.active ^ after.active;
        let visible = false;
        for (let k = 0; k < this.atoms.length; k++) if (info.atomValues[k] !== after.atomValues[k]) visible = true;
        if (kind === FINISH && this.hasIdleAtom) visible = true;
        out.push({
          kind,
          name,
          target,
          guardUses: changed & after.active & t.useMask,
          guardProvides: changed & info.active & t.provideMask,
          changed,
          visible,
        });
      };
      // rule 1: leave π ∈ M with Out_b(π) ≠ ∅
      for (const p of bits(info.marked)) {
        const outs = b.out.get(t.placeNames[p]!);
        if (outs && outs.length > 0) {
          add(LEAVE, t.placeNames[p]!, this.intern(info.type, info.marked & ~(1n << BigInt(p)), info.running | tmask(outs), info.docks, info.popped));
        }
      }
      // rule 2: end θ ∈ R
      for (const k of bits(info.running)) {
        const m = 1n << BigInt(k);
        add(END, t.transNames[k]!, this.intern(info.type, info.marked, info.running & ~m, info.docks | m, info.popped));
      }
      // rule 3: enter π with ∅ ≠ In_b(π) ⊆ D
      const targets = [...new Set(b.transitions.map((x) => x.target))].sort();
      for (const place of targets) {
        const ins = tmask(b.in.get(place)!);
        if ((ins & info.docks) === ins) {
          add(ENTER, place, this.intern(info.type, info.marked | (1n << BigInt(t.placeBit.get(place)!)), info.running, info.docks & ~ins, info.popped));
        }
      }
      // rule 4: finish when R = D = ∅ and no marked place has an outgoing transition in b
      const stuck = bits(info.marked).some((p) => (b.out.get(t.placeNames[p]!)?.length ?? 0) > 0);
      if (info.running === 0n && info.docks === 0n && !stuck) {
        add(FINISH, bName, this.intern(info.type, info.marked, info.running, info.docks, info.popped + 1));
      }
    }
    info.steps = out;
    return out;
  }

  /** Ports that some future step (from `id`, with `pushCount` pushes, ignoring guards) could make active. */
  futureActivate(id: number, pushCount: number): number {
    return this.future(id, pushCount, 0);
  }

  /** Ports that some future step (from `id`, with `pushCount` pushes, ignoring guards) could make inactive. */
  futureDeactivate(id: number, pushCount: number): number {
    return this.future(id, pushCount, 1);
  }

  private future(id: number, pushCount: number, which: 0 | 1): number {
    const info = this.infos[id]!;
    if (id === 0 || info.popped >= pushCount) return 0;
    const key = (id * (this.pushList.length + 1) + pushCount) * 2 + which;
    const memo = this.futureMemo.get(key);
    if (memo !== undefined) return memo;
    let acc = 0;
    for (const st of this.steps(id)) {
      const after = this.infos[st.target]!;
      acc |= which === 0 ? st.changed & after.active : st.changed & info.active;
      acc |= this.future(st.target, pushCount, which);
    }
    this.futureMemo.set(key, acc);
    return acc;
  }
}

/** Builds one `LocalTable` per instance of the compiled chain. */
export function localTables(model: Model, c: Compiled, atomsOf: readonly (readonly LocalAtom[])[], idleAtom: readonly boolean[]): LocalTable[] {
  return c.instances.map((_, i) => new LocalTable(model, c.types, c.pushList[i]!, atomsOf[i]!, idleAtom[i]!));
}
