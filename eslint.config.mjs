import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...next,
  ...nextTs,
  // CommonJS scripts load with require(): that is what .cjs is for.
  { files: ["**/*.cjs"], rules: { "@typescript-eslint/no-require-imports": "off" } },
  {
    ignores: ["lib/generated/**", ".next/**", "node_modules/**", ".cairn/**", "test-results/**", "playwright-report/**", "examples/**", "next-env.d.ts", ".cache/**"],
  },
];

export default config;
