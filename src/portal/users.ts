/**
 * Portal accounts (issue 16 §1): local users per organisation, passwords hashed with scrypt (node:crypto), roles
 * and product rights (seed 001 §1.2), lock-out after repeated wrong passwords. Used by the portal and by
 * `knooppunt users`; reaches the store only through its users and sessions repositories.
 */
import { cliActor, type Actor, type AuditLog } from '../audit.js';
import { randomBytes, randomUUID, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { GatewayError, ValidationError, type Problem } from '../errors.js';
import type { Organisation } from '../registry/model.js';
import type { Store, UserRecord } from '../store/store.js';
import { PRODUCT_IDS, ROLES, type ProductId, type Role } from './model.js';

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));

/** scrypt cost: N = 2^15, r = 8, p = 1 (OWASP password storage cheat sheet minimum), 32-byte key. */
const SCRYPT = { N: 32768, r: 8, p: 1, keylen: 32 };
const maxmem = 128 * SCRYPT.N * SCRYPT.r * 2;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 128 * Number(n) * Number(r) * 2 });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A password for a new account or a reset: 20 characters from an unambiguous alphabet (≈ 110 bits). */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

export const MIN_PASSWORD_LENGTH = 12;
const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,63}$/i;

/** A user as shown (never the hash). */
export type PortalUser = Omit<UserRecord, 'passwordHash' | 'roles' | 'products'> & { roles: Role[]; products: ProductId[] };

export function publicUser(u: UserRecord): PortalUser {
  const { passwordHash: _h, ...rest } = u;
  return { ...rest, roles: u.roles.filter((r): r is Role => ROLES.includes(r as Role)), products: u.products.filter((p): p is ProductId => PRODUCT_IDS.includes(p as ProductId)) };
}

export interface NewUser {
  organisationId: string;
  username: string;
  name?: string;
  roles?: string[];
  products?: string[];
  password?: string;
}

export type LoginResult =
  | { ok: true; user: PortalUser }
  | { ok: false; reason: 'invalid' | 'locked' | 'disabled' };

export interface UserServiceOptions {
  store: Store;
  lockoutAttempts: number;
  lockoutMinutes: number;
  now?: () => Date;
  /** Audit trail of account changes (issue 10 §11). */
  audit?: AuditLog;
}

/** `by` as the services receive it (a user id, 'cli', 'first start' or null) as an audit actor. */
function actorOf(by: string | null): Actor {
  if (by === null || by === 'first start') return { kind: 'system', id: by ?? 'knooppunt' };
  if (by === 'cli') return cliActor();
  return { kind: 'user', id: by };
}

export class UserService {
  readonly #store: Store;
  readonly #opts: UserServiceOptions;
  readonly #now: () => Date;
  /** A hash to verify against when the username is unknown, so that timing does not tell which names exist. */
  #dummy: Promise<string> | undefined;

  constructor(opts: UserServiceOptions) {
    this.#store = opts.store;
    this.#opts = opts;
    this.#now = opts.now ?? (() => new Date());
  }

