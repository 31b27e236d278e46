// What `npm test` needs on the machine, made ready before any test runs: Debian's chromium (and a CJK font
// for readable screenshots), MariaDB at 127.0.0.1:3306 and Redis at 127.0.0.1:6379. Missing packages are
// installed with apt-get and stopped services started — when that is permitted (root, apt-get present, and
// YIYUN_TEST_NO_INSTALL unset); otherwise it stops with the exact command to run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const mayInstall = process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get') && !process.env.YIYUN_TEST_NO_INSTALL;
const sh = (cmd) => spawnSync('sh', ['-c', cmd], { stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
const dpkgHas = (pkg) => sh(`dpkg -s ${pkg} >/dev/null 2>&1`);

class SetupError extends Error {}

function need(what, command) {
  throw new SetupError(`${what}. Run:\n    ${command}\n  then npm test again.`);
}

let aptUpdated = false;
function aptInstall(pkgs, why) {
  const cmd = `apt-get install -y ${pkgs.join(' ')}`;
  if (!mayInstall) need(why, `sudo apt-get update && sudo ${cmd}`);
  console.log(`[setup] ${why}: installing ${pkgs.join(', ')} from Debian's packages…`);
  if (!aptUpdated) aptUpdated = sh('DEBIAN_FRONTEND=noninteractive apt-get update -qq');
  if (!sh(`DEBIAN_FRONTEND=noninteractive ${cmd} -qq >/dev/null`))
    need(`${why} and installing it failed`, `sudo ${cmd}`);
}

/** Resolves true when something accepts TCP connections on the port within the time given. */
function listening(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function waitListening(port, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await listening(port, 250)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function service({ name, port, pkg, binary, start, ping }) {
  if ((await listening(port)) && sh(ping)) return;
  if (!fs.existsSync(binary)) aptInstall([pkg], `${name} is not installed`);
  if (!(await listening(port))) {
    if (!mayInstall) need(`${name} is not running on 127.0.0.1:${port}`, start);
    console.log(`[setup] starting ${name}…`);
    sh(start);
  }
  if (!(await waitListening(port, 60)) || !sh(ping)) need(`${name} did not come up on 127.0.0.1:${port}`, start);
}

export async function setUp() {
  try {
    const missing = [];
    if (!fs.existsSync(CHROMIUM)) missing.push('chromium');
    if (!dpkgHas('fonts-wqy-microhei') && fs.existsSync('/usr/bin/dpkg')) missing.push('fonts-wqy-microhei');
    if (missing.length) aptInstall(missing, 'the browser tests need Debian’s chromium and a CJK font');
    await service({
      name: 'MariaDB',
      port: 3306,
      pkg: 'mariadb-server',
      binary: '/usr/sbin/mariadbd',
      start:
        'mkdir -p /run/mysqld && chown mysql:root /run/mysqld && start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql',
      ping: 'mysqladmin -uroot -h127.0.0.1 ping >/dev/null 2>&1',
    });
    await service({
      name: 'Redis',
      port: 6379,
      pkg: 'redis-server',
      binary: '/usr/bin/redis-server',
      start: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
      ping: 'redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1',
    });
    return true;
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    console.error(`[setup] ${err.message}`);
    return false;
  }
}
