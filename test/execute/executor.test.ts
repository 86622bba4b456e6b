/**
 * The executor on LocalHosts: it follows the reference semantics, runs actions in parallel, fills in and
 * escapes placeholders, hides secrets, journals every event, stops on a failed action and resumes from
 * the journal without repeating finished actions.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebuild, handoverState } from '../../src/execute/decide.js';
import { readJournal, type JournalEvent } from '../../src/execute/journal.js';
import { applyStep, contextFor, isCompleted, startState } from '../../src/semantics/index.js';
import { localInventory, model, runLocal, tempDir } from './helpers.js';

/** The seed's net, each action appending its name to $LOG (a file). */
function seed(log: string, extra = ''): string {
  const r = (name: string) => `run "echo ${name} >> ${log}${extra}"`;
  return `
component Server {
  places uninstalled, installed, configured, running, paused
  initial uninstalled
  behavior install {
    install1:  uninstalled -> installed   ${r('install1')}
    install2:  uninstalled -> configured  ${r('install2')}
    configure: installed -> configured    ${r('sconfigure')}
    start:     configured -> running      ${r('sstart')}
  }
  use database_ip on installed, configured, running, paused
  use database    on running, paused
  provide service on running
}
component Database {
  places undeployed, allocated, configured, running
  initial undeployed
  behavior deploy {
    allocate:  undeployed -> allocated    ${r('allocate')}
    configure: allocated -> configured    ${r('dconfigure')}
    start:     configured -> running      ${r('dstart')}
  }
  provide ip      on allocated, configured, running = "\${host}:3306"
  provide service on running
}
program deploy {
  add(server: Server)
  add(db: Database)
  con(server.database_ip, db.ip)
  con(server.database, db.service)
  pushB(server, install)
  pushB(db, deploy)
  wait(server)
}
`;
}

const lines = (p: string): string[] => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter((l) => l !== '') : []);

