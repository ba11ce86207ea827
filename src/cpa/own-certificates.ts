import { X509Certificate } from 'node:crypto';
import type { CollaborationProtocolAgreement, PartyInfo } from './model.js';

/** This node's configured certificates (config tls.server/client/signing.cert), PEM. */
export interface OwnCertificates {
  serverCertPem: string;
  clientCertPem: string;
  signingCertPem: string;
}

export type CertificateUse = 'server' | 'client' | 'signing';

/** One of this node's certificates that is not the one its own party has in a CPA. */
export interface CertificateMismatch {
  use: CertificateUse;
  /** The config key of the certificate. */
  setting: `tls.${CertificateUse}.cert`;
  certId: string;
  /** XPath-like location of the CPA's certificate reference. */
  location: string;
  message: string;
}

const ROOT = '/CollaborationProtocolAgreement';

function der(pem: string): Buffer | null {
  try { return new X509Certificate(pem).raw; } catch { return null; }
}

function describe(pem: string | undefined): string {
  if (!pem) return '(no certificate)';
  try {
    const x = new X509Certificate(pem);
    return `${x.subject.split('\n').join(', ')} (serial ${x.serialNumber})`;
  } catch { return '(unreadable)'; }
}

/**
 * Issue 10 item 3: the certificates this node presents — TLS server (ServerCertificateRef of its Transport), TLS
 * client (ClientCertificateRef) and XML signing (SigningCertificateRef of its DocExchange, profiles -s/-e) — must be
 * the ones its own party has in the CPA, or the peer refuses the handshake or the first signed message
 * (DK-16, DK-26). Every difference names the certificate use, the config key and the CPA location.
 */
export function ownCertificateMismatches(cpa: CollaborationProtocolAgreement, self: PartyInfo, own: OwnCertificates): CertificateMismatch[] {
  const i = cpa.PartyInfo.indexOf(self) + 1;
  const base = `${ROOT}/PartyInfo[${i}]`;
  const pemOf = (certId: string) => self.Certificate.find((c) => c.certId === certId)?.pem ?? undefined;
  const refs: { use: CertificateUse; certId: string; location: string }[] = [];
  self.Transport.forEach((t, k) => {
    const server = t.TransportReceiver?.TransportServerSecurity?.ServerCertificateRef;
    const client = t.TransportSender?.TransportClientSecurity?.ClientCertificateRef;
    if (server) refs.push({ use: 'server', certId: server, location: `${base}/Transport[${k + 1}]/TransportReceiver/TransportServerSecurity/ServerCertificateRef` });
    if (client) refs.push({ use: 'client', certId: client, location: `${base}/Transport[${k + 1}]/TransportSender/TransportClientSecurity/ClientCertificateRef` });
  });
  self.DocExchange.forEach((d, k) => {
    const signing = d.ebXMLSenderBinding?.SenderNonRepudiation?.SigningCertificateRef;
    if (signing) refs.push({ use: 'signing', certId: signing, location: `${base}/DocExchange[${k + 1}]/ebXMLSenderBinding/SenderNonRepudiation/SigningCertificateRef` });
  });
  const configured: Record<CertificateUse, string> = { server: own.serverCertPem, client: own.clientCertPem, signing: own.signingCertPem };
  const out: CertificateMismatch[] = [];
  const seen = new Set<string>();
  for (const r of refs) {
    const key = `${r.use}|${r.certId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const inCpa = pemOf(r.certId);
    const a = inCpa ? der(inCpa) : null;
    const b = der(configured[r.use]);
    if (a && b && a.equals(b)) continue;
    out.push({
      use: r.use, setting: `tls.${r.use}.cert`, certId: r.certId, location: r.location,
      message: `the ${r.use} certificate configured in tls.${r.use}.cert, ${describe(configured[r.use])}, is not certificate ${r.certId} of ${self.partyName} in CPA ${cpa.cpaid}, ${describe(inCpa)}`,
    });
  }
  return out;
}
