/**
 * One StUF message through the demo's three processes, observed only through their REST APIs, the way a
 * back-office and an operator would: the sender posts it (POST /api/messages) and sees the ebMS Acknowledgment
 * (status DELIVERED), the hub's Berichtenlog outcome shows on its inbound message (events FORWARDED /
 * REFUSED_FO01), the forwarded copy leaves the hub over the receiver's CPA, and the receiving back-office pulls it
 * (GET /api/messages/unprocessed), reads it (?parts=true) and confirms it (PATCH processed).
 */
import { parseStufMessage } from '../stuf/parse.js';
import type { Fo01Bericht, GgkEnvelop, StufMessage } from '../stuf/model.js';
import type { DemoNode } from './nodes.js';

export interface MessageView {
  id: string;
  messageId: string;
  direction: 'in' | 'out';
  kind: string;
  cpaId: string;
  conversationId: string;
  refToMessageId: string | null;
  action: string;
  status: string;
  processedAt: string | null;
  events?: { at: string; event: string; detail: string | null }[];
  parts?: { contentId: string; contentType: string; size: number; content?: string }[];
}

/** A step that did not turn out as the scenario expects: the message says what, where and what was seen. */
export class DemoStepError extends Error {
  override readonly name = 'DemoStepError';
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new DemoStepError(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const enc = encodeURIComponent;

export async function showMessage(node: DemoNode, id: string, parts = false): Promise<MessageView> {
  return node.call<MessageView>(200, 'GET', `/api/messages/${enc(id)}${parts ? '?parts=true' : ''}`);
}

/** ebMS 2.0 osb-rm-s as it shows on the wire: a signed message (XML Signature) that requests an Acknowledgment. */
export async function wireProfile(node: DemoNode, id: string): Promise<{ signed: boolean; ackRequested: boolean }> {
  const r = await node.api(`GET`, `/api/messages/${enc(id)}/raw`);
  if (r.status !== 200) throw new DemoStepError(`${node.label}: raw message ${id} answered ${r.status}`);
  return { signed: /<(\w+:)?SignatureValue\b/.test(r.text), ackRequested: /<(\w+:)?AckRequested\b/.test(r.text) };
}

export interface Sent {
  id: string;
  messageId: string;
  conversationId: string;
}

/** The back-office posts a StUF message over its CPA; returns once the MSH has it in the outbox (202). */
export async function post(node: DemoNode, cpaId: string, action: string, xml: string, reply?: { conversationId: string; refToMessageId?: string }): Promise<Sent> {
  return node.call<Sent>(202, 'POST', '/api/messages', {
    cpaId, action, ...(reply ?? {}), parts: [{ contentType: 'text/xml; charset=UTF-8', content: Buffer.from(xml, 'utf8').toString('base64') }],
  });
}

/** Waits for the ebMS Acknowledgment: DELIVERED. A message that FAILED or EXPIRED fails the step at once. */
export async function delivered(node: DemoNode, id: string, timeoutMs: number): Promise<MessageView> {
  return waitFor(`the Acknowledgment of ${id} at ${node.label}`, async () => {
    const m = await showMessage(node, id);
    if (m.status === 'FAILED' || m.status === 'EXPIRED') {
      const last = m.events?.[m.events.length - 1];
      throw new DemoStepError(`${node.label}: message ${m.messageId} is ${m.status}${last?.detail ? `: ${last.detail}` : ''}`);
    }
    return m.status === 'DELIVERED' ? m : null;
  }, timeoutMs);
}

export interface HubOutcome {
  event: 'FORWARDED' | 'MAILBOX' | 'REFUSED_FO01';
  detail: string;
}

/** What the hub did with the inbound message `messageId` (the event its HubProcessor wrote). */
export async function hubOutcome(hub: DemoNode, messageId: string, timeoutMs: number): Promise<HubOutcome> {
  return waitFor(`the hub to route ${messageId}`, async () => {
    const r = await hub.api<MessageView>('GET', `/api/messages/${enc(messageId)}`);
    if (r.status === 404) return null;
    if (r.status !== 200) throw new DemoStepError(`hub: GET message ${messageId} answered ${r.status}: ${r.text.slice(0, 300)}`);
    const e = r.body.events?.find((x) => x.event === 'FORWARDED' || x.event === 'MAILBOX' || x.event === 'REFUSED_FO01');
    return e ? { event: e.event as HubOutcome['event'], detail: e.detail ?? '' } : null;
  }, timeoutMs);
}

/** The message the hub sent over `cpaId` in `conversationId` with `action` (a forward or a Fo01). */
export async function hubOutbound(hub: DemoNode, cpaId: string, conversationId: string, action: string, timeoutMs: number): Promise<MessageView> {
  const found = await waitFor(`the hub to send ${action} over CPA ${cpaId}`, async () => {
    const { messages } = await hub.call<{ messages: MessageView[] }>(200, 'GET', `/api/messages?direction=out&kind=business&cpaId=${enc(cpaId)}&limit=1000`);
    return messages.find((m) => m.conversationId === conversationId && m.action === action);
  }, timeoutMs);
  return delivered(hub, found.id, timeoutMs);
}

export interface Pulled {
  record: MessageView;
  stuf: StufMessage;
}

/** The receiving back-office pulls the message of `conversationId` + `action`, reads the StUF part and confirms it. */
export async function pull(node: DemoNode, conversationId: string, action: string, timeoutMs: number): Promise<Pulled> {
  const found = await waitFor(`${node.label} to receive ${action}`, async () => {
    const { messages } = await node.call<{ messages: MessageView[] }>(200, 'GET', '/api/messages/unprocessed?limit=1000');
    return messages.find((m) => m.conversationId === conversationId && m.action === action);
  }, timeoutMs);
  const full = await showMessage(node, found.id, true);
  const part = full.parts?.find((p) => /xml/i.test(p.contentType)) ?? full.parts?.[0];
  if (!part?.content) throw new DemoStepError(`${node.label}: message ${found.messageId} has no payload part`);
  let stuf: StufMessage;
  try {
    stuf = parseStufMessage(Buffer.from(part.content, 'base64'));
  } catch (err) {
    throw new DemoStepError(`${node.label}: message ${found.messageId} is no readable StUF message: ${(err as Error).message}`);
  }
  const confirmed = await node.call<MessageView>(200, 'PATCH', `/api/messages/${enc(found.id)}`, { processed: true });
  return { record: { ...full, processedAt: confirmed.processedAt, status: confirmed.status }, stuf };
}

export function asEnvelop(p: Pulled, node: DemoNode): GgkEnvelop {
  if (p.stuf.element === 'Fo01Bericht') throw new DemoStepError(`${node.label} received Fo01 ${p.stuf.body.code} (${p.stuf.body.omschrijving}) instead of a Di01/Du01`);
  return p.stuf;
}

export function asFo01(p: Pulled, node: DemoNode): Fo01Bericht {
  if (p.stuf.element !== 'Fo01Bericht') throw new DemoStepError(`${node.label} received ${p.stuf.element} instead of a Fo01`);
  return p.stuf;
}
