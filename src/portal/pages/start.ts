/** After login: the start page (who you are, for which gemeenten you act, where to go). */
import { Router } from 'express';
import { productsOf, type Viewer } from '../access.js';
import type { PortalContext } from '../context.js';
import { ROLE_LABELS } from '../model.js';
import { renderPage } from '../render.js';

export function startRoutes(_ctx: PortalContext): Router {
  const r = Router();
  r.get('/start', (req, res) => {
    const v = res.locals.viewer as Viewer;
    renderPage(req, res, 'start.njk', {
      title: 'Portaal',
      roles: v.user.roles.map((role) => ROLE_LABELS[role]),
      products: productsOf(v).map((p) => p.label),
    });
  });
  return r;
}
