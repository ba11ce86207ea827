/** Ketendata: a place in the navigation; its own issue fills the page (issue 16 §2). */
import { Router } from 'express';
import type { PortalContext } from '../context.js';
import { renderPage } from '../render.js';

export function ketendataRoutes(_ctx: PortalContext): Router {
  const r = Router();
  r.get('/ketendata', (req, res) => { renderPage(req, res, 'ketendata.njk', { title: 'Ketendata' }); });
  return r;
}
