// The signed-in user's own account (password, signing out everywhere) and the first start's
// set-up link, which creates the organisation and its first admin.
import type { FastifyInstance } from "fastify";
import { NoContent, SignedInReply } from "../responses.ts";
import { PasswordBody, SetupBody } from "../schemas.ts";
import type { Services } from "../services.ts";

export async function accountRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.post<{ Body: typeof PasswordBody.static }>(
    "/me/password",
    {
      schema: {
        body: PasswordBody,
        tags: ["users"],
        summary: "Change your password (signs out your other sessions)",
        response: NoContent,
      },
    },
    async (req, reply) => {
      const { currentPassword, newPassword } = req.body;
      await s.accounts.changePassword(req.viewer, req.tokenHash, currentPassword, newPassword);
      return reply.status(204).send();
    },
  );
  app.post(
    "/auth/logout-all",
    {
      schema: {
        tags: ["auth"],
        summary: "Sign out everywhere: revokes every token of yours",
        response: NoContent,
      },
    },
    async (req, reply) => {
      await s.accounts.logoutEverywhere(req.viewer);
      return reply.status(204).send();
    },
  );
  app.post<{ Body: typeof SetupBody.static }>(
    "/setup",
    {
      config: { public: true },
      schema: {
        body: SetupBody,
        tags: ["auth"],
        summary: "First start: the one-time set-up link creates the organisation and its first admin",
        response: { 201: SignedInReply },
      },
    },
    async (req, reply) => {
      const { token, ...input } = req.body;
      return reply.status(201).send(await s.accounts.completeSetup(token, input));
    },
  );
}
