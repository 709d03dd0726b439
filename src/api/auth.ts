// Bearer-token authentication: every route but the public ones needs a signed-in user.
import type { FastifyReply, FastifyRequest } from "fastify";
import { type Directory, hashToken } from "../control/Directory.ts";
import { EarshotError } from "../control/errors.ts";
import type { UserRecord } from "../control/model.ts";

declare module "fastify" {
  interface FastifyRequest {
    viewer: UserRecord;
    /** The SHA-256 hash of the viewer's bearer token (to revoke it, or to spare it). */
    tokenHash: string;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  // The scheme is case-insensitive (RFC 9110 §11.1): "bearer" works as well as "Bearer".
  const m = /^bearer[ \t]+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
  return m?.[1];
}

export function authenticate(directory: Directory) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    if (!token) throw new EarshotError("unauthenticated");
    request.viewer = await directory.authenticate(token);
    request.tokenHash = hashToken(token);
  };
}
