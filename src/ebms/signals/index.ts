export {
  buildAcknowledgment, buildMessageError, buildPong, buildStatusResponse, buildPing, buildStatusRequest, toErrorDetail,
} from './build.js';
export type { AcknowledgmentOptions, PingOptions } from './build.js';
export { newMessageId, replyHeader, initiatingHeader } from './header.js';
export type { BuiltSignal, SignalOptions, SignalRoute } from './header.js';
