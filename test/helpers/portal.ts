import request from 'supertest';
import { createApiApp } from '../../src/api/app.js';
import { portalRouter } from '../../src/portal/app.js';
import type { PortalContext } from '../../src/portal/context.js';
import { UserService } from '../../src/portal/users.js';
import { testApiContext, type TestApiContext } from './api.js';

/** A portal context over an in-memory store (hub registered), with fast lock-out settings for tests. */
export async function testPortalContext(): Promise<PortalContext & { store: TestApiContext['store'] }> {
  const ctx = await testApiContext();
  return {
    ...ctx,
    users: new UserService({ store: ctx.store, lockoutAttempts: ctx.config.portal.lockoutAttempts, lockoutMinutes: ctx.config.portal.lockoutMinutes }),
    routes: ctx.routing,
  };
}

export function portalApp(ctx: PortalContext) {
  return createApiApp(ctx, [], portalRouter(ctx));
}

/** The CSRF token of a page's first form. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token in the page');
  return m[1]!;
}

/** An agent (cookie jar) logged in as `username`. */
export async function loginAgent(app: ReturnType<typeof portalApp>, username: string, password: string) {
  const agent = request.agent(app);
  const page = await agent.get('/').expect(200);
  const res = await agent.post('/login').type('form').send({ _csrf: csrfOf(page.text), username, password, next: '/start' });
  if (res.status !== 303) throw new Error(`login of ${username} failed: ${res.status}`);
  return agent;
}
