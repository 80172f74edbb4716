/**
 * The emulator for the benchmarks, in its own process so its CPU time is not counted in the
 * client's process. Started with `fork`; sends its endpoint and CA certificate over IPC, then
 * serves until the parent sends "stop" or disconnects.
 */
import { startEmulator } from "arm-managed-identity/emulator";

const options = JSON.parse(process.argv[2] ?? "{}");
const emulator = await startEmulator({ host: "127.0.0.1", ...options });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await emulator.stop();
  process.exit(0);
}
process.on("message", (message) => {
  if (message === "stop") void stop();
});
process.on("disconnect", () => void stop());
process.send({
  endpoint: emulator.endpoint,
  caCertificate: emulator.caCertificate,
  subscriptionId: emulator.subscriptionId,
  tenantId: emulator.tenantId,
});
