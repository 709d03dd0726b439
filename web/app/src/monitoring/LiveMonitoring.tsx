// Live Monitoring: every live call (Calls) and every user (Users), updated live. Each row has
// one-click Listen / Whisper / Barge and the Coach dialog (RowActions.tsx); a refused action
// stays visible and says why.
import { useCallback, useEffect, useMemo, useState } from "react";
import { callCodec, isLive } from "../../../../src/protocol/calls.ts";
import type { Call, CoachingMode } from "../../../../src/protocol/resources.ts";
import { Conversation } from "../conversation/Conversation.tsx";
import { DemoCallButton } from "../shared/DemoCallButton.tsx";
import { useAudioLeg, useLive } from "../shared/hooks.ts";
import { type Key, useI18n } from "../shared/i18n.tsx";
import type { Live } from "../shared/live.ts";
import { navigate } from "../shared/router.ts";
import { Board } from "./Board.tsx";
import { CallRow, type RowHandlers, UserRow } from "./CallRow.tsx";
import { CoachDialog } from "./CoachDialog.tsx";
import { CoachPanel } from "./CoachPanel.tsx";
import { useHandChime } from "./handChime.ts";
import { CallFilters, UserFilters } from "./ListFilters.tsx";
import { NO_CALL_FILTER, NO_USER_FILTER, visibleCalls, visibleUsers } from "./lists.ts";
import { joinCoaching } from "./RowActions.tsx";
import { WaitingCalls } from "./WaitingCalls.tsx";

