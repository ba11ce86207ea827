import type { Logger } from '../../log.js';

/**
 * Rate-limited warn lines for refusals on the ebMS listener (issue 9 item 4): a flood of connections must not
 * become a flood of log lines. The first refusal after a quiet period is logged with its details; refusals in
 * the following `intervalMs` are only counted (the Prometheus counters count every one) and summarised in one line
 * per interval, by reason, until an interval passes without any.
 */
export class RefusalLog {
  readonly #logger: Logger;
  readonly #intervalMs: number;
  #suppressed = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;

  constructor(logger: Logger, intervalMs = 60_000) {
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  note(reason: string, details: Record<string, unknown>, message: string): void {
    if (this.#timer === null) {
      this.#logger.warn({ reason, ...details }, `${message} (further refusals within ${this.#intervalMs / 1000} s are summarised)`);
      this.#arm();
      return;
    }
    this.#suppressed.set(reason, (this.#suppressed.get(reason) ?? 0) + 1);
  }

  #arm(): void {
    this.#timer = setTimeout(() => this.#flush(), this.#intervalMs);
    this.#timer.unref();
  }

  #flush(): void {
    this.#timer = null;
    if (this.#suppressed.size === 0) return;
    const reasons = Object.fromEntries(this.#suppressed);
    const total = [...this.#suppressed.values()].reduce((a, b) => a + b, 0);
    this.#suppressed = new Map();
    this.#logger.warn({ refused: total, reasons, seconds: this.#intervalMs / 1000 }, `${total} more connections refused on the ebMS listener in the last ${this.#intervalMs / 1000} s`);
    this.#arm();
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#suppressed.clear();
  }
}
