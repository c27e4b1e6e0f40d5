-- AlterTable
ALTER TABLE "HostContainer" ADD COLUMN     "ports" JSONB NOT NULL DEFAULT '[]';
