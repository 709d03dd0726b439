// One-click coaching from a Live Monitoring row: Listen / Whisper / Barge start the session
// in that mode in one user action, and "Coach…" opens the dialog for its options (notify the
// agent, open the conversation). A refused action stays visible and focusable (aria-disabled,
// the click refused) with its reason as visible text, from the server's grant code (`te`). Until
// the row's grants arrive (events carry them; one without, before the socket's hello), a neutral
// "checking" line stands in: never a disabled button without a reason.
import type { Call, CoachingMode, Grant } from "../../../../src/protocol/resources.ts";
import { ok, rest } from "../shared/api.ts";
import { useI18n } from "../shared/i18n.tsx";
import type { Live } from "../shared/live.ts";

export interface JoinOptions {
  notifyUser: boolean;
  openConversation: boolean;
  mode: CoachingMode;
}

/**
 * Starts coaching `call` in `mode`, in one request: the server applies the routing once, with
 * that mode, and audits the session as started in it. A one-click whisper or barge starts
 * without Notify user: the agent is told the moment the coach is audible, once, by the server
 * (SPEC §3), never "listening" first.
 */
export async function joinCoaching(live: Live, call: Call, opts: JoinOptions): Promise<void> {
  await ok(
    rest.POST("/api/v1/calls/{id}/coaching", {
      params: { path: { id: call.id } },
      body: { notifyUser: opts.notifyUser, openConversation: opts.openConversation, mode: opts.mode },
    }),
  );
  await live.refetch();
}

const MODES: CoachingMode[] = ["listen", "whisper", "barge"];

export function RowActions({
  call,
  place,
  agentName,
  coachingThis,
  onJoin,
  onOptions,
}: {
  /** The row's live call (none: the user's row of someone not on a call). */
  call: Call | undefined;
  /** Unique per row: the reasons' element ids. */
  place: string;
  agentName: string;
  /** This viewer is coaching this call already. */
  coachingThis: boolean;
  onJoin(call: Call, mode: CoachingMode): void;
  onOptions(call: Call): void;
}) {
  const { t, te } = useI18n();
  if (call && coachingThis) return <span className="reason">{t("youAreCoaching")}</span>;
  if (call && !call.grants)
    return (
      <span className="reason" aria-busy="true">
        {t("checkingGrants")}
      </span>
    );
  const why = (g: Grant | undefined) => (g?.code ? te(g.code) : (g?.message ?? ""));
  const coach = call?.grants?.coach;
  const barge = call?.grants?.barge;
  const coachWhy = call ? (coach?.allowed ? null : why(coach)) : te("call_not_live");
  const bargeWhy = coachWhy === null && !barge?.allowed ? why(barge) : null;
  const refusedWhy = (m: CoachingMode | "options") => (m === "barge" ? (coachWhy ?? bargeWhy) : coachWhy);
  const ids = { coach: `why-${place}`, barge: `why-barge-${place}` };
  const button = (m: CoachingMode | "options", label: string, act: (c: Call) => void) => {
    const refused = refusedWhy(m) !== null;
    return (
      <button
        key={m}
        type="button"
        aria-disabled={refused || undefined}
        aria-describedby={refused ? (coachWhy !== null ? ids.coach : ids.barge) : undefined}
        onClick={() => {
          if (!refused && call) act(call);
        }}
      >
        {label}
      </button>
    );
  };
  return (
    <fieldset className="row-actions">
      <legend className="why">{t("coachActions", { agent: agentName })}</legend>
      {MODES.map((m) => button(m, t(m), (c) => onJoin(c, m)))}
      {button("options", t("coachOptions"), onOptions)}
      {coachWhy !== null && (
        <span id={ids.coach} className="reason">
          {coachWhy}
        </span>
      )}
      {bargeWhy !== null && (
        <span id={ids.barge} className="reason">
          {bargeWhy}
        </span>
      )}
    </fieldset>
  );
}
