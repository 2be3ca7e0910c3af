// A process with two closers registered through onShutdown, one slow (a job finishing) and one quick
// (closing idle connections); it says what finished before the process went down.
import { onShutdown } from "@/lib/server/on-shutdown";

onShutdown(async () => {
  await new Promise((r) => setTimeout(r, 400));
  process.stdout.write("slow closer done\n");
});
onShutdown(async () => {
  process.stdout.write("quick closer done\n");
});
const unregistered = onShutdown(() => process.stdout.write("unregistered closer ran\n"));
unregistered();
setInterval(() => {}, 1000); // stays up until signalled
process.stdout.write("ready\n");
