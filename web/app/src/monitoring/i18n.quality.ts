// Call quality's strings (Quality.tsx), English and Spanish; i18n.en.ts and i18n.es.ts merge them.

export const qualityEn = {
  quality_title: "Call quality",
  quality_good_customer: "Customer's audio: good",
  quality_good_agent: "Agent's audio: good",
  quality_good_coach: "Coach's audio: good",
  quality_poor_customer: "Customer's audio: poor ({reason})",
  quality_poor_agent: "Agent's audio: poor ({reason})",
  quality_poor_coach: "Coach's audio: poor ({reason})",
  quality_reasonLoss: "{loss} % loss",
  quality_reasonMos: "estimated MOS {mos}",
  quality_detail: "MOS {mos} · {loss} % loss · jitter {jitter} ms · round trip {rtt}",
  quality_rttMs: "{rtt} ms",
  quality_rttUnknown: "not measured",
  quality_allGood: "Audio: good",
};

export const qualityEs: Record<keyof typeof qualityEn, string> = {
  quality_title: "Calidad de la llamada",
  quality_good_customer: "Audio del cliente: bueno",
  quality_good_agent: "Audio del agente: bueno",
  quality_good_coach: "Audio del supervisor: bueno",
  quality_poor_customer: "Audio del cliente: deficiente ({reason})",
  quality_poor_agent: "Audio del agente: deficiente ({reason})",
  quality_poor_coach: "Audio del supervisor: deficiente ({reason})",
  quality_reasonLoss: "{loss} % de pérdida",
  quality_reasonMos: "MOS estimado {mos}",
  quality_detail: "MOS {mos} · {loss} % de pérdida · jitter {jitter} ms · ida y vuelta {rtt}",
  quality_rttMs: "{rtt} ms",
  quality_rttUnknown: "sin medir",
  quality_allGood: "Audio: bueno",
};
