// Prints the Debian changelog entry of this build (dpkg and lintian want one; the project's
// history is in git). Its date is SOURCE_DATE_EPOCH's, so the package is reproducible.
const [version] = process.argv.slice(2);
const maintainer = process.env.DEB_MAINTAINER;
const when = new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000).toUTCString().replace('GMT', '+0000');
process.stdout.write(`hail (${version}) unstable; urgency=medium\n\n  * Hail ${version}.\n\n -- ${maintainer}  ${when}\n`);
