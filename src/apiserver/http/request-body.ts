/**
 * Reading request bodies with a hard size limit: a body larger than the limit is rejected with
 * 413 while it is being read, and never more than limit + 1 bytes are buffered.
 */
import type { IncomingMessage } from 'node:http';
import { badRequest, tooLarge } from '../errors.ts';
import { nestsDeeperThan } from '../../util/json-depth.ts';

/** Upstream's request-body limit (3 MiB). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the whole body, failing with 413 as soon as it passes `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** The media type of the request without parameters, lower-cased ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  const header = req.headers['content-type'] ?? '';
  return header.split(';')[0]!.trim().toLowerCase();
}

/**
 * How deeply a request body may nest objects and arrays: far beyond any real object, and well
 * within what the request's recursive steps (copies, validation, patches, field ownership) walk
 * without running out of stack.
 */
export const MAX_BODY_DEPTH = 1000;

/** Refuses (400) a decoded body that nests deeper than MAX_BODY_DEPTH. */
export function checkBodyDepth(value: unknown, what: string): void {
  if (nestsDeeperThan(value, MAX_BODY_DEPTH)) throw badRequest(`error decoding ${what}: it nests deeper than ${MAX_BODY_DEPTH} levels`);
}

/** Parses a JSON body into an object, with the decode error as a 400. */
export function parseJsonObject(body: Buffer, what = 'body'): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding ${what}: ${(err as Error).message}`);
  }
  checkBodyDepth(value, what);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`error decoding ${what}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}
