/** `knooppunt demo`: the showcase (issue 6 §5) — three knooppunt processes, the iJw message flows, a timeline. */
import type { Command } from 'commander';
import { DemoStepError } from '../demo/flows.js';
import { runDemoScenario } from '../demo/scenario.js';
import { consolePrinter } from '../demo/timeline.js';

interface DemoOpts { dir?: string; keep?: boolean; timeout?: string; ports?: string }

function basePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65530) throw new Error(`--ports must be a port number from 1 to 65530 (the demo uses BASE … BASE + 5), got "${v}"`);
  return n;
}

export function registerDemo(program: Command): void {
  program.command('demo')
    .description('start a hub, gemeente 0363\'s adapter and the chain partner\'s adapter (mTLS on loopback), run the iJw message flows and print a timeline; exits 0 when every step succeeds')
    .option('--dir <folder>', 'work folder for PKI, configurations and databases (kept); default a temp folder, removed afterwards')
    .option('--keep', 'keep the temp work folder')
    .option('--timeout <seconds>', 'limit for each wait (Acknowledgment, routing, pull)', '20')
    .option('--ports <base>', 'fixed ports: hub BASE (portal) and BASE + 1 (ebMS), gemeente BASE + 2/3, ketenpartner BASE + 4/5; default free ports')
    .action(async (opts: DemoOpts) => {
      const printer = consolePrinter();
      process.stdout.write('knooppunt demo — hub, gemeente en ketenpartner als drie processen; Digikoppeling ebMS2 (osb-rm-s) over mTLS\n');
      try {
        const r = await runDemoScenario({
          printer, ...(opts.dir ? { workDir: opts.dir } : {}), ...(opts.keep ? { keep: true } : {}),
          stepTimeoutMs: Math.max(1, Number(opts.timeout) || 20) * 1000,
          ...(opts.ports !== undefined ? { basePort: basePort(opts.ports) } : {}),
        });
        const bad = r.nodes.filter((n) => n.exitCode !== 0);
        if (bad.length > 0) {
          process.stderr.write(`\nDemo: alle stappen geslaagd, maar ${bad.map((n) => `${n.label} stopte met exit ${n.exitCode}`).join(', ')}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`\nDemo geslaagd in ${(r.elapsedMs / 1000).toFixed(1)} s: 4 berichten doorgestuurd, 2 geweigerd met Fo01 (IB002, StUF055).${opts.dir || opts.keep ? ` Werkmap: ${r.workDir}` : ''}\n`);
      } catch (err) {
        process.stderr.write(`\nDemo MISLUKT: ${err instanceof DemoStepError || err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    });
}
