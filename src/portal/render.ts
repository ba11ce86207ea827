/**
 * Server-side rendering (issue 16 §2): nunjucks with autoescape on, templates in `views/portal/`. No HTML is
 * built from strings in code; every value reaches the page through a template and is escaped there.
 */
import { join } from 'node:path';
import type { Request, Response } from 'express';
import nunjucks from 'nunjucks';
import { packageRoot } from '../paths.js';
import type { Viewer } from './access.js';
import { navFor, type NavItem } from './nav.js';

export const VIEWS_DIR = join(packageRoot, 'views', 'portal');

const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: false }), { autoescape: true, throwOnUndefined: false });
/** 2026-11-29T18:40:00.000Z → 29-11-2026 19:40 (Europe/Amsterdam), the way Dutch pages show a moment. */
env.addFilter('datumtijd', (iso: unknown) => {
  if (typeof iso !== 'string' || iso === '') return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d).replace(',', '');
});
env.addFilter('datum', (iso: unknown) => (typeof iso === 'string' ? iso.slice(0, 10) : ''));

export interface PageData {
  title: string;
  [key: string]: unknown;
}

/** Render a page of the layout: the viewer's navigation, the CSRF token for its forms and a one-time notice. */
export function renderPage(req: Request, res: Response, template: string, data: PageData, status = 200): void {
  const viewer = res.locals.viewer as Viewer | undefined;
  const flash = req.session?.flash;
  if (flash) delete req.session.flash;
  const nav: NavItem[] = viewer ? navFor(viewer, req.path) : [];
  const html = env.render(template, {
    ...data,
    viewer,
    nav,
    path: req.path,
    flash,
    csrfToken: typeof res.locals.csrfToken === 'function' ? (res.locals.csrfToken as () => string)() : '',
  });
  res.status(status).type('html').send(html);
}

export function flash(req: Request, kind: 'ok' | 'error', text: string): void {
  req.session.flash = { kind, text };
}
