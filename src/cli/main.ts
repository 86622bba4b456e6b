/**
 * The `cto` command line: a thin layer over the library. Each subcommand lives in its own
 * module and registers itself here; only this folder prints, reads argv or exits.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerCheck } from './check.js';
import { registerVerify } from './verify.js';
import { registerExplain } from './explain.js';
import { registerPredict } from './predict.js';
import { registerRun } from './run.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command();
program
  .name('cto')
  .description('Verify Concerto reconfiguration programs (.cto) before they touch a machine.')
  .version(pkg.version)
  .showHelpAfterError('(run `cto --help` for usage)')
  .exitOverride((err) => {
    // Usage errors exit 2 (bad input or usage); help and version exit 0.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

// Subcommand registrations (one line each):
// REGISTER-COMMANDS
registerCheck(program);
registerVerify(program);
registerExplain(program);
registerPredict(program);
registerRun(program);

await program.parseAsync(process.argv);
