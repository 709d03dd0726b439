// Notes on a call (SPEC §2): tags and comments, by its agent or a supervisor, during or after
// the call. Each is a transition under the call's row lock, so its event is told in order with
// the call's other changes (never a live call after its call.ended).
import type { Call } from "../protocol/resources.ts";
import type { CallTransitions } from "./CallTransitions.ts";
import { assertVisible, type CallViews } from "./CallViews.ts";
import type { ControlContext } from "./context.ts";
import { asViewer, callActionRefusal, refuseIf } from "./grants.ts";
import type { CallRecord, UserRecord } from "./model.ts";
import type { Store } from "./ports.ts";
import { callSeenBy } from "./presenter.ts";

export class CallNotes {
  constructor(
    private readonly ctx: ControlContext,
    private readonly transitions: CallTransitions,
    private readonly views: CallViews,
  ) {}

  async addTag(viewer: UserRecord, callId: string, tag: string): Promise<Call> {
    const applied = await this.transitions.run(callId, { type: "tag", tag }, (call, tx) =>
      this.mayAnnotate(viewer, call, tx, "tag"),
    );
    return this.views.presentOne(applied.after, viewer);
  }

  async addComment(viewer: UserRecord, callId: string, text: string): Promise<Call> {
    const comment = { type: "comment" as const, id: this.ctx.newId(), authorId: viewer.id, text };
    const applied = await this.transitions.run(callId, comment, (call, tx) =>
      this.mayAnnotate(viewer, call, tx, "comment"),
    );
    return callSeenBy(applied.dto, viewer.id);
  }

  private async mayAnnotate(
    viewer: UserRecord,
    call: CallRecord,
    tx: Store,
    kind: "tag" | "comment",
  ): Promise<void> {
    await assertVisible(viewer, call, tx);
    refuseIf(callActionRefusal(asViewer(viewer), call, kind));
  }
}
