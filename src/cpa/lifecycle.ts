import type { CpaRecord, CpaStatus } from '../store/store.js';
import { parseCertificate } from '../pki/certificate.js';
import type { CollaborationProtocolAgreement } from './model.js';

/**
 * CPA lifecycle (issue "CPA Beheer" §4, seed 002 §3.3.5): aangevraagd → gegenereerd → geactiveerd (after a
 * successful Ping Pong) → verlopen (End passed) or ingetrokken (withdrawn). A withdrawn or expired CPA never
 * comes back; a new CPA is made instead (seed 002: "een nieuwe CPA is nodig als het endpoint wijzigt").
 */
const TRANSITIONS: Record<CpaStatus, readonly CpaStatus[]> = {
  aangevraagd: ['gegenereerd', 'ingetrokken'],
  gegenereerd: ['geactiveerd', 'verlopen', 'ingetrokken'],
  geactiveerd: ['geactiveerd', 'verlopen', 'ingetrokken'],
  verlopen: [],
  ingetrokken: [],
};

/**
 * The two ways a copy of a CPA becomes active (seed 002 §3.3.5: "Het Inlichtingenbureau activeert na een geslaagde
 * Ping Pong test de CPA"): this side sent a Ping and got the Pong, or the other party's Ping arrived here
 * (authenticated, CPA in its period) and was answered with a Pong. Both are recorded as CPA events.
 */
export const ACTIVATED_BY_PONG = 'geactiveerd (Ping Pong geslaagd)';
export const ACTIVATED_BY_PING = 'geactiveerd (Ping ontvangen en met Pong beantwoord)';

export interface ActivationView {
  /** This knooppunt's copy of the CPA. */
  thisSide: { active: boolean; at: string | null; by: 'our Ping, answered with a Pong' | 'the other party\'s Ping, answered with our Pong' | null };
  /**
   * The other party's copy, as far as this side can know: the Ping Pong that activated this side completed at the
   * other side too (it either got our Pong or answered our Ping), and an MSH that follows §3.3.5 activates then.
   */
  otherSide: { pingPongCompleted: boolean; at: string | null };
}

/** Which side is active, from the stored status and the CPA events (`cpa show`, GET /api/cpas/:id). */
export function activationOf(rec: CpaRecord, events: readonly { at: string; event: string }[], now: Date = new Date()): ActivationView {
  const last = [...events].reverse().find((e) => e.event === ACTIVATED_BY_PONG || e.event === ACTIVATED_BY_PING);
  const active = effectiveStatus(rec, now) === 'geactiveerd';
  const by = !last ? null : last.event === ACTIVATED_BY_PONG ? 'our Ping, answered with a Pong' as const : 'the other party\'s Ping, answered with our Pong' as const;
  return {
    thisSide: { active, at: active ? rec.activatedAt ?? last?.at ?? null : null, by: active ? by : null },
    otherSide: { pingPongCompleted: Boolean(last), at: last?.at ?? null },
  };
}

export function canTransition(from: CpaStatus, to: CpaStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Days before an End or certificate expiry at which a warning is raised (log, metric, API field). */
export const WARNING_DAYS = [30, 7] as const;

export interface ExpiryWarning {
  what: 'cpa' | 'certificate';
  /** For certificates: the CPA certId. */
  ref: string;
  expiresAt: string;
  daysLeft: number;
  /** The smallest warning threshold reached (30 or 7). */
  threshold: number;
  message: string;
}

const DAY = 24 * 3600 * 1000;

/** Warnings for the CPA End and every certificate in it that ends within 30 days (7 days is the second tier). */
export function expiryWarnings(cpa: CollaborationProtocolAgreement, now: Date = new Date()): ExpiryWarning[] {
  const out: ExpiryWarning[] = [];
  const add = (what: ExpiryWarning['what'], ref: string, end: Date, label: string) => {
    const daysLeft = Math.floor((end.getTime() - now.getTime()) / DAY);
    const threshold = WARNING_DAYS.filter((d) => daysLeft < d).at(-1);
    if (threshold === undefined || daysLeft < 0) return;
    out.push({ what, ref, expiresAt: end.toISOString(), daysLeft, threshold, message: `${label} ends in ${daysLeft} day${daysLeft === 1 ? '' : 's'} (${end.toISOString().slice(0, 10)})` });
  };
  add('cpa', cpa.cpaid, cpa.End, `CPA ${cpa.cpaid}`);
  for (const p of cpa.PartyInfo) {
    for (const c of p.Certificate) {
      if (!c.pem) continue;
      try {
        add('certificate', c.certId, parseCertificate(c.pem).validTo, `certificate ${c.certId} of ${p.partyName}`);
      } catch { /* unparsable certificates are validation errors, reported at import */ }
    }
  }
  return out;
}

/** The status a stored CPA has at `now`: an active or generated CPA whose End passed is verlopen. */
export function effectiveStatus(rec: CpaRecord, now: Date = new Date()): CpaStatus {
  if ((rec.status === 'gegenereerd' || rec.status === 'geactiveerd') && new Date(rec.endAt).getTime() < now.getTime()) return 'verlopen';
  return rec.status;
}
