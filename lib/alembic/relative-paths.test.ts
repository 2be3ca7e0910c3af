import { describe, expect, it } from "vitest";
import { projectDirOf, relativeProblems, relativeText } from "@/lib/alembic/relative-paths";

describe("paths as every role sees them", () => {
  it("writes paths under the project relative to it, the project itself in words, and leaves look-alike paths alone", () => {
    expect(projectDirOf("/srv/p/shop/alembic.ini")).toBe("/srv/p/shop");
    expect(projectDirOf("/srv/p/shop/")).toBe("/srv/p/shop");
    expect(relativeText("/srv/p/shop/versions/a1.py:3: syntax error", "/srv/p/shop")).toBe("versions/a1.py:3: syntax error");
    expect(relativeText("/srv/p/shop does not exist.", "/srv/p/shop")).toBe("The project directory does not exist.");
    expect(relativeText("see /srv/p/shop-old/x.py", "/srv/p/shop")).toBe("see /srv/p/shop-old/x.py");
    expect(relativeProblems([{ code: "c", severity: "error", path: "/srv/p/shop/versions/a1.py", message: "/srv/p/shop/versions/a1.py: bad" }], "/srv/p/shop/")).toEqual([
      { code: "c", severity: "error", path: "versions/a1.py", message: "versions/a1.py: bad" },
    ]);
  });
});
