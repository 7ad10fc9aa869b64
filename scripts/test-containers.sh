#!/usr/bin/env bash
# make test-containers: the docker-compose deployment, built and run on a real
# Docker engine, on a machine with no container registry.
#
# Steps (docs/deployment.md, "The container test"):
#   1. install what is missing: docker.io (Debian's engine), docker-compose
#      (v1), debootstrap, iptables, curl; nodejs/npm only without `node`;
#   2. static checks: `docker-compose config -q`, the Dockerfiles exist, and
#      dockerfile-utils (pinned by docker/lint/package-lock.json) lints them;
#   3. start dockerd by hand on a private socket, data root and exec root under
#      a temporary folder (nothing of the machine's own Docker is touched);
#   4. base image debian:bookworm-slim from a debootstrap minbase rootfs (kept
#      in $NEWSD_CT_CACHE and reused for $NEWSD_CT_BASE_MAX_AGE days), then the
#      local stand-ins postgres:15 and nginx:1.25 (docker/standins/);
#   5. docker-compose build, up; API traffic only to 127.0.0.1 published ports:
#      health, one article, a small job, GET /articles/{id}, /events, the
#      dashboard and its /api/ proxy; `up -d --scale worker=3`, a 100-item job
#      with every item done exactly once (checked in PostgreSQL); a pg_dump
#      backup restored into a scratch database; SIGTERM drains to exit 0;
#   6. on exit, also on failure or timeout (trap): compose down -v, stop dockerd,
#      remove its data (images included), the temporary folder, the docker0
#      bridge and the iptables chains dockerd created.
# Logs go to tests/output/containers/. The last line is "N passed, N failed".
#
# Environment: NEWSD_CT_TIMEOUT (seconds, default 1200: hard limit of the whole
# run, teardown included), NEWSD_CT_CACHE (default /var/cache/newsd-containers;
# empty: no cache), NEWSD_CT_BASE_MAX_AGE (days, default 7), NEWSD_CT_ITEMS
# (size of the scaled job, default 100). Needs root (dockerd, debootstrap).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
TIMEOUT=${NEWSD_CT_TIMEOUT:-1200}
CACHE=${NEWSD_CT_CACHE-/var/cache/newsd-containers}
BASE_MAX_AGE=${NEWSD_CT_BASE_MAX_AGE:-7}
ITEMS=${NEWSD_CT_ITEMS:-100}

# Nothing from the caller's environment may reach docker-compose's variable
# substitution (a shell variable wins over --env-file): NEWSD_PORT=5000 in the
# caller's shell would otherwise change the published port.
while read -r v; do
	case $v in
	NEWSD_CT_*) ;;
	NEWSD_* | POSTGRES_* | COMPOSE_* | DOCKER_* | PG* | DATABASE_URL) unset "$v" ;;
	esac
done < <(compgen -e)
export DEBIAN_FRONTEND=noninteractive
exec </dev/null
# Results go to the original stdout even from a signal handler that runs while
# a step's output is redirected to a log.
exec {OUT}>&1

t0=$SECONDS
pass=0
fail=0
W=''
LOG=$root/tests/output/containers
DOCKER=/usr/bin/docker # Debian's client, same version as the engine
PROJECT=newsdct
finished=0

stamp() { printf '[+%ds] %s\n' "$((SECONDS - t0))" "$*" >&"$OUT"; }
ok() {
	pass=$((pass + 1))
	printf 'ok   %s\n' "$*" >&"$OUT"
}
bad() {
	fail=$((fail + 1))
	printf 'FAIL %s\n' "$*" >&"$OUT"
}
# check NAME COMMAND...: one assertion; the run goes on either way.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}
# die MESSAGE: a step the rest depends on failed.
die() {
	bad "$*"
	exit 1
}

compose() { "${COMPOSE[@]}" "$@"; }

# bg COMMAND...: run a long step as a child and wait for it, so that the
# watchdog's TERM (or Ctrl-C) interrupts the wait at once; the signal handler
# then stops the child.
child=''
bg() {
	"$@" &
	child=$!
	local rc=0
	wait "$child" || rc=$?
	child=''
	return "$rc"
}

# ---------------------------------------------------------------- teardown

