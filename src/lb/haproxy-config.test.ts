import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseHaproxyStats } from './haproxy-balancer.ts';
import { renderHaproxyConfig } from './haproxy-config.ts';

const backends = [
  { name: 'cp-1', host: '127.10.1.1', port: 6443 },
  { name: 'cp-2', host: '127.10.1.2', port: 6443 },
];

describe('HAProxy configuration and stats', () => {
  it('writes a TCP frontend and HTTPS /readyz checks verified against the CA', () => {
    const text = renderHaproxyConfig({ bindAddress: '127.10.1.250', port: 6443, backends, caFile: '/c/ca.crt', statsSocket: '/r/haproxy.sock', pidFile: '/r/haproxy.pid' });
    for (const line of [
      '  master-worker',
      '  stats socket /r/haproxy.sock mode 600 level user',
      '  pidfile /r/haproxy.pid',
      '  mode tcp',
      '  bind 127.10.1.250:6443',
      '  option httpchk GET /readyz',
      '  http-check expect status 200',
      '  default-server inter 250ms fall 2 rise 2 on-marked-down shutdown-sessions check check-ssl verify required ca-file /c/ca.crt',
      '  server cp-1 127.10.1.1:6443',
      '  server cp-2 127.10.1.2:6443',
    ]) {
      assert.ok(text.split('\n').includes(line), `missing: ${line}`);
    }
  });

  it('reads the servers of the apiservers backend from `show stat`', () => {
    const csv = [
      '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc',
      'apiserver,FRONTEND,,,3,5,4096,9,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,0,0,2,,,,,,,,,,,0,0,0,,,0,0,0,0,,,,,,,,,,,,',
      'apiservers,cp-1,0,0,2,3,,5,0,0,,0,,0,0,0,0,UP,1,1,0,0,0,42,0,,1,3,1,,5,,2,0,,1,L7OK,200,3,,,,,,,,,,,0,0,,,,,1,,,0,0,0,0,,,,Layer7 check passed',
      'apiservers,cp-2,0,0,0,1,,4,0,0,,0,,0,0,0,0,DOWN,1,1,0,2,1,7,7,,1,3,2,,4,,2,0,,1,L4CON,,0,,,,,,,,,,,0,0,,,,,1,,,0,0,0,0,,,,Connection refused',
      'apiservers,BACKEND,0,0,2,3,410,9,0,0,0,0,,0,0,0,0,UP,1,1,0,,0,42,0,,1,3,0,,9,,1,0,,2,,,,,,,,,,,,,,0,0,0,0,0,0,1,,,0,0,0,0,,,,',
    ].join('\n');
    const status = parseHaproxyStats(csv, backends);
    assert.deepEqual(status.map((s) => [s.name, s.address, s.up, s.connections, s.lastCheck?.outcome]), [
      ['cp-1', '127.10.1.1:6443', true, 2, 'ready'],
      ['cp-2', '127.10.1.2:6443', false, 0, 'unreachable'],
    ]);
    assert.match(status[1]!.reason, /^down: L4CON .*Connection refused$/);
  });
});
