/**
 * The portal's page modules, in navigation order. Adding a page: a route module here, its template in
 * `views/portal/`, and its entry (label, path, role, per product) in `src/portal/nav.ts`.
 */
import type { Router } from 'express';
import type { PortalContext } from '../context.js';
import { startRoutes } from './start.js';
import { ketendataRoutes } from './ketendata.js';

export type PortalPage = (ctx: PortalContext) => Router;

export const PAGES: PortalPage[] = [startRoutes, ketendataRoutes];
