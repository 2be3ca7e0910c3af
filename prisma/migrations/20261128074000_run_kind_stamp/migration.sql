-- AlterEnum
ALTER TYPE "RunKind" ADD VALUE 'stamp';

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "reason" TEXT;
