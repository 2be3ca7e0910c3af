import { defineConfig } from "prisma/config";

// Used only by the Prisma CLI while developing; Cairn applies prisma/migrations itself at start-up.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/cairn_dev" },
});
