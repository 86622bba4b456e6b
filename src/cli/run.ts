/**
 * `cto run FILE --program P --inventory INV`: executes a verified program on real hosts (spec/run.md).
 * Refuses a program without a valid certificate (`cto verify --certify`) unless `--verify` verifies it
 * first; journals every step; `--resume` continues a stopped run; `--dry-run` prints the commands.
 * Exit 0 completed, 1 not verified (violation), 2 bad input or usage (including no valid certificate),
 * 3 not verified (bound reached), 4 execution failed.
 */
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, formatDiagnostic } from '../diagnostics.js';
import { certKeyPath, checkCertificate, ctoVersion, defaultCertPath, loadOrCreateKey, sourceHash } from '../execute/certificate.js';
import { actionCommand, actionTimeout } from '../execute/commands.js';
import { actionsStarted, handoverState, rebuild, runInstantly, type ActionStatus } from '../execute/decide.js';
import { execute, type ResumePoint } from '../execute/executor.js';
import { LocalHost, type Host } from '../execute/host.js';
import { redact } from '../execute/interpolate.js';
import { formatInventoryError, hostOf, parseInventory, secretValues, type Inventory } from '../execute/inventory.js';
import { JOURNAL_FORMAT, openJournal, readJournal, type JournalEvent } from '../execute/journal.js';
import { stepText } from '../explore/describe.js';
import { engines } from '../explore/engines.js';
import { loadFile } from '../model/load.js';
import type { Model } from '../model/types.js';
import { predict } from '../predict/index.js';
import { applyStep, contextFor, startState, type Context, type State } from '../semantics/index.js';
import { parseKnownHosts } from '../ssh/knownHosts.js';

/** Options of `cto run` as commander gives them. */
interface RunCliOptions {
  program?: string;
  inventory?: string;
  verify?: boolean;
  engine: string;
  cert?: string;
  knownHosts?: string;
  journal?: string;
  resume?: boolean;
  dryRun?: boolean;
  chain?: boolean;
}

/** A refusal or a usage error: message on stderr, and the exit code. */
class Stop extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

const stop = (message: string, code: number = ExitCode.badInput): never => {
  throw new Stop(message, code);
};

const secs = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

/** The instances the run may touch: every instance added along the chain. */
function instancesOf(ctx: Context): string[] {
  const names = new Set<string>();
  for (const p of ctx.chain) for (const i of p.instrs) if (i.op === 'add') names.add(i.instance);
  return [...names].sort();
}

function readInventory(path: string, ctx: Context): Inventory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return stop(`cannot read inventory ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const r = parseInventory(text, path);
  if (r.status === 'error') return stop(`${r.errors.map((e) => formatInventoryError(path, e)).join('\n')}\nsee spec/run.md "Inventory" for the format`);
  const missing = instancesOf(ctx).filter((i) => !hostOf(r.inventory, i));
  if (missing.length > 0) {
    stop(`${path}: no host for instance${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: map ${missing.length > 1 ? 'them' : 'it'} under "instances" (e.g. "${missing[0]}": "${[...r.inventory.hosts.keys()][0] ?? 'web1'}") or give a "default" host`);
  }
  return r.inventory;
}

async function checkVerified(file: string, source: string, model: Model, program: string, o: RunCliOptions): Promise<string> {
  if (o.verify) {
    const engine = engines[o.engine] ?? stop(`unknown engine '${o.engine}' (known: ${Object.keys(engines).join(', ')})`);
    const v = await engine(model, program, {});
    if (v.status === 'violation') stop(`program ${program} is not verified: a violation was found (run \`cto verify ${file} --program ${program}\` for the counterexample); nothing was run`, ExitCode.violation);
    if (v.status === 'bound') stop(`program ${program} is not verified: a bound (${v.bound}) was reached before a verdict; nothing was run`, ExitCode.noVerdict);
    return `verified now by the ${o.engine} engine`;
  }
  const certPath = o.cert ?? defaultCertPath(file);
  const text = existsSync(certPath) ? readFileSync(certPath, 'utf8') : undefined;
  const how = `run \`cto verify ${file} --certify\` first (or \`cto run … --verify\`)`;
  let key: Buffer;
  try {
    key = loadOrCreateKey(certKeyPath());
  } catch (e) {
    return stop(`cannot read the certificate key: ${(e as Error).message}`);
  }
  const c = checkCertificate(key, text, source, program, ctoVersion());
  switch (c.status) {
    case 'ok':
      return `certificate ${certPath} (${c.certificate.engine} engine, ${c.certificate.date})`;
    case 'missing':
      return stop(`refusing to run ${program}: no verification certificate ${certPath}; ${how}`);
    case 'tampered':
      return stop(`refusing to run ${program}: certificate ${certPath} is not valid: ${c.reason}; ${how}`);
    case 'stale':
      return stop(`refusing to run ${program}: certificate ${certPath} is stale: ${c.reason}; ${how}`);
    case 'notVerified':
      return stop(
        `refusing to run ${program}: its certificate records ${c.verdict === 'violation' ? 'a violation' : 'a bound reached before a verdict'}, not a verified program`,
        c.verdict === 'violation' ? ExitCode.violation : ExitCode.noVerdict,
      );
  }
}

