// The commands' one argument parser: node:util parseArgs, with problems returned as values so each
// command words them its own way (`cairn graph: unknown option "--x"` and exit 2, with its usage).
import { parseArgs } from "node:util";

/** A command's options, as node:util parseArgs takes them (`--help`/`-h` is always known). */
export type CommandOptions = Record<string, { type: "string" | "boolean"; short?: string }>;

export type CommandValues<O extends CommandOptions> = {
  [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string;
};

/** What was wrong with the arguments, in the order they were typed; the first one found is reported. */
export type ArgProblem =
  /** Not one of the command's options, or a switch given a value (`--json=1`): `arg` as typed. */
  | { problem: "unknown-option"; arg: string }
  /** A string option at the end, with an empty value, or followed by another option: `option` as typed (`-c`, `--config`). */
  | { problem: "missing-value"; option: string }
  /** A positional argument past the number the command takes; `before` holds those already taken. */
  | { problem: "extra-positional"; arg: string; before: string[] };

export type ParsedCommandArgs<O extends CommandOptions> = { help: true } | ArgProblem | { values: CommandValues<O>; positionals: string[] };

export interface ParseCommandArgsOptions {
  /** How many positional arguments the command takes (default 0). */
  positionals?: number;
  /** Take the next argument as a string option's value even when it starts with "--" (`cairn graph --constants`). */
  valuesMayLookLikeOptions?: boolean;
}

/**
 * Parses a command's arguments. `--help`/`-h` wins when it comes before any problem. A lone "-" or
 * "--" is an unknown option, as before the commands shared this parser.
 */
export function parseCommandArgs<O extends CommandOptions>(argv: string[], options: O, { positionals: maxPositionals = 0, valuesMayLookLikeOptions = false }: ParseCommandArgsOptions = {}): ParsedCommandArgs<O> {
  const { tokens } = parseArgs({
    args: argv,
    options: { ...options, help: { type: "boolean", short: "h" } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "option-terminator") return { problem: "unknown-option", arg: "--" };
    if (token.kind === "positional") {
      if (token.value.startsWith("-")) return { problem: "unknown-option", arg: token.value };
      if (positionals.length >= maxPositionals) return { problem: "extra-positional", arg: token.value, before: [...positionals] };
      positionals.push(token.value);
      continue;
    }
    if (token.name === "help") {
      if (token.value !== undefined) return { problem: "unknown-option", arg: argv[token.index]! };
      return { help: true };
    }
    const spec = options[token.name];
    if (!spec) return { problem: "unknown-option", arg: argv[token.index]! };
    if (spec.type === "boolean") {
      if (token.value !== undefined) return { problem: "unknown-option", arg: argv[token.index]! };
      values[token.name] = true;
      continue;
    }
    // parseArgs (not strict) takes the next argument as the value whatever it looks like.
    if (!token.value || (!token.inlineValue && !valuesMayLookLikeOptions && token.value.startsWith("--"))) {
      return { problem: "missing-value", option: token.rawName };
    }
    values[token.name] = token.value;
  }
  return { values: values as CommandValues<O>, positionals };
}
