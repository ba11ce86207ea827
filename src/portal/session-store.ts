/**
 * express-session's store interface over the knooppunt Store's sessions repository (issue 16 §1: sessions kept in
 * the store, so several instances can share them later). The session's expiry is the idle timeout: the cookie is
 * rolling, so every request moves it forward; an expired row is never returned and is purged periodically.
 */
import session from 'express-session';
import type { SessionRepository } from '../store/store.js';

type Cb<T = void> = (err?: unknown, value?: T) => void;

export class StoreSessionAdapter extends session.Store {
  readonly #repo: SessionRepository;
  readonly #idleMs: number;

  constructor(repo: SessionRepository, idleMs: number) {
    super();
    this.#repo = repo;
    this.#idleMs = idleMs;
  }

  #expiry(sess: session.SessionData): string {
    const e = sess.cookie?.expires;
    return (e ? new Date(e) : new Date(Date.now() + this.#idleMs)).toISOString();
  }

  override get(sid: string, cb: Cb<session.SessionData | null>): void {
    this.#repo.get(sid, new Date().toISOString())
      .then((r) => cb(undefined, r ? (JSON.parse(r.data) as session.SessionData) : null), cb);
  }

  override set(sid: string, sess: session.SessionData, cb?: Cb): void {
    this.#repo.set({ sid, userId: sess.userId ?? null, data: JSON.stringify(sess), expiresAt: this.#expiry(sess) })
      .then(() => cb?.(), (e: unknown) => cb?.(e));
  }

  override touch(sid: string, sess: session.SessionData, cb?: Cb): void {
    this.#repo.touch(sid, this.#expiry(sess)).then(() => cb?.(), (e: unknown) => cb?.(e));
  }

  override destroy(sid: string, cb?: Cb): void {
    this.#repo.destroy(sid).then(() => cb?.(), (e: unknown) => cb?.(e));
  }
}

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    /** One-time notice shown on the next page (after a redirect). */
    flash?: { kind: 'ok' | 'error'; text: string };
  }
}
