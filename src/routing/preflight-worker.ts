/**
 * Worker thread of the preflight pool (src/routing/preflight-pool.ts): runs the pure, CPU-heavy part of the hub's
 * inbound processing — StUF envelope parse, xmlBestand decode, iWmo/iJw payload validation and header extraction
 * (preflightEnvelope) — off the event loop, and answers with plain data. Issue 9: "no single message can hold the
 * event loop for long".
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setXmlLimits, type XmlLimits } from '../xml-limits.js';
import { preflightEnvelope } from './preflight.js';
import { toPlain } from './preflight-plain.js';

export interface PreflightTask { id: number; content: Uint8Array }

const data = workerData as { xmlLimits: XmlLimits };
// The configured limits.xml.* (module state does not cross threads).
setXmlLimits(data.xmlLimits);

parentPort!.on('message', (task: PreflightTask) => {
  try {
    parentPort!.postMessage({ id: task.id, result: toPlain(preflightEnvelope(task.content, { firstOnly: true })) });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    parentPort!.postMessage({ id: task.id, error: { name: e.name, message: e.message } });
  }
});
