/**
 * Stopping on SIGTERM/SIGINT within a bounded time (issue 9: a busy hub ignored SIGTERM). The first signal starts a
 * graceful stop (listeners close, in-flight work finishes, the store closes) and a hard deadline: when the stop has
 * not finished after `graceMs` the process exits with code 1 regardless. A second signal exits at once. Long work
 * never holds the event loop for long (XML limits keep every synchronous parse bounded; catch-up yields between
 * messages), so the deadline timer gets its turn.
 */
export interface ShutdownOptions {
  stop: () => Promise<void>;
  graceMs: number;
  log: (msg: string, fields: Record<string, unknown>) => void;
  exit?: (code: number) => void;
}

export function installShutdown(o: ShutdownOptions): void {
  const exit = o.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) {
      o.log('second signal: exiting now', { signal });
      exit(1);
      return;
    }
    stopping = true;
    o.log('shutdown requested', { signal, graceMs: o.graceMs });
    setTimeout(() => {
      o.log('shutdown grace period over: exiting hard', { graceMs: o.graceMs });
      exit(1);
    }, o.graceMs).unref();
    void o.stop().then(() => exit(0), (err: unknown) => {
      o.log('shutdown failed', { err: err instanceof Error ? err.message : String(err) });
      exit(1);
    });
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}
