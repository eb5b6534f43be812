/**
 * The shared ECharts component, loaded once the page has drawn what "ready" waits for (its tiles
 * and customer table): the chart library (~200 KB gzip) never delays them, nor competes with them
 * for the network and the main thread.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import type { ChartOption } from '../../components/EChart';

const EChart = lazy(() => import('../../components/EChart').then((m) => ({ default: m.EChart })));

export type { ChartOption };

export function Chart({
  option,
  label,
  height = 260,
  onClick,
}: {
  option: ChartOption;
  label: string;
  height?: number;
  onClick?: (dataIndex: number, seriesIndex: number) => void;
}) {
  const ready = usePageReady();
  const placeholder = <div style={{ width: '100%', height }} />;
  if (!ready) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <EChart option={option} label={label} height={height} {...(onClick === undefined ? {} : { onClick })} />
    </Suspense>
  );
}

/** Whether the page has set its ready marker (src/app/ready.ts). */
const marked = () => document.documentElement.dataset.ready !== undefined;

function usePageReady(): boolean {
  const [ready, setReady] = useState(marked);
  useEffect(() => {
    if (ready) return;
    const observer = new MutationObserver(() => {
      if (marked()) setReady(true);
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-ready'] });
    if (marked()) setReady(true);
    return () => observer.disconnect();
  }, [ready]);
  return ready;
}

/** Series colours (Fluent's palette), lighter in the dark theme; the legend and tables name them too. */
export function palette(dark: boolean) {
  return dark
    ? { deployment: '#479ef5', usage: '#4fd1c5', sold: '#adadad', assigned: '#c6a7ef', active: '#f1c232' }
    : { deployment: '#0f6cbd', usage: '#038387', sold: '#616161', assigned: '#8764b8', active: '#c19c00' };
}
