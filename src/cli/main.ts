import { Command } from 'commander';
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

await buildProgram().parseAsync(process.argv);