async function makeHosts(inv: Inventory, ctx: Context, knownHostsPath: string): Promise<Map<string, Host>> {
  // ssh2 is loaded only when a run needs it (it slows every other command's start).
  const { SshHost } = await import('../ssh/sshHost.js');
  const used = new Set(instancesOf(ctx).map((i) => hostOf(inv, i)!.name));
  const needSsh = [...used].some((h) => inv.hosts.get(h)!.kind === 'ssh');
  let known = '';
  if (needSsh && existsSync(knownHostsPath)) {
    try {
      known = readFileSync(knownHostsPath, 'utf8');
    } catch (e) {
      stop(`cannot read known_hosts file ${knownHostsPath}: ${(e as Error).message}`);
    }
  }
  const knownHosts = parseKnownHosts(known);
  const hosts = new Map<string, Host>();
  for (const name of used) {
    const spec = inv.hosts.get(name)!;
    hosts.set(name, spec.kind === 'local' ? new LocalHost(name) : new SshHost(spec, { knownHosts, knownHostsPath }));
  }
  return hosts;
}

/** The live log line of a journal event, or undefined for events not shown. */
function eventLine(ctx: Context, e: JournalEvent, t0: number, starts: Map<string, number>): string | undefined {
  const at = `[${((e.at - t0) / 1000).toFixed(3).padStart(8)}s]`;
  switch (e.event) {
    case 'step':
      return `${at} step ${e.seq}: ${stepText(ctx, e.step)}`;
    case 'actionStarted':
      starts.set(e.id, e.at);
      return e.command === undefined ? undefined : `${at} start ${e.id} on ${e.host}: ${e.command}`;
    case 'actionFinished': {
      const t = starts.get(e.id);
      return t === undefined || e.at === t ? undefined : `${at} done  ${e.id} (${secs(e.at - t)})`;
    }
    case 'actionFailed': {
      const tail = [e.stderrTail.trimEnd() && `    stderr: ${e.stderrTail.trimEnd().split('\n').slice(-5).join('\n            ')}`].filter(Boolean);
      return [`${at} FAILED ${e.id}: ${e.reason}`, ...tail].join('\n');
    }
    default:
      return undefined;
  }
}

function dryRun(ctx: Context, start: State, inv: Inventory): string[] {
  const secrets = secretValues(inv);
  const out: string[] = ['dry run: nothing is executed; the steps, with every action finishing at once:'];
  let s = start;
  runInstantly(ctx, start).steps.forEach((step, k) => {
    out.push(`  ${k}: ${stepText(ctx, step)}`);
    const r = applyStep(ctx, s, step);
    if (!r.ok) return; // runInstantly only takes enabled steps
    for (const a of actionsStarted(s, r.next, step)) {
      const cmd = actionCommand(ctx, r.next, inv, a.instance, a.transition);
      if (cmd !== undefined) out.push(`       run on ${hostOf(inv, a.instance)!.name}: ${redact(cmd, secrets)}`);
    }
    s = r.next;
  });
  return out;
}

