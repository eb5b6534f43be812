/**
 * The Deployment % and Usage % lines of a trend (its own chunk: ECharts loads beside the page's
 * data, never in its way). A null is a gap in the line — a day whose usage the data cannot tell —
 * never a zero.
 */
import type { Locale } from '@license-insights/contracts';
import { useMemo } from 'react';
import { useTheme } from '../../app/theme';
import { type ChartOption, EChart } from '../../components/EChart';
import { fmtDay, fmtPct } from '../../format';

export interface TrendPoint {
  readonly day: string;
  readonly deployment: number | null;
  readonly usage: number | null;
}

export default function TrendChart({
  points,
  locale,
  label,
  names,
}: {
  points: readonly TrendPoint[];
  locale: Locale;
  label: string;
  names: { deployment: string; usage: string; full: string };
}) {
  const { theme } = useTheme();
  const option = useMemo<ChartOption>(() => {
    const dark = theme === 'dark';
    // Two lines told apart by the legend, their dash and their colour (never the colour alone).
    const colors = dark
      ? { deployment: '#62abf5', usage: '#6ccb5f' }
      : { deployment: '#0f6cbd', usage: '#0e7a0d' };
    const pct = (v: unknown) => (typeof v === 'number' ? fmtPct(locale, v) : '—');
    return {
      grid: { left: 56, right: 24, top: 40, bottom: 32 },
      legend: { top: 0, data: [names.deployment, names.usage] },
      tooltip: { trigger: 'axis', valueFormatter: pct },
      xAxis: {
        type: 'category',
        data: points.map((p) => p.day),
        axisLabel: { formatter: (d: string) => fmtDay(locale, d), hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        min: 0,
        axisLabel: { formatter: (v: number) => fmtPct(locale, v, 0) },
      },
      series: [
        {
          name: names.deployment,
          type: 'line',
          showSymbol: points.length <= 31,
          connectNulls: false,
          data: points.map((p) => (p.deployment === null ? '-' : p.deployment)),
          color: colors.deployment,
          symbol: 'rect',
          lineStyle: { width: 2, type: [8, 4] },
          markLine: {
            silent: true,
            symbol: 'none',
            label: { formatter: names.full, position: 'insideEndTop' },
            lineStyle: { type: 'dotted', color: dark ? '#999' : '#777' },
            data: [{ yAxis: 100 }],
          },
        },
        {
          name: names.usage,
          type: 'line',
          showSymbol: points.length <= 31,
          connectNulls: false,
          data: points.map((p) => (p.usage === null ? '-' : p.usage)),
          color: colors.usage,
          symbol: 'circle',
          lineStyle: { width: 2.5, type: 'solid' },
        },
      ],
    };
  }, [points, locale, names, theme]);
  return <EChart option={option} label={label} height={280} />;
}
