#!/usr/bin/env bats
# Networking as an unprivileged user: slirp4netns by default, published
# tcp and udp ports with real traffic from the host, the source address
# forwarded connections have inside (CVE-2021-20199), host loopback only
# when allowed, resolv.conf and hosts, `port`, and bad input leaving nothing
# behind.

load helpers
load helpers-run

setup () {
  run_setup
  command -v slirp4netns > /dev/null || skip "slirp4netns is not installed"
  BG_PIDS=()
}

teardown () {
  local pid
  for pid in "${BG_PIDS[@]}"; do
    kill -TERM "$pid" 2> /dev/null || true
  done
  for pid in "${BG_PIDS[@]}"; do
    timeout 10 tail --pid="$pid" -f /dev/null 2> /dev/null || kill -KILL "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
  done
  basic_teardown
}

free_port () {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# galley run in the background (a foreground container whose CLI we kill
# at the end); its output goes to $BATS_TEST_TMPDIR/bg.log.
run_background () {
  galley run "$@" > "$BATS_TEST_TMPDIR/bg.log" 2>&1 3>&- &
  BG_PIDS+=($!)
}

# Wait until `curl URL` answers (10 s).
wait_for_http () {
  wait_until curl -s --max-time 1 -o /dev/null "$1" && return 0
  echo "FAIL: $1 did not answer; container log:" >&2
  cat "$BATS_TEST_TMPDIR/bg.log" >&2
  return 1
}

no_slirp_left () {
  local left
  left=$(pgrep -u "$(id -u)" -f "slirp4netns.*$BATS_TEST_TMPDIR" || true)
  [ -z "$left" ] || { echo "FAIL: slirp4netns left running: $left" >&2; return 1; }
}

# A web server in the container whose CGI prints the client's address.
HTTPD_SCRIPT='mkdir -p /www/cgi-bin && echo hello-from-galley > /www/index.html &&
printf "#!/bin/sh\necho Content-Type: text/plain\necho\necho \$REMOTE_ADDR\n" > /www/cgi-bin/peer &&
chmod +x /www/cgi-bin/peer && exec httpd -f -p 8080 -h /www'

@test "network: slirp4netns by default: tap0, route, MTU 65520, resolv.conf" {
  run_galley run --rm $RUN_IMAGE sh -c 'ip -4 addr show tap0; ip route; cat /sys/class/net/tap0/mtu'
  assert_output_contains "inet 10.0.2.100/24"
  assert_output_contains "default via 10.0.2.2 dev tap0"
  assert_output_contains "65520"
  run_galley run --rm $RUN_IMAGE cat /etc/resolv.conf
  # slirp's forwarder first; never a loopback resolver of the host
  assert_equal "${lines[0]}" "nameserver 10.0.2.3"
  assert_output_not_contains "nameserver 127."
  run_galley run --rm --network slirp4netns:mtu=1500,cidr=10.9.0.0/24 $RUN_IMAGE \
    sh -c 'ip -4 addr show tap0; cat /sys/class/net/tap0/mtu; head -1 /etc/resolv.conf'
  assert_output_contains "inet 10.9.0.100/24"
  assert_output_contains "1500"
  assert_output_contains "nameserver 10.9.0.3"
}

@test "network: none has only lo; host shares the host's interfaces" {
  run_galley run --rm --network none $RUN_IMAGE sh -c 'ls /sys/class/net'
  assert_output_equals "lo"
  run_galley run --rm --network host $RUN_IMAGE sh -c 'ls /sys/class/net | sort'
  assert_output_equals "$(ls /sys/class/net | sort)"
}

@test "network: -p publishes tcp; connections come from the container's address, not 127.0.0.1" {
  local port
  port=$(free_port)
  run_background --rm --name web -p "127.0.0.1:$port:8080" $RUN_IMAGE sh -c "$HTTPD_SCRIPT"
  wait_for_http "http://127.0.0.1:$port/"
  run curl -s --max-time 5 "http://127.0.0.1:$port/"
  assert_output_equals "hello-from-galley"
  run curl -s --max-time 5 "http://127.0.0.1:$port/cgi-bin/peer"
  # CVE-2021-20199: a forwarded connection must not look local inside.
  # galley's TCP forwarder connects to the container's own address, as
  # podman's rootlessport (httpd shows mapped addresses: [::ffff:10.0.2.100])
  assert_output_matches '^\[?(::ffff:)?10\.0\.2\.100\]?$'

  run_galley port web
  assert_output_equals "8080/tcp -> 127.0.0.1:$port"
  run_galley port web 8080
  assert_output_equals "127.0.0.1:$port"
  run_galley 125 port web 9999
  assert_stderr_contains 'failed to find published port "9999"'
}

@test "network: -p CONTAINER_PORT: galley chooses a free host port" {
  run_background --rm --name ranged -p 8080 $RUN_IMAGE sh -c "$HTTPD_SCRIPT"
  local hostport
  wait_until inspect_is ranged '{{.State.Status}}' running
  hostport=$(galley port ranged 8080 | sed 's/.*://')
  [ -n "$hostport" ] && [ "$hostport" -gt 0 ]
  wait_for_http "http://127.0.0.1:$hostport/"
  run curl -s --max-time 5 "http://127.0.0.1:$hostport/"
  assert_output_equals "hello-from-galley"
}

@test "network: -p publishes udp (echo through slirp4netns)" {
  command -v gcc > /dev/null || skip "no C compiler for the static udp echo server"
  cat > "$BATS_TEST_TMPDIR/udpecho.c" << 'EOF'
#include <netinet/in.h>
#include <sys/socket.h>
int main (void) {
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons (9999) }, from;
  socklen_t fl; char buf[512]; int s = socket (AF_INET, SOCK_DGRAM, 0);
  if (bind (s, (struct sockaddr *) &a, sizeof a) < 0) return 1;
  for (;;) { fl = sizeof from; ssize_t n = recvfrom (s, buf, sizeof buf, 0, (struct sockaddr *) &from, &fl);
             if (n > 0) sendto (s, buf, (size_t) n, 0, (struct sockaddr *) &from, fl); }
}
EOF
  gcc -static -O2 -o "$BATS_TEST_TMPDIR/udpecho" "$BATS_TEST_TMPDIR/udpecho.c" || skip "no static libc"
  # slirp4netns drops the replies to a client on the host's loopback when
  # the host's loopback is hidden from the container (--disable-host-loopback,
  # the default): the client talks to the host's own non-loopback address.
  local port host_ip
  host_ip=$(hostname -I 2> /dev/null | awk '{ print $1 }')
  [ -n "$host_ip" ] || skip "the host has no non-loopback address"
  port=$(free_port)
  run_background --rm --init -p "$port:9999/udp" -v "$BATS_TEST_TMPDIR/udpecho:/udpecho:ro" $RUN_IMAGE /udpecho
  run python3 - "$host_ip" "$port" << 'EOF'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
for attempt in range(40):
    s.sendto(b"ping-udp", (sys.argv[1], int(sys.argv[2])))
    try:
        print(s.recvfrom(512)[0].decode()); sys.exit(0)
    except socket.timeout:
        time.sleep(0.1)
sys.exit(1)
EOF
  assert_success
  assert_output_equals "ping-udp"
}

