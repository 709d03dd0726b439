// Bearer-token authentication: every route but the public ones needs a signed-in user.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Directory } from "../control/Directory.ts";
import { EarshotError } from "../control/errors.ts";
import type { UserRecord } from "../control/model.ts";

declare module "fastify" {
  interface FastifyRequest {
    viewer: UserRecord;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7).trim() || undefined;
  return undefined;
}

export function authenticate(directory: Directory) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    if (!token) throw new EarshotError("unauthenticated");
    request.viewer = await directory.authenticate(token);
  };
}
