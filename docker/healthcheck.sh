#!/bin/bash
# HEALTHCHECK of the newsd image (docker/Dockerfile): GET /readyz must answer
# 200. Plain bash (/dev/tcp), so the image needs no curl. `newsd worker` and
# `newsd migrate` serve no HTTP: they are healthy while they run.
set -u
mapfile -d '' -t argv </proc/1/cmdline 2>/dev/null || argv=()
port=${NEWSD_PORT:-8080}
host=${NEWSD_BIND:-127.0.0.1}
for ((i = 0; i < ${#argv[@]}; i++)); do
	case ${argv[i]} in
	worker | migrate) exit 0 ;;
	--port) port=${argv[i + 1]:-$port} ;;
	--port=*) port=${argv[i]#--port=} ;;
	--bind) host=${argv[i + 1]:-$host} ;;
	--bind=*) host=${argv[i]#--bind=} ;;
	esac
done
case $host in 0.0.0.0 | :: | '[::]' | '') host=127.0.0.1 ;; esac
exec 3<>"/dev/tcp/$host/$port" || exit 1
printf 'GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
read -r -t 4 _ status _ <&3 || exit 1
[[ $status == 200 ]] || {
	echo "GET /readyz answered $status"
	exit 1
}
