/**
 * Compiles one program's `after` chain (cto-language.md §1, §3) into the static tables the fast
 * explorer runs on. Everything that the program text decides without exploring is computed here once:
 * the flattened positions (every instruction of the chain, plus a *barrier* between two programs and an
 * *end* after the last one), which instances are live and with which type at each position, how many
 * behaviors have been pushed on each instance, and the connections (grouped in *epochs*: connections only
 * change at `con`/`dcon`). A state then only needs the position and one local-state id per instance
 * (see `local.ts`).
 */
import type { Instr, Model } from '../../model/types.js';
import { contextFor, type Context } from '../../semantics/index.js';

/** Connection-table slots (epochs × instances × 32) the fast explorer allows itself before giving up. */
export const MAX_EPOCH_SLOTS = 40_000_000;

/** Thrown when a model falls outside what the fast explorer handles (the caller falls back to the reference). */
export class Unsupported extends Error {}

/** One flattened position of the chain: an instruction, the hand-over between two programs, or the end. */
export type Position =
  /** The instruction at `pc` of the chain's program `stage`. */
  | { readonly kind: 'instr'; readonly stage: number; readonly pc: number; readonly instr: Instr }
  /** `pc` past the last instruction of a program that is not the last one: waits for every instance to be idle. */
  | { readonly kind: 'barrier'; readonly stage: number; readonly pc: number }
  /** `pc` past the last instruction of the checked program. */
  | { readonly kind: 'end'; readonly stage: number; readonly pc: number };

/** A component type with its places, transitions and ports numbered (bit positions). */
export interface TypeInfo {
  /** Index in `model.components`. */
  readonly index: number;
  /** The component's name. */
  readonly name: string;
  /** Bit of each place. */
  readonly placeBit: ReadonlyMap<string, number>;
  /** Bit of each transition. */
  readonly transBit: ReadonlyMap<string, number>;
  /** Names by bit. */
  readonly placeNames: readonly string[];
  /** Names by bit. */
  readonly transNames: readonly string[];
  /** Bit of each port (< 31). */
  readonly portBit: ReadonlyMap<string, number>;
  /** Port names by bit. */
  readonly portNames: readonly string[];
  /** Mask of the use ports. */
  readonly useMask: number;
  /** Mask of the provide ports. */
  readonly provideMask: number;
  /** Per port bit: the group's places as a mask. */
  readonly groupPlaces: readonly bigint[];
  /** Per port bit: the group's transitions as a mask. */
  readonly groupTrans: readonly bigint[];
}

/** One connection as seen from one of its ends: the other instance and its port bit. */
export interface PeerPort {
  /** The other instance's index. */
  readonly inst: number;
  /** The other end's port bit (in that instance's type). */
  readonly port: number;
}

/** The connections of one epoch, indexed by (instance, port bit). */
export interface Epoch {
  /** `provider[inst*32+useBit]`: the provide end of that use port's connection, if connected. */
  readonly provider: readonly (PeerPort | undefined)[];
  /** `users[inst*32+provideBit]`: the use ends connected to that provide port. */
  readonly users: readonly (readonly PeerPort[])[];
}

/** The compiled chain: positions, instances and per-position static facts. */
export interface Compiled {
  /** The reference context (for traces and reports). */
  readonly ctx: Context;
  /** Flattened positions; the start is position 0 (before normalization). */
  readonly positions: readonly Position[];
  /** Instance names, by index (every name some `add` of the chain introduces). */
  readonly instances: readonly string[];
  /** Types by component index. */
  readonly types: readonly TypeInfo[];
  /** `liveType[g*n+i]`: type index of instance i at position g, or -1 if not live. */
  readonly liveType: Int32Array;
  /** `pushCount[g*n+i]`: number of pushB on instance i at positions before g (over the whole chain). */
  readonly pushCount: Int32Array;
  /** Behavior names pushed on each instance, in order (over the whole chain). */
  readonly pushList: readonly (readonly string[])[];
  /** Epoch index of each position. */
  readonly epochOf: Int32Array;
  /** The epochs. */
  readonly epochs: readonly Epoch[];
}

function typeInfo(model: Model, index: number): TypeInfo {
  const c = model.components[index]!;
  const placeNames = [...c.places];
  const transNames = c.behaviors.flatMap((b) => b.transitions.map((t) => t.name));
  const portNames = c.ports.map((p) => p.name);
  if (portNames.length > 30) throw new Unsupported(`component ${c.name} has more than 30 ports`);
  const placeBit = new Map(placeNames.map((p, k) => [p, k] as const));
  const transBit = new Map(transNames.map((t, k) => [t, k] as const));
  let useMask = 0;
  let provideMask = 0;
  const groupPlaces: bigint[] = [];
  const groupTrans: bigint[] = [];
  c.ports.forEach((p, k) => {
    if (p.kind === 'use') useMask |= 1 << k;
    else provideMask |= 1 << k;
    let gp = 0n;
    for (const pl of p.groupPlaces) gp |= 1n << BigInt(placeBit.get(pl)!);
    let gt = 0n;
    for (const t of p.groupTransitions) gt |= 1n << BigInt(transBit.get(t)!);
    groupPlaces.push(gp);
    groupTrans.push(gt);
  });
  return {
    index,
    name: c.name,
    placeBit,
    transBit,
    placeNames,
    transNames,
    portBit: new Map(portNames.map((p, k) => [p, k] as const)),
    portNames,
    useMask,
    provideMask,
    groupPlaces,
    groupTrans,
  };
}

/**
 * Compiles the chain ending in `programName`. Checks the program rules of §2 along the way (they hold
 * in every file that loads) and throws `Unsupported` if one does not, so that the caller can fall back
 * to the reference explorer instead of guessing.
 */
