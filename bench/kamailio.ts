/**
 * Kamailio from Debian's packages as the reference SIP server: installed when missing (root and
 * apt-get needed), configured as a minimal WebSocket registrar/proxy doing the same work as our
 * platform (digest-authenticated REGISTER, location lookup for INVITE, record-routed dialogs),
 * and run in the foreground in its own process group so nothing outlives the benchmark.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DOMAIN, BENCH_PASSWORD, fdLimitArgs, freePort, type RunningServer } from './sip-load.js';

export type KamailioStatus = { available: true; version: string } | { available: false; reason: string };

/** SIP worker processes for the WebSocket (TCP) socket: a few per core on this 2-core machine. */
const CHILDREN = 4;
/**
 * Shared memory (-m, MB: location table, transactions, TCP and WebSocket connections) and
 * private memory per process (-M, MB). Each WebSocket connection takes about 80 KB of shared
 * memory (a 16 KB read buffer among it), so 5,000 clients need ~400 MB; 256 MB ran out at
 * ~3,200. Pages count in the memory figures only once touched, so the size does not inflate them.
 */
const SHM_MB = 1024;
const PKG_MB = 8;

function kamailioVersion(): string | null {
  const r = spawnSync('kamailio', ['-v'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return /version:\s*(kamailio \S+)/i.exec(r.stdout)?.[1] ?? r.stdout.split('\n')[0]!.trim();
}

function hasWebsocketModule(): boolean {
  const r = spawnSync('bash', ['-c', 'ls /usr/lib/*/kamailio/modules/websocket.so /usr/lib/kamailio/modules/websocket.so 2>/dev/null'], { encoding: 'utf8' });
  return r.stdout.trim() !== '';
}

/** Kamailio with its WebSocket module, installing both with apt-get when missing. */
export function ensureKamailio(): KamailioStatus {
  if (kamailioVersion() === null || !hasWebsocketModule()) {
    if (process.getuid?.() !== 0) return { available: false, reason: 'kamailio is not installed and installing it needs root' };
    const install = () => spawnSync('apt-get', ['install', '-y', 'kamailio', 'kamailio-websocket-modules'], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    let r = install();
    // A fresh machine may have no package lists yet.
    if (r.status !== 0) {
      spawnSync('apt-get', ['update'], { encoding: 'utf8' });
      r = install();
    }
    if (r.error || r.status !== 0) {
      const why = r.error?.message ?? r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`;
      return { available: false, reason: `apt-get install kamailio kamailio-websocket-modules failed: ${why}` };
    }
  }
  const version = kamailioVersion();
  if (version === null) return { available: false, reason: 'kamailio -v does not run after installation' };
  if (!hasWebsocketModule()) return { available: false, reason: 'the kamailio websocket module is missing' };
  return { available: true, version };
}

/**
 * The WebSocket handling follows the websocket module's documentation (Kamailio 5.6): the HTTP
 * upgrade is accepted by ws_handle_handshake() in event_route[xhttp:request]; since WebSocket
 * clients put made-up `.invalid` hosts in Via and Contact, requests from them get force_rport()
 * and fix_nated_register() (REGISTER: the location keeps the real source as `received`, which
 * lookup() turns into the destination) or add_contact_alias() (other requests; replies too, in
 * onreply_route), and in-dialog requests are sent along the alias by handle_ruri_alias().
 * Digest uses the plaintext password (pv_*_authenticate), as our platform checks a stored HA1.
 * An INVITE from a registered user is let through without a challenge, as our platform trusts
 * an INVITE arriving on a registered flow; anyone else is challenged (407).
 */
export function kamailioConfig(port: number, password: string): string {
  return `#!KAMAILIO
debug=1
log_stderror=yes
fork=yes
children=${CHILDREN}
tcp_children=${CHILDREN}
auto_aliases=no
dns=no
rev_dns=no
enable_sctp=no
listen=tcp:127.0.0.1:${port}
alias="${BENCH_DOMAIN}"
tcp_accept_no_cl=yes
tcp_connection_lifetime=3605
tcp_max_connections=20000

loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "nathelper.so"
loadmodule "xhttp.so"
loadmodule "websocket.so"

modparam("usrloc", "db_mode", 0)
modparam("registrar", "max_expires", 3600)
modparam("nathelper|registrar", "received_avp", "$avp(RECEIVED)")

request_route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (!sanity_check("17895", "7")) exit;

	if (nat_uac_test(64)) {
		force_rport();
		if (is_method("REGISTER")) {
			fix_nated_register();
		} else if (!add_contact_alias()) {
			sl_send_reply("400", "Bad Request");
			exit;
		}
	}
	if (!is_method("REGISTER")) t_on_reply("WS_REPLY");

	if (has_totag()) route(WITHINDLG);

	if (is_method("CANCEL")) {
		if (t_check_trans()) route(RELAY);
		exit;
	}
	# A retransmission of a request being handled is answered from its transaction.
	if (!is_method("ACK")) t_check_trans();

	if (is_method("REGISTER")) route(REGISTRAR);
	if (is_method("INVITE")) route(CALL);
	sl_send_reply("405", "Method Not Allowed");
}

route[REGISTRAR] {
	if (!pv_www_authenticate("$td", "${password}", "0")) {
		www_challenge("$td", "1");
		exit;
	}
	if ($au != $tU) {
		sl_send_reply("403", "Forbidden");
		exit;
	}
	consume_credentials();
	if (!save("location")) sl_reply_error();
	exit;
}

route[CALL] {
	if (!registered("location", "$fu")) {
		if (!pv_proxy_authenticate("$fd", "${password}", "0")) {
			proxy_challenge("$fd", "1");
			exit;
		}
		if ($au != $fU) {
			sl_send_reply("403", "Forbidden");
			exit;
		}
		consume_credentials();
	}
	record_route();
	if (!lookup("location")) {
		sl_send_reply("404", "Not Found");
		exit;
	}
	route(RELAY);
}

route[WITHINDLG] {
	if (loose_route()) {
		if ($du == "" && !handle_ruri_alias()) {
			sl_send_reply("400", "Bad Request");
			exit;
		}
		route(RELAY);
	}
	if (is_method("ACK")) {
		if (t_check_trans()) route(RELAY);
		exit;
	}
	sl_send_reply("404", "Not Here");
	exit;
}

route[RELAY] {
	if (!t_relay()) sl_reply_error();
	exit;
}

onreply_route[WS_REPLY] {
	if (nat_uac_test(64)) add_contact_alias();
}

event_route[xhttp:request] {
	if ($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm =~ "GET") {
		if (ws_handle_handshake()) exit;
	}
	xhttp_reply("404", "Not Found", "", "");
}
`;
}

/** All processes of a process tree (Kamailio forks its workers from the main process). */
function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(rootPid);
  return out;
}

/** Kamailio on a free loopback port, accepting any user of BENCH_DOMAIN with BENCH_PASSWORD. */
export async function startKamailio(): Promise<RunningServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-kamailio-'));
  const port = await freePort();
  const cfg = path.join(dir, 'kamailio.cfg');
  fs.writeFileSync(cfg, kamailioConfig(port, BENCH_PASSWORD));
  // -DD: forks its workers but stays in the foreground; -E: logs to stderr (kept for errors).
  const [cmd, args] = fdLimitArgs('kamailio', ['-DD', '-E', '-f', cfg, '-P', path.join(dir, 'kamailio.pid'), '-Y', dir, '-w', dir, '-m', String(SHM_MB), '-M', String(PKG_MB)]);
  // detached: its own process group, so one kill reaches every worker.
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  // BENCH_KAMAILIO_LOG=1 shows Kamailio's own log (errors only, debug=1).
  if (process.env.BENCH_KAMAILIO_LOG) child.stderr!.pipe(process.stderr);
  let log = '';
  child.stderr!.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-4000); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  // Should this process die before stop(), the whole group still goes with it.
  const killGroup = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } };
  process.once('exit', killGroup);
  // Ready once the socket accepts connections.
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    const failure = child.exitCode !== null ? `kamailio exited with ${child.exitCode}` : Date.now() > deadline ? 'kamailio did not listen within 10 s' : null;
    if (failure) {
      killGroup();
      process.off('exit', killGroup);
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`${failure}: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    wsUrl: `ws://127.0.0.1:${port}/`,
    domain: BENCH_DOMAIN,
    password: BENCH_PASSWORD,
    pids: () => processTree(child.pid!),
    async stop() {
      process.off('exit', killGroup);
      if (child.exitCode === null) {
        process.kill(-child.pid!, 'SIGTERM');
        const timer = setTimeout(killGroup, 5000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}
