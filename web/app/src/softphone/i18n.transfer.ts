// The strings of a transfer to a user (TransferOffer.tsx, TransferStatus.tsx, a Live Monitoring
// row's monitoring/TransferNote.tsx), English and Spanish; i18n.en.ts / i18n.es.ts merge them
// into their dictionaries.

export const transferEn = {
  transferOffer: "Incoming transfer",
  transferOfferFrom: "{from} is transferring you a call from",
  transferAccept: "Accept",
  transferDecline: "Decline",
  transferRinging: "Transferring to {to}: ringing… The customer is on hold.",
  transferCancel: "Cancel transfer",
  transferBack_declined: "{to} declined the transfer: the call is back with you.",
  transferBack_no_answer: "{to} did not answer the transfer: the call is back with you.",
  transferBack_cancelled: "You cancelled the transfer to {to}: the call is back with you.",
  transferSomeone: "a colleague",
  transferRowRinging: "Transferring to {to} — ringing",
};

export const transferEs = {
  transferOffer: "Transferencia entrante",
  transferOfferFrom: "{from} te está transfiriendo una llamada de",
  transferAccept: "Aceptar",
  transferDecline: "Rechazar",
  transferRinging: "Transfiriendo a {to}: sonando… El cliente está en espera.",
  transferCancel: "Cancelar transferencia",
  transferBack_declined: "{to} rechazó la transferencia: la llamada vuelve a ti.",
  transferBack_no_answer: "{to} no contestó la transferencia: la llamada vuelve a ti.",
  transferBack_cancelled: "Cancelaste la transferencia a {to}: la llamada vuelve a ti.",
  transferSomeone: "un compañero",
  transferRowRinging: "Transfiriendo a {to}: sonando",
} satisfies Record<keyof typeof transferEn, string>;
