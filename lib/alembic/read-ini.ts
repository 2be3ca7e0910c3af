/**
 * An INI reader that behaves like Python's `configparser.ConfigParser` with its defaults, which is
 * what Alembic uses for alembic.ini: `=`/`:` delimiters, case-insensitive keys, full-line `#`/`;`
 * comments only, indented continuation lines, `[DEFAULT]`, strict duplicates and
 * BasicInterpolation (`%(name)s`, `%%`). Pure: no framework imports.
 *
 * Errors give the file, the line and what kind of thing is wrong, never the text of the file: the
 * path may have been typed into a web form, and the file may be anything the server can read.
 */
import { AppError } from "@/lib/errors";

export interface IniFile {
  /** Section names in file order (DEFAULT excluded). */
  sections: string[];
  has(section: string, key: string): boolean;
  /** The interpolated value, or undefined when the section or key is absent. Throws AppError on bad interpolation. */
  get(section: string, key: string): string | undefined;
  /** The raw value, without interpolation. */
  getRaw(section: string, key: string): string | undefined;
  /** 1-based line where a key was defined. */
  lineOf(section: string, key: string): number | undefined;
}

const SECTION_RE = /^\[(.+)\]/;
const OPTION_RE = /^(.*?)\s*(=|:)\s*(.*)$/;
const MAX_DEPTH = 10;

function configError(file: string, line: number | undefined, what: string, fix: string): AppError {
  const where = line ? `${file}:${line}` : file;
  return new AppError("config", `${where}: ${what}`, `${where}: ${what}. ${fix}`);
}

/** Python's str.strip() for the whitespace configparser cares about. */
function pyStrip(s: string): string {
  return s.trim();
}

/**
 * Parse INI text. `defaults` are like ConfigParser(defaults) — Alembic passes `here`, the
 * ini file's directory. `file` names the file in error messages.
 */
export function readIni(text: string, file: string, defaults: Record<string, string> = {}): IniFile {
  const defaultVals = new Map<string, string[] | null>();
  for (const [k, v] of Object.entries(defaults)) defaultVals.set(k.toLowerCase(), [v]);
  const sections = new Map<string, Map<string, string[] | null>>();
  const lines = new Map<string, number>();
  const order: string[] = [];
  const added = new Set<string>();
  let cursect: Map<string, string[] | null> | undefined;
  let sectname: string | undefined;
  let optname: string | undefined;
  let indentLevel = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rawLines = src.split(/\r\n|\r|\n/);
  if (rawLines.length > 0 && rawLines[rawLines.length - 1] === "") rawLines.pop();

  for (let idx = 0; idx < rawLines.length; idx++) {
    const lineno = idx + 1;
    const line = rawLines[idx]!;
    const stripped = pyStrip(line);
    const isComment = stripped.startsWith("#") || stripped.startsWith(";");
    const value = isComment ? "" : stripped;
    if (!value) {
      // configparser keeps blank lines inside a multi-line value (trailing ones are dropped at the end).
      if (!isComment && cursect && optname) cursect.get(optname)?.push("");
      continue;
    }
    const curIndent = line.length - line.replace(/^\s+/, "").length;
    if (cursect && optname && curIndent > indentLevel) {
      const v = cursect.get(optname);
      if (v) v.push(value);
      continue;
    }
    indentLevel = curIndent;
    const sm = SECTION_RE.exec(value);
    if (sm) {
      const name = sm[1]!;
      if (name === "DEFAULT") {
        cursect = defaultVals;
      } else if (sections.has(name)) {
        if (added.has(name)) {
          throw configError(file, lineno, "this section header repeats one given earlier in the file", "Merge the two sections into one; Python's configparser (and so Alembic) refuses duplicates.");
        }
        cursect = sections.get(name);
      } else {
        cursect = new Map();
        sections.set(name, cursect);
        order.push(name);
      }
      added.add(name);
      sectname = name;
      optname = undefined;
      continue;
    }
    if (!cursect) {
      throw configError(file, lineno, "a line that is not a comment comes before any [section] header", "Start the file with a section header such as [alembic].");
    }
    const om = OPTION_RE.exec(value);
    if (!om || !om[1]) {
      throw configError(file, lineno, "this line is neither `key = value`, `key: value`, an indented continuation, a [section] header nor a comment", "Fix or remove the line.");
    }
    const key = om[1].trimEnd().toLowerCase();
    const dupKey = `${sectname}\u0000${key}`;
    if (added.has(dupKey)) {
      throw configError(file, lineno, `this option is already set in the same section (line ${lines.get(dupKey)})`, "Remove one of them; Python's configparser (and so Alembic) refuses duplicates.");
    }
    added.add(dupKey);
    optname = key;
    cursect.set(key, [pyStrip(om[3] ?? "")]);
    lines.set(dupKey, lineno);
  }

  const joined = (v: string[] | null | undefined): string | undefined => (v == null ? undefined : v.join("\n").trimEnd());
  const lookup = (section: string, key: string): string | undefined => {
    const k = key.toLowerCase();
    const sect = section === "DEFAULT" ? undefined : sections.get(section);
    if (sect?.has(k)) return joined(sect.get(k));
    return joined(defaultVals.get(k));
  };

  const interpolate = (section: string, option: string, value: string, depth: number): string => {
    if (depth > MAX_DEPTH) {
      throw configError(file, undefined, `[${section}] ${option}: interpolation nested deeper than ${MAX_DEPTH} levels`, "Look for a %(name)s reference that refers back to itself.");
    }
    let out = "";
    let rest = value;
    while (rest) {
      const p = rest.indexOf("%");
      if (p < 0) return out + rest;
      out += rest.slice(0, p);
      rest = rest.slice(p);
      const c = rest[1];
      if (c === "%") {
        out += "%";
        rest = rest.slice(2);
      } else if (c === "(") {
        const m = /^%\(([^)]+)\)s/.exec(rest);
        if (!m) {
          throw configError(file, lines.get(`${section}\u0000${option}`), `[${section}] ${option}: a %( reference is not closed by )s`, "Write references as %(name)s, and a literal percent sign as %%.");
        }
        const name = m[1]!.toLowerCase();
        rest = rest.slice(m[0].length);
        const v = lookup(section, name);
        if (v === undefined) {
          throw configError(
            file,
            lines.get(`${section}\u0000${option}`),
            `[${section}] ${option}: a %(name)s reference names an option that is not defined in [${section}] or [DEFAULT]`,
            "Define that option, or write a literal percent sign as %%.",
          );
        }
        out += v.includes("%") ? interpolate(section, option, v, depth + 1) : v;
      } else {
        throw configError(file, lines.get(`${section}\u0000${option}`), `[${section}] ${option}: '%' must be followed by '%' or '('`, "Write a literal percent sign as %%.");
      }
    }
    return out;
  };

  return {
    sections: order,
    has: (section, key) => lookup(section, key) !== undefined && (section === "DEFAULT" || sections.has(section)),
    getRaw: (section, key) => (section === "DEFAULT" || sections.has(section) ? lookup(section, key) : undefined),
    get(section, key) {
      if (section !== "DEFAULT" && !sections.has(section)) return undefined;
      const raw = lookup(section, key);
      return raw === undefined ? undefined : interpolate(section, key.toLowerCase(), raw, 1);
    },
    lineOf: (section, key) => lines.get(`${section}\u0000${key.toLowerCase()}`),
  };
}
