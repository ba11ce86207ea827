/**
 * "Bezig, verwachte aflevertijd HH:MM" (seed 001 §4.1.1): "De verwachte eindtijd wordt berekend en is gebaseerd op
 * verwerkingstijden in verleden voor soortgelijke bestanden qua grootte en aantallen."
 */
import type { Store, UploadRecord } from '../../store/store.js';

/** Without history: a conservative 50 ms per message. */
const DEFAULT_MS_PER_ENTRY = 50;
const HISTORY = 50;

/** Similar = entry count and size both within a factor 4; when none are, every finished upload counts. */
export async function estimateDoneAt(store: Store, upload: { startedAt: Date; entryCount: number; size: number }): Promise<Date> {
  const history = await store.uploads.recentFinished(HISTORY);
  const near = (a: number, b: number) => a <= b * 4 && b <= a * 4;
  const similar = history.filter((u) => near(u.entryCount ?? 0, Math.max(1, upload.entryCount)) && near(u.size, Math.max(1, upload.size)));
  const basis = similar.length > 0 ? similar : history;
  const msPerEntry = basis.length > 0 ? perEntry(basis) : DEFAULT_MS_PER_ENTRY;
  return new Date(upload.startedAt.getTime() + Math.ceil(msPerEntry * upload.entryCount) + 1000);
}

function perEntry(uploads: UploadRecord[]): number {
  let ms = 0;
  let entries = 0;
  for (const u of uploads) {
    ms += Date.parse(u.finishedAt!) - Date.parse(u.startedAt!);
    entries += u.entryCount ?? 0;
  }
  return entries > 0 ? Math.max(0, ms) / entries : DEFAULT_MS_PER_ENTRY;
}

/** The status column's text (seed 001 §4.1.1), times in Dutch local time. */
export function statusText(upload: Pick<UploadRecord, 'status' | 'expectedDoneAt'>, timeZone = 'Europe/Amsterdam'): string {
  switch (upload.status) {
    case 'ontvangen': return 'Ontvangen';
    case 'afgeleverd': return 'Afgeleverd';
    case 'afgekeurd': return 'Afgekeurd';
    case 'bezig': {
      const at = upload.expectedDoneAt ? new Date(upload.expectedDoneAt) : null;
      const hhmm = at ? new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone }).format(at) : '--:--';
      return `Bezig, verwachte aflevertijd ${hhmm}`;
    }
  }
}