@test "network: the host's loopback only with allow_host_loopback=true" {
  local port
  port=$(free_port)
  mkdir -p "$BATS_TEST_TMPDIR/hostwww"
  echo from-host-loopback > "$BATS_TEST_TMPDIR/hostwww/index.html"
  python3 -m http.server --bind 127.0.0.1 --directory "$BATS_TEST_TMPDIR/hostwww" "$port" > /dev/null 2>&1 3>&- &
  BG_PIDS+=($!)
  wait_for_http "http://127.0.0.1:$port/"
  # (busybox wget -T crashes on a refused connection: no -T)
  run_galley 1 run --rm $RUN_IMAGE wget -q -O - "http://10.0.2.2:$port/"
  run_galley run --rm --network slirp4netns:allow_host_loopback=true $RUN_IMAGE wget -q -O - "http://10.0.2.2:$port/"
  assert_output_equals "from-host-loopback"
}

@test "network: --dns, --dns-search, --dns-option, --add-host, the container's own name" {
  run_galley run --rm --name named-one --hostname hh --dns 192.0.2.53 --dns-search example.com \
    --dns-option ndots:3 --add-host db:10.1.2.3 $RUN_IMAGE cat /etc/resolv.conf /etc/hosts
  assert_output_contains "search example.com"
  assert_output_contains "nameserver 192.0.2.53"
  assert_output_not_contains "nameserver 10.0.2.3"
  assert_output_contains "options ndots:3"
  assert_output_contains $'10.1.2.3\tdb'
  assert_output_contains $'10.0.2.100\thh named-one'
  run_galley run --rm --network none --name other $RUN_IMAGE cat /etc/hosts
  assert_output_contains "other"
  run_galley 125 run --rm --add-host nocolon $RUN_IMAGE true
  assert_stderr_contains 'bad format for add-host: "nocolon"'
  run_galley 125 run --rm --dns not-an-ip $RUN_IMAGE true
}

