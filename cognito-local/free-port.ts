import net from "node:net";

/**
 * A free TCP port on loopback (the OS picks it). Here, beside the emulator
 * that needs it for cognito-local's internal port, because scripts and tests
 * may use the emulator's code but not the other way round.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
