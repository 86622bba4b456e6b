/** Inventory checking, placeholder filling, shell escaping (against a real shell) and redaction. */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostOf, parseInventory } from '../../src/execute/inventory.js';
import { placeholders, redact, shellQuote, substitute } from '../../src/execute/interpolate.js';

describe('inventory', () => {
  it('reads hosts, instances, default, variables from values and the environment, secrets', () => {
    const r = parseInventory(
      JSON.stringify({
        hosts: { web1: { address: '10.0.0.5', user: 'deploy', identityFile: 'keys/id' }, here: { kind: 'local' } },
        instances: { server: 'web1' },
        default: 'here',
        vars: { version: '1.2', n: 3, pw: { env: 'PW' } },
        secrets: ['pw'],
      }),
      '/etc/cto/inv.json',
      { PW: 'hunter2' },
    );
    if (r.status !== 'ok') throw new Error(JSON.stringify(r.errors));
    const inv = r.inventory;
    expect(hostOf(inv, 'server')).toMatchObject({ kind: 'ssh', address: '10.0.0.5', port: 22, user: 'deploy', identityFile: '/etc/cto/keys/id' });
    expect(hostOf(inv, 'db')).toMatchObject({ kind: 'local', address: 'localhost' });
    expect([...inv.vars]).toEqual([['version', '1.2'], ['n', '3'], ['pw', 'hunter2']]);
    expect([...inv.secrets]).toEqual(['pw']);
  });

  it('says which key is wrong and what is expected', () => {
    const r = parseInventory(
      JSON.stringify({ hosts: { h: { kind: 'telnet' }, g: { address: 'x', user: 'u', identityFile: 'k', prot: 22 } }, vars: { 'a-b': 'x', e: { env: 'NOPE' } }, secrets: ['zz'], extra: 1 }),
      'inv.json',
      {},
    );
    expect(r.status === 'error' && r.errors.map((e) => e.path)).toEqual(['extra', 'hosts.h.kind', 'hosts.g.prot', 'vars.a-b', 'vars.e', 'secrets']);
    expect(parseInventory('{', 'inv.json')).toMatchObject({ status: 'error', errors: [{ path: '', message: expect.stringContaining('not valid JSON') }] });
  });
});

describe('placeholders and escaping', () => {
  it('substitutes known names, leaves other ${…} alone, ignores backslashes', () => {
    const look = (n: string) => ({ host: 'h', v: "a'b" })[n];
    expect(substitute('x ${host} ${v} ${other} \\${host} $host', look, shellQuote)).toBe(`x 'h' 'a'\\''b' \${other} \\'h' $host`);
    expect(placeholders('${a} ${b} ${a} ${1x}')).toEqual(['a', 'b']);
  });

  it('a quoted value reaches a real shell unchanged, whatever it contains', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).filter((s) => !s.includes('\0')), { minLength: 1, maxLength: 8 }), (vals) => {
        const cmd = `printf '%s\\n' ${vals.map(shellQuote).join(' ')}`;
        expect(execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' })).toBe(vals.map((v) => `${v}\n`).join(''));
      }),
      { numRuns: 30 },
    );
  });

  it('redacts secrets raw and quoted, longest first', () => {
    expect(redact(`echo 'it'\\''s' it's; x itsy`, ["it's", 'itsy'])).toBe('echo *** ***; x ***');
    expect(redact('nothing', [''])).toBe('nothing');
  });
});
