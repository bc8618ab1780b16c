// Request bodies with a size limit that still answers: an oversized body is drained (up to
// a hard cap) so the client receives the 413 instead of a reset connection.
import { MAX_BODY } from '../http.js';
import { PgrstError } from './errors.js';

const tooLarge = () =>
  new PgrstError(413, 'PGRST413', 'Payload Too Large', `The request body exceeds ${MAX_BODY} bytes`);

/** @param {import('node:http').IncomingMessage} req @returns {Promise<Buffer>} */
export function readBody(req, limit = MAX_BODY) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit * 4) {
        req.destroy();
        reject(tooLarge());
      } else if (size <= limit) chunks.push(c);
    });
    req.on('end', () => (size > limit ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}
