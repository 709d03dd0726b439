// Strings of the designed interface (issue 15): the tables' visually hidden action headers,
// the coach's on-screen hold-to-talk, the admin table's monitoring-access words.

export const designEn = {
  actions: "Actions",
  holdToTalk: "Hold to talk",
  holdToTalkHint: "Press and hold (or hold Space): the agent hears you only while it is pressed.",
  access_none: "None",
  access_live_monitoring: "Live Monitoring",
  access_live_monitoring_plus: "Live Monitoring+",
};

export const designEs: Record<keyof typeof designEn, string> = {
  actions: "Acciones",
  holdToTalk: "Mantén pulsado para hablar",
  holdToTalkHint: "Mantén pulsado (o mantén Espacio): el agente solo te oye mientras lo pulsas.",
  access_none: "Ninguno",
  access_live_monitoring: "Supervisión en vivo",
  access_live_monitoring_plus: "Supervisión en vivo+",
};
