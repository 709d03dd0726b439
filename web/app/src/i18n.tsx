// English (default) and Spanish. The language follows the browser and can be switched;
// the choice is kept in localStorage. Every string of the UI is here.
import { createContext, type ReactNode, useContext, useState } from "react";
import { diagEn, diagEs } from "./i18n.diag.ts";

const en = {
  appName: "Earshot",
  language: "Language",
  signIn: "Sign in",
  signOut: "Sign out",
  email: "Email",
  password: "Password",
  demoLogins: "Demo users",
  demoPasswordHint:
    "Demo mode: the password of every demo user is printed in the server's console (npm start).",
  firstStartTitle: "Set up Earshot",
  firstStartIntro: "Create your organisation and its first admin. This set-up link works once.",
  firstStartNoLink: "This page needs the set-up link the server printed at start-up (…/setup#…).",
  orgName: "Organisation",
  yourName: "Your name",
  createOrg: "Create and sign in",
  passwordRule: "At least 10 characters, not a common password.",
  account: "Account",
  changePassword: "Change password",
  currentPassword: "Current password",
  newPassword: "New password",
  passwordChanged: "Password changed. Your other sessions were signed out.",
  signOutEverywhere: "Sign out everywhere",
  signOutEverywhereHint: "Ends every session of yours, on every device, this one included.",
  softphone: "Softphone",
  liveMonitoring: "Live Monitoring",
  admin: "Admin",
  diagnostics: "Network check",
  available: "Available",
  unavailable: "Unavailable",
  availability: "Availability",
  incomingCall: "Incoming call",
  answer: "Answer",
  dial: "Call",
  numberToCall: "Number to call",
  fromNumber: "From number",
  noCall: "No call right now.",
  mute: "Mute",
  unmute: "Unmute",
  hold: "Hold",
  resume: "Resume",
  hangUp: "Hang up",
  transfer: "Transfer",
  transferTo: "Transfer to",
  transferToUser: "a user",
  transferToNumber: "an external number",
  thirdParty: "Add a third party",
  addToCall: "Add to the call",
  conferenceWith: "Conference with",
  thirdPartyLeft: "Conference: the third party has left",
  addTag: "Add tag",
  tag: "Tag",
  comment: "Comment",
  addComment: "Add comment",
  raiseHand: "Raise hand",
  lowerHand: "Lower hand",
  coachingYou: "{name} is coaching you",
  coachMessages: "Messages from your coach",
  calls: "Calls",
  users: "Users",
  number: "Number",
  agent: "Agent",
  customer: "Customer",
  webCaller: "Web caller",
  duration: "Duration",
  state: "State",
  coach: "Coach",
  onCall: "On a call",
  idle: "Idle",
  coaching: "Coaching",
  noLiveCalls: "No live calls.",
  notifyUser: "Notify user",
  openConversation: "Open the target conversation",
  join: "Join",
  cancel: "Cancel",
  listen: "Listen",
  whisper: "Whisper",
  barge: "Barge",
  leave: "Leave",
  coachingSession: "Coaching {agent}",
  heardBy: "Who hears you: {who}",
  nobody: "nobody",
  sessionEnded: "The coaching session ended: {reason}",
  shortcuts: "Keys: L listen · W whisper (hold Space to talk) · B barge · Esc leave",
  sendMessage: "Send",
  textWhisper: "Text whisper to the agent",
  startDemoCall: "Start demo call",
  handRaised: "Hand raised",
  conversation: "Conversation",
  contact: "Contact",
  tags: "Tags",
  comments: "Comments",
  liveState: "Live state",
  back: "Back",
  widgetTitle: "Call {name}",
  callNow: "Call",
  ringing: "Ringing…",
  connected: "Connected",
  ended: "Call ended",
  setupTitle: "Set up your audio",
  setupIntro: "Earshot needs your microphone. This runs once per browser.",
  allowMic: "Allow microphone",
  micDevice: "Microphone",
  speakerDevice: "Speaker",
  micLevel: "Microphone level",
  testSpeaker: "Play test sound",
  networkCheck: "Network check",
  finishSetup: "Finish set-up",
  unsupported:
    "This browser cannot run Earshot. Missing: {what}. Use a current Chromium-based browser or Firefox.",
  needsHttpsTitle: "This page needs HTTPS for audio",
  needsHttps:
    "You opened Earshot over plain HTTP at {host}. Browsers only give a page the microphone over HTTPS (or on the server's own computer), so calls would have no audio here.",
  needsHttpsFix:
    "Ask whoever runs Earshot to serve it over HTTPS: set EARSHOT_TLS_CERT and EARSHOT_TLS_KEY, or put it behind a TLS proxy with EARSHOT_TRUST_PROXY=1 (see docs/DEPLOY.md). Then open the https:// address.",
  users_: "Users",
  numbers: "Numbers",
  contacts: "Contacts",
  name: "Name",
  role: "Role",
  monitoringAccess: "Monitoring access",
  distribution: "Line distribution",
  save: "Save",
  create: "Create",
  phoneNumbers: "Phone numbers",
  company: "Company",
  error: "Error",
  reason_coach_left: "you left",
  reason_removed_by_admin: "an admin ended it",
  reason_call_ended: "the call ended",
  reason_transferred: "the call was transferred",
  reason_conference: "the call became a conference",
  reason_external_transfer: "the call was transferred to an external number",
  reason_connection_lost: "your audio connection was lost and could not be restored",
  reason_permission_changed: "your permissions changed",
  ...diagEn,
};

