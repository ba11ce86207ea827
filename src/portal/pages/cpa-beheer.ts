/**
 * CPA Beheer (seed 002 §3.3, productbeheerder): the form of §3.3.3 (profielnaam, OIN/HRN, ingangsdatum,
 * einddatum, connectietype, endpoint, server and client certificate pasted as PEM), every validation problem at its
 * field; the table `Download CPA` (§3.3.4) with status and the CPA to download; the Ping Pong test (§3.3.5) whose
 * success activates the CPA. Reaches the core through CpaService and the MSH only.
 */
import { Router, type Request, type Response } from 'express';
import { cpaSummary } from '../../api/cpas.js';
import type { CpaBeheerFields } from '../../cpa/generate-input.js';
import { GatewayError, isGatewayError, type Problem } from '../../errors.js';
import { oinOf, type Organisation } from '../../registry/model.js';
import type { CpaRecord } from '../../store/store.js';
import type { Viewer } from '../access.js';
import type { PortalContext } from '../context.js';
import { chooseGemeente, requirePage } from '../guard.js';
import { inDutch } from '../meldingen.js';
import { flash, renderPage } from '../render.js';
import { attachment } from './ophalen.js';

const PATH = '/cpa-beheer';
const FIELDS = ['profielnaam', 'oin', 'hrn', 'ingangsdatum', 'einddatum', 'connectietype', 'endpoint', 'serverCertPem', 'clientCertPem', 'berichtstroom'] as const;

export const STATUS_LABELS: Record<string, string> = {
  aangevraagd: 'Aangevraagd', gegenereerd: 'Gegenereerd (wacht op Ping Pong)', geactiveerd: 'Geactiveerd', verlopen: 'Verlopen', ingetrokken: 'Ingetrokken',
};

