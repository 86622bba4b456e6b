/**
 * Benchmark: load a generated file of 1,000 components and 10,000 instructions
 * (median of 5 runs of `loadSource`). Target: under 1 s. Run alone: `npx tsx bench/load.ts`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadSource } from '../src/model/load.js';

/** A valid `.cto` source with `components` component types and about `instructions` instructions. */
export function generateLarge(components = 1000, instructions = 10_000): string {
  const parts: string[] = [];
  for (let k = 0; k < components; k++) {
    parts.push(`component C${k} {
  places off, installed, configured, running
  initial off
  behavior deploy {
    install: off -> installed duration 2s..3s run "install \${instance}"
    configure: installed -> configured duration 1s
    start: configured -> running duration 500ms timeout 1m
  }
  behavior stop { halt: running -> off duration 1s }
  use dep on configured, running
  provide svc on running = "\${host}:80"
}`);
  }
  // One program per batch of 10 instances: add, connect in a chain, deploy, wait, disconnect, delete.
  const perBatch = 11 + 10 + 10 + 10 + 10 + 10;
  let written = 0;
  for (let b = 0; written < instructions; b++) {
    const lines: string[] = [];
    const inst = (i: number): string => `i${b}_${i}`;
    for (let i = 0; i < 10; i++) lines.push(`add(${inst(i)}: C${(b * 10 + i) % components})`);
    for (let i = 1; i < 10; i++) lines.push(`con(${inst(i)}.dep, ${inst(i - 1)}.svc)`);
    for (let i = 0; i < 10; i++) lines.push(`pushB(${inst(i)}, deploy)`);
    for (let i = 0; i < 10; i++) lines.push(`wait(${inst(i)})`);
    for (let i = 1; i < 10; i++) lines.push(`dcon(${inst(i)}.dep, ${inst(i - 1)}.svc)`);
    for (let i = 0; i < 10; i++) lines.push(`del(${inst(i)})`);
    lines.push('waitAll()');
    written += lines.length;
    parts.push(`program p${b} {\n  ${lines.join('\n  ')}\n}`);
    void perBatch;
  }
  parts.push('invariant first_ok: i0_0 in running implies i0_0.svc active');
  return `${parts.join('\n\n')}\n`;
}

/** Times `loadSource` on the generated file; prints and returns the median in milliseconds. */
export async function benchLoad(): Promise<number> {
  const source = generateLarge();
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    const r = loadSource(source, 'large.cto');
    times.push(performance.now() - t0);
    if (r.status !== 'ok') throw new Error(`bench file does not load: ${r.diagnostics[0]?.message}`);
  }
  times.sort((a, b) => a - b);
  const median = times[2]!;
  const instrs = (source.match(/^ {2}(add|del|con|dcon|pushB|wait|waitAll)\(/gm) ?? []).length;
  console.log(`load: 1000 components, ${instrs} instructions, ${(source.length / 1e6).toFixed(2)} MB: median ${median.toFixed(0)} ms of 5 (runs ${times.map((t) => t.toFixed(0)).join(', ')} ms)`);
  return median;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchLoad();
