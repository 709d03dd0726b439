// The built-in network diagnostic (SPEC §4): signalling, UDP media and the TURN relay.
import { useCallback, useEffect, useState } from "react";
import { fetchIceServers, wsUrl } from "./api.ts";
import { useI18n } from "./i18n.tsx";

type Result = "pending" | "ok" | "fail" | "skip";

async function checkSignalling(): Promise<Result> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl("token=diagnostic"));
    const timer = setTimeout(() => resolve("fail"), 4000);
    ws.onmessage = () => {
      clearTimeout(timer);
      ws.close();
      resolve("ok"); // any answer (even "sign in first") proves the channel works
    };
    ws.onerror = () => {
      clearTimeout(timer);
      resolve("fail");
    };
  });
}

async function checkIce(
  servers: RTCIceServer[],
  policy: RTCIceTransportPolicy,
  want: string,
): Promise<Result> {
  const pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: policy });
  pc.createDataChannel("diag");
  try {
    const found = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 4000);
      pc.onicecandidate = (e) => {
        if (e.candidate?.candidate.includes(want)) {
          clearTimeout(timer);
          resolve(true);
        }
        if (!e.candidate) {
          clearTimeout(timer);
          resolve(false);
        }
      };
    });
    await pc.setLocalDescription(await pc.createOffer());
    return (await found) ? "ok" : "fail";
  } finally {
    pc.close();
  }
}

export function Diagnostics({ compact = false }: { compact?: boolean }) {
  const { t } = useI18n();
  const [results, setResults] = useState<Record<string, Result>>({});
  const run = useCallback(async () => {
    setResults({ signalling: "pending", udp: "pending", turn: "pending" });
    const servers = await fetchIceServers().catch(() => [] as RTCIceServer[]);
    const turn = servers.filter((s) => String(s.urls).startsWith("turn"));
    const [signalling, udp, relay] = await Promise.all([
      checkSignalling(),
      checkIce([], "all", " udp "),
      turn.length > 0 ? checkIce(turn, "relay", " relay ") : Promise.resolve<Result>("skip"),
    ]);
    setResults({ signalling, udp, turn: relay });
  }, []);
  useEffect(() => {
    void run();
  }, [run]);
  const label = (r: Result | undefined) =>
    r === "ok" ? t("diagOk") : r === "fail" ? t("diagFail") : r === "skip" ? t("diagSkip") : "…";
  return (
    <section aria-label={t("networkCheck")} className={compact ? "" : "card"}>
      {!compact && <h1>{t("networkCheck")}</h1>}
      <ul className="diag">
        <li>
          {t("diagSignalling")}: <strong data-result={results.signalling}>{label(results.signalling)}</strong>
        </li>
        <li>
          {t("diagUdp")}: <strong data-result={results.udp}>{label(results.udp)}</strong>
        </li>
        <li>
          {t("diagTurn")}: <strong data-result={results.turn}>{label(results.turn)}</strong>
        </li>
      </ul>
      <p>{t("diagHelp")}</p>
      {!compact && (
        <button type="button" onClick={() => void run()}>
          {t("diagRun")}
        </button>
      )}
    </section>
  );
}
