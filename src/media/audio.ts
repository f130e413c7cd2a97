/**
 * Audio files for recordings, made from nothing but a length: the emulator carries no media, so a
 * recording is silence as long as the time it recorded. Pure functions, no I/O.
 *
 * - WAV: RIFF/WAVE, PCM 16-bit, 8 kHz (telephone audio), mono or stereo (`dual` channels).
 * - MP3: MPEG-1 Layer III frames at 32 kHz and 32 kbit/s, each 144 bytes and 1152 samples (36 ms),
 *   whose side information says "no audio data": every decoder reads them as silence.
 */

/** Longest audio served, whatever the recording's length: a 4-hour conference is not 230 MB. */
export const MAX_AUDIO_SECS = 300;

export const WAV_SAMPLE_RATE = 8000;
const WAV_BITS = 16;

export const MP3_SAMPLE_RATE = 32_000;
export const MP3_SAMPLES_PER_FRAME = 1152;
export const MP3_FRAME_BYTES = 144; // 144 × 32 000 bit/s ÷ 32 000 Hz, no padding
const MP3_FRAME_MS = (MP3_SAMPLES_PER_FRAME * 1000) / MP3_SAMPLE_RATE; // 36 ms

export type AudioFormat = 'wav' | 'mp3';

const capped = (ms: number) => Math.max(0, Math.min(ms, MAX_AUDIO_SECS * 1000));

/** A WAV file of `ms` milliseconds of silence (capped at MAX_AUDIO_SECS). */
export function wav(ms: number, channels: 1 | 2): Buffer {
  const frames = Math.round((capped(ms) * WAV_SAMPLE_RATE) / 1000);
  const blockAlign = (channels * WAV_BITS) / 8;
  const dataBytes = frames * blockAlign;
  const out = Buffer.alloc(44 + dataBytes); // zero-filled: the samples are silence
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(WAV_SAMPLE_RATE, 24);
  out.writeUInt32LE(WAV_SAMPLE_RATE * blockAlign, 28); // byte rate
  out.writeUInt16LE(blockAlign, 32);
  out.writeUInt16LE(WAV_BITS, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  return out;
}

/**
 * An MP3 file of `ms` milliseconds of silence (capped at MAX_AUDIO_SECS), to the nearest 36 ms
 * frame; at least one frame, since a stream of no frames is no MP3 file at all.
 */
export function mp3(ms: number, channels: 1 | 2): Buffer {
  const frames = Math.max(1, Math.round(capped(ms) / MP3_FRAME_MS));
  const frame = Buffer.alloc(MP3_FRAME_BYTES); // side information and main data all zero: no audio
  frame[0] = 0xff; // frame sync (11 bits)…
  frame[1] = 0xfb; // …MPEG-1, Layer III, no CRC
  frame[2] = 0x18; // 32 kbit/s, 32 kHz, no padding
  frame[3] = channels === 1 ? 0xc0 : 0x00; // mono, or stereo
  const out = Buffer.alloc(frames * MP3_FRAME_BYTES);
  for (let i = 0; i < frames; i++) frame.copy(out, i * MP3_FRAME_BYTES);
  return out;
}

/** The file for a recording: its format, channels (`single` or `dual`) and recorded length. */
export function recordingAudio(format: AudioFormat, channels: 'single' | 'dual', ms: number): Buffer {
  const n = channels === 'dual' ? 2 : 1;
  return format === 'wav' ? wav(ms, n) : mp3(ms, n);
}

export const AUDIO_CONTENT_TYPES: Record<AudioFormat, string> = { wav: 'audio/wav', mp3: 'audio/mpeg' };

/** Bytes a streamed file is made in at most: what one download holds while its client reads. */
export const AUDIO_CHUNK_BYTES = 64 * 1024;

/**
 * A recording's file made on demand, a chunk at a time: its size is known up front (for
 * Content-Length), and `chunk(offset)` makes the bytes from `offset` on (at most
 * AUDIO_CHUNK_BYTES), the same bytes `recordingAudio` builds whole. A download then holds one
 * chunk, not a 9 MB file, however slowly its client reads.
 */
export interface AudioFile {
  size: number;
  chunk(offset: number): Uint8Array;
}

export function recordingAudioFile(format: AudioFormat, channels: 'single' | 'dual', ms: number): AudioFile {
  const n = channels === 'dual' ? 2 : 1;
  return format === 'wav' ? wavFile(ms, n) : mp3File(ms, n);
}

function wavFile(ms: number, channels: 1 | 2): AudioFile {
  // The header is the first 44 bytes of the file of no samples, with the data size of this one.
  const header = wav(0, channels);
  const frames = Math.round((capped(ms) * WAV_SAMPLE_RATE) / 1000);
  const dataBytes = frames * ((channels * WAV_BITS) / 8);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.writeUInt32LE(dataBytes, 40);
  const size = 44 + dataBytes;
  return {
    size,
    chunk: (offset) => {
      if (offset < 44) return Buffer.from(header.subarray(offset));
      return Buffer.alloc(Math.max(0, Math.min(AUDIO_CHUNK_BYTES, size - offset))); // silence
    },
  };
}

function mp3File(ms: number, channels: 1 | 2): AudioFile {
  const frames = Math.max(1, Math.round(capped(ms) / MP3_FRAME_MS));
  const size = frames * MP3_FRAME_BYTES;
  // Whole frames per chunk, cut from one file of that many frames.
  const template = mp3(Math.floor(AUDIO_CHUNK_BYTES / MP3_FRAME_BYTES) * MP3_FRAME_MS, channels);
  return {
    size,
    chunk: (offset) => {
      const start = offset % MP3_FRAME_BYTES;
      return Buffer.from(template.subarray(start, start + Math.max(0, Math.min(template.length - start, size - offset))));
    },
  };
}
