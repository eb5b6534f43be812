/**
 * The shared ECharts component, loaded on first use: the page's tiles and customer table (what
 * "ready" waits for) don't wait for the chart library.
 */
import { lazy, Suspense } from 'react';
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
  return (
    <Suspense fallback={<div style={{ width: '100%', height }} />}>
      <EChart option={option} label={label} height={height} {...(onClick === undefined ? {} : { onClick })} />
    </Suspense>
  );
}

/** Series colours (Fluent's palette), lighter in the dark theme; the legend and tables name them too. */
export function palette(dark: boolean) {
  return dark
    ? { deployment: '#479ef5', usage: '#4fd1c5', sold: '#adadad', assigned: '#c6a7ef', active: '#f1c232' }
    : { deployment: '#0f6cbd', usage: '#038387', sold: '#616161', assigned: '#8764b8', active: '#c19c00' };
}
