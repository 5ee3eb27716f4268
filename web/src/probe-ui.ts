/** The page's probe: a clicked cell's network's predictions on a few test images. */
import { CLASS_NAMES, type FromWorker } from './protocol.js';

/** Shows the probe's test images with the predicted classes and confidences (green: right, red: wrong) under the heading `label`. */
export function showProbe(box: HTMLElement, m: Extract<FromWorker, { type: 'probe'; }>, label: string): void {
  box.replaceChildren();
  const head = document.createElement('div');
  head.className = 'item';
  head.style.width = 'auto';
  head.textContent = `${label}:`;
  box.append(head);
  m.labels.forEach((truth, i) => {
    const item = document.createElement('div');
    item.className = 'item';
    const c = document.createElement('canvas');
    c.width = c.height = m.size;
    const img = new ImageData(m.size, m.size);
    for (let p = 0; p < m.size * m.size; p++) {
      const v = 255 - m.pixels[i * m.size * m.size + p];
      img.data.set([v, v, v, 255], p * 4);
    }
    c.getContext('2d')!.putImageData(img, 0, 0);
    const ok = m.predicted[i] === truth;
    const text = document.createElement('div');
    text.className = ok ? 'ok' : 'bad';
    text.textContent = `${CLASS_NAMES[m.predicted[i]]} ${(100 * m.confidence[i]).toFixed(0)}%`;
    item.title = `true class: ${CLASS_NAMES[truth]}`;
    item.append(c, text);
    box.append(item);
  });
}
