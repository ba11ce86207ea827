/**
 * The portal's page modules, in navigation order. Adding a page: a route module here, its template in
 * `views/portal/`, and its entry (label, path, role, per product) in `src/portal/nav.ts`.
 */
import type { Router } from 'express';
import type { PortalContext } from '../context.js';
import { startRoutes } from './start.js';
import { aanleverenRoutes } from './aanleveren.js';
import { berichtenlogRoutes } from './berichtenlog.js';
import { cpaBeheerRoutes } from './cpa-beheer.js';
import { gebruikersRoutes } from './gebruikers.js';
import { ketendataRoutes } from './ketendata.js';
import { ophalenRoutes } from './ophalen.js';
import { routerenRoutes } from './routeren.js';

export type PortalPage = (ctx: PortalContext) => Router;

export const PAGES: PortalPage[] = [startRoutes, aanleverenRoutes, ophalenRoutes, berichtenlogRoutes, cpaBeheerRoutes, routerenRoutes, gebruikersRoutes, ketendataRoutes];
