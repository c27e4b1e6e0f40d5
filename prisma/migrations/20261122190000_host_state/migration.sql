-- CreateTable
CREATE TABLE "HostContainer" (
    "hostId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "image" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "command" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "exitCode" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "labels" JSONB NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HostContainer_pkey" PRIMARY KEY ("hostId","id")
);

-- CreateTable
CREATE TABLE "HostImage" (
    "hostId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "repoTags" TEXT[],
    "sizeBytes" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HostImage_pkey" PRIMARY KEY ("hostId","id")
);

-- CreateTable
CREATE TABLE "HostVolume" (
    "hostId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "driver" TEXT NOT NULL,
    "mountpoint" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "HostVolume_pkey" PRIMARY KEY ("hostId","name")
);

-- CreateTable
CREATE TABLE "HostNetwork" (
    "hostId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "driver" TEXT NOT NULL,
    "subnet" TEXT,

    CONSTRAINT "HostNetwork_pkey" PRIMARY KEY ("hostId","id")
);

-- CreateTable
CREATE TABLE "HostEvent" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "type" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "objectId" TEXT NOT NULL,
    "attributes" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "HostEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "HostContainer_name_idx" ON "HostContainer"("name");

-- CreateIndex
CREATE INDEX "HostContainer_status_idx" ON "HostContainer"("status");

-- CreateIndex
CREATE INDEX "HostEvent_hostId_at_idx" ON "HostEvent"("hostId", "at");

-- AddForeignKey
ALTER TABLE "HostContainer" ADD CONSTRAINT "HostContainer_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HostImage" ADD CONSTRAINT "HostImage_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HostVolume" ADD CONSTRAINT "HostVolume_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HostNetwork" ADD CONSTRAINT "HostNetwork_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HostEvent" ADD CONSTRAINT "HostEvent_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;
