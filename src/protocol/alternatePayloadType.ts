// A second payload type for the call's codec on a browser's two receive slots. Chromium's
// jitter buffer (NetEq) holds a stream that resumes after a pause until its old playout delay
// is covered (~100 ms), but starts a stream with a new payload type at once, as it does a new
// stream: it resets its decoder and delay estimate. So the browser offers the codec twice on
// its receive slots (withAlternatePayloadType, in web/src/media/leg.ts), the answer accepts
// both (addPayloadTypeToSlots, in src/media/WebRtcLeg.ts), and each slot changes payload type
// at each switch of its source (a whisper starting, the coach falling silent). Shared by the
// server and the web app.

/** The payload types of `encoding` (e.g. "opus/48000") listed in one SDP media section. */
function payloadTypes(section: string, encoding: string): number[] {
  const pattern = new RegExp(`^a=rtpmap:(\\d+) ${encoding.replace("/", "\\/")}(\\/\\d+)?\\s*$`, "gim");
  return [...section.matchAll(pattern)].map((m) => Number(m[1]));
}

function mediaSections(sdp: string): string[] {
  return sdp.split(/\r?\nm=/).slice(1);
}

/**
 * The payload type, other than `primary`, that the offer lists for `encoding` on both receive
 * slots (media sections 2 and 3), or null when it offers only one.
 */
export function offeredAlternate(offerSdp: string, encoding: string, primary: number): number | null {
  const slots = mediaSections(offerSdp).slice(1, 3);
  if (slots.length !== 2) return null;
  const [a, b] = slots.map((s) => payloadTypes(s, encoding).filter((pt) => pt !== primary));
  const alternate = a.find((pt) => b.includes(pt));
  return alternate === undefined || alternate < 96 || alternate > 127 ? null : alternate;
}

/**
 * The SDP with `payloadType` added to media sections 2 and 3 (the receive slots) as a second
 * name for each section's first codec: on the m= line, and as copies of its rtpmap and fmtp.
 */
export function addPayloadTypeToSlots(sdp: string, payloadType: number): string {
  const eol = sdp.includes("\r\n") ? "\r\n" : "\n";
  const [head, ...sections] = sdp.split(`${eol}m=`);
  if (sections.length !== 3) return sdp;
  const edited = sections.map((section, i) => {
    if (i === 0) return section;
    const lines = section.split(eol);
    const first = /^audio \d+ \S+ (\d+)/.exec(lines[0])?.[1];
    if (first === undefined || !lines.some((l) => l.startsWith(`a=rtpmap:${first} `))) return section;
    const out = [`${lines[0]} ${payloadType}`];
    for (const line of lines.slice(1)) {
      out.push(line);
      if (line.startsWith(`a=rtpmap:${first} `) || line.startsWith(`a=fmtp:${first} `)) {
        out.push(line.replace(`:${first} `, `:${payloadType} `));
      }
    }
    return out.join(eol);
  });
  return [head, ...edited].join(`${eol}m=`);
}

/** A browser's offer with its slots' codec offered a second time, under a free dynamic payload type. */
export function withAlternatePayloadType(offerSdp: string): string {
  const used = new Set([...offerSdp.matchAll(/^a=rtpmap:(\d+) /gm)].map((m) => Number(m[1])));
  for (let pt = 96; pt <= 127; pt++) if (!used.has(pt)) return addPayloadTypeToSlots(offerSdp, pt);
  return offerSdp;
}
