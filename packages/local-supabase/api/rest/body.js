// Request bodies for /rest/v1: the shared reader (../http.js), answering an oversized body with
// PostgREST's error shape.
import { MAX_BODY, readBody as readLimited } from '../http.js';
import { PgrstError } from './errors.js';

const tooLarge = () =>
  new PgrstError(413, 'PGRST413', 'Payload Too Large', `The request body exceeds ${MAX_BODY} bytes`);

/** @param {import('node:http').IncomingMessage} req @returns {Promise<Buffer>} */
export function readBody(req, limit = MAX_BODY) {
  return readLimited(req, limit, tooLarge);
}