export type Key = keyof typeof en;

const es: Record<Key, string> = {
  appName: "Earshot",
  language: "Idioma",
  signIn: "Iniciar sesión",
  signOut: "Cerrar sesión",
  email: "Correo electrónico",
  password: "Contraseña",
  demoLogins: "Usuarios de demostración",
  demoPasswordHint:
    "Modo demostración: la contraseña de los usuarios de demostración aparece en la consola del servidor (npm start).",
  firstStartTitle: "Configurar Earshot",
  firstStartIntro:
    "Cree su organización y su primer administrador. Este enlace de configuración sirve una sola vez.",
  firstStartNoLink:
    "Esta página necesita el enlace de configuración que el servidor mostró al arrancar (…/setup#…).",
  orgName: "Organización",
  yourName: "Su nombre",
  createOrg: "Crear e iniciar sesión",
  passwordRule: "Al menos 10 caracteres, y no una contraseña común.",
  account: "Cuenta",
  changePassword: "Cambiar contraseña",
  currentPassword: "Contraseña actual",
  newPassword: "Contraseña nueva",
  passwordChanged: "Contraseña cambiada. Sus otras sesiones se han cerrado.",
  signOutEverywhere: "Cerrar sesión en todas partes",
  signOutEverywhereHint: "Cierra todas sus sesiones, en todos los dispositivos, también esta.",
  softphone: "Teléfono",
  liveMonitoring: "Supervisión en vivo",
  admin: "Administración",
  diagnostics: "Comprobar red",
  available: "Disponible",
  unavailable: "No disponible",
  availability: "Disponibilidad",
  incomingCall: "Llamada entrante",
  answer: "Contestar",
  dial: "Llamar",
  numberToCall: "Número a llamar",
  fromNumber: "Desde el número",
  noCall: "Ninguna llamada ahora.",
  mute: "Silenciar",
  unmute: "Activar micrófono",
  hold: "En espera",
  resume: "Reanudar",
  hangUp: "Colgar",
  transfer: "Transferir",
  transferTo: "Transferir a",
  transferToUser: "un usuario",
  transferToNumber: "un número externo",
  thirdParty: "Añadir un tercero",
  addToCall: "Añadir a la llamada",
  conferenceWith: "Conferencia con",
  thirdPartyLeft: "Conferencia: el tercero ha colgado",
  addTag: "Añadir etiqueta",
  tag: "Etiqueta",
  comment: "Comentario",
  addComment: "Añadir comentario",
  raiseHand: "Levantar la mano",
  lowerHand: "Bajar la mano",
  coachingYou: "{name} te está haciendo coaching",
  coachMessages: "Mensajes de tu coach",
  calls: "Llamadas",
  users: "Usuarios",
  number: "Número",
  agent: "Agente",
  customer: "Cliente",
  webCaller: "Cliente web",
  duration: "Duración",
  state: "Estado",
  coach: "Coach",
  onCall: "En llamada",
  idle: "Libre",
  coaching: "Haciendo coaching",
  noLiveCalls: "No hay llamadas en curso.",
  notifyUser: "Notificar al usuario",
  openConversation: "Abrir la conversación objetivo",
  join: "Unirse",
  cancel: "Cancelar",
  listen: "Escuchar",
  whisper: "Susurrar",
  barge: "Intervenir",
  leave: "Salir",
  coachingSession: "Coaching a {agent}",
  heardBy: "Quién te oye: {who}",
  nobody: "nadie",
  sessionEnded: "La sesión de coaching terminó: {reason}",
  shortcuts: "Teclas: L escuchar · W susurrar (mantén Espacio para hablar) · B intervenir · Esc salir",
  sendMessage: "Enviar",
  textWhisper: "Susurro de texto al agente",
  startDemoCall: "Iniciar llamada de demostración",
  handRaised: "Mano levantada",
  conversation: "Conversación",
  contact: "Contacto",
  tags: "Etiquetas",
  comments: "Comentarios",
  liveState: "Estado en vivo",
  back: "Volver",
  widgetTitle: "Llamar a {name}",
  callNow: "Llamar",
  ringing: "Sonando…",
  connected: "Conectado",
  ended: "Llamada finalizada",
  setupTitle: "Configura tu audio",
  setupIntro: "Earshot necesita tu micrófono. Esto se hace una vez por navegador.",
  allowMic: "Permitir micrófono",
  micDevice: "Micrófono",
  speakerDevice: "Altavoz",
  micLevel: "Nivel del micrófono",
  testSpeaker: "Reproducir sonido de prueba",
  networkCheck: "Comprobación de red",
  finishSetup: "Terminar configuración",
  unsupported:
    "Este navegador no puede ejecutar Earshot. Falta: {what}. Usa un navegador Chromium actual o Firefox.",
  needsHttpsTitle: "Esta página necesita HTTPS para el audio",
  needsHttps:
    "Has abierto Earshot por HTTP sin cifrar en {host}. Los navegadores solo dan el micrófono a una página por HTTPS (o en el propio ordenador del servidor), así que aquí las llamadas no tendrían audio.",
  needsHttpsFix:
    "Pide a quien administra Earshot que lo sirva por HTTPS: con EARSHOT_TLS_CERT y EARSHOT_TLS_KEY, o detrás de un proxy TLS con EARSHOT_TRUST_PROXY=1 (ver docs/DEPLOY.md). Después abre la dirección https://.",
  users_: "Usuarios",
  numbers: "Números",
  contacts: "Contactos",
  name: "Nombre",
  role: "Rol",
  monitoringAccess: "Acceso a supervisión",
  distribution: "Distribución de línea",
  save: "Guardar",
  create: "Crear",
  phoneNumbers: "Teléfonos",
  company: "Empresa",
  error: "Error",
  reason_coach_left: "saliste",
  reason_removed_by_admin: "un administrador la terminó",
  reason_call_ended: "la llamada terminó",
  reason_transferred: "la llamada fue transferida",
  reason_conference: "la llamada pasó a ser una conferencia",
  reason_external_transfer: "la llamada fue transferida a un número externo",
  reason_connection_lost: "se perdió tu conexión de audio y no se pudo restablecer",
  reason_permission_changed: "tus permisos cambiaron",
  ...diagEs,
};

export type Lang = "en" | "es";
const DICTS: Record<Lang, Record<Key, string>> = { en, es };
const LANG_KEY = "earshot.lang";

export function initialLang(): Lang {
  const saved = localStorage.getItem(LANG_KEY);
  if (saved === "en" || saved === "es") return saved;
  return navigator.language.toLowerCase().startsWith("es") ? "es" : "en";
}

export type T = (key: Key, vars?: Record<string, string>) => string;

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: T;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = (l: Lang) => {
    localStorage.setItem(LANG_KEY, l);
    document.documentElement.lang = l;
    setLangState(l);
  };
  const t: T = (key, vars) =>
    Object.entries(vars ?? {}).reduce((s, [k, v]) => s.replace(`{${k}}`, v), DICTS[lang][key] ?? key);
  document.documentElement.lang = lang;
  return <Ctx.Provider value={{ lang, setLang, t }}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error("I18nProvider missing");
  return v;
}

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="lang">
      {t("language")}{" "}
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        <option value="en">English</option>
        <option value="es">Español</option>
      </select>
    </label>
  );
}
