import { describe, expect, it } from "vitest";
import { fieldErrorsOf, joinWords, parseJsonObject, splitList, splitWords } from "@/components/projects/form-values";
import { ZProjectInputSchema } from "@/lib/projects/project.types";

describe("what the project and environment forms send", () => {
  it("splits a typed command into words without a shell, and joins them back", () => {
    expect(splitWords("poetry run alembic")).toEqual(["poetry", "run", "alembic"]);
    expect(splitWords("  \"/opt/my tools/alembic\"  -c 'a b.ini' x\\ y ")).toEqual(["/opt/my tools/alembic", "-c", "a b.ini", "x y"]);
    expect(splitWords("alembic; rm -rf /")).toEqual(["alembic;", "rm", "-rf", "/"]); // just words, never a shell
    for (const words of [
      ["poetry", "run", "alembic"],
      ["/opt/my tools/alembic", 'say "hi"', ""],
    ])
      expect(splitWords(joinWords(words))).toEqual(words);
  });

  it("reads lists and the constants object, and reports a bad one as a field error", () => {
    expect(splitList("a=1\n\n b=2 \n")).toEqual(["a=1", "b=2"]);
    expect(splitList("x@example.com, y@example.com\nz@example.com", /[\s,;]+/)).toEqual(["x@example.com", "y@example.com", "z@example.com"]);
    expect(parseJsonObject('{"cli.X": "expand"}')).toEqual({ ok: true, value: { "cli.X": "expand" } });
    expect(parseJsonObject("")).toEqual({ ok: true, value: {} });
    expect(parseJsonObject("[1]")).toMatchObject({ ok: false, message: expect.stringMatching(/JSON object/) });
    expect(parseJsonObject("{oops")).toMatchObject({ ok: false });
  });

  it("maps the shared schema's issues (client side) and the server's (path strings) onto fields", () => {
    const parsed = ZProjectInputSchema.safeParse({ name: "", alembicPath: "x", urlEnvVar: "not a name" });
    expect(parsed.success).toBe(false);
    const errors = fieldErrorsOf(parsed.error!.issues);
    expect(errors.name).toEqual(["is required", expect.stringMatching(/must start with a letter or digit/)]);
    expect(errors.urlEnvVar).toEqual(["must be an environment variable name"]);
    expect(
      fieldErrorsOf([
        { path: "alembicPath", message: "/x does not exist" },
        { path: "approvers.0", message: "Invalid email address" },
      ]),
    ).toEqual({
      alembicPath: ["/x does not exist"],
      approvers: ["item 1: Invalid email address"],
    });
  });
});
