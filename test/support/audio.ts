/**
 * Readers for the audio files recordings download as, written from the formats' specifications
 * independently of src/media/audio.ts, so a test checks the files rather than the encoder's own
 * idea of them.
 */

/** A RIFF/WAVE file: its PCM format and length. Throws on anything that is not a well-formed WAV. */
export function parseWav(buf: Buffer): { channels: number; sampleRate: number; bitsPerSample: number; durationMs: number } {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not RIFF/WAVE');
  if (buf.readUInt32LE(4) !== buf.length - 8) throw new Error('RIFF size does not match the file');
  let fmt: { channels: number; sampleRate: number; byteRate: number; blockAlign: number; bitsPerSample: number } | undefined;
  let dataBytes: number | undefined;
  for (let at = 12; at + 8 <= buf.length;) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      if (buf.readUInt16LE(at + 8) !== 1) throw new Error('not PCM');
      fmt = {
        channels: buf.readUInt16LE(at + 10), sampleRate: buf.readUInt32LE(at + 12), byteRate: buf.readUInt32LE(at + 16),
        blockAlign: buf.readUInt16LE(at + 20), bitsPerSample: buf.readUInt16LE(at + 22),
      };
    }
    if (id === 'data') {
      if (at + 8 + size > buf.length) throw new Error('data chunk runs past the end');
      dataBytes = size;
    }
    at += 8 + size + (size % 2);
  }
  if (!fmt || dataBytes === undefined) throw new Error('no fmt or data chunk');
  if (fmt.blockAlign !== fmt.channels * fmt.bitsPerSample / 8 || fmt.byteRate !== fmt.sampleRate * fmt.blockAlign) {
    throw new Error('inconsistent fmt chunk');
  }
  return { channels: fmt.channels, sampleRate: fmt.sampleRate, bitsPerSample: fmt.bitsPerSample, durationMs: (dataBytes / fmt.byteRate) * 1000 };
}

// ISO/IEC 11172-3 frame header tables (MPEG-1 and MPEG-2/2.5, Layer III).
const BITRATES = { v1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320], v2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160] };
const RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/**
 * An MPEG audio Layer III stream: walks it frame by frame from the first byte (no ID3 tag, no
 * garbage between frames) and returns its length. Throws at the first byte that is not a frame.
 */
export function parseMp3(buf: Buffer): { frames: number; sampleRate: number; channels: number; durationMs: number } {
  let frames = 0;
  let seconds = 0;
  let sampleRate = 0;
  let channels = 0;
  for (let at = 0; at < buf.length;) {
    if (at + 4 > buf.length) throw new Error(`truncated header at byte ${at}`);
    const h = buf.readUInt32BE(at);
    if ((h >>> 21) !== 0x7ff) throw new Error(`no frame sync at byte ${at}`);
    const version = (h >>> 19) & 3; // 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5
    const layer = (h >>> 17) & 3; // 1 = Layer III
    const bitrateIndex = (h >>> 12) & 15;
    const rateIndex = (h >>> 10) & 3;
    const padding = (h >>> 9) & 1;
    const mode = (h >>> 6) & 3;
    if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) throw new Error(`bad header at byte ${at}`);
    const rate = RATES[version][rateIndex];
    const kbps = (version === 3 ? BITRATES.v1 : BITRATES.v2)[bitrateIndex];
    const samples = version === 3 ? 1152 : 576;
    const size = Math.floor(((samples / 8) * kbps * 1000) / rate) + padding;
    if (at + size > buf.length) throw new Error(`truncated frame at byte ${at}`);
    sampleRate = rate;
    channels = mode === 3 ? 1 : 2;
    frames++;
    seconds += samples / rate;
    at += size;
  }
  if (frames === 0) throw new Error('no frames');
  return { frames, sampleRate, channels, durationMs: seconds * 1000 };
}
