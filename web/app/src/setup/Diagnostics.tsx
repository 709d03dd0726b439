// The built-in network diagnostic (SPEC §4): signalling, direct UDP to the media plane and the
// TURN relay over UDP, TCP and TLS, each tested for real against a probe on the media plane
// (diagnostic.ts), then the path this browser will use, or what IT must open. Each row's
// result is in data-result (ok / fail / skip), the conclusion in data-path.
import { useCallback, useEffect, useRef, useState } from "react";
import { session } from "../shared/api.ts";
import { type Key, type T, useI18n } from "../shared/i18n.tsx";
import { type DiagState, pendingState, runDiagnostic } from "./diagnostic.ts";
import type { DiagAuth } from "./probe.ts";
import type { Opening, Path, Result, Row } from "./probePlan.ts";
import { ROWS } from "./probePlan.ts";

const ROW_LABEL: Record<Row, Key> = {
  signalling: "diagSignalling",
  udp: "diagUdp",
  turnUdp: "diagTurnUdp",
  turnTcp: "diagTurnTcp",
  turnTls: "diagTurnTls",
};
const RESULT_LABEL: Record<Result, Key> = {
  pending: "diagPending",
  ok: "diagOk",
  fail: "diagFail",
  skip: "diagSkip",
};
const PATH_LABEL: Record<Path, Key> = {
  udp: "diagPath_udp",
  "turn-udp": "diagPath_turnUdp",
  "turn-tcp": "diagPath_turnTcp",
  "turn-tls": "diagPath_turnTls",
  none: "diagPath_none",
};

function opening(t: T, o: Opening): string {
  return t(`diagOpen_${o.what}`, { host: o.host, port: o.port, ports: o.port });
}

/** `auth`: a widget call's token and socket; by default the signed-in user of this tab. */
export function Diagnostics({ compact = false, auth }: { compact?: boolean; auth?: DiagAuth }) {
  const { t } = useI18n();
  const [state, setState] = useState<DiagState>(pendingState);
  const running = useRef(false);
  const run = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    setState(pendingState());
    try {
      await runDiagnostic(auth ?? { token: session.token ?? "" }, setState);
    } catch (e) {
      console.error("network check failed:", e);
    } finally {
      running.current = false;
    }
  }, [auth]);
  useEffect(() => {
    void run();
  }, [run]);
  return (
    <section aria-label={t("networkCheck")} className={compact ? "" : "card"}>
      {!compact && <h1>{t("networkCheck")}</h1>}
      <ul className="diag">
        {ROWS.map((row) => {
          const r = state.rows[row];
          return (
            <li key={row} data-row={row} data-via={r.via}>
              {t(ROW_LABEL[row])}: <strong data-result={r.result}>{t(RESULT_LABEL[r.result])}</strong>
              {r.why && <span className="why"> — {t(`diagWhy_${r.why.key}`, r.why.vars)}</span>}
            </li>
          );
        })}
      </ul>
      {state.path && (
        <div className="diag-path" data-path={state.path} role="status">
          <p>{t(PATH_LABEL[state.path])}</p>
          {state.openings.length > 0 && (
            <ul className="diag-open">
              {state.openings.map((o) => (
                <li key={`${o.what} ${o.host} ${o.port}`}>{opening(t, o)}</li>
              ))}
            </ul>
          )}
          {state.path === "none" && !state.turnConfigured && <p>{t("diagNoTurn")}</p>}
        </div>
      )}
      {!compact && (
        <button type="button" onClick={() => void run()}>
          {t("diagRun")}
        </button>
      )}
    </section>
  );
}
