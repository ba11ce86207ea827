/**
 * `knooppunt users add|list|disable|enable|reset-password` (issue 16 §1): portal accounts. Passwords are printed
 * once on stderr (never logged); add and reset-password generate one unless --password-stdin is given.
 */
import type { Command } from 'commander';
import type { LoadedConfig } from '../config/schema.js';
import { PRODUCT_IDS, ROLES } from '../portal/model.js';
import { UserService } from '../portal/users.js';
import { OrganisationService } from '../registry/organisations.js';
import { GatewayError } from '../errors.js';
import type { Store } from '../store/store.js';
import { action, addConfigOption, cliAudit, withStore, type ConfigOpts } from './common.js';

function service(store: Store, config: LoadedConfig): UserService {
  return new UserService({ store, audit: cliAudit(config), lockoutAttempts: config.portal.lockoutAttempts, lockoutMinutes: config.portal.lockoutMinutes });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function userByName(users: UserService, username: string) {
  const u = await users.findByUsername(username);
  if (!u) throw new GatewayError('ERR_NOT_FOUND', `no user ${username}`);
  return u;
}

/** The first account (first start / init): created when there are none; credentials shown once on stderr. */
export async function ensureFirstAccount(store: Store, config: LoadedConfig): Promise<boolean> {
  const hub = await new OrganisationService(store).ensureHub(config.hub.oin, config.hub.name);
  const first = await service(store, config).ensureFirstAccount(hub);
  if (!first) return false;
  process.stderr.write(`\n  First portal account (gebruikersbeheerder and productbeheerder of ${hub.name}), shown once:\n`
    + `    username: ${first.username}\n    password: ${first.password}\n  Log in at the portal and create the accounts of the organisations there or with \`knooppunt users add\`.\n\n`);
  return true;
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('portal accounts: roles gebruiker/productbeheerder/gebruikersbeheerder and product rights');
  addConfigOption(users.command('add'))
    .description('create a portal account; its password is printed once on stderr')
    .requiredOption('--org <ref>', 'organisation: gemeentecode, AGB code, OIN or organisation id')
    .requiredOption('--username <name>', 'login name')
    .option('--name <name>', 'full name')
    .option('--role <role...>', `extra roles: ${ROLES.filter((r) => r !== 'gebruiker').join(', ')}`, [])
    .option('--product <product...>', `product rights: ${PRODUCT_IDS.join(', ')}`, [])
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .action(action(async (opts: ConfigOpts & { org: string; username: string; name?: string; role: string[]; product: string[]; passwordStdin?: boolean }) => {
      await withStore(opts, async (store, config) => {
        const org = await new OrganisationService(store).resolve(opts.org);
        const { user, password } = await service(store, config).add({
          organisationId: org.id, username: opts.username, ...(opts.name ? { name: opts.name } : {}), roles: opts.role, products: opts.product,
          ...(opts.passwordStdin ? { password: await readStdin() } : {}),
        }, 'cli');
        console.log(`created ${user.username} (${org.id}); roles ${user.roles.join(', ')}; products ${user.products.join(', ') || '-'}`);
        if (!opts.passwordStdin) process.stderr.write(`password (shown once): ${password}\n`);
      });
    }));
  addConfigOption(users.command('list'))
    .description('list portal accounts')
    .option('--org <ref>', 'only this organisation')
    .option('--json', 'print JSON')
    .action(action(async (opts: ConfigOpts & { org?: string; json?: boolean }) => {
      await withStore(opts, async (store, config) => {
        const orgId = opts.org ? (await new OrganisationService(store).resolve(opts.org)).id : undefined;
        const list = await service(store, config).list(orgId);
        if (opts.json) { console.log(JSON.stringify(list, null, 2)); return; }
        for (const u of list) {
          const state = u.disabledAt ? 'disabled' : u.lockedUntil && Date.parse(u.lockedUntil) > Date.now() ? 'locked' : 'active';
          console.log(`${u.username.padEnd(24)} ${u.organisationId.padEnd(34)} ${state.padEnd(9)} ${u.roles.join(',')}  [${u.products.join(',')}]`);
        }
      });
    }));
  for (const [cmd, disabled] of [['disable', true], ['enable', false]] as const) {
    addConfigOption(users.command(`${cmd} <username>`))
      .description(disabled ? 'disable an account (its sessions end at once)' : 'enable a disabled account again')
      .action(action(async (username: string, opts: ConfigOpts) => {
        await withStore(opts, async (store, config) => {
          const svc = service(store, config);
          const u = await svc.setDisabled((await userByName(svc, username)).id, disabled, 'cli');
          console.log(`${u.username} ${disabled ? 'disabled' : 'enabled'}`);
        });
      }));
  }
  addConfigOption(users.command('reset-password <username>'))
    .description('set a new password (generated, printed once on stderr); ends the sessions and lifts a lock')
    .option('--password-stdin', 'read the new password from stdin')
    .action(action(async (username: string, opts: ConfigOpts & { passwordStdin?: boolean }) => {
      await withStore(opts, async (store, config) => {
        const svc = service(store, config);
        const u = await userByName(svc, username);
        const { password } = opts.passwordStdin ? await svc.resetPassword(u.id, 'cli', await readStdin()) : await svc.resetPassword(u.id, 'cli');
        console.log(`password of ${u.username} reset`);
        if (!opts.passwordStdin) process.stderr.write(`new password (shown once): ${password}\n`);
      });
    }));
}
