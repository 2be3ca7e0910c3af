import { describe, expect, it } from "vitest";
import { describeReviewedFilesChange } from "@/lib/runner/reviewed-files";

const line = (hex: string, file: string) => `${hex.repeat(64)}  ${file}`;
const ENV = line("e", "env.py");
const A1 = line("a", "versions/a1.py");
const B2 = line("b", "versions/b2.py");
const OUT = "Nothing was run; review it again.";

describe("describeReviewedFilesChange", () => {
  it("is null when every file hashes as reviewed", () => {
    expect(describeReviewedFilesChange([ENV, A1, B2], [ENV, A1, B2], "this run was reviewed", OUT)).toBeNull();
  });

  it("names edited files first, however many", () => {
    expect(describeReviewedFilesChange([ENV, A1, B2], [ENV, line("c", "versions/a1.py"), B2], "this run was reviewed", OUT)).toBe(
      `versions/a1.py changed after this run was reviewed, so the reviewed SQL is not what would run. ${OUT}`,
    );
    const many = Array.from({ length: 5 }, (_, i) => line("a", `versions/r${i}.py`));
    const edited = many.map((l) => l.replace(/^a+/, "f".repeat(64)));
    expect(describeReviewedFilesChange(many, edited, "this run was reviewed", OUT)).toMatch(/^versions\/r0\.py, versions\/r1\.py and 3 more files changed after/);
  });

  it("says what the path gained or lost when only its files differ", () => {
    expect(describeReviewedFilesChange([ENV, A1], [ENV, A1, B2], "you reviewed this run", OUT)).toBe(
      `The run's steps changed after you reviewed this run (it would now also run versions/b2.py), so the reviewed SQL is not what would run. ${OUT}`,
    );
    expect(describeReviewedFilesChange([ENV, A1, B2], [ENV, B2], "you reviewed this run", OUT)).toMatch(/\(it would no longer run versions\/a1\.py\)/);
  });

  it("refuses a run stored before files were recorded rather than assuming they are unchanged", () => {
    expect(describeReviewedFilesChange([], [ENV, A1], "this run was reviewed", OUT)).toMatch(/^This run was stored before Cairn recorded the files its SQL comes from/);
  });
});