/** Runs `cto run`; sets the exit code. */
export async function runRun(file: string, o: RunCliOptions): Promise<void> {
  try {
    process.exitCode = await run(file, o);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    process.stderr.write(`cto run: ${e.message}\n`);
    process.exitCode = e.code;
  }
}

async function run(file: string, o: RunCliOptions): Promise<number> {
  const loaded = loadFile(file);
  if (loaded.status === 'error') {
    for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d, d.code === 'CTO000' ? undefined : loaded.source)}\n\n`);
    return stop(`${file} does not load; nothing was run`);
  }
  const { model, source } = loaded;
  const names = model.programs.map((p) => p.name);
  const program = o.program ?? (names.length === 1 ? names[0]! : stop(`${file} has ${names.length === 0 ? 'no program' : `several programs (${names.join(', ')})`}: say which with --program NAME`));
  if (!model.programByName.has(program)) stop(`${file} has no program '${program}' (programs: ${names.join(', ') || 'none'})`);
  if (o.inventory === undefined) stop('--inventory FILE is required: it says which host each instance runs on (see spec/run.md)');
  const ctx = contextFor(model, program);
  const inv = readInventory(o.inventory!, ctx);
  const verifiedBy = await checkVerified(file, source, model, program, o);
  const chain = o.chain === true;
  const start = chain ? startState(ctx) : (handoverState(ctx, startState(ctx)) ?? stop(`the programs ${program} comes after do not complete; nothing was run`, ExitCode.executionFailed));
  process.stdout.write(`${program}: ${verifiedBy}\n`);

  if (o.dryRun) {
    process.stdout.write(`${dryRun(ctx, start, inv).join('\n')}\n`);
    return ExitCode.ok;
  }

  const journalPath = o.journal ?? `${file}.${program}.journal.jsonl`;
  let resume: ResumePoint | undefined;
  const j = readJournal(journalPath);
  if (o.resume) {
    if (j.status === 'missing') stop(`nothing to resume: journal ${journalPath} does not exist`);
    if (j.status === 'error') stop(j.message);
    const events = (j as Extract<typeof j, { status: 'ok' }>).events;
    const begin = events[0] as Extract<JournalEvent, { event: 'begin' }>;
    if (begin.program !== program) stop(`journal ${journalPath} is a run of program ${begin.program}, not ${program}`);
    if (begin.sourceSha256 !== sourceHash(source)) stop(`journal ${journalPath} is a run of another version of ${file} (the file changed since); cannot resume`);
    if (begin.chain !== chain) stop(`journal ${journalPath} was run ${begin.chain ? 'with' : 'without'} --chain; resume it the same way`);
    const last = events.at(-1)!;
    if (last.event === 'end' && last.status === 'completed') stop(`journal ${journalPath}: that run already completed; nothing to resume`);
    const rb = rebuild(ctx, start, events);
    if (!rb.ok) stop(`journal ${journalPath} does not replay on ${file}: ${rb.why}`);
    resume = (rb as Extract<typeof rb, { ok: true }>).value;
    const rerun = resume.running.filter((a: ActionStatus) => a.status !== 'finished');
    process.stdout.write(`resuming from ${journalPath}: ${resume.steps} steps already taken`);
    process.stdout.write(rerun.length === 0 ? '; no action to run again\n' : `; running again the actions that had not finished: ${rerun.map((a) => `${a.id} (${a.status === 'failed' ? 'failed' : a.status === 'started' ? 'started, not finished' : 'never started'})`).join(', ')}\n`);
  } else if (j.status !== 'missing') {
    const done = j.status === 'ok' && j.events.at(-1)?.event === 'end' && (j.events.at(-1) as { status: string }).status === 'completed';
    stop(`journal ${journalPath} exists from an earlier run${done ? ' (it completed)' : ' that did not complete'}: ${done ? 'remove it to run again' : 'continue it with --resume, or remove it to start over'} (or give another --journal)`);
  }

  const { SshConnectError, SshHost } = await import('../ssh/sshHost.js');
  const hosts = await makeHosts(inv, ctx, o.knownHosts ?? join(homedir(), '.ssh', 'known_hosts'));
  try {
    for (const h of hosts.values()) {
      if (h instanceof SshHost) {
        try {
          await h.connect();
        } catch (e) {
          if (e instanceof SshConnectError) stop(`${e.message}\nnothing was run`, ExitCode.executionFailed);
          throw e;
        }
      }
    }
    const journal = openJournal(journalPath);
    const t0 = Date.now();
    const starts = new Map<string, number>();
    try {
      if (!resume) journal.append({ event: 'begin', at: t0, format: JOURNAL_FORMAT, file, sourceSha256: sourceHash(source), program, chain });
      const result = await execute({
        ctx,
        start,
        hostOf: (i) => hosts.get(hostOf(inv, i)!.name)!,
        commandOf: (s, i, t) => actionCommand(ctx, s, inv, i, t),
        timeoutOf: (s, i, t) => actionTimeout(ctx, s, i, t),
        journal,
        secrets: secretValues(inv),
        ...(resume && { resume }),
        onEvent: (e) => {
          const line = eventLine(ctx, e, t0, starts);
          if (line !== undefined) process.stdout.write(`${line}\n`);
        },
      });
      if (result.status === 'failed') {
        process.stdout.write(`\n${program}: FAILED — ${result.failures.map((f) => `${f.id} ${f.reason}`).join('; ')}\n`);
        process.stdout.write(`the journal ${journalPath} holds every step; fix the cause, then continue with \`cto run ${file} --program ${program} --inventory ${o.inventory} --resume\`\n`);
        return ExitCode.executionFailed;
      }
      if (result.status === 'deadlock') {
        process.stdout.write(`\n${program}: stopped: no step can happen and no action is running (the program was verified, so the hosts or the journal disagree with the model)\n`);
        return ExitCode.executionFailed;
      }
      process.stdout.write(`\n${program}: completed; ${resume ? 'measured since the resume' : 'measured makespan'} ${secs(result.makespanMs)}\n`);
      process.stdout.write(`${await predictedLine(model, program, result.makespanMs, resume !== undefined)}\n`);
      return ExitCode.ok;
    } finally {
      journal.close();
    }
  } finally {
    for (const h of hosts.values()) await h.close();
  }
}

