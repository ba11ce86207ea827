/**
 * The portal (issue 16): server-rendered pages on the portal/API listener. Security middleware from well-kept
 * libraries: helmet (headers, CSP without inline script), express-session over the Store (HttpOnly, SameSite=Lax,
 * Secure behind TLS, idle timeout), csrf-sync (a synchronizer token on every form), express-rate-limit on login;
 * lock-out of an account after repeated wrong passwords is the UserService's.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import { GatewayError, isGatewayError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { gemeentenFor, isOperatorOrg, type Viewer } from './access.js';
import type { PortalContext } from './context.js';
import { loginRoutes } from './pages/login.js';
import { PAGES } from './pages/index.js';
import { renderPage } from './render.js';
import { StoreSessionAdapter } from './session-store.js';

export const SESSION_COOKIE = 'knooppunt.sid';

/** Stylesheets served by knooppunt itself from node_modules (no CDN): NL Design System components and tokens. */
const ASSETS: Record<string, string> = {
  'utrecht.css': join(packageRoot, 'node_modules', '@utrecht', 'component-library-css', 'dist', 'index.css'),
  'theme.css': join(packageRoot, 'node_modules', '@nl-design-system-unstable', 'voorbeeld-design-tokens', 'dist', 'theme.css'),
  'portal.css': join(packageRoot, 'views', 'assets', 'portal.css'),
};

export function portalRouter(ctx: PortalContext): Router {
  const r = Router();
  const idleMs = ctx.config.portal.sessionIdleMinutes * 60_000;
  r.use(helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], fontSrc: ["'self'"],
        formAction: ["'self'"], frameAncestors: ["'none'"], objectSrc: ["'none'"], baseUri: ["'self'"],
      },
    },
    // Plain HTTP on a developer's machine must keep working; HSTS is the TLS-terminating proxy's business.
    strictTransportSecurity: false,
  }));
  r.use((_req, res, next) => { res.setHeader('Cache-Control', 'no-store'); next(); });

  for (const [name, file] of Object.entries(ASSETS)) {
    r.get(`/assets/${name}`, (_req, res) => { res.setHeader('Cache-Control', 'public, max-age=3600'); res.sendFile(file); });
  }

  r.use(session({
    name: SESSION_COOKIE,
    secret: ctx.config.portal.sessionSecret || randomBytes(32).toString('hex'),
    store: new StoreSessionAdapter(ctx.store.sessions, idleMs),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: ctx.config.portal.cookieSecure === 'always' ? true : undefined,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.config.portal.cookieSecure === 'always' ? true : ctx.config.portal.cookieSecure === 'never' ? false : 'auto',
      maxAge: idleMs,
      path: '/',
    },
  }));
  r.use(express.urlencoded({ extended: true, limit: '2mb', parameterLimit: 5000 }));
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    // A form field; multipart forms (file upload) carry it in the query string, read before the body is streamed.
    getTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const field = body?._csrf;
      if (typeof field === 'string') return field;
      if (req.is('multipart/form-data') && typeof req.query._csrf === 'string') return req.query._csrf;
      const header = req.headers['x-csrf-token'];
      return typeof header === 'string' ? header : undefined;
    },
  });
  r.use((req, res, next) => { res.locals.csrfToken = () => generateToken(req); next(); });
  r.use(csrfSynchronisedProtection);

  r.use(loginRoutes(ctx));

  // Everything below needs a logged-in user; rights are read from the store on every request.
  r.use(async (req, res, next) => {
    const userId = req.session.userId;
    const user = userId ? await ctx.users.get(userId) : null;
    const organisation = user && !user.disabledAt ? await ctx.organisations.get(user.organisationId) : null;
    if (!user || !organisation) {
      if (req.method === 'GET') { res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`); return; }
      throw new GatewayError('ERR_UNAUTHENTICATED', 'niet ingelogd');
    }
    const isOperator = isOperatorOrg(organisation, ctx.config.hub.oin);
    const viewer: Viewer = { user, organisation, isOperator, gemeenten: await gemeentenFor(ctx.store, organisation, isOperator) };
    res.locals.viewer = viewer;
    next();
  });
  for (const page of PAGES) r.use(page(ctx));

  r.use((req: Request) => { throw new GatewayError('ERR_NOT_FOUND', `geen pagina ${req.path}`); });
  r.use(portalErrors(ctx));
  return r;
}

const ERROR_TEXT: Record<number, string> = {
  400: 'De invoer is niet in orde.',
  401: 'U bent niet (meer) ingelogd.',
  403: 'U heeft geen toegang tot deze pagina.',
  404: 'Deze pagina of dit bestand bestaat niet (of is niet voor u zichtbaar).',
  413: 'Het verzoek is te groot.',
  429: 'Te veel pogingen; probeer het later opnieuw.',
};

/** Errors as an HTML page with the right status; internal failures are logged, never shown. */
function portalErrors(ctx: PortalContext) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const e = err as { code?: string; status?: number; type?: string };
    let status = 500;
    if (isGatewayError(err)) status = err.httpStatus;
    else if (e.code === 'EBADCSRFTOKEN' || (e.status === 403 && /csrf/i.test(String((err as Error).message)))) status = 403;
    else if (e.type === 'entity.too.large') status = 413;
    else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) status = e.status;
    if (status >= 500) ctx.logger.error({ err, method: req.method, url: req.originalUrl }, 'portal request failed');
    const csrf = e.code === 'EBADCSRFTOKEN' || /csrf/i.test(String((err as Error)?.message ?? ''));
    const text = csrf ? 'Het formulier is verlopen of ongeldig (CSRF-controle). Laad de pagina opnieuw en probeer het nog eens.'
      : ERROR_TEXT[status] ?? 'Er ging iets mis aan onze kant. Probeer het later opnieuw.';
    if (res.headersSent) { res.end(); return; }
    renderPage(req, res, 'error.njk', { title: status === 404 ? 'Niet gevonden' : status === 403 ? 'Geen toegang' : 'Fout', status, text }, status);
  };
}
