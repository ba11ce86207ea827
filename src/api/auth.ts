import type { NextFunction, Request, Response } from 'express';
import { GatewayError } from '../errors.js';
import type { ApiContext, Principal } from './context.js';
import { authenticateToken } from './tokens.js';

/** Bearer-token authentication for everything under /api (DK-31 is for the ebMS side; this is the REST side). */
export function requireAuth(ctx: ApiContext) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const principal = await authenticate(ctx, req.headers.authorization);
    if (!principal) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="knooppunt"');
      throw new GatewayError('ERR_UNAUTHENTICATED', 'an API token is required: Authorization: Bearer <token>');
    }
    res.locals.principal = principal;
    next();
  };
}

export async function authenticate(ctx: ApiContext, header: string | undefined): Promise<Principal | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return null;
  const token = await authenticateToken(ctx.store, m[1]!);
  if (!token) return null;
  const organisation = await ctx.store.organisations.get(token.organisationId);
  if (!organisation) return null;
  void ctx.store.tokens.touch(token.id, new Date().toISOString());
  return { organisation, isOperator: organisation.kind === 'knooppunt' && organisation.code === ctx.config.hub.oin, tokenId: token.id };
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new GatewayError('ERR_UNAUTHENTICATED', 'not authenticated');
  return p;
}

export function requireOperator(res: Response): Principal {
  const p = principalOf(res);
  if (!p.isOperator) throw new GatewayError('ERR_FORBIDDEN', "only the hub operator's organisation may do this");
  return p;
}
