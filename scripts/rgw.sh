#!/usr/bin/env bash
# One-node Ceph RGW on 127.0.0.1 for tests: one mon, one memstore OSD, one radosgw.
#
#   scripts/rgw.sh up       start (idempotent); writes .data/rgw/connection.json
#   scripts/rgw.sh down     stop daemons (radosgw, then OSD, then mon) and remove the state
#   scripts/rgw.sh status   print the connection if RGW answers, exit 1 otherwise
#
# Needs root, node (for port picking and bucket creation with the repo's AWS SDK)
# and Debian's ceph-mon ceph-osd radosgw ceph-common. No systemd, no ceph-mgr.
# memstore keeps object data in RAM: `down` frees it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.data/rgw"
CONF="$STATE/ceph.conf"
CONNECTION="$STATE/connection.json"

REGION="us-east-1"
ACCESS_KEY="rgwtestaccesskey"
SECRET_KEY="rgwtestsecretkey0000000000000000000000000"
BUCKET="uploads"
# Daemons in the order they must be stopped: radosgw hangs if the OSD goes first.
DAEMONS=(client.rgw osd.0 mon.a)

log() { printf 'rgw.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
trap 'log "failed: $BASH_COMMAND (line $LINENO); logs in $STATE/log"' ERR

require_tools() {
  local missing=()
  for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool node; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if ((${#missing[@]})); then
    die "missing ${missing[*]}; on Debian 12: apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common (and Node.js)"
  fi
  [[ $(id -u) -eq 0 ]] || die "must run as root (the Ceph daemons and their dirs expect it)"
}

pid_of() { cat "$STATE/run/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid="$(pid_of "$1")"; [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Runs a tiny S3 program with the repo's SDK. $1 is the body of an async function given `s3`, `bucket`.
with_s3() {
  (cd "$ROOT" && RGW_ENDPOINT="$1" NODE_NO_WARNINGS=1 node --input-type=module -e "
    import { S3Client } from '@aws-sdk/client-s3';
    import * as cmd from '@aws-sdk/client-s3';
    const s3 = new S3Client({ endpoint: process.env.RGW_ENDPOINT, region: '$REGION', forcePathStyle: true,
      credentials: { accessKeyId: '$ACCESS_KEY', secretAccessKey: '$SECRET_KEY' } });
    const bucket = '$BUCKET';
    try { $2 } catch (e) { console.error(e.name + ': ' + e.message); process.exit(1); }
  ")
}

rgw_answers() {
  local endpoint="$1"
  node -e "fetch(process.argv[1]).then((r)=>process.exit(r.status<500?0:1),()=>process.exit(1))" "$endpoint"
}

print_connection() {
  local endpoint="$1"
  printf '{"endpoint":"%s","region":"%s","accessKeyId":"%s","secretAccessKey":"%s","bucket":"%s"}\n' \
    "$endpoint" "$REGION" "$ACCESS_KEY" "$SECRET_KEY" "$BUCKET" >"$CONNECTION.tmp"
  mv "$CONNECTION.tmp" "$CONNECTION"
  printf 'endpoint:   %s\nregion:     %s\naccess key: %s\nsecret key: %s\nbucket:     %s\n' \
    "$endpoint" "$REGION" "$ACCESS_KEY" "$SECRET_KEY" "$BUCKET"
}

endpoint_from_state() { cat "$STATE/endpoint" 2>/dev/null || true; }

is_up() {
  local endpoint; endpoint="$(endpoint_from_state)"
  [[ -n $endpoint && -f $CONNECTION ]] || return 1
  for d in "${DAEMONS[@]}"; do alive "$d" || return 1; done
  rgw_answers "$endpoint"
}

write_conf() {
  local fsid="$1" mon_port="$2" rgw_port="$3"
  cat >"$CONF" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_port]
public network = 127.0.0.0/8
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
# radosgw blocks for minutes without this when cephx is off (the default mode needs cephx).
ms mon client mode = crc
keyring = /dev/null
run dir = $STATE/run
pid file = $STATE/run/\$name.pid
admin socket = $STATE/run/\$name.asok
log file = $STATE/log/\$name.log
crash dir = $STATE/crash
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false

[mon]
mon data = $STATE/mon/\$name
mon initial members = a
# Cuts cold start from ~15 s to ~2 s.
paxos propose interval = 0.05
mon allow pool delete = true

[osd]
osd objectstore = memstore
osd data = $STATE/osd/\$cluster-\$id
# memstore keeps everything in RAM up to this size.
memstore device bytes = 8589934592

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $STATE/rgw
# Free aborted/overwritten data quickly: it lives in RAM.
rgw gc obj min wait = 10
rgw gc processor period = 10
rgw enable usage log = false
EOF
}

wait_for() {
  local what="$1" tries="$2"; shift 2
  for ((i = 0; i < tries; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  die "timed out waiting for $what (logs in $STATE/log)"
}

up() {
  require_tools
  if is_up; then
    print_connection "$(endpoint_from_state)"
    return
  fi
  [[ -d $STATE ]] && { log "stale state found; cleaning up first"; down; }
  local started=$SECONDS
  mkdir -p "$STATE"/{run,log,crash,mon,osd/ceph-0,rgw}
  local fsid mon_port rgw_port
  fsid="$(cat /proc/sys/kernel/random/uuid)"
  mon_port="$(free_port)"
  rgw_port="$(free_port)"
  while [[ $rgw_port == "$mon_port" ]]; do rgw_port="$(free_port)"; done
  local endpoint="http://127.0.0.1:$rgw_port"
  write_conf "$fsid" "$mon_port" "$rgw_port"
  echo "$endpoint" >"$STATE/endpoint"

  log "mon on 127.0.0.1:$mon_port"
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$STATE/monmap" >/dev/null
  ceph-mon -c "$CONF" -i a --mkfs --monmap "$STATE/monmap" >/dev/null
  ceph-mon -c "$CONF" -i a 2>>"$STATE/log/startup.log"
  wait_for "mon" 150 ceph -c "$CONF" --connect-timeout 2 mon stat

  log "osd.0 (memstore)"
  local osd_uuid; osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
  ceph -c "$CONF" osd new "$osd_uuid" 0 >/dev/null
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" >/dev/null 2>&1
  ceph-osd -c "$CONF" -i 0 2>>"$STATE/log/startup.log"
  wait_for "osd.0 up" 150 bash -c "ceph -c '$CONF' osd dump | grep -q '^osd.0 up'"

  log "radosgw on $endpoint"
  radosgw -c "$CONF" -n client.rgw 2>>"$STATE/log/startup.log"
  wait_for "radosgw" 300 rgw_answers "$endpoint"

  radosgw-admin -c "$CONF" user create --uid=tests --display-name="Tests" \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
  with_s3 "$endpoint" "await s3.send(new cmd.CreateBucketCommand({ Bucket: bucket }));"

  log "up in $((SECONDS - started)) s"
  print_connection "$endpoint"
}

stop_daemon() {
  local name="$1" pid; pid="$(pid_of "$name")"
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  log "$name ($pid) ignored SIGTERM for 10 s; killing"
  kill -KILL "$pid" 2>/dev/null || true
}

down() {
  for d in "${DAEMONS[@]}"; do stop_daemon "$d"; done
  rm -rf "$STATE"
}

status() {
  if is_up; then print_connection "$(endpoint_from_state)"; else log "not running"; exit 1; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: scripts/rgw.sh up|down|status" ;;
esac
