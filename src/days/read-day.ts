import { isSafeRelativePath } from '../verify/safe-path.js';
import { dayPath, type ArchiveDay, type VerifiedFiles } from './open.js';
import { toDayManifestView, toImageManifestView, type DayImageView, type DayManifestView, type ImageManifestView } from './views.js';
import { MANIFEST, SEAL_FILE, SEAL_KEY_FILE } from '../lib/archive-format.js';

export interface LoadedImage {
  /** The day manifest's entry. */
  entry: DayImageView;
  /** The image folder's path in the archive (prefix included); undefined for a failed image. */
  folder?: string;
  manifest?: ImageManifestView;
  manifestSha256?: string;
  /** Why the image manifest could not be read. */
  error?: string;
}

export interface LoadedDay {
  day: ArchiveDay;
  manifestSha256?: string;
  manifest?: DayManifestView;
  /** Why the day manifest could not be read. */
  error?: string;
  images: LoadedImage[];
  /** The day's seal, when there is one: the seal file's and its key's sha256, and the seal's bytes. */
  seal?: { sha256: string; keySha256?: string; path: string };
}

/** Read one day of a verified archive: its manifest, its seal, every image manifest it lists. */
export async function readDay(files: VerifiedFiles, day: ArchiveDay): Promise<LoadedDay> {
  const file = dayPath(day, MANIFEST);
  const loaded: LoadedDay = { day, images: [] };
  const sha256 = files.sha256(file);
  if (sha256) loaded.manifestSha256 = sha256;
  const sealSha = files.sha256(dayPath(day, SEAL_FILE));
  if (sealSha) {
    const keySha = files.sha256(dayPath(day, SEAL_KEY_FILE));
    loaded.seal = { sha256: sealSha, path: dayPath(day, SEAL_FILE), ...(keySha ? { keySha256: keySha } : {}) };
  }
  const manifest = toDayManifestView(await files.json(file));
  if (!manifest) {
    loaded.error = sha256 ? `${file} is not a readable day manifest` : `${file} is missing`;
    return loaded;
  }
  loaded.manifest = manifest;
  for (const entry of manifest.images) {
    const image: LoadedImage = { entry };
    loaded.images.push(image);
    if (entry.path === null) continue;
    if (!isSafeRelativePath(entry.path) || !entry.path.startsWith('images/')) {
      image.error = `the day manifest gives it the path "${entry.path}", which is not a folder under images/`;
      continue;
    }
    image.folder = dayPath(day, entry.path);
    const imageFile = `${image.folder}/${MANIFEST}`;
    const imageSha = files.sha256(imageFile);
    if (imageSha) image.manifestSha256 = imageSha;
    const view = toImageManifestView(await files.json(imageFile));
    if (view) image.manifest = view;
    else image.error = imageSha ? `${imageFile} is not a readable image manifest` : `${imageFile} is missing`;
  }
  return loaded;
}
