import "server-only";
import os from "node:os";
import { randomBytes } from "node:crypto";
import { serverEnv } from "@/lib/config/server-env";

const state = globalThis as unknown as { __cairnInstanceId?: string };

/**
 * This Cairn process, as recorded on the runs it executes: CAIRN_INSTANCE_ID when set (stable
 * across restarts, so a restarted instance recovers its own runs at once), else host-pid-random.
 */
export function instanceId(): string {
  if (!state.__cairnInstanceId) {
    state.__cairnInstanceId = serverEnv().CAIRN_INSTANCE_ID ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  }
  return state.__cairnInstanceId;
}