  #audit(action: 'user.create' | 'user.update', rec: UserRecord, by: string | null, details: Record<string, string | boolean>): void {
    this.#opts.audit?.record(actorOf(by), action, rec.id, { username: rec.username, organisationId: rec.organisationId, ...details });
  }

  static validate(input: Partial<NewUser>, orgExists: boolean): Problem[] {
    const problems: Problem[] = [];
    if (!orgExists) problems.push({ path: 'organisationId', message: `no organisation ${String(input.organisationId)}` });
    if (typeof input.username !== 'string' || !USERNAME.test(input.username)) {
      problems.push({ path: 'username', message: '2 to 64 characters: letters, digits and . _ @ -, starting with a letter or digit' });
    }
    problems.push(...UserService.validateRights(input.roles ?? [], input.products ?? []));
    if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
      problems.push({ path: 'password', message: `at least ${MIN_PASSWORD_LENGTH} characters` });
    }
    return problems;
  }

  static validateRights(roles: string[], products: string[]): Problem[] {
    const problems: Problem[] = [];
    for (const r of roles) if (!ROLES.includes(r as Role)) problems.push({ path: 'roles', message: `unknown role ${r}; one of ${ROLES.join(', ')}` });
    for (const p of products) if (!PRODUCT_IDS.includes(p as ProductId)) problems.push({ path: 'products', message: `unknown product ${p}; one of ${PRODUCT_IDS.join(', ')}` });
    return problems;
  }

  /** Create an account; returns it with the password (generated when not given) to hand over once. */
  async add(input: NewUser, by: string | null): Promise<{ user: PortalUser; password: string }> {
    const org = await this.#store.organisations.get(input.organisationId);
    const problems = UserService.validate(input, org !== null);
    if (problems.length > 0) throw new ValidationError('Invalid user', problems);
    if (await this.#store.users.findByUsername(input.username)) throw new GatewayError('ERR_CONFLICT', `user ${input.username} exists already`);
    const password = input.password ?? generatePassword();
    const at = this.#now().toISOString();
    const roles = [...new Set(['gebruiker', ...(input.roles ?? [])])].filter((r) => ROLES.includes(r as Role));
    const rec: UserRecord = {
      id: randomUUID(), organisationId: input.organisationId, username: input.username.toLowerCase(), name: input.name?.trim() || input.username,
      passwordHash: await hashPassword(password), roles, products: [...new Set(input.products ?? [])],
      failedLogins: 0, lockedUntil: null, disabledAt: null, createdAt: at, updatedAt: at, updatedBy: by,
    };
    await this.#store.users.insert(rec);
    this.#audit('user.create', rec, by, { roles: rec.roles.join(','), products: rec.products.join(',') });
    return { user: publicUser(rec), password };
  }

  async get(id: string): Promise<PortalUser | null> {
    const u = await this.#store.users.get(id);
    return u ? publicUser(u) : null;
  }

  async findByUsername(username: string): Promise<PortalUser | null> {
    const u = await this.#store.users.findByUsername(username);
    return u ? publicUser(u) : null;
  }

  async list(organisationId?: string): Promise<PortalUser[]> {
    return (await this.#store.users.list(organisationId ? { organisationId } : {})).map(publicUser);
  }

  async count(): Promise<number> {
    return this.#store.users.count();
  }

  /** Check a password; counts failures and locks the account after `lockoutAttempts` in a row. */
  async login(username: string, password: string): Promise<LoginResult> {
    const u = await this.#store.users.findByUsername(username.trim());
    if (!u) {
      await verifyPassword(password, await (this.#dummy ??= hashPassword(generatePassword())));
      return { ok: false, reason: 'invalid' };
    }
    const now = this.#now();
    // A disabled account says so only to whoever knows its password (no hint to guessers).
    if (u.disabledAt) return { ok: false, reason: (await verifyPassword(password, u.passwordHash)) ? 'disabled' : 'invalid' };
    if (u.lockedUntil && Date.parse(u.lockedUntil) > now.getTime()) return { ok: false, reason: 'locked' };
    if (!(await verifyPassword(password, u.passwordHash))) {
      const failed = u.failedLogins + 1;
      const lock = failed >= this.#opts.lockoutAttempts;
      await this.#store.users.update({ ...u, failedLogins: lock ? 0 : failed, lockedUntil: lock ? new Date(now.getTime() + this.#opts.lockoutMinutes * 60_000).toISOString() : u.lockedUntil });
      return { ok: false, reason: lock ? 'locked' : 'invalid' };
    }
    const fresh = { ...u, failedLogins: 0, lockedUntil: null };
    if (u.failedLogins !== 0 || u.lockedUntil !== null) await this.#store.users.update(fresh);
    return { ok: true, user: publicUser(fresh) };
  }

  async setDisabled(id: string, disabled: boolean, by: string | null): Promise<PortalUser> {
    const u = await this.#require(id);
    const rec = { ...u, disabledAt: disabled ? u.disabledAt ?? this.#now().toISOString() : null, updatedAt: this.#now().toISOString(), updatedBy: by };
    await this.#store.users.update(rec);
    this.#audit('user.update', rec, by, { disabled });
    if (disabled) await this.#store.sessions.destroyForUser(id);
    return publicUser(rec);
  }

  /** A new password (generated when not given); ends the user's sessions and lifts a lock. */
  async resetPassword(id: string, by: string | null, password: string = generatePassword()): Promise<{ user: PortalUser; password: string }> {
    if (password.length < MIN_PASSWORD_LENGTH) throw new ValidationError('Invalid password', [{ path: 'password', message: `at least ${MIN_PASSWORD_LENGTH} characters` }]);
    const u = await this.#require(id);
    const rec = { ...u, passwordHash: await hashPassword(password), failedLogins: 0, lockedUntil: null, updatedAt: this.#now().toISOString(), updatedBy: by };
    await this.#store.users.update(rec);
    this.#audit('user.update', rec, by, { passwordReset: true });
    await this.#store.sessions.destroyForUser(id);
    return { user: publicUser(rec), password };
  }

  /** Set roles and product rights; takes effect at the user's next request (rights are read per request). */
  async setRights(id: string, rights: { roles: string[]; products: string[] }, by: string | null): Promise<PortalUser> {
    const problems = UserService.validateRights(rights.roles, rights.products);
    if (problems.length > 0) throw new ValidationError('Invalid rights', problems);
    const u = await this.#require(id);
    const rec = { ...u, roles: [...new Set(['gebruiker', ...rights.roles])], products: [...new Set(rights.products)], updatedAt: this.#now().toISOString(), updatedBy: by };
    await this.#store.users.update(rec);
    this.#audit('user.update', rec, by, { roles: rec.roles.join(','), products: rec.products.join(',') });
    return publicUser(rec);
  }

  /**
   * First start (issue 16 §1): when there are no accounts yet, a gebruikersbeheerder (also productbeheerder, all
   * products) of the hub operator's organisation. Returns the credentials to show once, or null.
   */
  async ensureFirstAccount(hub: Organisation): Promise<{ username: string; password: string } | null> {
    if ((await this.#store.users.count()) > 0) return null;
    const { user, password } = await this.add({
      organisationId: hub.id, username: 'beheerder', name: 'Eerste beheerder',
      roles: ['gebruikersbeheerder', 'productbeheerder'], products: [...PRODUCT_IDS],
    }, 'first start');
    return { username: user.username, password };
  }

  async #require(id: string): Promise<UserRecord> {
    const u = await this.#store.users.get(id);
    if (!u) throw new GatewayError('ERR_NOT_FOUND', `no user ${id}`);
    return u;
  }
}
