/**
 * A problem the operator must fix before Hail can start or a command can run: a wrong
 * setting, a data directory it cannot write, a port someone else holds. It ends the process
 * with one line and exit status 78 (EX_CONFIG in sysexits.h), which systemd/hail.service
 * names in RestartPreventExitStatus: restarting cannot fix a typo, so the service stops
 * instead of looping, and `systemctl status` shows the line.
 */
export const EXIT_CONFIG = 78;

export class StartupError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
