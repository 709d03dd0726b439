// A second payload type for the call's codec on a browser's two receive slots. Chromium's
// jitter buffer (NetEq) holds a stream that resumes after a pause until its old playout delay
// is covered (~100 ms), but starts a stream with a new payload type at once, as it does a new
// stream: it resets its decoder and delay estimate. So the browser offers the codec twice on
// its receive slots (web/src/media/leg.ts), the answer accepts both, and each slot changes
// payload type at each switch of its source (a whisper starting, the coach falling silent).

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

/** The answer with `alternate` added, beside the section's payload type, to its media sections 2 and 3. */
export function answerWithAlternate(answerSdp: string, alternate: number): string {
  const eol = answerSdp.includes("\r\n") ? "\r\n" : "\n";
  const [head, ...sections] = answerSdp.split(`${eol}m=`);
  const out = sections.map((section, i) => {
    if (i !== 1 && i !== 2) return section;
    const lines = section.split(eol);
    const primary = /^audio \d+ \S+ (\d+)/.exec(lines[0])?.[1];
    if (primary === undefined) return section;
    const result: string[] = [`${lines[0]} ${alternate}`];
    for (const line of lines.slice(1)) {
      result.push(line);
      if (line.startsWith(`a=rtpmap:${primary} `) || line.startsWith(`a=fmtp:${primary} `)) {
        result.push(line.replace(`:${primary} `, `:${alternate} `));
      }
    }
    return result.join(eol);
  });
  return [head, ...out].join(`${eol}m=`);
}
