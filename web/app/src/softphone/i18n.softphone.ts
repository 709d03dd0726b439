// The softphone's strings for numbers it dials (a third party, an external transfer) and the
// confirmation before an action ends a coaching session, English and Spanish; i18n.en.ts /
// i18n.es.ts merge them into their dictionaries.

export const softphoneEn = {
  endCoachingTitle: "End the coaching session?",
  endCoaching_conference:
    "Adding a third party turns this call into a conference, and conference calls cannot be coached: the coaching session will end.",
  endCoaching_external:
    "Transferring this call to an external number ends the coaching session: the coach will no longer hear it.",
  endCoachingConfirm: "End coaching and continue",
  reason_agent_disconnected: "the agent's softphone disconnected and the call went back to the queue",
};

export const softphoneEs = {
  endCoachingTitle: "¿Terminar la supervisión?",
  endCoaching_conference:
    "Al añadir a un tercero, la llamada pasa a ser una conferencia, y las conferencias no se pueden supervisar: la supervisión de la llamada terminará.",
  endCoaching_external:
    "Si transfieres la llamada a un número externo, la supervisión termina: el supervisor dejará de oírla.",
  endCoachingConfirm: "Terminar la supervisión y continuar",
  reason_agent_disconnected: "el softphone del agente se desconectó y la llamada volvió a la cola",
} satisfies Record<keyof typeof softphoneEn, string>;
