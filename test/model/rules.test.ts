import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics.js';
import { loadSource } from '../../src/model/load.js';

/** A small valid base: Db provides sql on running, Api uses db on running. */
const BASE = `
component Db {
  places off, running
  initial off
  behavior deploy { start: off -> running duration 1s }
  behavior stop { halt: running -> off }
  provide sql on running
}
component Api {
  places off, running
  initial off
  behavior deploy { start: off -> running }
  use db on running
  provide http on running
}
`;

function diags(src: string): Diagnostic[] {
  return [...loadSource(src, 't.cto').diagnostics];
}
function only(src: string): Diagnostic {
  const ds = diags(src).filter((d) => d.severity === 'error');
  expect(ds.map((d) => d.message)).toHaveLength(1);
  return ds[0]!;
}
const prog = (body: string): string => `${BASE}program p {\n${body}\n}\n`;

describe('static rules of §2', () => {
  it('accepts the base with a simple program', () => {
    const r = loadSource(prog('add(db: Db)\nadd(api: Api)\ncon(api.db, db.sql)\npushB(db, deploy)'), 't.cto');
    expect(r.status).toBe('ok');
    expect(r.diagnostics).toEqual([]);
  });

  it('CTO101 undeclared place, with a did-you-mean hint', () => {
    const d = only('component C { places off, running initial off behavior b { t: off -> runing } }\nprogram p { add(c: C) }');
    expect(d).toMatchObject({ code: 'CTO101', message: "place 'runing' is not declared in component C", hint: "did you mean 'running'?" });
    expect([d.span.line, d.span.col]).toEqual([1, 70]);
  });

  it('CTO101 for initial and port places', () => {
    const ds = diags('component C { places a, b initial z use u on b, q }\nprogram p { add(c: C) }');
    expect(ds.map((d) => [d.code, d.message])).toEqual([
      ['CTO101', "place 'z' is not declared in component C"],
      ['CTO101', "place 'q' is not declared in component C"],
    ]);
  });

  it('CTO201 no initial, CTO202 two initials', () => {
    expect(only('component C { places a }\nprogram p { add(c: C) }').message).toBe('component C has no initial place');
    expect(only('component C { places a, b initial a initial b }\nprogram p { add(c: C) }').message).toBe(
      'component C has more than one initial place (the first is at 1:27)',
    );
  });

  it('CTO203 interval lo > hi', () => {
    expect(only('component C { places a, b initial a behavior x { t: a -> b duration 2s..1500ms } }\nprogram p { add(c: C) }').message).toBe(
      'the interval of transition t has its lower bound above its upper bound (2000 ms > 1500 ms)',
    );
  });

  it('CTO204 source = destination', () => {
    expect(only('component C { places a, b initial a behavior x { t: b -> b } }\nprogram p { add(c: C) }').message).toBe(
      "transition t has the same source and destination 'b'",
    );
  });

  it('CTO205 behavior cycle, reported as the cycle', () => {
    const d = only('component C { places a, b, c initial a behavior x { t0: a -> b  t1: b -> c  t2: c -> b } }\nprogram p { add(c: C) }');
    expect(d.code).toBe('CTO205');
    expect(d.message).toBe('behavior x of component C has a cycle: b -> c -> b');
  });

  it('a cycle across two behaviors is fine', () => {
    expect(loadSource('component C { places a, b initial a behavior x { t0: a -> b } behavior y { t1: b -> a } }\nprogram p { add(c: C) }', 't').status).toBe('ok');
  });

  it('CTO206 initial place on a use port', () => {
    expect(only('component C { places a, b initial a use u on a, b }\nprogram p { add(c: C) }').message).toBe(
      "use port u of component C is bound to the initial place 'a'",
    );
  });

  it('provide ports may include the initial place; a place and a port may share a name', () => {
    expect(loadSource('component C { places a, b initial a provide a on a, b use b on b }\nprogram p { add(c: C) }', 't').status).toBe('ok');
  });

  it('CTO106-CTO109 duplicates within a component', () => {
    const ds = diags(
      'component C { places a, b, a initial a behavior x { t: a -> b } behavior x { t: a -> b } use u on b provide u on b }\nprogram p { add(c: C) }',
    );
    expect(ds.map((d) => [d.code, d.message])).toEqual([
      ['CTO106', "place 'a' is declared twice in component C (first at 1:22)"],
      ['CTO108', "behavior 'x' is declared twice in component C (first at 1:49)"],
      ['CTO107', "transition 't' is declared twice in component C (first at 1:53)"],
      ['CTO109', "port 'u' is declared twice in component C (first at 1:94)"],
    ]);
  });

  it('CTO110-CTO112 duplicates in a file', () => {
    const ds = diags(`${BASE}component Db { places x initial x }\nprogram p { add(db: Db) }\nprogram p { add(a: Api) }\ninvariant i: db idle\ninvariant i: db idle\n`);
    expect(ds.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['CTO110', 'CTO111', 'CTO112']);
  });

  it('CTO105 unknown after, CTO207 after cycle', () => {
    expect(only(`${BASE}program p after dploy { }\nprogram deploy { add(db: Db) add(a: Api) }`)).toMatchObject({
      code: 'CTO105',
      message: "program 'dploy' is not declared",
      hint: "did you mean 'deploy'?",
    });
    const d = only(`${BASE}program a after b { add(x: Db) }\nprogram b after a { add(y: Api) }`);
    expect(d).toMatchObject({ code: 'CTO207', message: "the 'after' chain of program a is a cycle: a after b after a" });
  });

  it('CTO208 a component no add creates is a warning only', () => {
    const r = loadSource(`${BASE}program p { add(db: Db) }`, 't');
    expect(r.status).toBe('ok');
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.message])).toEqual([
      ['warning', 'CTO208', 'component Api is never instantiated: no add(…: Api) in this file'],
    ]);
  });

  it('CTO104 unknown component type', () => {
    expect(only(prog('add(db: Dbb)\nadd(a: Api)\nadd(d2: Db)'))).toMatchObject({ code: 'CTO104', message: "component 'Dbb' is not declared", hint: "did you mean 'Db'?" });
  });

  it('CTO113 instance never added / deleted earlier', () => {
    expect(only(prog('add(db: Db)\nadd(a: Api)\npushB(dbb, deploy)')).message).toBe("instance 'dbb' is not live here: no add(dbb: …) comes before this point");
    const d = only(prog('add(db: Db)\nadd(a: Api)\ndel(db)\nwait(db)'));
    expect(d.message).toBe("instance 'db' is not live here: it was deleted at 19:1 (program p)");
    expect(d.related?.[0]?.span.line).toBe(19);
  });

  it('CTO114 add of a live instance', () => {
    expect(only(prog('add(db: Db)\nadd(a: Api)\nadd(db: Api)')).message).toBe("instance 'db' is already live here: it was added at 17:1 (program p)");
  });

  it('instances can be deleted and re-added with another type', () => {
    const r = loadSource(prog('add(x: Db)\ndel(x)\nadd(x: Api)\nadd(db: Db)\ncon(x.db, db.sql)\npushB(x, deploy)'), 't');
    expect(r.status).toBe('ok');
    const bad = only(prog('add(x: Api)\ndel(x)\nadd(x: Db)\nadd(y: Api)\ncon(y.db, x.sql)\ncon(x.db, x.sql)'));
    expect(bad.message).toBe("port 'db' is not declared in component Db (the type of instance 'x', added at 19:1)");
  });

  it('CTO102 unknown behavior of the instance type', () => {
    expect(only(prog('add(db: Db)\nadd(a: Api)\npushB(db, deplyo)'))).toMatchObject({
      code: 'CTO102',
      message: "behavior 'deplyo' is not declared in component Db (the type of instance 'db', added at 17:1)",
      hint: "did you mean 'deploy'?",
    });
  });

  it('CTO209 con with swapped ports says so', () => {
    const d = only(prog('add(db: Db)\nadd(api: Api)\ncon(db.sql, api.db)'));
    expect(d.code).toBe('CTO209');
    expect(d.message).toBe('con names the use port first and the provide port second, but db.sql is a provide port and api.db a use port');
    expect(d.hint).toBe('swap them: con(api.db, db.sql)');
  });

  it('CTO209 one port of the wrong kind', () => {
    expect(only(prog('add(db: Db)\nadd(api: Api)\ncon(api.http, db.sql)')).message).toBe('api.http is a provide port, but the first port of con must be a use port');
  });

  it('CTO210 con of a connected use port', () => {
    const d = only(prog('add(db: Db)\nadd(d2: Db)\nadd(api: Api)\ncon(api.db, db.sql)\ncon(api.db, d2.sql)'));
    expect(d.message).toBe('use port api.db is already connected here (api.db -> db.sql, made at 20:1 in program p)');
  });

  it('CTO211 dcon of a connection that never existed / was removed in an earlier program', () => {
    expect(only(prog('add(db: Db)\nadd(api: Api)\ndcon(api.db, db.sql)')).message).toBe(
      'connection api.db -> db.sql does not exist here: no con(api.db, db.sql) makes it before this point',
    );
    const src = `${BASE}program a { add(db: Db)\nadd(api: Api)\ncon(api.db, db.sql) }\nprogram detach after a {\ndcon(api.db, db.sql) }\nprogram again after detach {\ndcon(api.db, db.sql) }\n`;
    const d = only(src);
    expect(d.message).toBe('connection api.db -> db.sql does not exist here: it was removed at line 20 (20:1, program detach)');
    expect(d.related?.[0]).toMatchObject({ message: 'connection removed here', span: { line: 20, col: 1 } });
  });

  it('CTO212 del of a connected instance (user or provider)', () => {
    expect(only(prog('add(db: Db)\nadd(api: Api)\ncon(api.db, db.sql)\ndel(db)')).message).toBe(
      "instance 'db' still has a connection here: api.db -> db.sql (made at 19:1)",
    );
  });

  it('program rules follow the after chain: a program starts where its predecessor ended', () => {
    expect(loadSource(`${BASE}program a { add(db: Db) add(api: Api) }\nprogram b after a { con(api.db, db.sql) }`, 't').status).toBe('ok');
    const ds = diags(`${BASE}program a { add(db: Db) add(api: Api) }\nprogram b { con(api.db, db.sql) }`);
    expect(ds.map((d) => d.message)).toEqual([
      "instance 'api' is not live here: no add(api: …) comes before this point",
      "instance 'db' is not live here: no add(db: …) comes before this point",
    ]);
  });

  it('CTO115-CTO117 invariant names', () => {
    const ds = diags(prog('add(db: Db)\nadd(api: Api)') + 'invariant i: dbb idle and db in runing or api.htp active\n');
    expect(ds.map((d) => [d.code, d.message, d.hint])).toEqual([
      ['CTO115', "instance 'dbb' is added by no program of this file", "did you mean 'db'?"],
      ['CTO116', "place 'runing' exists in no type instance 'db' is added with (Db)", "did you mean 'running'?"],
      ['CTO117', "port 'htp' exists in no type instance 'api' is added with (Api)", "did you mean 'http'?"],
    ]);
  });

  it('an invariant place may come from any type the instance is added with', () => {
    const src = `${BASE}component Z { places zz initial zz }\nprogram a { add(x: Db) del(x) add(x: Z) add(y: Api) }\ninvariant i: x in zz or x.sql active\n`;
    expect(loadSource(src, 't').status).toBe('ok');
  });

  it('reports all errors at once, in source order', () => {
    const ds = diags('component C { places a initial b behavior x { t: a -> a } }\nprogram p { add(c: D) wait(q) }');
    expect(ds.map((d) => d.code)).toEqual(['CTO208', 'CTO101', 'CTO204', 'CTO104', 'CTO113']);
  });
});