cleanup_dockerd_dir() { # DIR: stop the dockerd of a run folder, unmount, delete
	local dir=$1 pid i
	if [[ -s $dir/dockerd.pid ]]; then
		pid=$(cat "$dir/dockerd.pid")
		if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$dir/"; then
			kill -TERM "$pid" 2>/dev/null || true
			for ((i = 0; i < 40; i++)); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.5
			done
			if kill -0 "$pid" 2>/dev/null; then
				echo "dockerd (pid $pid) did not stop within 20 s: killed" >&"$OUT"
				kill -KILL "$pid" 2>/dev/null || true
			fi
		fi
	fi
	# containerd-shims of a killed daemon, if any, still hold the folder.
	pkill_in_dir "$dir"
	awk -v d="$dir/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	restore_host_state "$dir/host-state"
	rm -rf "$dir"
}

pkill_in_dir() { # kill the processes whose command line names DIR/ (by pid)
	local dir=$1 p
	for p in /proc/[0-9]*; do
		[[ -r $p/cmdline ]] || continue
		if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- "$dir/"; then
			kill -KILL "${p#/proc/}" 2>/dev/null || true
		fi
	done
}

iptables_cleanup() { # FORWARD-POLICY: remove what dockerd added to iptables
	local policy=$1 t rule c
	command -v iptables >/dev/null || return 0
	for t in filter nat; do
		iptables -t "$t" -S 2>/dev/null |
			grep -E -- '^-A (INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING) .*(DOCKER|docker0|br-[0-9a-f]{12})' |
			sed 's/^-A /-D /' | while read -r rule; do
			eval "iptables -t $t $rule" 2>/dev/null || true
		done
		for c in $(iptables -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ {print $2}'); do
			iptables -t "$t" -F "$c" 2>/dev/null || true
		done
		for c in $(iptables -t "$t" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ {print $2}'); do
			iptables -t "$t" -X "$c" 2>/dev/null || true
		done
	done
	[[ -z $policy ]] || iptables -P FORWARD "$policy" 2>/dev/null || true
}

# The machine-wide state dockerd changes (the docker0 bridge, iptables chains,
# the FORWARD policy, ip_forward) is recorded in the run folder before dockerd
# starts, so that the teardown, or the next run after a run that was killed,
# undoes only what this run's dockerd did.
save_host_state() { # FILE
	local docker0=0 chains=0
	ip link show docker0 >/dev/null 2>&1 && docker0=1
	iptables -t filter -S 2>/dev/null | grep -q '^-N DOCKER' && chains=1
	printf 'docker0=%s\nchains=%s\nforward_policy=%s\nip_forward=%s\n' "$docker0" "$chains" \
		"$(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" {print $3; exit}')" \
		"$(sysctl -n net.ipv4.ip_forward 2>/dev/null)" >"$1"
}
restore_host_state() { # FILE
	local k v docker0=1 chains=1 forward_policy='' ip_forward=''
	[[ -f $1 ]] || return 0
	while IFS='=' read -r k v; do
		case $k in
		docker0) [[ $v == 0 ]] && docker0=0 ;;
		chains) [[ $v == 0 ]] && chains=0 ;;
		forward_policy) [[ $v =~ ^(ACCEPT|DROP)$ ]] && forward_policy=$v ;;
		ip_forward) [[ $v =~ ^[01]$ ]] && ip_forward=$v ;;
		esac
	done <"$1"
	if [[ $docker0 == 0 ]] && ip link show docker0 >/dev/null 2>&1; then
		ip link delete docker0 2>/dev/null || true
	fi
	[[ $chains == 0 ]] && iptables_cleanup "$forward_policy"
	[[ -n $ip_forward ]] && sysctl -qw net.ipv4.ip_forward="$ip_forward" 2>/dev/null
	return 0
}

