// Loaded (--import) into every unit-tier test process by scripts/test.mjs: a unit test that opens
// a socket, starts a server or a process fails at that line, saying where such a test belongs.
// scripts/tiers.mjs also refuses, before any test runs, a src/ test that imports what does.
import childProcess from "node:child_process";
import dgram from "node:dgram";
import net from "node:net";

function refuse(what) {
  return function refused() {
    throw new Error(`a unit test (src/**/*.test.ts) ${what}: it belongs in test/ (integration tier)`);
  };
}

net.Server.prototype.listen = refuse("starts a server");
net.Socket.prototype.connect = refuse("opens a connection");
dgram.Socket.prototype.bind = refuse("binds a UDP socket");
dgram.Socket.prototype.send = refuse("sends UDP");
for (const name of ["spawn", "spawnSync", "fork", "exec", "execSync", "execFile", "execFileSync"]) {
  childProcess[name] = refuse(`starts a process (${name})`);
}
