/** StUF-GGk routing for the hub: routing table, HubProcessor (the MSH's application hand-off), Portaal mailbox. */
export * from './model.js';
export { RoutingTableService, cpaProblem, richtingOf, type KetenpartnerInput, type RouteInput } from './routes.js';
export { HubProcessor, type HubProcessorOptions } from './hub-processor.js';
export { MailboxService, READ_RETENTION_MS, MAX_RETENTION_MS, type MailboxScope, type NewMailboxItem } from './mailbox.js';
export { preflightEnvelope, payloadFout, type PreflightResult } from './preflight.js';
export { buildZip, zipStream, type ZipEntry } from './zip.js';
