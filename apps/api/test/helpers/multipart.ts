/**
 * A multipart/form-data body, as a browser or `curl -F` sends it: text fields, then files (the
 * request the upload route reads part by part).
 */
import { randomBytes } from 'node:crypto';

export interface UploadFile {
  readonly name: string;
  readonly content: string | Buffer;
  /** Form field name of the file part (default "files"). */
  readonly field?: string;
}

export function multipart(
  fields: Readonly<Record<string, string>>,
  files: readonly UploadFile[],
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----li-test-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  for (const f of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'files'}"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  const payload = Buffer.concat(chunks);
  return {
    payload,
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(payload.length),
    },
  };
}

/** The events of a text/event-stream body: id, event name and parsed data. */
export function parseSse(text: string): { id: number | null; event: string; data: unknown }[] {
  const out: { id: number | null; event: string; data: unknown }[] = [];
  for (const block of text.split('\n\n')) {
    let id: number | null = null;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) id = Number(line.slice(4));
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) out.push({ id, event, data: JSON.parse(data.join('\n')) });
  }
  return out;
}
