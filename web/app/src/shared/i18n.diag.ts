// The network diagnostic's strings (Diagnostics.tsx), English and Spanish; i18n.tsx merges
// them into its dictionaries.

export const diagEn = {
  diagSignalling: "Signalling (WebSocket)",
  diagUdp: "Direct audio over UDP",
  diagTurnUdp: "TURN relay over UDP",
  diagTurnTcp: "TURN relay over TCP",
  diagTurnTls: "TURN relay over TLS",
  diagOk: "works",
  diagFail: "fails",
  diagSkip: "not configured",
  diagPending: "testing…",
  diagRun: "Run the check",
  diagPath_udp: "This browser will send its audio straight to the media server over UDP: the best path.",
  diagPath_turnUdp:
    "Direct UDP does not work from this network: this browser will send its audio through the TURN relay over UDP.",
  diagPath_turnTcp:
    "UDP does not work from this network: this browser will send its audio through the TURN relay over TCP (it works, with a little more delay).",
  diagPath_turnTls:
    "Only TLS gets through from this network: this browser will send its audio through the TURN relay over TLS (it works, with more delay).",
  diagPath_none:
    "No audio path works from this network. Ask IT to allow these connections from this computer:",
  diagNoTurn: "No TURN relay is configured on this server, so a network that blocks UDP cannot carry audio.",
  diagOpen_https: "TCP to {host}, port {port} (HTTPS and WebSocket)",
  diagOpen_media: "UDP to {host}, ports {ports} (the media server)",
  diagOpen_mediaAny: "UDP to {host}, any port (the operator has not set EARSHOT_MEDIA_PORTS)",
  diagOpen_turnUdp: "UDP to {host}, port {port} (TURN)",
  diagOpen_turnTcp: "TCP to {host}, port {port} (TURN)",
  diagOpen_turnTls: "TCP to {host}, port {port} (TURN over TLS)",
  diagWhy_noSignalling: "the WebSocket did not answer",
  diagWhy_needsSignalling: "cannot be tested without signalling",
  diagWhy_noServers: "the TURN settings could not be fetched ({why})",
  diagWhy_noRelay: "the TURN server gave no relay address ({why})",
  diagWhy_refused: "the server refused the test: {why}",
  diagWhy_timeout: "no answer through this path within {seconds} s",
};

export const diagEs: Record<keyof typeof diagEn, string> = {
  diagSignalling: "Señalización (WebSocket)",
  diagUdp: "Audio directo por UDP",
  diagTurnUdp: "Relé TURN por UDP",
  diagTurnTcp: "Relé TURN por TCP",
  diagTurnTls: "Relé TURN por TLS",
  diagOk: "funciona",
  diagFail: "falla",
  diagSkip: "no configurado",
  diagPending: "comprobando…",
  diagRun: "Comprobar",
  diagPath_udp: "Este navegador enviará su audio directamente al servidor de audio por UDP: el mejor camino.",
  diagPath_turnUdp:
    "El UDP directo no funciona desde esta red: este navegador enviará su audio a través del relé TURN por UDP.",
  diagPath_turnTcp:
    "UDP no funciona desde esta red: este navegador enviará su audio a través del relé TURN por TCP (funciona, con algo más de retardo).",
  diagPath_turnTls:
    "Desde esta red solo pasa TLS: este navegador enviará su audio a través del relé TURN por TLS (funciona, con más retardo).",
  diagPath_none:
    "Ningún camino de audio funciona desde esta red. Pide a TI que permita estas conexiones desde este ordenador:",
  diagNoTurn: "Este servidor no tiene relé TURN configurado: una red que bloquea UDP no puede llevar audio.",
  diagOpen_https: "TCP a {host}, puerto {port} (HTTPS y WebSocket)",
  diagOpen_media: "UDP a {host}, puertos {ports} (el servidor de audio)",
  diagOpen_mediaAny: "UDP a {host}, cualquier puerto (el operador no ha fijado EARSHOT_MEDIA_PORTS)",
  diagOpen_turnUdp: "UDP a {host}, puerto {port} (TURN)",
  diagOpen_turnTcp: "TCP a {host}, puerto {port} (TURN)",
  diagOpen_turnTls: "TCP a {host}, puerto {port} (TURN por TLS)",
  diagWhy_noSignalling: "el WebSocket no respondió",
  diagWhy_needsSignalling: "no se puede comprobar sin señalización",
  diagWhy_noServers: "no se pudo obtener la configuración TURN ({why})",
  diagWhy_noRelay: "el servidor TURN no dio ninguna dirección de relé ({why})",
  diagWhy_refused: "el servidor rechazó la prueba: {why}",
  diagWhy_timeout: "sin respuesta por este camino en {seconds} s",
};
