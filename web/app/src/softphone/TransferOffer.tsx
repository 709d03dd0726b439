// A transfer offered to me (SPEC §2: a transfer to a user rings them): who transfers which
// customer's call, Accept and Decline, and a chime as it starts ringing. Shown by the shell on
// every page (a supervisor on Live Monitoring is rung too); accepting opens the softphone,
// where the call's audio starts. What I may do is the server's grant (acceptTransfer,
// declineTransfer); the offer goes when the call's change says it stopped ringing for me.
import { useEffect, useRef, useState } from "react";
import type { Call } from "../../../../src/protocol/resources.ts";
import { ContactName } from "../conversation/Conversation.tsx";
import { ok, rest } from "../shared/api.ts";
import { playChime, useLive } from "../shared/hooks.ts";
import { useI18n } from "../shared/i18n.tsx";
import type { Live } from "../shared/live.ts";
import { navigate } from "../shared/router.ts";

export function TransferOffer({ live, onSoftphone }: { live: Live; onSoftphone: boolean }) {
  const { t, te } = useI18n();
  const state = useLive(live);
  const [error, setError] = useState<string | null>(null);
  const me = state.me;
  const offers = state.calls.filter(
    (c) => c.state !== "ended" && c.transfer?.state === "ringing" && c.transfer.toUserId === me?.id,
  );
  // A chime for each offer as it starts ringing (like a ringing call), once.
  const chimed = useRef(new Set<string>());
  useEffect(() => {
    for (const c of offers) {
      const key = `${c.id}@${c.transfer?.at}`;
      if (chimed.current.has(key)) continue;
      chimed.current.add(key);
      playChime("transfer offered");
    }
  });
  if (!me || offers.length === 0) return null;
  const nameOf = (id: string) => state.users.find((u) => u.id === id)?.name ?? t("transferSomeone");
  const act = (c: Call, what: "accept" | "decline") =>
    ok(
      rest.POST(
        what === "accept" ? "/api/v1/calls/{id}/transfer/accept" : "/api/v1/calls/{id}/transfer/decline",
        {
          params: { path: { id: c.id } },
        },
      ),
    )
      .then(() => {
        setError(null);
        if (what === "accept" && !onSoftphone) navigate("/softphone");
      })
      .catch((e: unknown) => setError(te(e)));
  return (
    <>
      {offers.map((c) => {
        const may = (g: "acceptTransfer" | "declineTransfer") => ({
          disabled: c.grants ? !c.grants[g].allowed : false,
          title: c.grants?.[g].code ? te(c.grants[g].code) : undefined,
        });
        return (
          <section key={c.id} className="card ringing" aria-label={t("transferOffer")}>
            <h2>{t("transferOffer")}</h2>
            <p>
              {t("transferOfferFrom", { from: nameOf(c.transfer?.fromUserId ?? "") })}{" "}
              <ContactName call={c} />
            </p>
            {error && <p role="alert">{error}</p>}
            <button
              type="button"
              className="primary"
              {...may("acceptTransfer")}
              onClick={() => void act(c, "accept")}
            >
              {t("transferAccept")}
            </button>{" "}
            <button type="button" {...may("declineTransfer")} onClick={() => void act(c, "decline")}>
              {t("transferDecline")}
            </button>
          </section>
        );
      })}
    </>
  );
}
