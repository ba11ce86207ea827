import type { LoadedConfig } from '../config/schema.js';
import type { HubIdentity } from './generate.js';

/**
 * The hub's side of every CPA it generates (seed 002 §3.3: the hub is the other party of the CPA Beheer page), taken
 * from the configuration: `hub.name`, `hub.oin` (PartyId, DK-15), both endpoint URLs (the connectietype picks one)
 * and the PEM certificates read at start-up (TLS server/client, signing = SenderNonRepudiation and
 * ReceiverDigitalEnvelope). Only certificates are taken, never keys.
 */
export function hubIdentityFromConfig(config: LoadedConfig): HubIdentity {
  return {
    name: config.hub.name,
    oin: config.hub.oin,
    endpoints: { diginetwerk: config.hub.endpoints.diginetwerk, internet: config.hub.endpoints.internet },
    serverCertPem: config.pem.server.cert,
    clientCertPem: config.pem.client.cert,
    signingCertPem: config.pem.signing.cert,
  };
}
