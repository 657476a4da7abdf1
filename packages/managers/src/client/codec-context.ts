/** The client connection whose reply frame is being decoded (a proxy token in it attaches there). */
import type { ManagerClient } from './manager-client.js';

export const clientCodecContext: { decoding: ManagerClient | null } = { decoding: null };
