import { describe, expect, it } from "vitest";
import { readIni } from "@/lib/alembic/read-ini";
import { splitVersionLocations } from "@/lib/alembic/find-alembic-location";

describe("readIni (configparser-compatible)", () => {
  it("reads sections, both delimiters, case-insensitive keys, full-line comments only", () => {
    const ini = readIni("# top comment\n[alembic]\nScript_Location = migrations\nsqlalchemy.url: sqlite:///x.db  ; not a comment\n  ; indented comment line\nempty =\n", "/p/alembic.ini");
    expect(ini.sections).toEqual(["alembic"]);
    expect(ini.get("alembic", "script_location")).toBe("migrations");
    expect(ini.get("alembic", "SQLALCHEMY.URL")).toBe("sqlite:///x.db  ; not a comment");
    expect(ini.get("alembic", "empty")).toBe("");
    expect(ini.get("alembic", "missing")).toBeUndefined();
    expect(ini.get("nosuch", "x")).toBeUndefined();
  });

  it("joins indented continuation lines and keeps inner blank lines, like configparser", () => {
    const ini = readIni("[a]\nkey = one\n  two\n\n  three\n\nother = x\n", "f.ini");
    expect(ini.get("a", "key")).toBe("one\ntwo\n\nthree");
    expect(ini.get("a", "other")).toBe("x");
  });

  it("interpolates %(here)s, other keys, [DEFAULT] and %%, and handles CRLF and a BOM", () => {
    const ini = readIni("\ufeff[DEFAULT]\r\nbase = %(here)s/db\r\n[alembic]\r\nscript_location = %(base)s/mig\r\npct = 100%%\r\n", "/p/alembic.ini", { here: "/p" });
    expect(ini.get("alembic", "script_location")).toBe("/p/db/mig");
    expect(ini.get("alembic", "pct")).toBe("100%");
    expect(ini.getRaw("alembic", "pct")).toBe("100%%");
  });

  it("reports malformed input with file and line", () => {
    expect(() => readIni("key = v\n", "/p/a.ini")).toThrow(/\/p\/a\.ini:1: .*before any \[section\]/);
    expect(() => readIni("[a]\nno delimiter here\n", "/p/a.ini")).toThrow(/\/p\/a\.ini:2: this line is neither/);
    // Never the line itself: the file may be anything the server can read.
    expect(() => readIni("SECRET=1\n", "/p/a.ini")).toThrow(/^(?![\s\S]*SECRET)[\s\S]*a\.ini:1: a line that is not a comment comes before any \[section\] header/);
    expect(() => readIni("[a]\nx = 1\nX = 2\n", "/p/a.ini")).toThrow(/a\.ini:3: this option is already set in the same section \(line 2\)/);
    expect(() => readIni("[a]\n[b]\n[a]\n", "/p/a.ini")).toThrow(/a\.ini:3: this section header repeats one given earlier/);
    const bad = readIni("[a]\nx = %(nope)s\ny = 50%\n", "/p/a.ini");
    expect(() => bad.get("a", "x")).toThrow(/a\.ini:2: .*reference names an option that is not defined/);
    expect(() => bad.get("a", "y")).toThrow(/a\.ini:3: .*'%' must be followed/);
  });
});

describe("splitVersionLocations (ScriptDirectory.from_config)", () => {
  it("splits exactly as alembic 1.8 does", () => {
    expect(splitVersionLocations("a b,c, d", undefined, "x")).toEqual(["a", "b", "c", "d"]);
    expect(splitVersionLocations("a b", "space", "x")).toEqual(["a", "b"]);
    expect(splitVersionLocations("a:b::c", ":", "x")).toEqual(["a", "b", "c"]);
    expect(splitVersionLocations("a;b c", ";", "x")).toEqual(["a", "b c"]);
    expect(splitVersionLocations("a:b", "os", "x")).toEqual(["a", "b"]);
    expect(() => splitVersionLocations("a", "comma", "/p/alembic.ini:4")).toThrow(/alembic\.ini:4: version_path_separator has a value Alembic does not know/);
  });
});
