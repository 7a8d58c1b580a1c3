import type { Format } from './format.js';

/**
 * Every format custody recognises, in detection order: when two formats
 * recognise the same content, the earlier one wins (a media-type match
 * always beats a content match). A new format is one file and one line here.
 */
export const FORMATS: readonly Format[] = [];
