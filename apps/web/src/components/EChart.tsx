/**
 * An ECharts chart (modular build: line and bar charts, grid, tooltip, legend, aria; SVG renderer)
 * that follows the theme and its container's size. The chart is decoration for sighted users:
 * `label` names it for screen readers, and every chart's figures are also in a table or tile.
 */
import { BarChart, LineChart } from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTheme } from '../app/theme';

echarts.use([
  LineChart,
  BarChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  AriaComponent,
  DataZoomComponent,
  MarkLineComponent,
  SVGRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

export function EChart({
  option,
  label,
  height = 260,
  onClick,
}: {
  option: ChartOption;
  label: string;
  height?: number;
  /** A click on a data item (bar, point): its index in the series. */
  onClick?: (dataIndex: number, seriesIndex: number) => void;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const { theme } = useTheme();

  useEffect(() => {
    if (el.current === null) return;
    const c = echarts.init(el.current, theme === 'dark' ? 'dark' : undefined, { renderer: 'svg' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [theme]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new theme makes a new chart, which needs the option again
  useEffect(() => {
    chart.current?.setOption(
      { backgroundColor: 'transparent', aria: { enabled: true, label: { description: label } }, ...option },
      { notMerge: true },
    );
  }, [option, label, theme]);

  // The latest handler, without a new chart for each render's new function.
  const click = useRef(onClick);
  click.current = onClick;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new theme makes a new chart, which needs the handler again
  useEffect(() => {
    const c = chart.current;
    if (c === null) return;
    const handler = (p: { dataIndex?: number; seriesIndex?: number }) =>
      click.current?.(p.dataIndex ?? 0, p.seriesIndex ?? 0);
    c.on('click', handler);
    return () => {
      c.off('click', handler);
    };
  }, [theme]);

  return <div ref={el} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
