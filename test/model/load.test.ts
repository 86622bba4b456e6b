import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadFile, loadSource } from '../../src/model/load.js';
import { pathToFileURL } from 'node:url';
import { CONFORMANCE_DIR } from '../shared.js';

const SEED = pathToFileURL(`${CONFORMANCE_DIR}/05-ok_seed_maintain_dcon.cto`);

describe('loadSource / loadFile', () => {
  it('a missing file is an error result with CTO000 at 1:1, not a throw', () => {
    const r = loadFile('/nonexistent/x.cto');
    expect(r.status).toBe('error');
    expect(r.diagnostics).toEqual([
      { code: 'CTO000', severity: 'error', message: 'cannot read /nonexistent/x.cto: no such file', span: { file: '/nonexistent/x.cto', start: 0, end: 0, line: 1, col: 1 } },
    ]);
  });

  it('the seed example: indexes Out_b / In_b, port groups, programs with after', () => {
    let src: string;
    try {
      src = readFileSync(SEED, 'utf8');
    } catch {
      return; // conformance folder not present in this checkout
    }
    const r = loadSource(src, 'seed.cto');
    if (r.status !== 'ok') throw new Error(r.diagnostics[0]!.message);
    const server = r.model.componentByName.get('Server')!;
    const install = server.behaviorByName.get('install')!;
    expect(install.out.get('uninstalled')).toEqual(['install1', 'install2']);
    expect(install.in.get('configured')).toEqual(['install2', 'configure']);
    expect([...server.portByName.get('database')!.groupPlaces]).toEqual(['running', 'paused']);
    expect([...server.portByName.get('database')!.groupTransitions]).toEqual(['suspend1']);
    expect(r.model.programByName.get('maintain')!.after).toBe('deploy');
    expect(r.model.components.map((c) => c.span.line)).toEqual([1, 19]);
  });

  it('status is error iff some diagnostic is an error; warnings alone keep ok', () => {
    const ok = loadSource('component A { places a initial a }\ncomponent B { places b initial b }\nprogram p { add(x: A) }', 't');
    expect(ok.status).toBe('ok');
    expect(ok.diagnostics.map((d) => d.severity)).toEqual(['warning']);
  });
});