cleanup() {
	local rc=$?
	set +e
	trap - EXIT
	trap '' INT TERM # the teardown runs to its end (bounded by its own timeouts)
	[[ $finished == 1 ]] || rc=1
	if [[ -n $W && -d $W ]]; then
		stamp "teardown"
		if [[ -S $W/docker.sock ]]; then
			mkdir -p "$LOG"
			timeout -k 10 60 "${COMPOSE[@]}" logs --no-color --timestamps >"$LOG/compose.log" 2>&1
			timeout -k 10 120 "${COMPOSE[@]}" down -v --remove-orphans >>"$LOG/teardown.log" 2>&1 ||
				echo "teardown: compose down failed (see $LOG/teardown.log)" >&"$OUT"
		fi
		[[ -f $W/dockerd.log ]] && cp "$W/dockerd.log" "$LOG/dockerd.log" 2>/dev/null
		cleanup_dockerd_dir "$W"
		stamp "teardown done"
	fi
	[[ -n ${watchdog:-} ]] && kill "$watchdog" 2>/dev/null
	((fail > 0)) && rc=1
	((rc != 0 && fail == 0)) && fail=1
	printf '%d passed, %d failed\n' "$pass" "$fail" >&"$OUT"
	exit "$rc"
}
on_signal() {
	if [[ $1 == TERM ]]; then
		bad "stopped at +$((SECONDS - t0))s: the hard limit is NEWSD_CT_TIMEOUT=${TIMEOUT}s (or SIGTERM)"
	else
		bad "interrupted (SIG$1)"
	fi
	if [[ -n $child ]]; then
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	exit 1
}
trap cleanup EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

# The hard time limit, teardown included: TERM at NEWSD_CT_TIMEOUT (the handler
# tears down), KILL 180 s later if the teardown hangs. The watchdog checks every
# second that this script is still its parent, and leaves when it is not (a
# script killed by SIGKILL must not leave a timer that signals a reused pid).
(
	trap - INT TERM
	me=$BASHPID
	mine() {
		local _pid _comm _state ppid _rest
		read -r _pid _comm _state ppid _rest <"/proc/$me/stat" && [[ $ppid == "$$" ]]
	}
	for ((s = 0; s < TIMEOUT; s++)); do
		sleep 1
		mine || exit 0
	done
	kill -TERM $$ 2>/dev/null
	for ((s = 0; s < 180; s++)); do
		sleep 1
		mine || exit 0
	done
	kill -KILL $$ 2>/dev/null
) 9>&- &
watchdog=$!

# ---------------------------------------------------------------- 1. packages

((EUID == 0)) || die "needs root (dockerd, debootstrap, iptables); run: sudo make test-containers"
# One run at a time on a machine (docker0 and the iptables chains are
# machine-wide); with the lock held, any earlier run folder is stale.
[[ -n $CACHE ]] && lockdir=$CACHE || lockdir=/run/lock
mkdir -p "$lockdir"
# fd 9 holds the lock: it is closed for the long-lived children (dockerd, the
# watchdog), which would otherwise keep it after this script was killed.
exec 9>"$lockdir/newsd-test-containers.lock"
if ! flock -n 9; then
	echo "waiting up to 600 s for another make test-containers (lock $lockdir/newsd-test-containers.lock)"
	bg flock -w 600 9 || die "another make test-containers holds $lockdir/newsd-test-containers.lock"
fi
for stale in /tmp/newsd-ct.*; do
	[[ -d $stale ]] || continue
	echo "removing the folder of an interrupted run: $stale"
	cleanup_dockerd_dir "$stale"
