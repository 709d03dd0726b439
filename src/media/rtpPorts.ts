// Binds trunk RTP sockets (RtpParties) inside the configured port range (what operators open in their
// firewall), trying the ports in turn from where the last bind left off.
import dgram from "node:dgram";

export class RtpPorts {
  #next: number;

  constructor(
    private readonly address: string,
    private readonly min: number,
    private readonly max: number,
  ) {
    this.#next = min;
  }

  async bind(): Promise<dgram.Socket> {
    const size = this.max - this.min + 1;
    for (let tries = 0; tries < size; tries++) {
      const port = this.#next;
      this.#next = port >= this.max ? this.min : port + 1;
      const socket = dgram.createSocket("udp4");
      const ok = await new Promise<boolean>((resolve) => {
        socket.once("error", () => resolve(false));
        socket.bind(port, this.address, () => resolve(true));
      });
      if (ok) return socket;
      socket.close();
    }
    throw new Error(`no free RTP port in ${this.min}-${this.max}`);
  }
}
