/**
 * A small, real video made at test time: frames drawn on a canvas, encoded to VP8 by Chromium's own WebCodecs and
 * written into a WebM (with its duration and cues, so it plays and seeks) by mediabunny, a maintained muxer. No
 * binary fixture and no ffmpeg; encoding is offline (frames carry their timestamps), so it takes no real time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';

// The package exports its Node build by that condition; the browser bundle (a global `Mediabunny`) sits beside it.
const bundle = fs.readFileSync(
  path.join(path.dirname(createRequire(import.meta.url).resolve('mediabunny')), 'mediabunny.min.cjs'),
  'utf8',
);

const MAKER_URL = 'http://localhost/video-maker';

export interface VideoSpec {
  seconds: number;
  fps: number;
  width: number;
  height: number;
}

/** A WebM (VP8) of `seconds` seconds: a numbered colour frame per step, so each second looks different. */
export async function makeWebm(browser: Browser, spec: Partial<VideoSpec> = {}): Promise<Buffer> {
  const s: VideoSpec = { seconds: 2, fps: 10, width: 160, height: 120, ...spec };
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // WebCodecs needs a secure context: an empty page answered here for http://localhost, which counts as one
    await context.route(MAKER_URL, (r) =>
      r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>video</title>' }),
    );
    await page.goto(MAKER_URL);
    // evaluated, the bundle's top-level `var` stays in the evaluation's scope: hand it to window
    await page.evaluate(`${bundle};window.Mediabunny = Mediabunny;`);
    const base64 = await page.evaluate(async ({ seconds, fps, width, height }) => {
      type MB = typeof import('mediabunny');
      const { Output, WebMOutputFormat, BufferTarget, CanvasSource, QUALITY_LOW } = (
        window as unknown as { Mediabunny: MB }
      ).Mediabunny;
      const canvas = new OffscreenCanvas(width, height);
      const g = canvas.getContext('2d')!;
      const output = new Output({ format: new WebMOutputFormat(), target: new BufferTarget() });
      const source = new CanvasSource(canvas, { codec: 'vp8', bitrate: QUALITY_LOW });
      output.addVideoTrack(source, { frameRate: fps });
      await output.start();
      const frames = seconds * fps;
      for (let i = 0; i < frames; i++) {
        g.fillStyle = `hsl(${Math.round((360 * i) / frames)} 70% 45%)`;
        g.fillRect(0, 0, width, height);
        g.fillStyle = '#fff';
        g.font = `${Math.round(height / 3)}px sans-serif`;
        g.fillText(String(i), width / 3, (height * 2) / 3);
        await source.add(i / fps, 1 / fps);
      }
      await output.finalize();
      const bytes = new Uint8Array(output.target.buffer!);
      let bin = '';
      for (const b of bytes) bin += String.fromCharCode(b);
      return btoa(bin);
    }, s);
    return Buffer.from(base64, 'base64');
  } finally {
    await context.close();
  }
}
