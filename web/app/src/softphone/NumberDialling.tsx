// Numbers the agent dials on a call (a conference's third party, an external transfer): the
// same rule as the server's (protocol/phoneNumbers.ts) checked before sending, and the server's
// refusal (invalid_phone_number) shown under the field. An action whose grant says it ends the
// coaching session (grants.*.endsCoaching, the server's rule) first asks the agent to confirm.
import { type ReactNode, useEffect, useRef, useState } from "react";
import { compactNumber, isDiallable } from "../../../../src/protocol/phoneNumbers.ts";
import type { SessionEndingGrant } from "../../../../src/protocol/resources.ts";
import { ApiFailure, ok, rest } from "../shared/api.ts";
import { useI18n } from "../shared/i18n.tsx";

let emergencyNumbers: Promise<string[]> | null = null;
/** The server's emergency numbers (GET /config), fetched once; null until they arrive. */
function useEmergencyNumbers(): string[] | null {
  const [numbers, setNumbers] = useState<string[] | null>(null);
  useEffect(() => {
    emergencyNumbers ??= ok(rest.GET("/api/v1/config")).then((c) => c.emergencyNumbers);
    void emergencyNumbers.then(setNumbers, () => setNumbers(null));
  }, []);
  return numbers;
}

/** A number field: what was typed, and the sentence of what is wrong with it (shown under it). */
export function useNumberField(id: string) {
  const { te } = useI18n();
  const emergency = useEmergencyNumbers();
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const errorId = `${id}-problem`;
  return {
    value,
    clear: () => setValue(""),
    /** The number to send, or null (its sentence shown) when it cannot be dialled. */
    checked(): string | null {
      const n = compactNumber(value);
      // Until the emergency numbers arrive, an emergency number is the server's to judge.
      if (isDiallable(n, emergency ?? []) || (emergency === null && /^[0-9]{2,6}$/.test(n))) return n;
      setProblem(te("invalid_phone_number"));
      return null;
    },
    /** A refusal for this number shows under the field; anything else goes to `other`. */
    refused(e: unknown, other: (m: string) => void): void {
      if (e instanceof ApiFailure && e.code === "invalid_phone_number") setProblem(te(e));
      else other(te(e));
    },
    input: (placeholder: string): ReactNode => (
      <input
        id={id}
        value={value}
        inputMode="tel"
        placeholder={placeholder}
        aria-invalid={problem !== null}
        aria-describedby={problem ? errorId : undefined}
        onChange={(e) => {
          setValue(e.target.value);
          setProblem(null);
        }}
      />
    ),
    problem: problem && (
      <p id={errorId} className="field-problem" role="alert">
        {problem}
      </p>
    ),
  };
}

export type EndingKind = "conference" | "external";

/** Runs an action at once, or, when its grant says it ends the coaching session, after the agent confirms. */
export function useEndCoachingConfirm() {
  const [pending, setPending] = useState<{ kind: EndingKind; run(): void } | null>(null);
  return {
    confirm(grant: SessionEndingGrant | undefined, kind: EndingKind, run: () => void): void {
      if (grant?.endsCoaching) setPending({ kind, run });
      else run();
    },
    dialog: pending && (
      <EndCoachingDialog
        kind={pending.kind}
        onConfirm={() => {
          setPending(null);
          pending.run();
        }}
        onCancel={() => setPending(null)}
      />
    ),
  };
}

function EndCoachingDialog({
  kind,
  onConfirm,
  onCancel,
}: {
  kind: EndingKind;
  onConfirm(): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="backdrop">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="end-coaching-title"
        aria-describedby="end-coaching-text"
        className="card dialog"
        onKeyDown={(e) => e.key === "Escape" && onCancel()}
      >
        <h2 id="end-coaching-title">{t("endCoachingTitle")}</h2>
        <p id="end-coaching-text">{t(`endCoaching_${kind}`)}</p>
        <div className="row">
          <button type="button" className="primary" onClick={onConfirm}>
            {t("endCoachingConfirm")}
          </button>
          <button type="button" ref={ref} onClick={onCancel}>
            {t("cancel")}
          </button>
        </div>
      </div>
    </div>
  );
}

/** "Add a third party": the number, checked, then the conference (after the agent confirms, if coached). */
export function ThirdPartyForm({
  callId,
  grant,
  onError,
}: {
  callId: string;
  grant: SessionEndingGrant | undefined;
  onError(m: string): void;
}) {
  const { t, te } = useI18n();
  const field = useNumberField(`third-party-${callId}`);
  const ending = useEndCoachingConfirm();
  const send = (number: string) =>
    void ok(
      rest.POST("/api/v1/calls/{id}/participants", { params: { path: { id: callId } }, body: { number } }),
    )
      .then(field.clear)
      .catch((e: unknown) => field.refused(e, onError));
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        const number = field.checked();
        if (number) ending.confirm(grant, "conference", () => send(number));
      }}
    >
      <label htmlFor={`third-party-${callId}`}>{t("thirdParty")}</label> {field.input("+34…")}
      <button
        type="submit"
        disabled={grant ? !grant.allowed : false}
        title={grant?.code ? te(grant.code) : undefined}
      >
        {t("addToCall")}
      </button>
      {field.problem}
      {ending.dialog}
    </form>
  );
}
