/** Text made safe for the HTML of a chart tooltip (ECharts renders its formatter's string as HTML). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
