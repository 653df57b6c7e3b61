-- AlterTable
ALTER TABLE "Attachment" ADD COLUMN     "error" TEXT,
ADD COLUMN     "sourceUrl" TEXT,
ALTER COLUMN "storageKey" DROP NOT NULL;