export function LiveMonitoring({ live }: { live: Live }) {
  const { t, te } = useI18n();
  const state = useLive(live);
  const [tab, setTab] = useState<"calls" | "users">("calls");
  const [dialogFor, setDialogFor] = useState<Call | null>(null);
  const [openConversation, setOpenConversation] = useState(false);
  const [ended, setEnded] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [callFilter, setCallFilter] = useState(NO_CALL_FILTER);
  const [userFilter, setUserFilter] = useState(NO_USER_FILTER);
  useHandChime(live);
  const me = state.me;
  // Each derived list is kept until what it is made of changes: an event that changes the users
  // does not sort the 1,000 calls again, and the hidden tab's list is not made at all.
  const calls = useMemo(() => state.calls.filter((c) => isLive(c.state)), [state.calls]);
  const mine = calls.find((c) => c.coachingSession?.coachId === me?.id);
  // The coach's media leg opens with the Coach dialog ("standby": silent both ways until the
  // session exists) so that Join only has to apply the routing.
  const legCall = mine ?? dialogFor ?? null;
  const coachAudio = useAudioLeg(
    live,
    legCall?.id ?? null,
    "coach",
    !!legCall,
    legCall ? callCodec(legCall.customerChannel) : undefined,
  );
  // By id once per render: a thousand rows each searching a thousand users was the page's cost.
  const usersById = useMemo(() => new Map(state.users.map((u) => [u.id, u])), [state.users]);
  const callsById = useMemo(() => new Map(calls.map((c) => [c.id, c])), [calls]);
  const nameOf = useCallback((id: string | null) => (id && usersById.get(id)?.name) || "—", [usersById]);
  const numbersById = useMemo(() => new Map(state.numbers.map((n) => [n.id, n])), [state.numbers]);
  const numberOf = useCallback((id: string) => numbersById.get(id)?.name ?? "—", [numbersById]);
  const shownCalls = useMemo(
    () =>
      tab === "calls" ? visibleCalls(calls, callFilter, { numberName: numberOf, userName: nameOf }) : [],
    [tab, calls, callFilter, numberOf, nameOf],
  );
  const shownUsers = useMemo(
    () => (tab === "users" ? visibleUsers(state.users, calls, state.numbers, userFilter) : []),
    [tab, state.users, calls, state.numbers, userFilter],
  );

  useEffect(
    () =>
      live.on((m) => {
        if (m.type === "coaching.ended" && m.session.coachId === me?.id && m.session.endReason) {
          setEnded(t(`reason_${m.session.endReason}` as Key));
        }
        if (m.type === "coaching.started" && m.session.coachId === me?.id) setEnded(null);
      }),
    [live, me?.id, t],
  );

  // The same functions every render: the memoised rows (CallRow.tsx) compare them by identity.
  const join = useCallback(
    async (call: Call, opts: { notifyUser: boolean; openConversation: boolean; mode: CoachingMode }) => {
      try {
        await joinCoaching(live, call, opts);
        setOpenConversation(opts.openConversation);
      } catch (e) {
        setError(te(e));
      } finally {
        setDialogFor(null);
      }
    },
    [live, te],
  );
  const handlers = useMemo<RowHandlers>(
    () => ({
      onJoin: (c, mode) => void join(c, { notifyUser: mode === "listen", openConversation: false, mode }),
      onOptions: setDialogFor,
    }),
    [join],
  );

  const tabProps = (id: "calls" | "users") => ({
    role: "tab",
    id: `tab-${id}`,
    "aria-selected": tab === id,
    "aria-controls": `panel-${id}`,
    tabIndex: tab === id ? 0 : -1,
    onClick: () => setTab(id),
    onKeyDown: (e: React.KeyboardEvent) => {
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") setTab(tab === "calls" ? "users" : "calls");
    },
  });

  return (
    <main aria-label={t("liveMonitoring")}>
      <h1>{t("liveMonitoring")}</h1>
      {error && (
        <p role="alert" onClick={() => setError(null)} onKeyDown={() => setError(null)}>
          {error}
        </p>
      )}
      {ended && !mine && (
        <p role="status" className="ended">
          {t("sessionEnded", { reason: ended })}
        </p>
      )}
      {mine?.coachingSession && (
        <CoachPanel
          call={mine}
          session={mine.coachingSession}
          audioState={coachAudio.state}
          leg={coachAudio.leg}
          agentName={nameOf(mine.agentId)}
          quality={mine.quality}
          onError={setError}
        />
      )}
      {mine && openConversation && <Conversation live={live} callId={mine.id} embedded />}
      <DemoCallButton numbers={state.numbers} meId={state.me?.id ?? null} onError={setError} />
      <Board live={live} />
      <a
        href="/wallboard"
        onClick={(e) => {
          e.preventDefault();
          navigate("/wallboard");
        }}
      >
        {t("board_wallboard")}
      </a>
      <div role="tablist" aria-label={t("liveMonitoring")}>
        <button type="button" {...tabProps("calls")}>
          {t("calls")}
        </button>
        <button type="button" {...tabProps("users")}>
          {t("users")}
        </button>
      </div>
      {/* Only the shown tab is rendered: the hidden list's clocks would tick for nobody. */}
      <section role="tabpanel" id="panel-calls" aria-labelledby="tab-calls" hidden={tab !== "calls"}>
        {tab === "calls" && (
          <>
            <WaitingCalls calls={state.calls} numbers={state.numbers} users={state.users} />
            <CallFilters
              place="calls"
              numbers={state.numbers}
              users={state.users}
              value={callFilter}
              onChange={setCallFilter}
              shown={shownCalls.length}
              total={calls.length}
            />
            {calls.length === 0 ? (
              <p>{t("noLiveCalls")}</p>
            ) : shownCalls.length === 0 ? (
              <p>{t("list_noMatch")}</p>
            ) : (
              <table className="cards">
                <thead>
                  <tr>
                    <th scope="col">{t("number")}</th>
                    <th scope="col">{t("agent")}</th>
                    <th scope="col">{t("customer")}</th>
                    <th scope="col">{t("duration")}</th>
                    <th scope="col">{t("state")}</th>
                    <th scope="col">{t("coach")}</th>
                    <th scope="col">
                      <span className="sr-only">{t("actions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {shownCalls.map((c) => (
                    <CallRow
                      key={c.id}
                      call={c}
                      numberName={numberOf(c.numberId)}
                      agentName={nameOf(c.agentId)}
                      transferToName={c.transfer ? nameOf(c.transfer.toUserId) : null}
                      coachingThis={c.id === mine?.id}
                      handlers={handlers}
                    />
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </section>
      <section role="tabpanel" id="panel-users" aria-labelledby="tab-users" hidden={tab !== "users"}>
        {tab === "users" && (
          <>
            <UserFilters
              place="users"
              numbers={state.numbers}
              value={userFilter}
              onChange={setUserFilter}
              shown={shownUsers.length}
              total={state.users.length}
            />
            <table className="cards">
              <thead>
                <tr>
                  <th scope="col">{t("name")}</th>
                  <th scope="col">{t("role")}</th>
                  <th scope="col">{t("availability")}</th>
                  <th scope="col">{t("state")}</th>
                  <th scope="col">
                    <span className="sr-only">{t("actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shownUsers.map((u) => {
                  const call = u.currentCallId ? callsById.get(u.currentCallId) : undefined;
                  return (
                    <UserRow
                      key={u.id}
                      user={u}
                      call={call}
                      coachingThis={!!call && call.id === mine?.id}
                      handlers={handlers}
                    />
                  );
                })}
              </tbody>
            </table>
          </>
        )}
      </section>
      {dialogFor && (
        <CoachDialog
          call={dialogFor}
          agentName={nameOf(dialogFor.agentId)}
          onJoin={(o) => void join(dialogFor, { ...o, mode: "listen" })}
          onCancel={() => setDialogFor(null)}
        />
      )}
    </main>
  );
}
