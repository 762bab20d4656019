// Writes assets/sounds/nudge.wav: the short chime a nudge plays when the rep's Carter settings
// ask for a sound. Two soft bell tones (a rising fifth) with a quick attack and an exponential
// decay, 16-bit mono at 22,050 Hz, about 0.45 s (≈20 KB). Run: node assets/render-sound.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RATE = 22_050;
const SECONDS = 0.45;
const notes = [
  { hz: 880, start: 0, gain: 0.32 }, // A5
  { hz: 1318.5, start: 0.11, gain: 0.26 }, // E6
];

const n = Math.round(RATE * SECONDS);
const samples = new Float64Array(n);
for (const note of notes) {
  const from = Math.round(note.start * RATE);
  for (let i = from; i < n; i++) {
    const t = (i - from) / RATE;
    const attack = Math.min(1, t / 0.006);
    const decay = Math.exp(-t * 9);
    // A touch of the octave above gives the tone a bell's shimmer.
    const tone = Math.sin(2 * Math.PI * note.hz * t) + 0.25 * Math.sin(2 * Math.PI * note.hz * 2 * t);
    samples[i] += note.gain * attack * decay * tone;
  }
}
// Fade the last 20 ms to silence so the end never clicks.
const fade = Math.round(0.02 * RATE);
for (let i = 0; i < fade; i++) samples[n - 1 - i] *= i / fade;

const data = Buffer.alloc(n * 2);
for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, samples[i])) * 32_767), i * 2);
const header = Buffer.alloc(44);
header.write('RIFF', 0);
header.writeUInt32LE(36 + data.length, 4);
header.write('WAVE', 8);
header.write('fmt ', 12);
header.writeUInt32LE(16, 16);
header.writeUInt16LE(1, 20);
header.writeUInt16LE(1, 22);
header.writeUInt32LE(RATE, 24);
header.writeUInt32LE(RATE * 2, 28);
header.writeUInt16LE(2, 32);
header.writeUInt16LE(16, 34);
header.write('data', 36);
header.writeUInt32LE(data.length, 40);

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sounds', 'nudge.wav');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, Buffer.concat([header, data]));
console.log(`wrote ${out} (${44 + data.length} bytes)`);
