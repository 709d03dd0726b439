// First-use set-up (SPEC §4), remembered in browser storage: clearing it repeats it.
const KEY = "earshot.setup.v1";

export interface SetupChoice {
  micId: string;
  speakerId: string;
  completedAt: string;
}

export function loadSetup(): SetupChoice | null {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? "null") as SetupChoice | null;
  } catch {
    return null;
  }
}

export function saveSetup(choice: SetupChoice): void {
  localStorage.setItem(KEY, JSON.stringify(choice));
}

/** What this browser lacks to run Earshot's audio, if anything. */
export function missingFeatures(): string[] {
  const missing: string[] = [];
  if (typeof RTCPeerConnection === "undefined") missing.push("WebRTC (RTCPeerConnection)");
  if (!navigator.mediaDevices?.getUserMedia) missing.push("microphone access (getUserMedia)");
  if (typeof AudioContext === "undefined") missing.push("Web Audio (AudioContext)");
  if (typeof WebSocket === "undefined") missing.push("WebSocket");
  return missing;
}
