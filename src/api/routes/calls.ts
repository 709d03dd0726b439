// Calls and the agent's actions on them (SPEC §2, §6), and the demo caller.
import type { FastifyInstance } from "fastify";
import { fail } from "../../control/errors.ts";
import type { UserRecord } from "../../control/model.ts";
import { HISTORY_PAGE } from "../../protocol/calls.ts";
import { CallReply, CallsReply } from "../responses.ts";
import {
  CallsQuery,
  CommentBody,
  DemoCallBody,
  HandBody,
  IdParams,
  OutboundBody,
  ParticipantBody,
  TagBody,
  TransferBody,
} from "../schemas.ts";
import type { Services } from "../services.ts";

type Id = { Params: { id: string } };

/** A UTC time as `before` carries it (…Z) that names a real instant (no 30 February). */
function isUtcTime(at: string): boolean {
  const t = Date.parse(at);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 19) === at.slice(0, 19);
}

export async function callRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const { calls } = s;
  const { actions, notes, transfers } = calls;
  const present = async (viewer: UserRecord, id: string) => ({ call: await calls.get(viewer, id) });

  app.get<{ Querystring: typeof CallsQuery.static }>(
    "/calls",
    {
      schema: {
        querystring: CallsQuery,
        tags: ["calls"],
        summary:
          "live=true: the calls not ended; otherwise the call history (yours, or the org's with Live Monitoring), newest first, paged — each call with what you may do on it (grants)",
        response: { 200: CallsReply },
      },
    },
    async (req) => {
      const { live, limit, ...filter } = req.query;
      if (live === "true") {
        if (limit || Object.keys(filter).length > 0)
          fail("bad_request", "Filters and paging are for the call history (without live=true).");
        return { calls: await calls.list(req.viewer), nextBefore: null };
      }
      if (filter.before && !isUtcTime(filter.before.split("~")[0]))
        fail("bad_request", "`before` is not a valid time.");
      return calls.history.page(req.viewer, { ...filter, limit: Number(limit ?? HISTORY_PAGE.default) });
    },
  );
  app.get<Id>(
    "/calls/:id",
    { schema: { params: IdParams, tags: ["calls"], response: { 200: CallReply } } },
    async (req) => present(req.viewer, req.params.id),
  );
  app.post<{ Body: { numberId: string; to: string } }>(
    "/calls",
    {
      schema: {
        body: OutboundBody,
        tags: ["calls"],
        summary: "Call an external number from one of your numbers",
        response: { 201: CallReply },
      },
    },
    async (req, reply) => {
      const call = await calls.outbound(req.viewer, req.body.numberId, req.body.to);
      return reply.status(201).send(await present(req.viewer, call.id));
    },
  );

  const action = (name: string, run: (viewer: UserRecord, id: string) => Promise<unknown>) =>
    app.post<Id>(
      `/calls/:id/${name}`,
      { schema: { params: IdParams, tags: ["calls"], response: { 200: CallReply } } },
      async (req) => ({ call: await run(req.viewer, req.params.id) }),
    );
  action("answer", (v, id) => calls.answer(v, id));
  action("hold", (v, id) => actions.hold(v, id, true));
  action("resume", (v, id) => actions.hold(v, id, false));
  action("mute", (v, id) => actions.mute(v, id, true));
  action("unmute", (v, id) => actions.mute(v, id, false));
  action("hangup", (v, id) => actions.hangup(v, id));
  // A transfer that rings: its target accepts or declines, its agent may cancel it (Transfers.ts).
  action("transfer/accept", (v, id) => transfers.accept(v, id));
  action("transfer/decline", (v, id) => transfers.decline(v, id));
  action("transfer/cancel", (v, id) => transfers.cancel(v, id));

  app.post<Id & { Body: { toUserId: string } | { toNumber: string } }>(
    "/calls/:id/transfer",
    {
      schema: {
        params: IdParams,
        body: TransferBody,
        tags: ["calls"],
        summary: "Transfer to a user (it rings them) or an external number",
        response: { 200: CallReply },
      },
    },
    async (req) => ({
      call:
        "toUserId" in req.body
          ? await transfers.offer(req.viewer, req.params.id, req.body.toUserId)
          : await actions.transferExternal(req.viewer, req.params.id, req.body.toNumber),
    }),
  );
  app.post<Id & { Body: { tag: string } }>(
    "/calls/:id/tags",
    { schema: { params: IdParams, body: TagBody, tags: ["calls"], response: { 200: CallReply } } },
    async (req) => ({ call: await notes.addTag(req.viewer, req.params.id, req.body.tag.trim()) }),
  );
  app.post<Id & { Body: { text: string } }>(
    "/calls/:id/comments",
    { schema: { params: IdParams, body: CommentBody, tags: ["calls"], response: { 201: CallReply } } },
    async (req, reply) =>
      reply.status(201).send({ call: await notes.addComment(req.viewer, req.params.id, req.body.text) }),
  );
  app.post<Id & { Body: { number: string } }>(
    "/calls/:id/participants",
    {
      schema: {
        params: IdParams,
        body: ParticipantBody,
        tags: ["calls"],
        summary: "Add a third party (conference)",
        response: { 200: CallReply },
      },
    },
    async (req) => ({ call: await actions.addParticipant(req.viewer, req.params.id, req.body.number) }),
  );
  app.post<Id & { Body: { raised: boolean } }>(
    "/calls/:id/hand",
    {
      schema: {
        params: IdParams,
        body: HandBody,
        tags: ["calls"],
        summary: "Raise or lower your hand",
        response: { 200: CallReply },
      },
    },
    async (req) => ({ call: await actions.raiseHand(req.viewer, req.params.id, req.body.raised) }),
  );

  app.post<{ Body: { numberId: string; from?: string } }>(
    "/demo/calls",
    {
      schema: {
        body: DemoCallBody,
        tags: ["demo"],
        summary: "The demo caller calls a number (demo mode only)",
        response: { 201: CallReply },
      },
    },
    async (req, reply) => {
      if (!s.publicConfig.demo)
        fail("forbidden", "The demo caller is only available in demo mode (EARSHOT_DEMO).");
      const number = await s.directory.numbers.get(req.viewer, req.body.numberId);
      const call = await calls.inbound({
        numberId: number.id,
        from: req.body.from ?? s.demoCaller(),
        channel: "demo",
      });
      return reply.status(201).send({ call: await calls.views.presentOne(call, req.viewer) });
    },
  );
}
