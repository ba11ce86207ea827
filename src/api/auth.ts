import type { Request, Response } from 'express';
import { GatewayError } from '../errors.js';
import type { Actor } from '../audit.js';
import type { ApiContext, Principal } from './context.js';

/**
 * Bearer-token authentication for /api (DK-31 is for the ebMS side; this is the REST side). No header: "a token
 * is required"; a header with an unknown, malformed or revoked token: "invalid or revoked token" (issue 10 §10).
 */
export async function authenticateRequest(ctx: ApiContext, req: Request): Promise<Principal> {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '') {
    throw new GatewayError('ERR_UNAUTHENTICATED', 'an API token is required: Authorization: Bearer <token>');
  }
  const principal = await authenticate(ctx, header);
  if (!principal) throw new GatewayError('ERR_UNAUTHENTICATED', 'invalid or revoked token');
  return principal;
}

export async function authenticate(ctx: ApiContext, header: string | undefined): Promise<Principal | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return null;
  const found = await ctx.tokens.authenticate(m[1]!);
  if (!found) return null;
  const { organisation, token } = found;
  return { organisation, isOperator: organisation.kind === 'knooppunt' && organisation.code === ctx.config.hub.oin, tokenId: token.id };
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new GatewayError('ERR_UNAUTHENTICATED', 'not authenticated');
  return p;
}

export function requireOperator(res: Response): Principal {
  return assertOperator(principalOf(res));
}

export function assertOperator(p: Principal): Principal {
  if (!p.isOperator) throw new GatewayError('ERR_FORBIDDEN', "only the hub operator's organisation may do this");
  return p;
}

/** The audit actor of an API call. */
export const actorOf = (p: Principal): Actor => ({ kind: 'token', id: p.tokenId, organisationId: p.organisation.id });
