export { parseSoapWithAttachments, splitMultipart } from './parse.js';
export type { MimePart, SoapWithAttachments } from './parse.js';
export { buildSoapWithAttachments, SOAP_PART_CONTENT_TYPE } from './build.js';
export type { OutboundAttachment, BuildMimeOptions, BuiltMime } from './build.js';
export { parseContentType, stripAngleBrackets } from './content-type.js';
export type { ContentType } from './content-type.js';
