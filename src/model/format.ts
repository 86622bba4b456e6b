/**
 * The printer: a model back to `.cto` text that loads to the same model (spans aside).
 * Components first, then programs, then invariants, each in model order.
 */
import type { Component, Duration, Expr, Instr, Invariant, Model, Program } from './types.js';

/** A string literal whose decoding (cto-language.md §1 `String`) is `value`. */
export function formatString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A time in milliseconds, in the largest unit that writes it exactly. */
export function formatTime(ms: number): string {
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms !== 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A duration: a single time when fixed, `lo..hi` otherwise. */
export function formatDuration(d: Duration): string {
  return d.lo === d.hi ? formatTime(d.lo) : `${formatTime(d.lo)}..${formatTime(d.hi)}`;
}

function formatComponent(c: Component): string {
  const lines = [`component ${c.name} {`, `  places ${c.places.join(', ')}`, `  initial ${c.initial}`];
  for (const b of c.behaviors) {
    lines.push(`  behavior ${b.name} {`);
    for (const t of b.transitions) {
      let line = `    ${t.name}: ${t.source} -> ${t.target}`;
      if (t.duration) line += ` duration ${formatDuration(t.duration)}`;
      if (t.timeout !== undefined) line += ` timeout ${formatTime(t.timeout)}`;
      if (t.run !== undefined) line += ` run ${formatString(t.run)}`;
      lines.push(line);
    }
    lines.push('  }');
  }
  for (const p of c.ports) {
    const value = p.value !== undefined ? ` = ${formatString(p.value)}` : '';
    lines.push(`  ${p.kind} ${p.name} on ${p.places.join(', ')}${value}`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** One instruction as written in a program. */
export function formatInstr(i: Instr): string {
  switch (i.op) {
    case 'add':
      return `add(${i.instance}: ${i.type})`;
    case 'del':
    case 'wait':
      return `${i.op}(${i.instance})`;
    case 'con':
    case 'dcon':
      return `${i.op}(${i.user}.${i.usePort}, ${i.provider}.${i.providePort})`;
    case 'pushB':
      return `pushB(${i.instance}, ${i.behavior})`;
    case 'waitAll':
      return 'waitAll()';
  }
}

function formatProgram(p: Program): string {
  const head = `program ${p.name}${p.after !== undefined ? ` after ${p.after}` : ''} {`;
  return [head, ...p.instrs.map((i) => `  ${formatInstr(i)}`), '}'].join('\n');
}

const PREC: Readonly<Record<Expr['kind'], number>> = { implies: 1, or: 2, and: 3, not: 4, in: 5, active: 5, idle: 5 };

/** An expression with only the parentheses its tree needs (not > and > or > implies; implies to the right). */
export function formatExpr(e: Expr): string {
  const wrap = (x: Expr, paren: boolean): string => (paren ? `(${formatExpr(x)})` : formatExpr(x));
  switch (e.kind) {
    case 'in':
      return `${e.instance} in ${e.place}`;
    case 'active':
      return `${e.instance}.${e.port} active`;
    case 'idle':
      return `${e.instance} idle`;
    case 'not':
      return `not ${wrap(e.operand, PREC[e.operand.kind] < PREC.not)}`;
    case 'implies':
      return `${wrap(e.left, PREC[e.left.kind] <= PREC.implies)} implies ${wrap(e.right, PREC[e.right.kind] < PREC.implies)}`;
    case 'and':
    case 'or':
      return `${wrap(e.left, PREC[e.left.kind] < PREC[e.kind])} ${e.kind} ${wrap(e.right, PREC[e.right.kind] <= PREC[e.kind])}`;
  }
}

function formatInvariant(i: Invariant): string {
  return `invariant ${i.name}: ${formatExpr(i.expr)}`;
}

/** The model as `.cto` source text. */
export function format(model: Model): string {
  const parts = [...model.components.map(formatComponent), ...model.programs.map(formatProgram), ...model.invariants.map(formatInvariant)];
  return `${parts.join('\n\n')}\n`;
}
