/** Free TCP ports on 127.0.0.1 for the local services the project starts (Kafka broker, Flink). */
import { connect, createServer } from "node:net";

/** Distinct free TCP ports on 127.0.0.1 (held open together so they cannot coincide). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<typeof server>((res, rej) => {
        server.once("error", rej);
        server.listen(0, "127.0.0.1", () => res(server));
      });
    }),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((res) => s.close(res))));
  return ports;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` (1 s timeout). */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.setTimeout(1000);
    socket.once("connect", () => (socket.destroy(), res(true)));
    socket.once("timeout", () => (socket.destroy(), res(false)));
    socket.once("error", () => (socket.destroy(), res(false)));
  });
}
