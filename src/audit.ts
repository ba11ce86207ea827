import { userInfo } from 'node:os';
import type { Logger } from './log.js';

/**
 * Audit trail of administrative changes (issue 10 §11): one structured log line per change to tokens,
 * organisations, CPAs, routes and users, saying who did it. Services call `audit.record(...)` after the change
 * is stored; the API, the portal and the CLI pass the actor in. Never payloads or secrets: `details` holds ids,
 * names and statuses only.
 */

/** Who made a change: an API token, a portal user, the command line (the OS user) or the process itself. */
export type Actor =
  | { kind: 'token'; id: string; organisationId: string }
  | { kind: 'user'; id: string; organisationId?: string }
  | { kind: 'cli'; id: string }
  | { kind: 'system'; id: string };

export type AuditAction =
  | 'token.create' | 'token.revoke'
  | 'organisation.add'
  | 'cpa.generate' | 'cpa.import' | 'cpa.activate' | 'cpa.withdraw'
  | 'route.set' | 'route.delete' | 'ketenpartner.set'
  | 'user.create' | 'user.update' | 'user.delete';

export interface AuditEntry {
  action: AuditAction;
  /** The changed object: a token id, organisation id, CPAId, route key… */
  target: string;
  actor: Actor;
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditLog {
  record(actor: Actor, action: AuditAction, target: string, details?: AuditEntry['details']): void;
}

/** Audit lines go to the structured log at info level with `audit: true`, so they can be filtered out. */
export function auditLog(logger: Logger): AuditLog {
  return {
    record(actor, action, target, details) {
      logger.info({ audit: true, action, target, actor, ...(details ? { details } : {}) }, `audit: ${action} ${target}`);
    },
  };
}

/** An audit log that writes nothing (unit tests of services that do not look at the trail). */
export const noAudit: AuditLog = { record() { /* nothing */ } };

/** The command line as actor: the OS user that ran `knooppunt`. */
export function cliActor(): Actor {
  let name = 'unknown';
  try { name = userInfo().username; } catch { /* no passwd entry (containers) */ }
  return { kind: 'cli', id: name };
}

/** The process itself (a Ping Pong activation, the expiry sweep). */
export const SYSTEM: Actor = { kind: 'system', id: 'knooppunt' };