export function compile(model: Model, programName: string): Compiled {
  const ctx = contextFor(model, programName);
  const types = model.components.map((_, k) => typeInfo(model, k));
  const typeIndex = new Map(model.components.map((c, k) => [c.name, k] as const));

  const positions: Position[] = [];
  ctx.chain.forEach((prog, stage) => {
    prog.instrs.forEach((instr, pc) => positions.push({ kind: 'instr', stage, pc, instr }));
    const last = stage === ctx.chain.length - 1;
    positions.push({ kind: last ? 'end' : 'barrier', stage, pc: prog.instrs.length });
  });

  const names: string[] = [];
  const idx = new Map<string, number>();
  for (const p of positions) {
    if (p.kind === 'instr' && p.instr.op === 'add' && !idx.has(p.instr.instance)) {
      idx.set(p.instr.instance, names.length);
      names.push(p.instr.instance);
    }
  }
  const n = names.length;
  const G = positions.length;
  const liveType = new Int32Array(G * n).fill(-1);
  const pushCount = new Int32Array(G * n);
  const pushList: string[][] = names.map(() => []);
  const epochOf = new Int32Array(G);
  const epochs: Epoch[] = [];

  const live = new Int32Array(n).fill(-1);
  const pushes = new Int32Array(n);
  /** key `user.usePort` → [userIdx, useBit, providerIdx, provideBit] */
  let conns = new Map<string, readonly [number, number, number, number]>();
  /** Shared by every provide port without users (never pushed to). */
  const noUsers: readonly PeerPort[] = Object.freeze([]);
  const makeEpoch = (): void => {
    // Each epoch holds n * 32 slots twice: past a budget, leave the model to the reference explorer
    // (which honours the memory and time bounds) rather than exhaust the heap here.
    if ((epochs.length + 1) * n * 32 > MAX_EPOCH_SLOTS) {
      throw new Unsupported(`${epochs.length + 1} connection changes over ${n} instances exceed the packed tables' budget`);
    }
    const provider: (PeerPort | undefined)[] = new Array(n * 32).fill(undefined);
    const users: (readonly PeerPort[])[] = new Array(n * 32).fill(noUsers);
    for (const [u, ub, p, pb] of conns.values()) {
      provider[u * 32 + ub] = { inst: p, port: pb };
      const k = p * 32 + pb;
      if (users[k] === noUsers) users[k] = [];
      (users[k] as PeerPort[]).push({ inst: u, port: ub });
    }
    epochs.push({ provider, users });
  };
  makeEpoch();

  const fail = (why: string): never => {
    throw new Unsupported(why);
  };
  const liveIdx = (name: string): number => {
    const i = idx.get(name);
    if (i === undefined || live[i]! < 0) fail(`instance ${name} is not live`);
    return i!;
  };
  const portOf = (inst: number, port: string, kind: 'use' | 'provide'): number => {
    const t = types[live[inst]!]!;
    const b = t.portBit.get(port);
    const c = model.components[t.index]!;
    if (b === undefined || c.ports[b]!.kind !== kind) fail(`${names[inst]}.${port} is not a ${kind} port`);
    return b!;
  };

  positions.forEach((pos, g) => {
    for (let i = 0; i < n; i++) {
      liveType[g * n + i] = live[i]!;
      pushCount[g * n + i] = pushes[i]!;
    }
    epochOf[g] = epochs.length - 1;
    if (pos.kind !== 'instr') {
      // a new program without `after` never follows inside one chain: the chain is one line of `after`s
      return;
    }
    const ins = pos.instr;
    switch (ins.op) {
      case 'add': {
        const i = idx.get(ins.instance)!;
        if (live[i]! >= 0) fail(`instance ${ins.instance} is already live`);
        const t = typeIndex.get(ins.type);
        if (t === undefined) fail(`unknown component type ${ins.type}`);
        live[i] = t!;
        break;
      }
      case 'del': {
        const i = liveIdx(ins.instance);
        for (const [u, , p] of conns.values()) if (u === i || p === i) fail(`instance ${ins.instance} is still connected`);
        live[i] = -1;
        break;
      }
      case 'con': {
        const u = liveIdx(ins.user);
        const p = liveIdx(ins.provider);
        const ub = portOf(u, ins.usePort, 'use');
        const pb = portOf(p, ins.providePort, 'provide');
        const key = `${u}.${ub}`;
        if (conns.has(key)) fail(`${ins.user}.${ins.usePort} is already connected`);
        conns = new Map(conns);
        conns.set(key, [u, ub, p, pb]);
        makeEpoch();
        break;
      }
      case 'dcon': {
        const u = liveIdx(ins.user);
        const p = liveIdx(ins.provider);
        const ub = portOf(u, ins.usePort, 'use');
        const pb = portOf(p, ins.providePort, 'provide');
        const key = `${u}.${ub}`;
        const c = conns.get(key);
        if (!c || c[2] !== p || c[3] !== pb) fail(`no connection ${ins.user}.${ins.usePort} -> ${ins.provider}.${ins.providePort}`);
        conns = new Map(conns);
        conns.delete(key);
        makeEpoch();
        break;
      }
      case 'pushB': {
        const i = liveIdx(ins.instance);
        if (!model.components[live[i]!]!.behaviorByName.has(ins.behavior)) fail(`no behavior ${ins.behavior}`);
        pushList[i]!.push(ins.behavior);
        pushes[i]!++;
        break;
      }
      case 'wait':
        liveIdx(ins.instance);
        break;
      case 'waitAll':
        break;
    }
  });

  return { ctx, positions, instances: names, types, liveType, pushCount, pushList, epochOf, epochs };
}
