// Tiny network probes for the namespace tests, run inside a namespace as
// `ip netns exec NS node netns-probe-cli.mjs <command> …` (plain JavaScript: no tsx start-up cost).
// Servers print one JSON line {"ready":true} when listening, then one JSON line per event.
//   udp-listen IP PORT                     prints {"udp":MSG,"from":ADDR} per datagram
//   udp-send IP PORT MSG COUNT             sends COUNT datagrams, 20 ms apart
//   tcp-connect IP PORT TIMEOUT_MS         exits 0 on connect ({"connected":…}), 2 on timeout
//   https-serve IP PORT CERT KEY           answers {"remoteAddress":…}; prints {"tcp":ADDR} per connection
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import { connect } from "node:net";

const [command, ...args] = process.argv.slice(2);
const print = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

if (command === "udp-listen") {
  const [ip, port] = args;
  const socket = createSocket("udp4");
  socket.on("message", (msg, rinfo) => print({ udp: msg.toString(), from: rinfo.address }));
  socket.bind(Number(port), ip, () => print({ ready: true }));
} else if (command === "udp-send") {
  const [ip, port, msg, count] = args;
  const socket = createSocket("udp4");
  let sent = 0;
  const next = () => {
    socket.send(msg, Number(port), ip, (error) => {
      if (error) {
        console.error(`udp-send: ${error.message}`);
        process.exit(1);
      }
      if (++sent < Number(count)) setTimeout(next, 20);
      else socket.close();
    });
  };
  next();
} else if (command === "tcp-connect") {
  const [ip, port, timeoutMs] = args;
  const socket = connect({ host: ip, port: Number(port) });
  const timer = setTimeout(() => {
    console.error(`tcp-connect: no connection to ${ip}:${port} within ${timeoutMs} ms`);
    process.exit(2);
  }, Number(timeoutMs));
  socket.on("connect", () => {
    clearTimeout(timer);
    print({ connected: `${socket.localAddress}:${socket.localPort}` });
    socket.end();
  });
  socket.on("error", (error) => {
    console.error(`tcp-connect: ${error.message}`);
    process.exit(1);
  });
} else if (command === "https-serve") {
  const [ip, port, cert, key] = args;
  const server = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
    const body = JSON.stringify({ remoteAddress: req.socket.remoteAddress });
    res
      .writeHead(200, { "content-type": "text/html" })
      .end(`<!doctype html><title>netns</title><pre>${body}</pre>`);
  });
  server.on("connection", (socket) => print({ tcp: socket.remoteAddress }));
  server.listen(Number(port), ip, () => print({ ready: true }));
} else {
  console.error(`netns-probe: unknown command ${command}`);
  process.exit(64);
}
