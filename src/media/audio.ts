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
