import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...next,
  ...nextTs,
  {
    ignores: [
      "lib/generated/**", ".next/**", "node_modules/**", ".cairn/**", "test-results/**",
      "playwright-report/**", "examples/**", "next-env.d.ts", ".cache/**",
    ],
  },
];

export default config;
