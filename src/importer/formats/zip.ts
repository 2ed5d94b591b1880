/** Small fflate helpers: list a zip's entries and read selected ones, with typed errors. */
import { unzipSync, strFromU8 } from "fflate";
import { ImportError, type ImportErrorCode } from "../errors";

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && (bytes[3] === 0x04 || bytes[3] === 0x06);
}

/** Entry names of a zip, without inflating anything. Throws ImportError(onError) if unreadable. */
export function listZip(bytes: Uint8Array, onError: ImportErrorCode): string[] {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter(file) {
        names.push(file.name);
        return false;
      },
    });
  } catch (e) {
    throw new ImportError(onError, e instanceof Error ? e.message : String(e));
  }
  return names;
}

/** Inflate the named entries (missing ones are absent from the result). */
export function readZipEntries(bytes: Uint8Array, wanted: (name: string) => boolean, onError: ImportErrorCode): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes, { filter: (f) => wanted(f.name) });
  } catch (e) {
    throw new ImportError(onError, e instanceof Error ? e.message : String(e));
  }
}

export function readZipText(bytes: Uint8Array, name: string, onError: ImportErrorCode): string {
  const files = readZipEntries(bytes, (n) => n === name, onError);
  const data = files[name];
  if (!data) throw new ImportError(onError, `missing ${name}`);
  try {
    return strFromU8(data);
  } catch (e) {
    throw new ImportError(onError, e instanceof Error ? e.message : String(e));
  }
}
