import { describe, expect, it } from "vitest";
import { parseCommandArgs } from "@/cli/parse-command-args";

const options = { json: { type: "boolean" }, config: { type: "string", short: "c" } } as const;

describe("parseCommandArgs", () => {
  it("reads switches, string options in every spelling, and positionals", () => {
    expect(parseCommandArgs(["--json", "--config", "a.json"], options)).toEqual({ values: { json: true, config: "a.json" }, positionals: [] });
    expect(parseCommandArgs(["--config=a=b.json"], options)).toEqual({ values: { config: "a=b.json" }, positionals: [] });
    expect(parseCommandArgs(["-c", "x.json", "-cy.json"], options)).toEqual({ values: { config: "y.json" }, positionals: [] });
    expect(parseCommandArgs(["proj", "--json"], options, { positionals: 1 })).toEqual({ values: { json: true }, positionals: ["proj"] });
    expect(parseCommandArgs(["-c", "-x.json"], options)).toEqual({ values: { config: "-x.json" }, positionals: [] });
  });

  it("answers --help or -h when it comes before any problem", () => {
    expect(parseCommandArgs(["--json", "-h", "--bogus"], options)).toEqual({ help: true });
    expect(parseCommandArgs(["--help"], options)).toEqual({ help: true });
    expect(parseCommandArgs(["--bogus", "--help"], options)).toEqual({ problem: "unknown-option", arg: "--bogus" });
  });

  it("names unknown options as typed, including a switch given a value, a lone dash and --", () => {
    expect(parseCommandArgs(["--frobnicate"], options)).toEqual({ problem: "unknown-option", arg: "--frobnicate" });
    expect(parseCommandArgs(["--json=1"], options)).toEqual({ problem: "unknown-option", arg: "--json=1" });
    expect(parseCommandArgs(["--help=yes"], options)).toEqual({ problem: "unknown-option", arg: "--help=yes" });
    expect(parseCommandArgs(["-zq"], options)).toEqual({ problem: "unknown-option", arg: "-zq" });
    expect(parseCommandArgs(["-"], options, { positionals: 1 })).toEqual({ problem: "unknown-option", arg: "-" });
    expect(parseCommandArgs(["--", "x"], options, { positionals: 1 })).toEqual({ problem: "unknown-option", arg: "--" });
  });

  it("reports a missing value with the option as typed", () => {
    expect(parseCommandArgs(["--config"], options)).toEqual({ problem: "missing-value", option: "--config" });
    expect(parseCommandArgs(["-c"], options)).toEqual({ problem: "missing-value", option: "-c" });
    expect(parseCommandArgs(["--config", "--json"], options)).toEqual({ problem: "missing-value", option: "--config" });
    expect(parseCommandArgs(["--config="], options)).toEqual({ problem: "missing-value", option: "--config" });
    expect(parseCommandArgs(["--config", "--json"], options, { valuesMayLookLikeOptions: true })).toEqual({ values: { config: "--json" }, positionals: [] });
  });

  it("reports positionals past the command's count, with those already taken", () => {
    expect(parseCommandArgs(["x"], options)).toEqual({ problem: "extra-positional", arg: "x", before: [] });
    expect(parseCommandArgs(["a", "b"], options, { positionals: 1 })).toEqual({ problem: "extra-positional", arg: "b", before: ["a"] });
  });
});
