/**
 * A row of toggle buttons of which one is on (the trend's range, the breakdown's key): a labelled
 * group, each button saying whether it is pressed. (Fluent's TabList puts focusable hidden
 * elements in the page, which axe reports; and these choices show no tab panel.)
 */
import { makeStyles, mergeClasses, ToggleButton, tokens } from '@fluentui/react-components';

const useStyles = makeStyles({
  group: {
    display: 'inline-flex',
    flexWrap: 'wrap',
    gap: '2px',
    padding: '2px',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground3,
  },
  button: { minWidth: 'auto', fontWeight: tokens.fontWeightRegular },
  on: {
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorBrandForeground1,
    fontWeight: tokens.fontWeightSemibold,
    boxShadow: tokens.shadow2,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover, color: tokens.colorBrandForeground1 },
  },
});

export function Segmented<V extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: V;
  options: readonly { value: V; label: string }[];
  onChange: (v: V) => void;
}) {
  const s = useStyles();
  return (
    // biome-ignore lint/a11y/useSemanticElements: a fieldset's legend would repeat the label as visible text
    <div role="group" aria-label={label} className={s.group}>
      {options.map((o) => (
        <ToggleButton
          key={o.value}
          size="small"
          appearance="subtle"
          checked={o.value === value}
          className={mergeClasses(s.button, o.value === value && s.on)}
          onClick={() => onChange(o.value)}
          data-value={o.value}
        >
          {o.label}
        </ToggleButton>
      ))}
    </div>
  );
}
