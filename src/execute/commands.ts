/**
 * The command an action runs: the transition's `run` string with its placeholders filled in for the
 * instance, in the state where the action starts (cto-language.md §1): `${host}` the instance's host,
 * `${instance}` its name, `${P}` the value provided to its use port `P` through its connection, `${v}`
 * an inventory variable. Every value is shell-escaped; any other `${…}` reaches the shell unchanged.
 */
import type { Context, State } from '../semantics/state.js';
import { connectionOf } from '../semantics/ports.js';
import { hostOf, type Inventory } from './inventory.js';
import { shellQuote, substitute } from './interpolate.js';

/**
 * The raw value of placeholder `name` for `instance` in state `s`: host, instance, a use port of its type
 * (the provide string of the port it is connected to, itself filled in for the provider; empty when the
 * port is not connected or the provide port has no value), then an inventory variable. `seen` stops cycles
 * of provide strings (a cycle leaves the placeholder unchanged).
 */
export function placeholderValue(ctx: Context, s: State, inv: Inventory, instance: string, name: string, seen: ReadonlySet<string> = new Set()): string | undefined {
  if (name === 'host') return hostOf(inv, instance)?.address;
  if (name === 'instance') return instance;
  const inst = s.instances.get(instance);
  const port = inst && ctx.model.componentByName.get(inst.type)?.portByName.get(name);
  if (port?.kind === 'use') {
    const conn = connectionOf(s, instance, name);
    if (!conn) return '';
    const key = `${conn.provider}.${conn.providePort}`;
    if (seen.has(key)) return undefined;
    const pInst = s.instances.get(conn.provider);
    const value = pInst && ctx.model.componentByName.get(pInst.type)?.portByName.get(conn.providePort)?.value;
    if (value === undefined) return '';
    const inner = new Set(seen).add(key);
    return substitute(value, (n) => placeholderValue(ctx, s, inv, conn.provider, n, inner), (v) => v);
  }
  return inv.vars.get(name);
}

/** The shell command of `instance`'s transition `transition` in state `s`, or undefined if it has no `run` (an instant action). */
export function actionCommand(ctx: Context, s: State, inv: Inventory, instance: string, transition: string): string | undefined {
  const inst = s.instances.get(instance);
  const t = inst && ctx.model.componentByName.get(inst.type)?.transitionByName.get(transition);
  if (t?.run === undefined) return undefined;
  return substitute(t.run, (n) => placeholderValue(ctx, s, inv, instance, n), shellQuote);
}

/** The timeout of `instance`'s transition `transition` in milliseconds, if it has one. */
export function actionTimeout(ctx: Context, s: State, instance: string, transition: string): number | undefined {
  const inst = s.instances.get(instance);
  return inst && ctx.model.componentByName.get(inst.type)?.transitionByName.get(transition)?.timeout;
}