describe('execute on local hosts', () => {
  it('runs every action once, and its steps replay through the reference semantics to completion', async () => {
    const dir = tempDir();
    const log = join(dir, 'log');
    const m = model(seed(log));
    const { result, ctx } = await runLocal(m, 'deploy', join(dir, 'j.jsonl'));
    expect(result.status).toBe('completed');
    expect(lines(log).sort()).toEqual(['allocate', 'dconfigure', 'dstart', 'install1', 'install2', 'sconfigure', 'sstart']);
    // the database must be running before the server enters running (its use port `database`)
    const at = (i: string) => result.steps.findIndex((x) => x.kind === 'enter' && x.instance === i && x.place === 'running');
    expect(at('db')).toBeGreaterThanOrEqual(0);
    expect(at('db')).toBeLessThan(at('server'));
    let s = startState(ctx);
    for (const step of result.steps) {
      const r = applyStep(ctx, s, step);
      expect(r.ok, JSON.stringify(step)).toBe(true);
      if (r.ok) s = r.next;
    }
    expect(isCompleted(ctx, s)).toBe(true);
    const j = readJournal(join(dir, 'j.jsonl'));
    expect(j.status).toBe('ok');
    const events = j.status === 'ok' ? j.events : [];
    expect(events.filter((e) => e.event === 'step')).toHaveLength(result.steps.length);
    expect(events.filter((e) => e.event === 'actionFinished')).toHaveLength(7);
    expect(events.at(-1)).toMatchObject({ event: 'end', status: 'completed' });
  });

  it('runs the actions of different instances and of one fork in parallel', async () => {
    const dir = tempDir();
    const times = join(dir, 'times');
    // Each action appends its start and end times (ns): they all overlap when they run in parallel.
    const act = `run "s=$(date +%s%N); sleep 0.3; echo $s $(date +%s%N) >> ${times}"`;
    const m = model(`
component A { places a, b, c initial a behavior go { t1: a -> b ${act}  t2: a -> c ${act} } }
program p { add(x: A) add(y: A) pushB(x, go) pushB(y, go) }`);
    const { result } = await runLocal(m, 'p', join(dir, 'j.jsonl'));
    expect(result.status).toBe('completed');
    const spans = lines(times).map((l) => l.split(' ').map(BigInt));
    expect(spans).toHaveLength(4);
    const latestStart = spans.reduce((mx, [s0]) => (s0! > mx ? s0! : mx), 0n);
    const earliestEnd = spans.reduce((mn, [, e]) => (e! < mn ? e! : mn), spans[0]![1]!);
    expect(latestStart < earliestEnd).toBe(true);
  });

  it('fills in ${host}, ${instance}, provided values and variables, each shell-escaped; other ${…} reach the shell', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const m = model(`
component Db { places off, on initial off behavior up { s: off -> on } provide url on on = "mysql://\${host}/\${name}" }
component App { places off, on initial off
  behavior up { s: off -> on run "printf '%s|%s|%s|%s|%s\\\\n' \${host} \${instance} \${url} \${evil} \${HOME_UNSET_X:-shell} >> ${out}" }
  use url on on }
program p { add(d: Db) add(a: App) con(a.url, d.url) pushB(d, up) pushB(a, up) }`);
    const inv = localInventory({ name: "my'db", evil: "'; touch pwned; echo '" });
    const { result } = await runLocal(m, 'p', join(dir, 'j.jsonl'), { inventory: inv });
    expect(result.status).toBe('completed');
    expect(lines(out)).toEqual([`localhost|a|mysql://localhost/my'db|'; touch pwned; echo '|shell`]);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync('pwned')).toBe(false);
  });

  it('never journals a secret: commands, outputs and failure reasons are redacted', async () => {
    const dir = tempDir();
    const m = model(`
component A { places a, b, c initial a
  behavior go { t: a -> b run "echo pw=\${pw}; echo err \${pw} >&2" }
  behavior bad { u: b -> c run "echo \${pw}; exit 3" } }
program p { add(x: A) pushB(x, go) pushB(x, bad) }`);
    const secret = 'S3cr3t-value';
    const inv = localInventory({ pw: secret }, ['pw']);
    const { result } = await runLocal(m, 'p', join(dir, 'j.jsonl'), { inventory: inv });
    expect(result.status).toBe('failed');
    const text = readFileSync(join(dir, 'j.jsonl'), 'utf8');
    expect(text).not.toContain(secret);
    expect(text).toContain('pw=***');
    expect(text).toContain('"command":"echo pw=***; echo err *** >&2"');
  });

  it('a failed action stops the run; the others finish and are journaled; --resume re-runs only the failed one', async () => {
    const dir = tempDir();
    const log = join(dir, 'log');
    const flag = join(dir, 'ok');
    const m = model(`
component A { places a, b, c, d initial a
  behavior go { slow: a -> b run "sleep 0.3; echo slow >> ${log}"  bad: a -> c run "echo bad >> ${log}; test -e ${flag}"
                after: b -> d run "echo after >> ${log}" } }
program p { add(x: A) pushB(x, go) }`);
    const journal = join(dir, 'j.jsonl');
    const events: JournalEvent[] = [];
    const first = await runLocal(m, 'p', journal, { events });
    expect(first.result.status).toBe('failed');
    expect(first.result.status === 'failed' && first.result.failures).toEqual([{ id: 'x.bad#1', reason: 'exited with status 1' }]);
    expect(lines(log).sort()).toEqual(['bad', 'slow']); // slow was allowed to finish, `after` never started
    expect(events.find((e) => e.event === 'actionFinished' && e.id === 'x.slow#1')).toBeDefined();
    expect(events.find((e) => e.event === 'actionFailed')).toMatchObject({ id: 'x.bad#1', exitCode: 1 });

    writeFileSync(flag, '');
    const j = readJournal(journal);
    if (j.status !== 'ok') throw new Error('journal unreadable');
    const ctx = contextFor(m, 'p');
    const rb = rebuild(ctx, handoverState(ctx, startState(ctx))!, j.events);
    if (!rb.ok) throw new Error(rb.why);
    expect(rb.value.running.map((a) => [a.id, a.status])).toEqual([['x.bad#1', 'failed'], ['x.slow#1', 'finished']]);
    const second = await runLocal(m, 'p', journal, { resume: rb.value });
    expect(second.result.status).toBe('completed');
    expect(lines(log).sort()).toEqual(['after', 'bad', 'bad', 'slow']); // slow not repeated
    const all = readJournal(journal);
    expect(all.status === 'ok' && all.events.find((e) => e.event === 'resume')).toMatchObject({ rerun: ['x.bad#1'] });
  });

  it('resumes after a crash that tore the journal: only the action that had started and not finished runs again', async () => {
    const dir = tempDir();
    const log = join(dir, 'log');
    const m = model(seed(log));
    const journal = join(dir, 'j.jsonl');
    await runLocal(m, 'deploy', journal);
    // Cut the journal right after db.configure started (before it finished), plus half a line.
    const text = readFileSync(journal, 'utf8').split('\n');
    const k = text.findIndex((l) => l.includes('"actionStarted"') && l.includes('"id":"db.configure#1"'));
    expect(k).toBeGreaterThan(0);
    const kept = text.slice(0, k + 1).filter((l) => !(l.includes('"actionFinished"') && l.includes('db.configure#1')));
    writeFileSync(journal, `${kept.join('\n')}\n{"event":"actionFini`);
    const ranBefore = lines(log).length;
    const j = readJournal(journal);
    expect(j.status === 'ok' && j.tornTail).toBe(true);
    if (j.status !== 'ok') return;
    const ctx = contextFor(m, 'deploy');
    const rb = rebuild(ctx, handoverState(ctx, startState(ctx))!, j.events);
    if (!rb.ok) throw new Error(rb.why);
    const finishedBefore = j.events.filter((e) => e.event === 'actionFinished').length;
    const { result } = await runLocal(m, 'deploy', journal, { resume: rb.value });
    expect(result.status).toBe('completed');
    // Exactly the 7 - finishedBefore unfinished actions ran again on resume.
    expect(lines(log).length - ranBefore).toBe(7 - finishedBefore);
    expect(lines(log).slice(ranBefore)).toContain('dconfigure');
    const after = readJournal(journal);
    expect(after.status === 'ok' && !after.tornTail).toBe(true);
  });

  it('kills an action that runs longer than its timeout', async () => {
    const dir = tempDir();
    const m = model(`component A { places a, b initial a behavior go { t: a -> b run "sleep 5" timeout 200ms } }
program p { add(x: A) pushB(x, go) }`);
    const t0 = Date.now();
    const { result } = await runLocal(m, 'p', join(dir, 'j.jsonl'));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(result.status === 'failed' && result.failures[0]!.reason).toBe('timed out after 200 ms and was killed');
  });
});
