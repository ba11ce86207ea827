import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, one registry per running instance (tests start several in one process). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({ name: 'knooppunt_http_requests_total', help: 'HTTP requests on the portal/API listener', labelNames: ['method', 'route', 'status'] as const, registers: [this.registry] });
  readonly ebmsRequests = new Counter({ name: 'knooppunt_ebms_requests_total', help: 'Requests on the ebMS listener by outcome', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly tlsRejected = new Counter({ name: 'knooppunt_tls_client_errors_total', help: 'TLS handshakes refused on the ebMS listener', labelNames: ['reason'] as const, registers: [this.registry] });
  readonly ebmsDuration = new Histogram({ name: 'knooppunt_ebms_request_seconds', help: 'ebMS request handling time', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [this.registry] });
  readonly expiring = new Gauge({ name: 'knooppunt_expiring_items', help: 'CPAs or certificates ending within the warning window', labelNames: ['what', 'days'] as const, registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'knooppunt_' });
  }
}
