-- SQL previews reused by the request and the approval of the plan that rendered them (issue 15: submit reuses the reviewed plan).
CREATE TABLE "SqlPreviewCache" (
    "key" TEXT NOT NULL,
    "preview" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SqlPreviewCache_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "SqlPreviewCache_createdAt_idx" ON "SqlPreviewCache"("createdAt");