@test "network: bad input: exit 125, one line, nothing left behind" {
  local port
  port=$(free_port)
  python3 -c "import socket,time; s=socket.socket(); s.bind(('0.0.0.0', $port)); s.listen(); time.sleep(60)" 3>&- &
  BG_PIDS+=($!)
  wait_until tcp_listening $port
  run_galley 125 run --rm --name busy -p "$port:80" $RUN_IMAGE true
  assert_stderr_contains "$port"
  assert_stderr_contains "already in use"
  run_galley 125 run --name busy2 -p "$port:80" $RUN_IMAGE true
  run_galley 125 run -p abc:80 $RUN_IMAGE true
  assert_stderr_contains 'invalid host port "abc"'
  run_galley 125 run -p 8080:80/sctp $RUN_IMAGE true
  run_galley 125 run -p 8000-8001:80 $RUN_IMAGE true
  run_galley 125 run -p 80:80 $RUN_IMAGE true
  assert_stderr_contains "privileged port"
  run_galley 125 run --network no-such-net $RUN_IMAGE true
  assert_stderr_contains "unable to find network with name or ID no-such-net: network not found"
  run_galley 125 run --network slirp4netns:bogus=1 $RUN_IMAGE true
  run_galley 125 run --network none -p 18080:80 $RUN_IMAGE true
  run_galley 125 create -p abc:80 $RUN_IMAGE true
  # nothing behind: no container records, no volumes, no slirp4netns
  [ -z "$(container_dirs)" ]
  run_galley volume ls -q
  assert_output_equals ""
  no_slirp_left
}

@test "network: start of a created container whose host port is taken meanwhile" {
  local port
  port=$(free_port)
  run_galley create --name later -p "$port:80" $RUN_IMAGE true
  python3 -c "import socket,time; s=socket.socket(); s.bind(('0.0.0.0', $port)); s.listen(); time.sleep(60)" 3>&- &
  BG_PIDS+=($!)
  wait_until tcp_listening $port
  run_galley 125 start -a later
  assert_stderr_contains "already in use"
  no_slirp_left
  run_galley port later
  assert_output_equals "80/tcp -> 0.0.0.0:$port"
}

@test "network: slirp4netns exits with the container" {
  run_galley run --rm $RUN_IMAGE true
  no_slirp_left
  run_galley 3 run --rm $RUN_IMAGE sh -c 'exit 3'
  no_slirp_left
}

@test "network: -p does not reach a service bound to the container's loopback" {
  local port
  port=$(free_port)
  run_background --rm --name lo-only -p "127.0.0.1:$port:8080" $RUN_IMAGE \
    sh -c 'mkdir -p /www && echo secret > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www'
  # the forwarder accepts on the host port, but nothing answers inside
  # once the service runs there
  wait_until galley exec lo-only wget -q -O /dev/null http://127.0.0.1:8080/
  wait_until tcp_listening $port
  run curl -s --max-time 3 "http://127.0.0.1:$port/"
  assert_output_not_contains "secret"
}
