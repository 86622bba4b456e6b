/**
 * Port activity and the port-safety invariant, cto-language.md §3.
 * A port is active when a token (marked place, running transition or filled dock) lies in its group.
 */
import type { Port } from '../model/types.js';
import type { Connection, Context, InstanceState, State } from './state.js';

/** Whether `port` is active in the local state `inst` (a token lies in its group). */
export function portActiveIn(port: Port, inst: InstanceState): boolean {
  return (
    inst.marked.some((p) => port.groupPlaces.has(p)) ||
    inst.running.some((t) => port.groupTransitions.has(t)) ||
    inst.docks.some((t) => port.groupTransitions.has(t))
  );
}

/** Whether port `port` of `instance` is active in `s` (false if the instance is not live or its type lacks the port). */
export function isActive(ctx: Context, s: State, instance: string, port: string): boolean {
  const inst = s.instances.get(instance);
  if (!inst) return false;
  const p = ctx.model.componentByName.get(inst.type)?.portByName.get(port);
  return p !== undefined && portActiveIn(p, inst);
}

/** The connection of use port `usePort` of `user`, if any (a use port has at most one). */
export function connectionOf(s: State, user: string, usePort: string): Connection | undefined {
  return s.connections.find((c) => c.user === user && c.usePort === usePort);
}

/** The connections whose provide side is port `providePort` of `provider`. */
export function usersOf(s: State, provider: string, providePort: string): Connection[] {
  return s.connections.filter((c) => c.provider === provider && c.providePort === providePort);
}

/** A breach of port safety: an active use port with no connection, or connected to an inactive provide port. */
export interface PsBreach {
  /** The instance whose use port is active. */
  readonly instance: string;
  /** The active use port. */
  readonly usePort: string;
  /** The connection, if there is one (then its provide port is inactive). */
  readonly connection?: Connection;
}

/** PS of §3: every active use port is connected to a provide port that is active. Returns the breaches (none = PS holds). */
export function psBreaches(ctx: Context, s: State): PsBreach[] {
  const breaches: PsBreach[] = [];
  for (const [name, inst] of s.instances) {
    const comp = ctx.model.componentByName.get(inst.type)!;
    for (const port of comp.ports) {
      if (port.kind !== 'use' || !portActiveIn(port, inst)) continue;
      const c = connectionOf(s, name, port.name);
      if (!c) breaches.push({ instance: name, usePort: port.name });
      else if (!isActive(ctx, s, c.provider, c.providePort)) breaches.push({ instance: name, usePort: port.name, connection: c });
    }
  }
  return breaches;
}
