// Coaching sessions: start, switch mode, leave, text whisper, audit log (SPEC §3, §5).
import type { FastifyInstance } from "fastify";
import type { CoachingMode } from "../../protocol/resources.ts";
import { MessageReply, NoteReply, SessionReply, SessionsReply } from "../responses.ts";
import { CoachingBody, IdParams, MessageBody, ModeBody, NoteBody, SessionsQuery } from "../schemas.ts";
import type { Services } from "../services.ts";

type Id = { Params: { id: string } };

export async function coachingRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const { coaching } = s;

  app.post<Id & { Body: { notifyUser?: boolean; openConversation?: boolean; mode?: CoachingMode } }>(
    "/calls/:id/coaching",
    {
      schema: {
        params: IdParams,
        body: CoachingBody,
        tags: ["coaching"],
        summary:
          "Start coaching a live call, in listen mode unless `mode` says otherwise (barge needs Live Monitoring+); refusals carry SPEC §3's codes",
        response: { 201: SessionReply },
      },
    },
    async (req, reply) => {
      const session = await coaching.start(req.viewer, req.params.id, {
        notifyUser: req.body?.notifyUser ?? false,
        openConversation: req.body?.openConversation ?? false,
        mode: req.body?.mode ?? "listen",
      });
      return reply.status(201).send({ session });
    },
  );
  app.patch<Id & { Body: { mode: CoachingMode } }>(
    "/coaching-sessions/:id",
    {
      schema: {
        params: IdParams,
        body: ModeBody,
        tags: ["coaching"],
        summary: "Switch listen / whisper / barge",
        response: { 200: SessionReply },
      },
    },
    async (req) => ({ session: await coaching.setMode(req.viewer, req.params.id, req.body.mode) }),
  );
  app.delete<Id>(
    "/coaching-sessions/:id",
    {
      schema: {
        params: IdParams,
        tags: ["coaching"],
        summary: "Leave (the coach) or remove the coach (an admin)",
        response: { 200: SessionReply },
      },
    },
    async (req) => ({ session: await coaching.stop(req.viewer, req.params.id) }),
  );
  app.post<Id & { Body: { text: string } }>(
    "/coaching-sessions/:id/messages",
    {
      schema: {
        params: IdParams,
        body: MessageBody,
        tags: ["coaching"],
        summary: "Text whisper to the agent",
        response: { 201: MessageReply },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send({ message: await coaching.sendMessage(req.viewer, req.params.id, req.body.text) }),
  );
  app.post<Id & { Body: { text: string } }>(
    "/coaching-sessions/:id/notes",
    {
      schema: {
        params: IdParams,
        body: NoteBody,
        tags: ["coaching"],
        summary: "Leave a coaching note on the session once its call ended (supervisors, admins)",
        response: { 201: NoteReply },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send({ note: await s.calls.history.addNote(req.viewer, req.params.id, req.body.text) }),
  );
  app.get<{ Querystring: typeof SessionsQuery.static }>(
    "/coaching-sessions",
    {
      schema: {
        querystring: SessionsQuery,
        tags: ["coaching"],
        summary: "The coaching audit log (each session with its coaching notes)",
        response: { 200: SessionsReply },
      },
    },
    async (req) => {
      const q = req.query;
      const sessions = await coaching.list(req.viewer, {
        coachId: q.coachId,
        agentId: q.agentId,
        callId: q.callId,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: Math.min(Number(q.limit ?? 100) || 100, 1000),
      });
      return { sessions };
    },
  );
}
