#!/bin/sh
# The single-user "server" both hubs spawn in bench/ (classhub: spawner.command; JupyterHub: c.Spawner.cmd).
# It dispatches on the user name so one hub config serves every metric:
#   web*  -> nginx on the given port, serving bench's small static file under /user/NAME/ (the "fast backend")
#   ws*   -> wsbench echo (a WebSocket echo server)
#   else  -> the real jupyterhub-singleuser with the same arguments
# Accepts --ip=A --port=N (or "--port N"); falls back to JUPYTERHUB_SERVICE_URL for the port.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ip=127.0.0.1; port=""
prev=""
for a in "$@"; do
  case "$a" in
    --ip=*) ip=${a#--ip=} ;;
    --port=*) port=${a#--port=} ;;
  esac
  [ "$prev" = "--port" ] && port=$a
  [ "$prev" = "--ip" ] && ip=$a
  prev=$a
done
[ -n "$port" ] || port=$(printf '%s' "${JUPYTERHUB_SERVICE_URL:-}" | sed -n 's#.*:\([0-9][0-9]*\)/*.*#\1#p')
[ -z "$ip" ] || [ "$ip" = "0.0.0.0" ] || [ "$ip" = "localhost" ] && ip=127.0.0.1
user=${JUPYTERHUB_USER:-}
case "$user" in
  web*)
    dir=$(mktemp -d "/tmp/classhub-bench-nginx-$user-XXXXXX")
    sed -e "s#@IP@#$ip#g" -e "s#@PORT@#$port#g" -e "s#@DIR@#$dir#g" -e "s#@WWW@#$here/www#g" "$here/nginx.conf.in" > "$dir/nginx.conf"
    exec /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
    ;;
  ws*)
    exec "$here/.build/wsbench/wsbench" echo --ip="$ip" --port="$port"
    ;;
  *)
    exec jupyterhub-singleuser "$@"
    ;;
esac
