# Sourced by benches/peers.sh and benches/scale.sh: installing what a bench lacks, the static
# nginx target and the cases sent to it, written once for both. start_nginx and write_cases
# expect `$scratch` and `$BIN` to be set.

say() { echo "$(basename "$0" .sh): $*" >&2; }
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "needs root to run: $*"; exit 1
  fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  say "installing $* (Debian)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}


NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { apt_install nginx; NGINX=$(command -v nginx || echo /usr/sbin/nginx); }

# Starts nginx (benches/nginx.conf) on 127.0.0.1:$1 in $scratch/nginx and sets BASE and URL.
start_nginx() {
  local port=$1
  mkdir -p "$scratch/nginx/tmp"
  sed "s/127\.0\.0\.1:18480/127.0.0.1:$port/" benches/nginx.conf > "$scratch/nginx/nginx.conf"
  "$NGINX" -p "$scratch/nginx" -c "$scratch/nginx/nginx.conf" -e "$scratch/nginx/error.log"
  for _ in $(seq 50); do [ -f "$scratch/nginx/nginx.pid" ] && break; sleep 0.1; done
  BASE="http://127.0.0.1:$port"
  URL="$BASE/api/v3/organizations/companies?offset=-1"
  curl -s -o /dev/null -w '%{http_code}' "$URL" 2>/dev/null | grep -q 400 \
    || { say "nginx does not answer 400 at $URL"; cat "$scratch/nginx/error.log" >&2; exit 1; }
}

stop_nginx() {
  if [ -f "$scratch/nginx/nginx.pid" ]; then kill "$(cat "$scratch/nginx/nginx.pid")" 2>/dev/null || true; fi
}

# Writes $2/bench.toml with exactly $1 cases, all answered alike by nginx: copies of a sweep rule
# of every collection GET with offset=-1 (as the shipped below_minimum rule breaks it), then
# written cases for the remainder.
write_cases() {
  local count=$1 dir=$2 per_rule rules rest i
  mkdir -p "$dir"
  : > "$dir/bench.toml"
  per_rule=$("$BIN" run --cases cases/sweep.toml --list sweep::below_minimum:: | cut -f1 | grep -c '^sweep::below_minimum::GET .*(query offset)$')
  rules=$((count / per_rule))
  rest=$((count - rules * per_rule))
  for i in $(seq 1 "$rules"); do
    printf '[[sweep]]\nname = "bench_%s"\nselect = { collection = true }\nrequest = { query = { offset = -1 } }\nexpect = { code = 400, type = "logical", parameter = "offset" }\n\n' "$i"
  done >> "$dir/bench.toml"
  for i in $(seq 1 "$rest"); do
    printf '[[case]]\nname = "written_%s"\nrequest = { method = "GET", path = "/organizations/companies", query = { offset = -1 } }\nexpect = { code = 400, type = "logical", parameter = "offset" }\n\n' "$i"
  done >> "$dir/bench.toml"
}
