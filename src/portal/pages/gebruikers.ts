/**
 * Gebruikers (issue 16 §1, seed 001 §1.2/§4): the gebruikersbeheerder manages the accounts of its own organisation
 * and their rights per product ("Per product kan de gebruikersbeheerder bepalen welke medewerker wel of geen
 * toegang mag hebben tot dit product"). The hub operator's gebruikersbeheerder may manage every organisation.
 * New and reset passwords are shown once on the response page (never stored in the session or logged).
 */
import { Router, type Request, type Response } from 'express';
import { GatewayError, isGatewayError, type Problem } from '../../errors.js';
import type { Organisation } from '../../registry/model.js';
import type { Viewer } from '../access.js';
import type { PortalContext } from '../context.js';
import { requirePage } from '../guard.js';
import { PRODUCTS, ROLE_LABELS, ROLES } from '../model.js';
import { flash, renderPage } from '../render.js';
import type { PortalUser } from '../users.js';

const PATH = '/gebruikers';
const EXTRA_ROLES = ROLES.filter((r) => r !== 'gebruiker').map((r) => ({ value: r, label: ROLE_LABELS[r] }));
const PRODUCT_OPTIONS = PRODUCTS.map((p) => ({ value: p.id, label: p.label }));

function list(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
}

function fieldErrors(problems: Problem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of problems) out[p.path.split('.')[0]!] ??= p.message;
  return out;
}

export function gebruikersRoutes(ctx: PortalContext): Router {
  const r = Router();

  /** Organisations the viewer may manage: its own; the operator every one. */
  const manageable = async (v: Viewer): Promise<Organisation[]> => (v.isOperator ? ctx.organisations.list() : [v.organisation]);

  /** A user the viewer may manage, else 404 (no hint that it exists in another organisation). */
  const managedUser = async (v: Viewer, id: string): Promise<PortalUser> => {
    const u = await ctx.users.get(id);
    if (!u || (!v.isOperator && u.organisationId !== v.organisation.id)) throw new GatewayError('ERR_NOT_FOUND', `geen gebruiker ${id}`);
    return u;
  };

  const audit = (v: Viewer, action: string, target: PortalUser, detail: Record<string, unknown> = {}) => {
    ctx.logger.info({ audit: true, action, by: v.user.username, byOrganisation: v.organisation.id, user: target.username, organisationId: target.organisationId, ...detail }, `portal user ${action}`);
  };

  const showList = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const { viewer } = requirePage(res, PATH);
    const orgs = await manageable(viewer);
    const orgFilter = viewer.isOperator && typeof req.query.organisatie === 'string' ? req.query.organisatie : viewer.isOperator ? undefined : viewer.organisation.id;
    if (orgFilter !== undefined && !orgs.some((o) => o.id === orgFilter)) throw new GatewayError('ERR_NOT_FOUND', 'geen organisatie');
    const users = await ctx.users.list(orgFilter);
    renderPage(req, res, 'gebruikers.njk', {
      title: 'Gebruikers', users, orgs, orgFilter, roleOptions: EXTRA_ROLES, productOptions: PRODUCT_OPTIONS,
      roleLabels: ROLE_LABELS, productLabels: Object.fromEntries(PRODUCTS.map((p) => [p.id, p.label])),
      form: { organisationId: orgFilter ?? viewer.organisation.id, username: '', name: '', roles: [], products: [] }, errors: {}, ...extra,
    }, status);
  };

  r.get(PATH, async (req, res) => { await showList(req, res); });

  r.post(PATH, async (req, res) => {
    const { viewer } = requirePage(res, PATH);
    const body = req.body as Record<string, unknown>;
    const organisationId = viewer.isOperator && typeof body.organisationId === 'string' ? body.organisationId : viewer.organisation.id;
    const form = { organisationId, username: String(body.username ?? ''), name: String(body.name ?? ''), roles: list(body.roles), products: list(body.products) };
    try {
      const { user, password } = await ctx.users.add({ organisationId, username: form.username, name: form.name, roles: form.roles, products: form.products }, viewer.user.username);
      audit(viewer, 'added', user, { roles: user.roles, products: user.products });
      await showList(req, res, { created: { user, password }, form: { ...form, username: '', name: '', roles: [], products: [] } });
    } catch (e) {
      if (!isGatewayError(e) || (e.code !== 'ERR_VALIDATION' && e.code !== 'ERR_CONFLICT')) throw e;
      const errors = e.code === 'ERR_CONFLICT' ? { username: 'Deze gebruikersnaam bestaat al.' } : fieldErrors(e.problems);
      await showList(req, res, { form, errors }, 400);
    }
  });

  r.get(`${PATH}/:id`, async (req, res) => {
    const { viewer } = requirePage(res, PATH);
    const user = await managedUser(viewer, req.params.id);
    renderPage(req, res, 'gebruiker.njk', { title: `Gebruiker ${user.username}`, user, roleOptions: EXTRA_ROLES, productOptions: PRODUCT_OPTIONS, errors: {} });
  });

  r.post(`${PATH}/:id`, async (req, res) => {
    const { viewer } = requirePage(res, PATH);
    const user = await managedUser(viewer, req.params.id);
    const body = req.body as Record<string, unknown>;
    const back = `${PATH}/${encodeURIComponent(user.id)}`;
    switch (body.actie) {
      case 'rechten': {
        const roles = list(body.roles);
        // A gebruikersbeheerder cannot take its own beheer right away (the organisation would be left without one).
        if (user.id === viewer.user.id && !roles.includes('gebruikersbeheerder')) roles.push('gebruikersbeheerder');
        const updated = await ctx.users.setRights(user.id, { roles, products: list(body.products) }, viewer.user.username);
        audit(viewer, 'rights changed', updated, { roles: updated.roles, products: updated.products });
        flash(req, 'ok', `De rechten van ${updated.username} zijn opgeslagen.`);
        break;
      }
      case 'uitschakelen':
      case 'inschakelen': {
        if (user.id === viewer.user.id) throw new GatewayError('ERR_CONFLICT', 'u kunt uzelf niet uitschakelen');
        const updated = await ctx.users.setDisabled(user.id, body.actie === 'uitschakelen', viewer.user.username);
        audit(viewer, body.actie === 'uitschakelen' ? 'disabled' : 'enabled', updated);
        flash(req, 'ok', `${updated.username} is ${body.actie === 'uitschakelen' ? 'uitgeschakeld' : 'weer ingeschakeld'}.`);
        break;
      }
      case 'wachtwoord': {
        const { user: updated, password } = await ctx.users.resetPassword(user.id, viewer.user.username);
        audit(viewer, 'password reset', updated);
        renderPage(req, res, 'gebruiker.njk', { title: `Gebruiker ${updated.username}`, user: updated, roleOptions: EXTRA_ROLES, productOptions: PRODUCT_OPTIONS, errors: {}, password });
        return;
      }
      default:
        throw new GatewayError('ERR_VALIDATION', 'onbekende actie');
    }
    res.redirect(303, back);
  });
  return r;
}