/** Seed 002 §3.3.3: "Let op dat er geen laatste lege regel wordt mee gekopieerd!" — here it does not matter. */
export function normalisePem(v: unknown): string {
  return typeof v === 'string' ? `${v.replace(/\r\n?/g, '\n').trim()}\n` : '';
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

export function cpaBeheerRoutes(ctx: PortalContext): Router {
  const r = Router();

  const visibleOins = (v: Viewer, g: Organisation | null): string[] => (g ? g.oins : v.isOperator ? [] : []);

  const show = async (req: Request, res: Response, data: Record<string, unknown> = {}, status = 200) => {
    const { viewer } = requirePage(res, PATH);
    const gemeente = chooseGemeente(viewer, req.query.gemeente ?? (req.body as Record<string, unknown> | undefined)?.gemeente);
    const oins = visibleOins(viewer, gemeente);
    const cpas = oins.length > 0 ? (await ctx.cpas.list({ partyOins: oins })).map((c) => cpaSummary(c)) : [];
    renderPage(req, res, 'cpa-beheer.njk', {
      title: 'CPA Beheer', gemeente, cpas, statusLabels: STATUS_LABELS, action: PATH, productLabels: { iwmo: 'iWmo', ijw: 'iJw' },
      form: { connectietype: 'diginetwerk', berichtstroom: 'iwmo', oin: gemeente?.oins[0] ?? '' }, errors: {}, ...data,
    }, status);
  };

  /**
   * The CPA record, when it belongs to a gemeente the viewer acts for (else 404, no hint that it exists): looked up
   * among the CPAs of the viewer's OINs, so nothing of another gemeente's CPA is read or parsed.
   */
  const visibleCpa = async (v: Viewer, cpaId: string): Promise<{ record: CpaRecord; gemeente: Organisation }> => {
    const oins = v.gemeenten.flatMap((g) => g.oins);
    const record = oins.length > 0 ? (await ctx.cpas.list({ partyOins: oins })).find((c) => c.cpaId === cpaId) : undefined;
    const gemeente = record ? v.gemeenten.find((g) => g.oins.includes(oinOf(record.partyOin))) : undefined;
    if (!record || !gemeente) throw new GatewayError('ERR_CPA_NOT_FOUND', `geen CPA ${cpaId}`);
    return { record, gemeente };
  };

  r.get(PATH, async (req, res) => { await show(req, res); });

  r.post(PATH, async (req, res) => {
    const { viewer } = requirePage(res, PATH);
    const body = req.body as Record<string, unknown>;
    const gemeente = chooseGemeente(viewer, body.gemeente);
    if (!gemeente) throw new GatewayError('ERR_FORBIDDEN', 'u handelt niet voor een gemeente');
    const form = Object.fromEntries(FIELDS.map((f) => [f, f.endsWith('Pem') ? normalisePem(body[f]).trim() : text(body[f])])) as Record<(typeof FIELDS)[number], string>;
    const fields: CpaBeheerFields = {
      profielnaam: form.profielnaam, ingangsdatum: form.ingangsdatum, einddatum: form.einddatum, connectietype: form.connectietype.toLowerCase(),
      endpoint: form.endpoint, serverCertPem: normalisePem(body.serverCertPem), clientCertPem: normalisePem(body.clientCertPem), berichtstroom: form.berichtstroom,
      ...(form.oin ? { oin: form.oin } : {}), ...(form.hrn ? { hrn: form.hrn } : {}),
    };
    const errors: Record<string, string> = {};
    // The OIN must be one the registry authorises for this gemeente (seed 002 §3.3.3: the gemeente's own, or its dienstverlener's HRN).
    const requested = form.oin ? oinOf(form.oin) : form.hrn ? `00000003${form.hrn}0000` : '';
    if (requested && /^\d{20}$/.test(requested) && !gemeente.oins.includes(requested)) {
      errors[form.oin ? 'oin' : 'hrn'] = `Dit nummer is niet geregistreerd als OIN van ${gemeente.name}.`;
    }
    if (Object.keys(errors).length === 0) {
      try {
        const { record } = await ctx.cpas.generate(fields, { organisationId: gemeente.id });
        ctx.logger.info({ audit: true, action: 'cpa generated', by: viewer.user.username, cpaId: record.cpaId, organisationId: gemeente.id }, 'portal CPA generated');
        flash(req, 'ok', `CPA ${record.cpaId} is gegenereerd. Download de CPA, installeer hem in uw Digikoppeling-adapter en voer daarna de Ping Pong test uit.`);
        res.redirect(303, `${PATH}?gemeente=${encodeURIComponent(gemeente.code)}`);
        return;
      } catch (e) {
        if (!isGatewayError(e) || e.problems.length === 0) throw e;
        for (const p of e.problems as Problem[]) {
          if (p.severity === 'warning') continue;
          const field = p.path.split('.')[0]!;
          errors[FIELDS.includes(field as (typeof FIELDS)[number]) ? field : 'algemeen'] ??= inDutch(p.message);
        }
      }
    }
    await show(req, res, { form, errors }, 400);
  });

  r.get(`${PATH}/:cpaId/download`, async (req, res) => {
    const { viewer } = requirePage(res, PATH);
    const loaded = await visibleCpa(viewer, req.params.cpaId);
    res.setHeader('Content-Type', 'application/xml; charset=utf-8');
    res.setHeader('Content-Disposition', attachment(`${loaded.record.cpaId}.xml`));
    res.send(loaded.record.xml);
  });

  r.post(`${PATH}/:cpaId/ping`, async (req, res) => {
    const { viewer } = requirePage(res, PATH);
    const { record, gemeente } = await visibleCpa(viewer, req.params.cpaId);
    const loaded = { record };
    try {
      const result = await ctx.msh.ping(loaded.record.cpaId);
      const after = await ctx.cpas.get(loaded.record.cpaId);
      flash(req, 'ok', `Ping Pong geslaagd: Pong ontvangen in ${Math.round(result.roundTripMs)} ms. De CPA is nu ${after?.record.status === 'geactiveerd' ? 'geactiveerd' : after?.record.status ?? 'onbekend'}.`);
    } catch (e) {
      if (isGatewayError(e) && e.code === 'ERR_CPA_STATE') {
        // Refused locally, nothing sent (issue 10 §6): a withdrawn or expired CPA, or one outside its period.
        const status = STATUS_LABELS[record.status] ?? record.status;
        flash(req, 'error', `Ping Pong niet verstuurd: de CPA is ${status.toLowerCase()} of niet geldig op dit moment. Vraag zo nodig een nieuwe CPA aan.`);
      } else {
        if (!isGatewayError(e) || e.httpStatus < 500) throw e;
        flash(req, 'error', `Ping Pong mislukt: ${e.message}. De CPA is niet geactiveerd.`);
      }
    }
    res.redirect(303, `${PATH}?gemeente=${encodeURIComponent(gemeente.code)}`);
  });
  return r;
}