async function predictedLine(model: Model, program: string, measured: number, resumed: boolean): Promise<string> {
  const p = await predict(model, program);
  if (p.status !== 'ok' || p.lo.makespan === undefined) return `predicted makespan: none (${p.status === 'ok' ? 'no timed run completes' : p.status})`;
  const lo = p.lo.makespan;
  const hi = p.hi?.makespan ?? lo;
  const range = hi === lo ? secs(lo) : `${secs(lo)} .. ${secs(hi)}`;
  const ref = measured < lo ? lo : measured > hi ? hi : measured;
  const err = ref === 0 ? '' : `, error ${measured >= ref ? '+' : ''}${(((measured - ref) / ref) * 100).toFixed(1)}%`;
  return `predicted makespan (cto predict): ${range}${resumed ? ' (for a whole run)' : err}`;
}

/** Registers `cto run` on the command line. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('execute a verified program on the hosts of an inventory (over SSH), journaling every step')
    .argument('<file>', 'the .cto file')
    .option('--program <name>', 'the program to run (required when the file has several)')
    .option('--inventory <file>', 'JSON inventory: hosts, which host each instance runs on, variables (spec/run.md)')
    .option('--verify', 'verify the program now instead of requiring a certificate')
    .option('--engine <name>', 'the verification engine for --verify', 'reference')
    .option('--cert <file>', 'the verification certificate (default FILE.cert.json, made by `cto verify --certify`)')
    .option('--known-hosts <file>', 'OpenSSH known_hosts file to check host keys against (default ~/.ssh/known_hosts)')
    .option('--journal <file>', 'the journal (default FILE.PROGRAM.journal.jsonl)')
    .option('--resume', 'continue the run recorded in the journal, without repeating finished actions')
    .option('--dry-run', 'print the steps and the commands they would run; run nothing')
    .option('--chain', 'also run the programs of its `after` chain (default: start where they end)')
    .action(async (file: string, o: RunCliOptions) => runRun(file, o));
}
