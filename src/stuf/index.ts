/** StUF-GGk ggk0210 envelope layer: the API other layers use. */
export * from './model.js';
export * from './errors.js';
export * from './parse.js';
export * from './build.js';
export * from './fo01.js';
export * from './peek.js';
export * from './checks.js';
export * from './functies.js';
export { formatTijdstip, parseTijdstip } from './tijdstip.js';
