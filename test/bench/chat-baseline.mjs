// The baseline of `npm run bench:chat`: a bare `ws` server speaking just enough of the consult protocol (subscribe,
// send → ack + fan-out to the conversation, sync) with an in-memory sequence and no database, no auth, no pub/sub.
// The same clients driven against it show the load generator's own ceiling.
import { WebSocketServer } from 'ws';

const rooms = new Map();
const seqs = new Map();
const wss = new WebSocketServer({ port: Number(process.env.PORT), host: '127.0.0.1', handleProtocols: () => 'yiyun' });
wss.on('connection', (ws) => {
  ws.send(JSON.stringify({ type: 'ready' }));
  ws.on('message', (raw) => {
    const f = JSON.parse(String(raw));
    if (f.type === 'subscribe') {
      if (!rooms.has(f.channel)) rooms.set(f.channel, new Set());
      rooms.get(f.channel).add(ws);
      ws.on('close', () => rooms.get(f.channel)?.delete(ws));
      ws.send(JSON.stringify({ type: 'subscribed', channel: f.channel, id: f.id }));
    } else if (f.type === 'consult.sync') {
      ws.send(
        JSON.stringify({
          type: 'consult.history',
          messages: [],
          lastSeq: seqs.get(f.consultationId) ?? 0,
          hasMore: false,
          id: f.id,
        }),
      );
    } else if (f.type === 'consult.send') {
      const seq = (seqs.get(f.consultationId) ?? 0) + 1;
      seqs.set(f.consultationId, seq);
      const message = { seq, text: f.text, clientMsgId: f.clientMsgId, sender: 'patient' };
      ws.send(JSON.stringify({ type: 'consult.ack', message, id: f.id }));
      const channel = `consult:${f.consultationId}`;
      const frame = JSON.stringify({ type: 'message', channel, data: { event: 'message', message } });
      for (const peer of rooms.get(channel) ?? []) peer.send(frame);
    }
  });
});
wss.on('listening', () => console.log('ready'));