done
mkdir -p "$LOG"
rm -f "$LOG"/*.log

wanted=(docker.io docker-compose debootstrap iptables curl ca-certificates python3)
command -v node >/dev/null 2>&1 || wanted+=(nodejs npm)
missing=()
for p in "${wanted[@]}"; do
	[[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
	stamp "installing ${missing[*]}"
	{ bg apt-get -o DPkg::Lock::Timeout=300 update -qq &&
		bg apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"; } \
		>"$LOG/apt.log" 2>&1 || die "apt-get install ${missing[*]} (see $LOG/apt.log)"
fi
ok "packages: docker.io $(dpkg-query -W -f='${Version}' docker.io), docker-compose $(dpkg-query -W -f='${Version}' docker-compose)"

W=$(mktemp -d /tmp/newsd-ct.XXXXXX)
chmod 711 "$W"
COMPOSE=(docker-compose --project-name "$PROJECT" --project-directory "$root"
	--file "$root/docker-compose.yml" --env-file "$W/test.env")

# ---------------------------------------------------------------- 2. static checks

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
API_PORT=$(free_port)
WEB_PORT=$(free_port)
while [[ $WEB_PORT == "$API_PORT" ]]; do WEB_PORT=$(free_port); done
API_KEY=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
RUN_ID=$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat >"$W/test.env" <<EOF
POSTGRES_PASSWORD=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
NEWSD_API_KEYS=$API_KEY
NEWSD_PORT=$API_PORT
NEWSD_DASHBOARD_PORT=$WEB_PORT
NEWSD_JOB_POLL_MS=200
EOF
# The dashboard serves web/; without one, an empty folder (never a web/ made
# by the bind mount).
if [[ ! -d $root/web ]]; then
	mkdir -p "$W/web-empty"
	echo "NEWSD_DASHBOARD_DIR=$W/web-empty" >>"$W/test.env"
fi

if compose config -q >"$LOG/config.log" 2>&1; then
	ok "docker-compose config -q"
else
	cat "$LOG/config.log"
	die "docker-compose config -q"
fi
# compose config does not check that a build's Dockerfile exists.
dockerfiles=(docker/standins/postgres/Dockerfile docker/standins/nginx/Dockerfile)
while read -r df; do dockerfiles+=("$df"); done < <(compose config |
	python3 -c 'import sys, yaml
for s in yaml.safe_load(sys.stdin)["services"].values():
    b = s.get("build")
    if b: print((b["context"].rstrip("/") + "/" + b.get("dockerfile", "Dockerfile")).replace(sys.argv[1] + "/", "", 1))' "$root" | sort -u)
missing=()
for df in "${dockerfiles[@]}"; do [[ -f $root/$df ]] || missing+=("$df"); done
check "every Dockerfile exists (${dockerfiles[*]})" test ${#missing[@]} -eq 0

mkdir -p "$W/lint"
cp "$root/docker/lint/package.json" "$root/docker/lint/package-lock.json" "$W/lint/"
if (cd "$W/lint" && bg timeout 300 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) >"$LOG/lint.log" 2>&1; then
	for df in "${dockerfiles[@]}"; do
		if "$W/lint/node_modules/.bin/dockerfile-utils" lint "$root/$df" >>"$LOG/lint.log" 2>&1; then
			ok "dockerfile-utils lint $df"
		else
			"$W/lint/node_modules/.bin/dockerfile-utils" lint "$root/$df" || true
			bad "dockerfile-utils lint $df"
		fi
	done
else
	tail -n 20 "$LOG/lint.log"
	bad "npm ci of docker/lint (dockerfile-utils)"
fi
stamp "static checks done"

# ---------------------------------------------------------------- 3. dockerd

save_host_state "$W/host-state"
if pgrep -x dockerd >/dev/null; then
	echo "note: another dockerd runs on this machine; this test uses its own (docker0 is shared)"
fi

export DOCKER_HOST=unix://$W/docker.sock
setsid dockerd --host "$DOCKER_HOST" --data-root "$W/data" --exec-root "$W/exec" \
	--pidfile "$W/dockerd.pid" --log-level warn </dev/null >"$W/dockerd.log" 2>&1 {OUT}>&- 9>&- &
for ((i = 0; i < 60; i++)); do
	$DOCKER version >/dev/null 2>&1 && break
	sleep 0.5
done
$DOCKER version >/dev/null 2>&1 || {
	tail -n 20 "$W/dockerd.log"
	die "dockerd did not start (see $LOG/dockerd.log)"
}
ok "dockerd $($DOCKER version --format '{{.Server.Version}}') on $DOCKER_HOST"
stamp "dockerd up"

# ---------------------------------------------------------------- 4. base images

if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
	mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources | head -n1)
else
	mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
fi
[[ -n $mirror ]] || die "no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"

# A minbase rootfs made like the official slim image: the host's apt sources,
# no docs/man/locales (dpkg path excludes), apt caches cleaned.
make_rootfs() {
	local r=$1
	bg timeout 600 debootstrap --variant=minbase bookworm "$r" "$mirror" >"$LOG/debootstrap.log" 2>&1 || return 1
	rm -f "$r/etc/apt/sources.list"
	if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
		cp /etc/apt/sources.list.d/*.sources "$r/etc/apt/sources.list.d/"
	else
		cp /etc/apt/sources.list "$r/etc/apt/sources.list"
	fi
	cat >"$r/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
	cat >"$r/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
	printf 'Acquire::Languages "none";\n' >"$r/etc/apt/apt.conf.d/docker-no-languages"
	printf 'APT::Install-Recommends "false";\n' >"$r/etc/apt/apt.conf.d/docker-no-recommends"
	find "$r/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null
	rm -rf "$r/usr/share/man/"* "$r/usr/share/info/"* "$r/usr/share/locale/"* "$r/usr/share/groff/"* \
		"$r/usr/share/lintian/"*
	chroot "$r" apt-get clean
	rm -rf "$r/var/lib/apt/lists/"* "$r/var/log/"*.log "$r/var/log/apt/"* "$r/var/cache/debconf/"*-old
}

key=$(printf '%s' "$mirror" | sha256sum | cut -c1-12)
base_tar=''
if [[ -n $CACHE ]]; then
	mkdir -p "$CACHE"
	base_tar=$CACHE/bookworm-minbase-$key.tar
	if [[ -f $base_tar && -n $(find "$base_tar" -mtime "-$BASE_MAX_AGE" 2>/dev/null) ]]; then
		base_from="cached $base_tar"
	else
		rm -f "$CACHE"/bookworm-minbase-*.tar
		make_rootfs "$W/rootfs" || die "debootstrap bookworm (see $LOG/debootstrap.log)"
		tar -C "$W/rootfs" -cf "$base_tar.tmp" . && mv "$base_tar.tmp" "$base_tar"
		rm -rf "$W/rootfs"
		base_from="debootstrap (cached in $base_tar)"
	fi
	$DOCKER import --change 'CMD ["bash"]' "$base_tar" debian:bookworm-slim >/dev/null ||
		die "docker import of $base_tar"
else
	make_rootfs "$W/rootfs" || die "debootstrap bookworm (see $LOG/debootstrap.log)"
	tar -C "$W/rootfs" -c . | $DOCKER import --change 'CMD ["bash"]' - debian:bookworm-slim >/dev/null ||
		die "docker import of the rootfs"
	rm -rf "$W/rootfs"
	base_from="debootstrap (no cache)"
fi
ok "base image debian:bookworm-slim from $base_from"
stamp "base image imported"

image_mb() { $DOCKER image inspect -f '{{.Size}}' "$1" | awk '{printf "%.0f", $1 / 1e6}'; }
for s in postgres:15:postgres nginx:1.25:nginx; do
	tag=${s%:*}
	dir=${s##*:}
	if bg timeout 600 $DOCKER build -t "$tag" "$root/docker/standins/$dir" >"$LOG/standin-$dir.log" 2>&1; then
		ok "stand-in $tag built from docker/standins/$dir ($(image_mb "$tag") MB)"
	else
		tail -n 20 "$LOG/standin-$dir.log"
		die "stand-in $tag (see $LOG/standin-$dir.log)"
	fi
done
stamp "stand-in images built"

# ---------------------------------------------------------------- 5. build, up, probe

if bg timeout 900 "${COMPOSE[@]}" build >"$LOG/build.log" 2>&1; then
	image=newsd:latest
	ok "docker-compose build: $image $(image_mb $image) MB (base debian:bookworm-slim $(image_mb debian:bookworm-slim) MB)"
	grep -E '^runtime: ' "$LOG/build.log" | sort -u | sed 's/^/     /'
else
	tail -n 30 "$LOG/build.log"
	die "docker-compose build (see $LOG/build.log)"
fi
check "image runs as a non-root user ($($DOCKER image inspect -f '{{.Config.User}}' "$image"))" \
	test "$($DOCKER image inspect -f '{{.Config.User}}' "$image" | cut -d: -f1)" = newsd
stamp "images built"

if bg timeout 300 "${COMPOSE[@]}" up -d --no-build >"$LOG/up.log" 2>&1; then
	ok "docker-compose up -d"
else
	cat "$LOG/up.log"
	die "docker-compose up -d"
fi
stamp "compose up returned"

api=http://127.0.0.1:$API_PORT
web=http://127.0.0.1:$WEB_PORT
# req METHOD URL [BODY-FILE [CONTENT-TYPE]] [extra curl args]: status in $code,
# body in $W/body, headers in $W/headers. Loopback only, never a proxy.
req() {
	local method=$1 url=$2 data=${3:-} ctype=${4:-application/json}
	local -a args=(-sS --noproxy '*' --max-time 30 -o "$W/body" -D "$W/headers" -w '%{http_code}' -X "$method")
	[[ $method == GET ]] || args+=(-H "Authorization: Bearer $API_KEY")
	[[ -n $data ]] && args+=(-H "Content-Type: $ctype" --data-binary "@$data")
	code=$(curl "${args[@]}" "$url" 2>>"$LOG/curl.log") || code=000
}
# js EXPR: evaluate a Python expression over the JSON body `d`.
js() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$W/body" "$1"; }
header() { tr -d '\r' <"$W/headers" | awk -v h="$1" 'tolower($1) == tolower(h) ":" {print $2}' | tail -n1; }
sql() { compose exec -T db psql -U newsd -d newsd -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
container_state() { $DOCKER inspect -f "$1" "$2" 2>/dev/null || true; }
cid() { compose ps -q "$1" 2>/dev/null | head -n1 || true; }

ready=0
for ((i = 0; i < 120; i++)); do
	req GET "$api/readyz"
	if [[ $code == 200 ]]; then
		ready=1
		break
	fi
	sleep 0.5
done
((ready)) || {
	compose ps
	compose logs --tail=30 migrate api
	die "GET /readyz on 127.0.0.1:$API_PORT did not answer 200 within 60 s (last: $code)"
}
ok "GET /readyz 200 through 127.0.0.1:$API_PORT ($(cat "$W/body"))"
req GET "$api/healthz"
check "GET /healthz 200" test "$code" = 200
check "migrate exited 0" test "$(container_state '{{.State.Status}} {{.State.ExitCode}}' "$(cid migrate)")" = "exited 0"
health=''
for ((i = 0; i < 60; i++)); do
	health=$(container_state '{{.State.Health.Status}}' "$(cid api)")
	[[ $health == starting ]] || break
	sleep 1
done
check "api container HEALTHCHECK: $health" test "$health" = healthy
check "api process is not root (uid $(compose exec -T api id -u | tr -d '\r'))" \
	test "$(compose exec -T api id -u | tr -d '\r')" != 0
stamp "api ready"

# One article.
python3 - "$W/article.json" "$RUN_ID" <<'EOF'
import json, sys
json.dump({
    "title": "Container test " + sys.argv[2],
    "text": "Le conseil municipal de Lyon a adopté jeudi un nouveau plan pour les pistes cyclables, "
            "référence " + sys.argv[2] + ". Les travaux commenceront au printemps et dureront deux ans, "
            "selon la mairie, qui promet des itinéraires plus sûrs pour les familles et les écoliers. "
            "Les commerçants du centre restent inquiets pour le stationnement.",
    "url": "https://containers.example/" + sys.argv[2] + "/single",
    "source": "newsd container test",
    "published_at": "2024-03-07",
}, open(sys.argv[1], "w"), ensure_ascii=False)
EOF
curl -sS --noproxy '*' --max-time 30 -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	--data-binary "@$W/article.json" "$api/articles" >"$W/noauth" 2>>"$LOG/curl.log" || true
check "POST /articles without a key: 401 (NEWSD_API_KEYS reached the container)" test "$(cat "$W/noauth")" = 401
req POST "$api/articles" "$W/article.json"
check "POST /articles: 201" test "$code" = 201
article_id=$(js 'd.get("id", "")' 2>/dev/null || true)
req GET "$api/articles/$article_id"
check "GET /articles/$article_id: 200, same title, lang fr" \
	test "$code $(js '(d["title"], d["lang"])' 2>/dev/null)" = "200 ('Container test $RUN_ID', 'fr')"

# A small job, polled until done.
wait_job() { # URL-PATH SECONDS: poll until the job is no longer queued/running
	local path=$1 limit=$2 s
	for ((s = 0; s < limit * 4; s++)); do
		req GET "$api$path"
		if [[ $code == 200 ]]; then
			case $(js 'd["status"]' 2>/dev/null) in done | cancelled) return 0 ;; esac
		fi
		sleep 0.25
	done
	return 1
}
python3 - "$W/job3.json" "$RUN_ID" <<'EOF'
import json, sys
run = sys.argv[2]
items = [{"text": f"{city} : la préfecture annonce {what}, référence {run}-small-{i}. La décision a été prise "
                  f"mardi après une réunion avec les élus locaux, qui saluent un effort attendu depuis longtemps.",
          "url": f"https://containers.example/{run}/small/{i}"}
         for i, (city, what) in enumerate([("Nantes", "la rénovation du pont"),
                                           ("Rennes", "un nouveau marché couvert"),
                                           ("Brest", "l'extension du port de plaisance")])]
json.dump(items, open(sys.argv[1], "w"), ensure_ascii=False)
EOF
req POST "$api/jobs" "$W/job3.json"
loc=$(header Location)
check "POST /jobs (3 items): 202 + Location $loc" test "$code" = 202 -a -n "$loc"
if [[ -n $loc ]] && wait_job "$loc" 60; then
	check "GET $loc: done, 3 done, 0 failed" test "$(js '(d["status"], d["counts"]["done"], d["counts"]["failed"])')" = "('done', 3, 0)"
else
	bad "job $loc did not finish within 60 s"
fi
req GET "$api/events"
check "GET /events: 200 with a data list" test "$code $(js 'type(d["data"]).__name__' 2>/dev/null)" = "200 list"

# The dashboard: web/ at /, the API for every other path and under /api/.
req GET "$web/"
if [[ -f $root/web/index.html ]]; then
	check "dashboard GET /: 200, web/index.html" test "$code" = 200 -a "$(cksum <"$W/body")" = "$(cksum <"$root/web/index.html")"
else
	check "dashboard GET /: $code (no web/ in the repository: an empty folder is mounted)" \
		test "$code" = 403 -o "$code" = 404
fi
req GET "$web/readyz"
check "dashboard GET /readyz: 200 (not a file: proxied to api)" test "$code" = 200
req GET "$web/api/readyz"
check "dashboard GET /api/readyz: 200 (proxied to api)" test "$code" = 200
req POST "$web/api/jobs" "$W/job3.json"
check "dashboard POST /api/jobs: 202, Location under /api/ ($(header Location))" \
	test "$code" = 202 -a "$(header Location | cut -c1-10)" = /api/jobs/
stamp "single-worker probes done"

# Scale the ingestion workers.
if bg timeout 300 "${COMPOSE[@]}" up -d --no-build --scale worker=3 >>"$LOG/up.log" 2>&1; then
	ok "docker-compose up -d --scale worker=3"
else
	tail -n 20 "$LOG/up.log"
	die "docker-compose up -d --scale worker=3"
fi
mapfile -t workers < <(compose ps -q worker)
running=0
for c in "${workers[@]}"; do
	[[ $(container_state '{{.State.Running}}' "$c") == true ]] && running=$((running + 1))
done
check "3 worker containers running (${#workers[@]} found)" test "$running" = 3
# Each worker registers (hostname:pid:...) in the workers table.
registered=0
for ((i = 0; i < 40; i++)); do
	registered=0
	hosts=$(sql "SELECT split_part(id, ':', 1) FROM workers" 2>/dev/null || true)
	for c in "${workers[@]}"; do
		grep -qx "$(container_state '{{.Config.Hostname}}' "$c")" <<<"$hosts" && registered=$((registered + 1))
	done
	((registered == 3)) && break
	sleep 0.5
done
check "3 worker processes registered in PostgreSQL" test "$registered" = 3

python3 - "$W/jobN.json" "$RUN_ID" "$ITEMS" <<'EOF'
import json, sys
run, n = sys.argv[2], int(sys.argv[3])
cities = ["Lille", "Metz", "Dijon", "Tours", "Nîmes", "Amiens", "Limoges", "Poitiers", "Pau", "Annecy"]
topics = ["une nouvelle ligne de tramway", "la fermeture d'une usine", "un festival de musique",
          "la rénovation d'un lycée", "un plan contre les inondations", "l'ouverture d'une médiathèque",
          "des travaux sur l'autoroute", "un record de fréquentation au musée", "la grève des transports",
          "un budget municipal en hausse"]
items = []
for i in range(n):
    c, t = cities[i % 10], topics[(i // 10 + i) % 10]
    items.append({
        "title": f"{c} : {t} ({run}-{i})",
        "text": f"À {c}, les autorités ont présenté {t}, dossier {run}-{i}. Selon le communiqué publié "
                f"le {1 + i % 28} mars, {3 + i % 17} associations ont participé aux discussions et le projet "
                f"numéro {i * 7919 % 10007} doit être voté avant l'été. Les habitants du quartier {i} "
                f"seront consultés lors d'une réunion publique.",
        "url": f"https://containers.example/{run}/big/{i}",
        "source": "newsd container test",
    })
json.dump(items, open(sys.argv[1], "w"), ensure_ascii=False)
EOF
req POST "$api/jobs" "$W/jobN.json"
loc=$(header Location)
job_id=${loc##*/}
check "POST /jobs ($ITEMS items): 202" test "$code" = 202 -a -n "$job_id"
if [[ -n $job_id ]] && wait_job "$loc" 180; then
	check "GET $loc: done, $ITEMS done, 0 failed, $ITEMS distinct articles" \
		test "$(js '(d["status"], d["counts"]["done"], d["counts"]["failed"], len({a["id"] for a in d["articles"]}), sorted(a["index"] for a in d["articles"]) == list(range(d["counts"]["total"])))')" \
		= "('done', $ITEMS, 0, $ITEMS, True)"
	# Exactly once: every item done at its first attempt, one article each,
	# and exactly one article per submitted url.
	got=$(sql "SELECT count(*), count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE attempts = 1),
	                  count(DISTINCT article_id),
	                  (SELECT count(*) FROM articles WHERE url LIKE 'https://containers.example/$RUN_ID/big/%')
	           FROM job_items WHERE job_id = $job_id" 2>&1 || true)
	check "every item done exactly once (items|done|first attempt|articles|articles by url: $got)" \
		test "$got" = "$ITEMS|$ITEMS|$ITEMS|$ITEMS|$ITEMS"
	# Who did the work: container hostnames are the first part of worker ids.
	declare -A name_of=()
	for svc in api worker; do
		n=0
		for c in $(compose ps -q "$svc"); do
			n=$((n + 1))
			name_of[$(container_state '{{.Config.Hostname}}' "$c")]=$svc$([[ $svc == worker ]] && echo "_$n")
		done
	done
	dist=''
	while IFS='|' read -r host count; do
		dist+="${name_of[$host]:-$host}=$count "
	done < <(sql "SELECT split_part(claimed_by, ':', 1), count(*) FROM job_items WHERE job_id = $job_id GROUP BY 1 ORDER BY 1")
	procs=$(wc -w <<<"$dist")
	check "items shared by $procs processes: $dist" test "$procs" -ge 2
else
	req GET "$api$loc"
	cat "$W/body"
	echo
	bad "job $loc ($ITEMS items) did not finish within 180 s"
fi
stamp "scaled job done"

# Backup and restore as docs/deployment.md describes (custom format through
# `exec -T`, restored into a scratch database).
if compose exec -T db pg_dump -U newsd -d newsd -Fc >"$W/newsd.dump" 2>"$LOG/pg_dump.log" &&
	compose exec -T db createdb -U newsd restorecheck >>"$LOG/pg_dump.log" 2>&1 &&
	compose exec -T db pg_restore -U newsd -d restorecheck --no-owner <"$W/newsd.dump" >>"$LOG/pg_dump.log" 2>&1; then
	a=$(sql "SELECT count(*) FROM articles" || true)
	b=$(compose exec -T db psql -U newsd -d restorecheck -XAtq -c "SELECT count(*) FROM articles" | tr -d '\r' || true)
	check "pg_dump -Fc ($(du -k "$W/newsd.dump" | cut -f1) KB) restored: $b of $a articles" test "$a" = "$b" -a "$a" -gt 0
else
	tail -n 20 "$LOG/pg_dump.log"
	bad "pg_dump / pg_restore (see $LOG/pg_dump.log)"
fi

# SIGTERM (docker stop) drains newsd, which exits 0 as PID 1.
if bg timeout 120 "${COMPOSE[@]}" stop -t 30 worker api >>"$LOG/up.log" 2>&1; then
	codes=''
	for c in $(compose ps -q api) $(compose ps -q worker); do
		codes+="$(container_state '{{.State.ExitCode}}' "$c") "
	done
	check "docker-compose stop api worker: every exit code 0 ($codes)" test -z "$(tr -d '0 ' <<<"$codes")"
else
	bad "docker-compose stop api worker"
fi
stamp "probes done"
finished=1
