// The first-use set-up: microphone permission, device choice, a level meter, a speaker
// test and a network check. Done once per browser (localStorage).
import { useEffect, useRef, useState } from "react";
import { useI18n } from "../shared/i18n.tsx";
import { saveSetup } from "../shared/setupChoice.ts";
import { Diagnostics } from "./Diagnostics.tsx";

export function FirstUse({ onDone }: { onDone(): void }) {
  const { t, te } = useI18n();
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [micId, setMicId] = useState("");
  const [speakerId, setSpeakerId] = useState("");
  const [level, setLevel] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const raf = useRef(0);

  const allow = async (deviceId?: string) => {
    try {
      stream?.getTracks().forEach((tr) => {
        tr.stop();
      });
      const s = await navigator.mediaDevices.getUserMedia({
        audio: deviceId ? { deviceId: { exact: deviceId } } : true,
      });
      setStream(s);
      setDevices(await navigator.mediaDevices.enumerateDevices());
      setError(null);
    } catch (e) {
      setError(te(e));
    }
  };

  useEffect(() => {
    if (!stream) return;
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    ctx.createMediaStreamSource(stream).connect(analyser);
    const data = new Float32Array(analyser.fftSize);
    const tick = () => {
      analyser.getFloatTimeDomainData(data);
      let peak = 0;
      for (const v of data) peak = Math.max(peak, Math.abs(v));
      setLevel(Math.min(1, peak * 2));
      raf.current = requestAnimationFrame(tick);
    };
    tick();
    return () => {
      cancelAnimationFrame(raf.current);
      void ctx.close();
    };
  }, [stream]);

  const testSpeaker = () => {
    const ctx = new AudioContext();
    const o = ctx.createOscillator();
    o.frequency.value = 523;
    o.connect(ctx.destination);
    o.start();
    o.stop(ctx.currentTime + 0.4);
  };

  const finish = () => {
    stream?.getTracks().forEach((tr) => {
      tr.stop();
    });
    saveSetup({ micId, speakerId, completedAt: new Date().toISOString() });
    onDone();
  };

  return (
    <main className="card setup">
      <h1>{t("setupTitle")}</h1>
      <p>{t("setupIntro")}</p>
      {!stream && (
        <button type="button" onClick={() => void allow()}>
          {t("allowMic")}
        </button>
      )}
      {error && <p role="alert">{error}</p>}
      {stream && (
        <>
          <DeviceSelect
            label={t("micDevice")}
            kind="audioinput"
            devices={devices}
            value={micId}
            onChange={(id) => {
              setMicId(id);
              void allow(id);
            }}
          />
          <DeviceSelect
            label={t("speakerDevice")}
            kind="audiooutput"
            devices={devices}
            value={speakerId}
            onChange={setSpeakerId}
          />
          <label>
            {t("micLevel")} <meter min={0} max={1} value={level} aria-label={t("micLevel")} />
          </label>
          <button type="button" onClick={testSpeaker}>
            {t("testSpeaker")}
          </button>
          <h2>{t("networkCheck")}</h2>
          <Diagnostics compact />
          <button type="button" className="primary" onClick={finish}>
            {t("finishSetup")}
          </button>
        </>
      )}
    </main>
  );
}

function DeviceSelect(props: {
  label: string;
  kind: MediaDeviceKind;
  devices: MediaDeviceInfo[];
  value: string;
  onChange(id: string): void;
}) {
  return (
    <label>
      {props.label}{" "}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">default</option>
        {props.devices
          .filter((d) => d.kind === props.kind)
          .map((d) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || d.deviceId}
            </option>
          ))}
      </select>
    </label>
  );
}
