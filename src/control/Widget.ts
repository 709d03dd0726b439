// What the customer call widget may read without signing in: a number's public card, and the
// customer's projection of their own call (the API checks the call's token first).
import type { WidgetCall } from "../protocol/resources.ts";
import type { ControlContext } from "./context.ts";
import { fail } from "./errors.ts";
import { presentWidgetCall } from "./presenter.ts";

export class Widget {
  constructor(private readonly ctx: ControlContext) {}

  /** The number a widget calls: its id and name, nothing else. */
  async number(id: string): Promise<{ id: string; name: string }> {
    const number = await this.ctx.store.getNumber(id);
    if (!number) fail("not_found", "No such number.");
    return { id: number.id, name: number.name };
  }

  /** The customer's view of their call. */
  async call(id: string): Promise<WidgetCall> {
    const call = await this.ctx.store.getCall(id);
    if (!call) fail("not_found");
    const positions = await this.ctx.store.queuePositions([id]);
    return presentWidgetCall({ ...call, queuePosition: positions.get(id) ?? null });
  }
}
