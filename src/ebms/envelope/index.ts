export * from './model.js';
export { parseEnvelope } from './parse.js';
export { buildEnvelope } from './build.js';
export { DOCTYPE_REFUSED, parseXml, parseDateTime, formatDateTime, escapeText, escapeAttr } from './xml.js';
export { buildSoapFault } from './fault.js';
