// cairn — the command-line face of Cairn. Subcommands load lazily so `cairn graph` never pays for
// the database drivers `cairn status` needs.

/** A subcommand: takes the arguments after its name, returns the process exit code. */
export type CommandRun = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: CommandRun }> }> = {
  graph: { summary: "read a project's migrations statically and show heads, bases, problems and history", load: () => import("@/cli/commands/graph") },
  lint: { summary: "render each migration of a path as SQL and report what would lock, lose data or fail", load: () => import("@/cli/commands/lint") },
  status: { summary: "show where each environment's version table stands", load: () => import("@/cli/commands/status") },
  rehearse: { summary: "run an environment's pending migrations on a throwaway copy of it, then round-trip them", load: () => import("@/cli/commands/rehearse") },
};

const HELP = `Usage: cairn <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`)
  .join("\n")}

Run \`cairn <command> --help\` for a command's options.
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`cairn: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(", ")}. See \`cairn --help\`.\n`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}
