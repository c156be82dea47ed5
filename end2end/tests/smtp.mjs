// A loopback SMTP server for the end-to-end tests: plain SMTP on 127.0.0.1, every message kept.
import net from 'node:net';

export function startSink() {
  const mails = [];
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    sock.setEncoding('utf8');
    let buf = '';
    let inData = false;
    let mail = { from: '', to: [], data: '' };
    sock.write('220 sink ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            mails.push(mail);
            mail = { from: '', to: [], data: '' };
            sock.write('250 2.0.0 queued\r\n');
          } else {
            mail.data += (line.startsWith('.') ? line.slice(1) : line) + '\r\n';
          }
          continue;
        }
        const up = line.toUpperCase();
        if (up.startsWith('EHLO')) sock.write('250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
        else if (up.startsWith('MAIL FROM:')) { mail.from = line.slice(10).trim(); sock.write('250 2.1.0 ok\r\n'); }
        else if (up.startsWith('RCPT TO:')) { mail.to.push(line.slice(8).replace(/[<>\s]/g, '')); sock.write('250 2.1.5 ok\r\n'); }
        else if (up === 'DATA') { inData = true; sock.write('354 end with .\r\n'); }
        else if (up === 'QUIT') sock.end('221 2.0.0 bye\r\n');
        else sock.write('250 2.0.0 ok\r\n');
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      port: server.address().port,
      mails,
      close: () => { for (const s of sockets) s.destroy(); server.close(); },
    }));
  });
}
