// The queue's strings (waiting calls in Live Monitoring, the widget's place in the queue),
// English and Spanish; i18n.en.ts / i18n.es.ts merge them into their dictionaries.

export const queueEn = {
  queueTitle: "Waiting calls",
  queueNone: "Nobody is waiting.",
  queuePlace: "Place",
  queueWait: "Waiting",
  queueRinging: "Ringing",
  queueWaiting: "waiting {time}",
  queueForAgent: "waiting for a free agent",
  queueWidgetPosition:
    "All our agents are busy. You are number {position} in the queue; please stay on the line.",
};

export const queueEs = {
  queueTitle: "Llamadas en espera",
  queueNone: "No hay nadie esperando.",
  queuePlace: "Posición",
  queueWait: "Espera",
  queueRinging: "Sonando para",
  queueWaiting: "esperando {time}",
  queueForAgent: "esperando a un agente libre",
  queueWidgetPosition:
    "Todos nuestros agentes están ocupados. Eres el número {position} en la cola; no cuelgues, por favor.",
} satisfies Record<keyof typeof queueEn, string>;
