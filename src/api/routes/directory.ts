// Sign-in, the signed-in user, users, numbers and contacts.
import type { FastifyInstance } from "fastify";
import {
  ContactReply,
  ContactsReply,
  NoContent,
  NumberReply,
  NumbersReply,
  SignedInReply,
  UserReply,
  UsersReply,
} from "../responses.ts";
import {
  AvailabilityBody,
  ContactBody,
  ContactPatchBody,
  IdParams,
  LoginBody,
  NewUserBody,
  NumberBody,
  NumberPatchBody,
  UserPatchBody,
} from "../schemas.ts";
import type { Services } from "../services.ts";

type Id = { Params: { id: string } };

export async function directoryRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const { directory } = s;

  app.post<{ Body: { email: string; password: string } }>(
    "/auth/login",
    {
      schema: {
        body: LoginBody,
        tags: ["auth"],
        summary: "Sign in; returns a bearer token",
        response: { 200: SignedInReply },
      },
      config: { public: true, limit: "login" },
    },
    async (req) => directory.login(req.body.email, req.body.password),
  );
  app.post("/auth/logout", { schema: { tags: ["auth"], response: NoContent } }, async (req, reply) => {
    // Revokes this token and closes the sockets signed in with it.
    await s.accounts.logout(req.viewer, req.tokenHash);
    return reply.status(204).send();
  });

  app.get("/me", { schema: { tags: ["users"], response: { 200: UserReply } } }, async (req) => ({
    user: await directory.present(req.viewer),
  }));
  app.patch<{ Body: { availability: "available" | "unavailable" } }>(
    "/me",
    {
      schema: {
        body: AvailabilityBody,
        tags: ["users"],
        summary: "Set your availability",
        response: { 200: UserReply },
      },
    },
    async (req) => ({ user: await directory.setAvailability(req.viewer, req.body.availability) }),
  );

  app.get("/users", { schema: { tags: ["users"], response: { 200: UsersReply } } }, async (req) => ({
    users: await directory.listUsers(req.viewer),
  }));
  app.get<Id>(
    "/users/:id",
    { schema: { params: IdParams, tags: ["users"], response: { 200: UserReply } } },
    async (req) => ({
      user: await directory.present(await directory.getUser(req.viewer, req.params.id), req.viewer),
    }),
  );
  app.post<{ Body: typeof NewUserBody.static }>(
    "/users",
    {
      schema: {
        body: NewUserBody,
        tags: ["users"],
        summary: "Create a user (admin)",
        response: { 201: UserReply },
      },
    },
    async (req, reply) => reply.status(201).send({ user: await directory.createUser(req.viewer, req.body) }),
  );
  app.patch<Id & { Body: typeof UserPatchBody.static }>(
    "/users/:id",
    {
      schema: {
        params: IdParams,
        body: UserPatchBody,
        tags: ["users"],
        summary: "Update a user (admin)",
        response: { 200: UserReply },
      },
    },
    async (req) => ({ user: await directory.updateUser(req.viewer, req.params.id, req.body, req.tokenHash) }),
  );
  app.delete<Id>(
    "/users/:id",
    { schema: { params: IdParams, tags: ["users"], response: NoContent } },
    async (req, reply) => {
      await directory.deleteUser(req.viewer, req.params.id);
      return reply.status(204).send();
    },
  );

  app.get("/numbers", { schema: { tags: ["numbers"], response: { 200: NumbersReply } } }, async (req) => ({
    numbers: await directory.numbers.list(req.viewer),
  }));
  app.get<Id>(
    "/numbers/:id",
    { schema: { params: IdParams, tags: ["numbers"], response: { 200: NumberReply } } },
    async (req) => ({
      number: await directory.numbers.get(req.viewer, req.params.id),
    }),
  );
  app.post<{ Body: typeof NumberBody.static }>(
    "/numbers",
    {
      schema: {
        body: NumberBody,
        tags: ["numbers"],
        summary: "Create a number with its line distribution (admin)",
        response: { 201: NumberReply },
      },
    },
    async (req, reply) =>
      reply.status(201).send({ number: await directory.numbers.create(req.viewer, req.body) }),
  );
  app.patch<Id & { Body: typeof NumberPatchBody.static }>(
    "/numbers/:id",
    {
      schema: { params: IdParams, body: NumberPatchBody, tags: ["numbers"], response: { 200: NumberReply } },
    },
    async (req) => ({ number: await directory.numbers.update(req.viewer, req.params.id, req.body) }),
  );
  app.delete<Id>(
    "/numbers/:id",
    { schema: { params: IdParams, tags: ["numbers"], response: NoContent } },
    async (req, reply) => {
      await directory.numbers.delete(req.viewer, req.params.id);
      return reply.status(204).send();
    },
  );

  app.get("/contacts", { schema: { tags: ["contacts"], response: { 200: ContactsReply } } }, async (req) => ({
    contacts: await directory.contacts.list(req.viewer),
  }));
  app.get<Id>(
    "/contacts/:id",
    { schema: { params: IdParams, tags: ["contacts"], response: { 200: ContactReply } } },
    async (req) => ({
      contact: await directory.contacts.get(req.viewer, req.params.id),
    }),
  );
  app.post<{ Body: typeof ContactBody.static }>(
    "/contacts",
    { schema: { body: ContactBody, tags: ["contacts"], response: { 201: ContactReply } } },
    async (req, reply) =>
      reply.status(201).send({
        contact: await directory.contacts.create(req.viewer, {
          ...req.body,
          company: req.body.company ?? null,
          notes: req.body.notes ?? null,
        }),
      }),
  );
  app.patch<Id & { Body: typeof ContactPatchBody.static }>(
    "/contacts/:id",
    {
      schema: {
        params: IdParams,
        body: ContactPatchBody,
        tags: ["contacts"],
        response: { 200: ContactReply },
      },
    },
    async (req) => ({ contact: await directory.contacts.update(req.viewer, req.params.id, req.body) }),
  );
  app.delete<Id>(
    "/contacts/:id",
    { schema: { params: IdParams, tags: ["contacts"], response: NoContent } },
    async (req, reply) => {
      await directory.contacts.delete(req.viewer, req.params.id);
      return reply.status(204).send();
    },
  );
}
