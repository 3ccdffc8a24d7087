/** The admin's backup download: the same archive as `hail backup`, streamed as it is made. */
import { StreamReply } from '../answers.js';
import { defineRoute } from '../route.js';
import { backupArchive } from '../../backup/archive.js';
import { contentDisposition } from '../../files/download-headers.js';
import { databaseBytes, databaseFile } from '../../store/database.js';
import { boxCa } from '../../tls/local-ca.js';

export default [
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/backup',
    summary:
      "A backup of this server (admin), streamed as a tar archive while the server keeps serving: a consistent copy of the database, every file and the box's own CA (keep it safe), the same as `hail backup`; files whose bytes were damaged on disk are left out and listed in `hail-damaged.json`. Restore it with `hail restore`. 507 when the disk has no room for the copy of the database.",
    access: 'admin',
    async handle({ services }) {
      // The database is copied beside itself before it is streamed: that copy needs the room.
      services.disk.requireWriteRoom(databaseBytes(databaseFile(services.config.dataDir)));
      const now = services.now();
      const name = `hail-backup-${new Date(now).toISOString().slice(0, 19).replace(/:/g, '-')}.tar`;
      const archive = backupArchive({
        db: services.db,
        blobs: services.blobs,
        origin: services.identity.origin,
        now,
        snapshot: await services.blobs.scratchPath('.db'),
        oneStep: false,
        ca: boxCa(services.config.dataDir),
        onDamaged: (file) => services.log.error(file, 'a file no longer matches its hash on disk; the backup leaves it out'),
      });
      return new StreamReply(
        200,
        {
          'Content-Type': 'application/x-tar',
          'Content-Disposition': contentDisposition('attachment', name),
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
        },
        archive,
      );
    },
  }),
];
