import { describe, expect, it } from "vitest";
import { serverEnv } from "@/lib/config/server-env";

const env = (CAIRN_SCHEMA_READ_INTERVAL_SECONDS: string) => ({ NODE_ENV: "test", CAIRN_SCHEMA_READ_INTERVAL_SECONDS }) as NodeJS.ProcessEnv;

describe("serverEnv", () => {
  it("reads CAIRN_SCHEMA_READ_INTERVAL_SECONDS as seconds, and stops on a value it cannot use, naming the key", () => {
    expect(serverEnv(env("30")).CAIRN_SCHEMA_READ_INTERVAL_SECONDS).toBe(30);
    expect(serverEnv(env("")).CAIRN_SCHEMA_READ_INTERVAL_SECONDS).toBeUndefined();
    for (const [bad, said] of [
      ["soon", /CAIRN_SCHEMA_READ_INTERVAL_SECONDS: must be a whole number of seconds, e\.g\. 900/],
      ["2.5", /CAIRN_SCHEMA_READ_INTERVAL_SECONDS: must be a whole number of seconds/],
      ["1", /CAIRN_SCHEMA_READ_INTERVAL_SECONDS: must be at least 5 seconds/],
      ["9999999", /CAIRN_SCHEMA_READ_INTERVAL_SECONDS: must be at most 604800 seconds/],
    ] as const) {
      expect(() => serverEnv(env(bad))).toThrow(said);
    }
  });

  it("reads CAIRN_TARGET_IDLE_SECONDS (0 closes target connections after every reading), and stops on a value it cannot use, naming the key", () => {
    const idle = (v: string) => ({ NODE_ENV: "test", CAIRN_TARGET_IDLE_SECONDS: v }) as NodeJS.ProcessEnv;
    expect(serverEnv(idle("30")).CAIRN_TARGET_IDLE_SECONDS).toBe(30);
    expect(serverEnv(idle("0")).CAIRN_TARGET_IDLE_SECONDS).toBe(0);
    expect(serverEnv(idle("")).CAIRN_TARGET_IDLE_SECONDS).toBeUndefined();
    for (const [bad, said] of [
      ["a while", /CAIRN_TARGET_IDLE_SECONDS: must be a whole number of seconds, e\.g\. 30/],
      ["1.5", /CAIRN_TARGET_IDLE_SECONDS: must be a whole number of seconds/],
      ["-1", /CAIRN_TARGET_IDLE_SECONDS: must be 0 or more seconds/],
      ["7200", /CAIRN_TARGET_IDLE_SECONDS: must be at most 3600 seconds/],
    ] as const) {
      expect(() => serverEnv(idle(bad))).toThrow(said);
    }
  });
});
