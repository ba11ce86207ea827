import { Command } from 'commander';
import { reportError } from './common.js';
import { registerConfig } from './config.js';
import { registerCpa } from './cpa.js';
import { registerDemo } from './demo.js';
import { registerEbms } from './ebms.js';
import { registerInit } from './init.js';
import { registerOrgs } from './orgs.js';
import { registerRoutes } from './routes.js';
import { registerServe } from './serve.js';
import { registerUsers } from './users.js';
import { registerValidate } from './validate.js';

/** `knooppunt <command>`: one file per command group; every command has --help. */
export function buildProgram(): Command {
  const program = new Command('knooppunt')
    .description('Digikoppeling ebMS2 gateway for iWmo/iJw: CPA Beheer, ebMS2 MSH, StUF-GGk routing')
    .version('0.1.0')
    .showHelpAfterError();
  registerServe(program);
  registerInit(program);
  registerConfig(program);
  registerOrgs(program);
  registerCpa(program);
  registerEbms(program);
  registerRoutes(program);
  registerUsers(program);
  registerValidate(program);
  registerDemo(program);
  return program;
}

// Issue 10 §14: a reader that goes away (`knooppunt messages list | head`) ends the command with one line, not a
// stack trace; anything thrown outside a command's own handling too.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      if (stream === process.stdout) process.stderr.write('error: the output was closed before the end (EPIPE)\n', () => process.exit(1));
      else process.exit(1);
      return;
    }
    throw e;
  });
}
process.on('uncaughtException', (e) => { reportError(e); process.exit(1); });
process.on('unhandledRejection', (e) => { reportError(e); process.exit(1); });

await buildProgram().parseAsync(process.argv);
