/**
 * Text rendering of verification reports, TLC-style: per program the verdict and figures; for a
 * violation the numbered steps with what changed, the failing state, and why it fails.
 */
import type { ProgramReport, StateView, ViolationReport, VerifyReport } from '../explore/report.js';
import { stuckLine } from '../explore/diagnose.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The figures of a run: "143 states, 288 transitions, depth 28, 10 ms". */
export function figures(p: ProgramReport): string {
  const { states, transitions, depth, ms } = p.stats;
  return `${plural(states, 'state')}, ${plural(transitions, 'transition')}, depth ${depth}, ${ms} ms, engine ${p.engine}`;
}

/** A state as indented lines: the program counter, each instance, the connections. */
export function renderState(st: StateView, indent = '    '): string[] {
  const lines = [`${indent}program ${st.program}, pc ${st.pc}: next ${st.next}`];
  if (st.instances.length === 0) lines.push(`${indent}no live instance`);
  const width = Math.max(0, ...st.instances.map((i) => `${i.name}: ${i.type}`.length));
  for (const i of st.instances) {
    const parts = [`places {${i.marked.join(', ')}}`];
    if (i.running.length) parts.push(`running {${i.running.join(', ')}}`);
    if (i.docks.length) parts.push(`docks {${i.docks.join(', ')}}`);
    parts.push(i.queue.length ? `queue [${i.queue.join(', ')}]` : 'idle');
    parts.push(`active ports {${i.activePorts.join(', ')}}`);
    lines.push(`${indent}${`${i.name}: ${i.type}`.padEnd(width)}  ${parts.join('; ')}`);
  }
  lines.push(`${indent}connections: ${st.connections.length ? st.connections.join(', ') : 'none'}`);
  return lines;
}

/** One violation: its counterexample, failing state and reasons. */
export function renderViolation(file: string, v: ViolationReport): string[] {
  const what = v.kind === 'invariant' ? `invariant ${v.invariant}` : v.kind === 'ps' ? 'ps (port safety)' : 'deadlock';
  const lines = [`  Counterexample: ${what}, ${plural(v.steps.length, 'step')} from the empty assembly`];
  const w = String(v.steps.length).length;
  const textWidth = Math.min(48, Math.max(0, ...v.steps.map((s) => s.text.length)));
  v.steps.forEach((s, i) => {
    const loc = s.line !== undefined ? `${file}:${s.line}` : '';
    lines.push(`    ${String(i + 1).padStart(w)}: ${s.text.padEnd(textWidth)}  ${loc}`.trimEnd());
    for (const c of s.changes) lines.push(`    ${' '.repeat(w)}    ${c}`);
  });
  lines.push(`  Failing state (${v.kind}):`, ...renderState(v.state));
  if (v.failing.length) lines.push('  What is false:', ...v.failing.map((l) => `    ${l}`));
  if (v.diagnosis) {
    lines.push('  Why nothing can move:', `    ${stuckLine(v.diagnosis.instruction)}`);
    for (const b of v.diagnosis.instances) for (const r of b.reasons) lines.push(`    ${r}`);
  }
  return lines;
}

/** One program's verdict, figures, waits and (primary) counterexample; `all` shows every violation found. */
export function renderProgram(file: string, p: ProgramReport, all = false): string[] {
  const name = p.chain.length > 1 ? `program ${p.program} (after ${p.chain.slice(0, -1).reverse().join(' after ')})` : `program ${p.program}`;
  const lines: string[] = [];
  if (p.status === 'verified') lines.push(`${name}: verified (${figures(p)})`);
  else if (p.status === 'bound') lines.push(`${name}: no verdict, the ${p.bound} bound was reached (${figures(p)})`);
  if (p.induction) {
    lines.push('  safety by k-induction (deadlock freedom and the waits stay undecided):');
    for (const l of p.induction) lines.push(`    ${l}`);
  }
  else {
    const kinds = p.violations.map((v) => (v.kind === 'invariant' ? `invariant ${v.invariant}` : v.kind));
    lines.push(`${name}: violation: ${kinds.join(', ')} (${figures(p)})`);
    if (p.bound) lines.push(`  (exploration stopped at the ${p.bound} bound; the violations below are real)`);
  }
  for (const wr of p.waits) {
    const of = p.chain.length > 1 ? ` of program ${wr.program}` : '';
    const at = wr.line !== undefined ? ` at line ${wr.line}` : '';
    const where = wr.text === 'end of program' ? `the end of program ${wr.program}${at}` : `${wr.text}${at}${of}`;
    const verdict = wr.reached === false ? 'is never reached' : wr.returns ? 'returns on every execution' : 'does NOT return on some execution';
    lines.push(`  ${where} ${verdict}`);
  }
  const shown = all ? p.violations : p.violations.slice(0, 1);
  for (const v of shown) lines.push(...renderViolation(file, v));
  if (!all && p.violations.length > 1) {
    const more = p.violations.slice(1).map((v) => `${v.kind === 'invariant' ? `invariant ${v.invariant}` : v.kind} (${plural(v.steps.length, 'step')})`);
    lines.push(`  Also found: ${more.join(', ')} (use --all to show them, or --json)`);
  }
  return lines;
}

/** The whole report as text, ending with the file's verdict line. */
export function renderReport(r: VerifyReport, all = false): string {
  const blocks = r.programs.map((p) => renderProgram(r.file, p, all).join('\n'));
  const bad = r.programs.filter((p) => p.status === r.status).map((p) => p.program);
  const summary =
    r.status === 'verified'
      ? `${r.file}: verified (${plural(r.programs.length, 'program')})`
      : r.status === 'violation'
        ? `${r.file}: violation in ${bad.join(', ')}`
        : `${r.file}: no verdict (bound reached in ${bad.join(', ')}); not verified`;
  return [...blocks, summary].join('\n\n');
}
