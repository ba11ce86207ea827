import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What the gauges read when Prometheus scrapes (set by the composition root; the metrics layer knows no store).
 * Every label is bounded: outcomes, statuses, Fo01 codes, route templates — never a MessageId or CPAId.
 */
export interface MetricSources {
  outbox(): Promise<{ depth: number; oldestCreatedAt: string | null }>;
  mailboxItems(): Promise<number>;
  cpas(): Promise<{ status: string; endAt: string }[]>;
}

const DAY_MS = 86_400_000;

/** Prometheus metrics, one registry per running instance (tests start several in one process). */
export class Metrics {
  readonly registry = new Registry();
  #sources: MetricSources | undefined;
  readonly httpRequests = new Counter({ name: 'knooppunt_http_requests_total', help: 'HTTP requests on the portal/API listener by method, route template (with /api) and status', labelNames: ['method', 'route', 'status'] as const, registers: [this.registry] });
  readonly ebmsRequests = new Counter({ name: 'knooppunt_ebms_requests_total', help: 'Requests on the ebMS listener by outcome', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly tlsRejected = new Counter({ name: 'knooppunt_tls_client_errors_total', help: 'TLS handshakes refused on the ebMS listener', labelNames: ['reason'] as const, registers: [this.registry] });
  readonly ebmsConnectionsRefused = new Counter({ name: 'knooppunt_ebms_connections_refused_total', help: 'Connections to the ebMS listener closed at once because a limit was reached (limits.ebmsMax*)', labelNames: ['reason'] as const, registers: [this.registry] });
  readonly ebmsConnections = new Gauge({ name: 'knooppunt_ebms_connections', help: 'Open connections on the ebMS listener (state: open = all, handshaking = TLS handshake not complete)', labelNames: ['state'] as const, registers: [this.registry] });
  readonly ebmsDuration = new Histogram({ name: 'knooppunt_ebms_request_seconds', help: 'ebMS request handling time', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [this.registry] });
  readonly hubProcessing = new Counter({ name: 'knooppunt_hub_processing_problems_total', help: 'Hub processing attempts that failed, overran their budget, or ended in quarantine', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly quarantined = new Gauge({ name: 'knooppunt_messages_quarantined', help: 'Inbound messages set aside as QUARANTINED (poison messages) and not released', registers: [this.registry] });
  readonly expiring = new Gauge({ name: 'knooppunt_expiring_items', help: 'CPAs or certificates ending within the warning window', labelNames: ['what', 'days'] as const, registers: [this.registry] });
  /** Issue 10 §12: what an operator of a gateway watches. */
  readonly outboundDeliveries = new Counter({ name: 'knooppunt_outbound_deliveries_total', help: 'Outbound ebMS messages by outcome: delivered, retried (one per resend), failed, expired', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly ackSeconds = new Histogram({ name: 'knooppunt_ack_round_trip_seconds', help: 'From queueing an outbound message to its Acknowledgment (or HTTP 2xx for best effort), resends included', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600], registers: [this.registry] });
  readonly inboundMessages = new Counter({ name: 'knooppunt_inbound_messages_total', help: 'Inbound ebMS messages by outcome and ebMS error code (none when accepted)', labelNames: ['outcome', 'error_code'] as const, registers: [this.registry] });
  readonly routingOutcomes = new Counter({ name: 'knooppunt_routing_outcomes_total', help: 'Hub routing decisions by outcome (doorgestuurd, postbus, geweigerd) and Fo01 code (none when routed)', labelNames: ['outcome', 'fo01_code'] as const, registers: [this.registry] });
  readonly outboxDepth = new Gauge({ name: 'knooppunt_outbox_depth', help: 'Outbound messages waiting for delivery or Acknowledgment', registers: [this.registry], collect: async () => { await this.#collectOutbox(); } });
  readonly outboxOldest = new Gauge({ name: 'knooppunt_outbox_oldest_age_seconds', help: 'Age of the oldest message in the outbox (0 when empty)', registers: [this.registry], collect: async () => { await this.#collectOutbox(); } });
  readonly mailboxItems = new Gauge({ name: 'knooppunt_mailbox_items', help: 'Files in the Portaal mailboxes (not deleted)', registers: [this.registry], collect: async () => { const s = this.#sources; if (s) this.mailboxItems.set(await s.mailboxItems()); } });
  readonly cpasByStatus = new Gauge({ name: 'knooppunt_cpas', help: 'CPAs by effective status', labelNames: ['status'] as const, registers: [this.registry], collect: async () => { await this.#collectCpas(); } });
  readonly cpasExpiring = new Gauge({ name: 'knooppunt_cpas_expiring', help: 'Activated or generated CPAs whose End is within the given number of days', labelNames: ['within_days'] as const, registers: [this.registry], collect: async () => { await this.#collectCpas(); } });
  readonly cpaNextExpiry = new Gauge({ name: 'knooppunt_cpa_next_expiry_days', help: 'Days until the End of the first CPA in use to expire (absent when none)', registers: [this.registry], collect: async () => { await this.#collectCpas(); } });
  /** One read of each source per scrape: the gauges of a scrape are collected concurrently and share it. */
  readonly #pending = new Map<string, Promise<void>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'knooppunt_' });
  }

  /** Where the scrape-time gauges read from (the store, through the composition root). */
  setSources(sources: MetricSources): void {
    this.#sources = sources;
  }

  #shared(key: string, fn: () => Promise<void>): Promise<void> {
    let p = this.#pending.get(key);
    if (!p) {
      p = fn().finally(() => { this.#pending.delete(key); });
      this.#pending.set(key, p);
    }
    return p;
  }

  #collectOutbox(): Promise<void> {
    return this.#shared('outbox', () => this.#readOutbox());
  }

  #collectCpas(): Promise<void> {
    return this.#shared('cpas', () => this.#readCpas());
  }

  async #readOutbox(): Promise<void> {
    if (!this.#sources) return;
    const o = await this.#sources.outbox();
    this.outboxDepth.set(o.depth);
    this.outboxOldest.set(o.oldestCreatedAt ? Math.max(0, (Date.now() - Date.parse(o.oldestCreatedAt)) / 1000) : 0);
  }

  async #readCpas(): Promise<void> {
    if (!this.#sources) return;
    const list = await this.#sources.cpas();
    const now = Date.now();
    this.cpasByStatus.reset();
    for (const s of ['aangevraagd', 'gegenereerd', 'geactiveerd', 'verlopen', 'ingetrokken']) this.cpasByStatus.set({ status: s }, 0);
    for (const c of list) this.cpasByStatus.inc({ status: c.status });
    const inUse = list.filter((c) => c.status === 'geactiveerd' || c.status === 'gegenereerd').map((c) => (Date.parse(c.endAt) - now) / DAY_MS);
    for (const d of [7, 30, 90]) this.cpasExpiring.set({ within_days: String(d) }, inUse.filter((x) => x <= d).length);
    this.cpaNextExpiry.reset();
    if (inUse.length > 0) this.cpaNextExpiry.set(Math.max(0, Math.min(...inUse)));
  }
}
