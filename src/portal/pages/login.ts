/** Login and logout (issue 16 §1): `/` shows the login form; rate limited per client address; session renewed. */
import { Router, type Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { PortalContext } from '../context.js';
import { renderPage } from '../render.js';

/** Only a local path may be the target after login (no open redirect). */
export function safeNext(v: unknown): string {
  return typeof v === 'string' && /^\/(?![/\\])/.test(v) && !v.startsWith('/login') ? v : '/start';
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

export function loginRoutes(ctx: PortalContext): Router {
  const r = Router();
  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: ctx.config.portal.loginRateLimit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => {
      renderPage(req, res, 'login.njk', { title: 'Inloggen', username: '', next: safeNext(req.body?.next), error: 'Te veel inlogpogingen vanaf dit adres. Probeer het over een kwartier opnieuw.' }, 429);
    },
  });

  const showLogin = (req: Request, res: Parameters<Parameters<Router['get']>[1]>[1]) => {
    if (req.session.userId) { res.redirect(303, '/start'); return; }
    renderPage(req, res, 'login.njk', { title: 'Inloggen', username: '', next: safeNext(req.query.next) });
  };
  r.get('/', showLogin);
  r.get('/login', showLogin);

  r.post('/login', limiter, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    const result = username && password ? await ctx.users.login(username, password) : { ok: false as const, reason: 'invalid' as const };
    if (!result.ok) {
      const error = result.reason === 'locked'
        ? `Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen. Probeer het over ${ctx.config.portal.lockoutMinutes} minuten opnieuw.`
        : result.reason === 'disabled' ? 'Dit account is uitgeschakeld. Neem contact op met de gebruikersbeheerder van uw organisatie.'
          : 'Gebruikersnaam of wachtwoord is onjuist.';
      ctx.logger.info({ username, reason: result.reason }, 'portal login refused');
      renderPage(req, res, 'login.njk', { title: 'Inloggen', username, next, error }, 401);
      return;
    }
    await regenerate(req);
    req.session.userId = result.user.id;
    ctx.logger.info({ userId: result.user.id, organisationId: result.user.organisationId }, 'portal login');
    res.redirect(303, next);
  });

  r.post('/logout', (req, res, next) => {
    req.session.destroy((err) => {
      if (err) { next(err); return; }
      res.clearCookie('knooppunt.sid', { path: '/' });
      res.redirect(303, '/');
    });
  });
  return r;
}
