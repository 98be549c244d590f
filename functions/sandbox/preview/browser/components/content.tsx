import type {
  AlertProps,
  AutoGridProps,
  BoxProps,
  CardProps,
  DescriptionListItemProps,
  DescriptionListProps,
  DividerProps,
  EmptyStateProps,
  ErrorStateProps,
  FlexProps,
  HeadingProps,
  IconProps,
  IllustrationProps,
  ImageProps,
  InlineProps,
  LinkProps,
  ListProps,
  LoadingSpinnerProps,
  ProgressBarProps,
  ScoreProps,
  SpacerProps,
  StackProps,
  StatisticsItemProps,
  StatisticsProps,
  StatisticsTrendProps,
  StatusTagProps,
  StepIndicatorProps,
  TagProps,
  TextProps,
  TileProps,
  TooltipProps,
} from '@hubspot/ui-extensions';
import { Children, type CSSProperties } from 'react';
import { call, cx, distance, extensionEvent, hrefProps, size, useOverlay, useOverlayOwner, useReactions } from '../runtime';

/** Layout, text and feedback components, drawn with plain DOM and the preview's stylesheet (HubSpot-like, not HubSpot's). */

const JUSTIFY: Record<string, CSSProperties['justifyContent']> = {
  start: 'flex-start',
  end: 'flex-end',
  center: 'center',
  around: 'space-around',
  between: 'space-between',
};
const ALIGN: Record<string, CSSProperties['alignItems']> = {
  start: 'flex-start',
  end: 'flex-end',
  center: 'center',
  baseline: 'baseline',
  stretch: 'stretch',
  auto: 'auto',
};

export function Flex({ children, direction = 'row', gap, justify = 'start', align, alignSelf, wrap }: FlexProps) {
  const style: CSSProperties = {
    display: 'flex',
    flexDirection: direction,
    gap: distance(gap, 0),
    justifyContent: JUSTIFY[justify],
    ...(align ? { alignItems: ALIGN[align] } : {}),
    ...(alignSelf ? { alignSelf: ALIGN[alignSelf] } : {}),
    flexWrap: wrap === true || wrap === 'wrap' ? 'wrap' : 'nowrap',
  };
  return (
    <div className="hs-flex" style={style}>
      {children}
    </div>
  );
}

export function Inline({ children, gap = 'sm', justify = 'start', align = 'center' }: InlineProps) {
  return (
    <div className="hs-flex" style={{ display: 'flex', flexWrap: 'wrap', gap: distance(gap), justifyContent: JUSTIFY[justify], alignItems: ALIGN[align] }}>
      {children}
    </div>
  );
}

export function Stack({ children, distance: d = 'sm', direction = 'column', justify, align, width }: StackProps) {
  return (
    <div
      className="hs-flex"
      style={{
        display: 'flex',
        flexDirection: direction,
        gap: distance(d),
        ...(justify ? { justifyContent: JUSTIFY[justify] } : {}),
        ...(align ? { alignItems: ALIGN[align] } : {}),
        ...(width ? { width } : {}),
      }}
    >
      {children}
    </div>
  );
}

export function Box({ children, alignSelf, flex }: BoxProps) {
  return <div style={{ ...(alignSelf ? { alignSelf: ALIGN[alignSelf] } : {}), ...(flex !== undefined ? { flex } : {}), minWidth: 0 }}>{children}</div>;
}

export function AutoGrid({ children, columnWidth, gap = 'sm', flexible = false }: AutoGridProps) {
  const column = flexible ? `minmax(${columnWidth}px, 1fr)` : `${columnWidth}px`;
  return <div style={{ display: 'grid', gridTemplateColumns: `repeat(auto-fill, ${column})`, gap: distance(gap) }}>{children}</div>;
}

export function Card({ children }: CardProps) {
  return <div className="hs-tile">{children}</div>;
}

export function Tile({ children, compact, flush }: TileProps) {
  return <div className={cx('hs-tile', compact && 'hs-tile--compact', flush && 'hs-tile--flush')}>{children}</div>;
}

export function Divider({ distance: d = 'sm' }: DividerProps) {
  const gap = distance(d);
  return <hr className="hs-divider" style={{ margin: `${gap}px 0` }} />;
}

export function Spacer({ size: s = 'sm' }: SpacerProps) {
  return <div aria-hidden style={{ height: distance(s) }} />;
}

export function Heading({ children, inline }: HeadingProps) {
  return inline ? <span className="hs-heading hs-heading--inline">{children}</span> : <h2 className="hs-heading">{children}</h2>;
}

export function Text({ children, variant = 'bodytext', inline, format, truncate }: TextProps) {
  const style: CSSProperties = {
    ...(format?.fontWeight ? { fontWeight: format.fontWeight === 'bold' ? 700 : format.fontWeight === 'demibold' ? 600 : 400 } : {}),
    ...(format?.italic ? { fontStyle: 'italic' } : {}),
    ...(format?.lineDecoration && format.lineDecoration !== 'none'
      ? { textDecoration: format.lineDecoration === 'strikethrough' ? 'line-through' : 'underline' }
      : {}),
    ...(format?.textTransform && format.textTransform !== 'none' && format.textTransform !== 'sentenceCase' ? { textTransform: format.textTransform } : {}),
    ...(truncate
      ? {
          overflow: 'hidden',
          textOverflow: 'ellipsis',
          whiteSpace: 'nowrap',
          ...(typeof truncate === 'object' && truncate.maxWidth ? { maxWidth: truncate.maxWidth } : {}),
        }
      : {}),
  };
  const title = typeof truncate === 'object' ? truncate.tooltipText : undefined;
  const className = cx('hs-text', variant === 'microcopy' && 'hs-text--micro', inline && 'hs-text--inline');
  return inline ? (
    <span className={className} style={style} title={title}>
      {children}
    </span>
  ) : (
    <p className={className} style={style} title={title}>
      {children}
    </p>
  );
}

export function Link({ children, href, variant = 'primary', onClick, preventDefault, overlay }: LinkProps) {
  const reactions = useReactions();
  const { openOwned, anchor } = useOverlay(overlay);
  return anchor(
    <a
      className={cx('hs-link', `hs-link--${variant}`)}
      {...hrefProps(href)}
      onClick={(e) => {
        if (preventDefault || (typeof href === 'string' && href === '')) e.preventDefault();
        call(onClick, extensionEvent(e), reactions);
        openOwned();
      }}
    >
      {children}
    </a>,
  );
}

export function List({ children, variant = 'unordered' }: ListProps) {
  const items = Children.toArray(children).map((child, i) => <li key={i}>{child}</li>);
  const className = cx('hs-list', `hs-list--${variant}`);
  return variant.startsWith('ordered') ? <ol className={className}>{items}</ol> : <ul className={className}>{items}</ul>;
}

export function Image({ src, alt, width, height, href, onClick, overlay }: ImageProps) {
  const reactions = useReactions();
  const { openOwned, anchor } = useOverlay(overlay);
  const img = (
    <img
      className="hs-image"
      src={src}
      alt={alt ?? ''}
      {...(width ? { width } : {})}
      {...(height ? { height } : {})}
      onClick={(e) => {
        call(onClick, extensionEvent(e), reactions);
        openOwned();
      }}
    />
  );
  return anchor(href ? <a {...hrefProps(href)}>{img}</a> : img);
}

/** Text glyphs for the icons cards use most; any other name still shows, as a dot with the name as its title. */
const GLYPHS: Record<string, string> = {
  add: '+',
  success: '✓',
  checkCircle: '✓',
  warning: '⚠',
  exclamationCircle: '!',
  info: 'i',
  infoNoCircle: 'i',
  refresh: '↻',
  edit: '✎',
  delete: '✕',
  remove: '✕',
  xCircle: '✕',
  search: '⌕',
  right: '›',
  left: '‹',
  upCarat: '▴',
  downCarat: '▾',
  link: '↗',
  email: '✉',
  date: '▦',
  clock: '◷',
  settings: '⚙',
  dataSync: '⇄',
  invoice: '▤',
  quickbooks: 'qb',
  star: '★',
  question: '?',
  questionCircle: '?',
};
export function Icon({ name, color = 'inherit', size: s = 'sm', screenReaderText }: IconProps) {
  return (
    <span
      className={cx('hs-icon', `hs-icon--${color}`, `hs-icon--${size(s, 'sm')}`)}
      title={screenReaderText ?? name}
      aria-label={screenReaderText ?? name}
      role="img"
    >
      {GLYPHS[name] ?? '•'}
    </span>
  );
}

export function Illustration({ name, alt, width = 120, height }: IllustrationProps) {
  return (
    <div className="hs-illustration" role="img" aria-label={alt} title={name} style={{ width, height: height ?? Math.round(width * 0.75) }}>
      <svg viewBox="0 0 120 90" width="100%" height="100%" aria-hidden>
        <ellipse cx="60" cy="80" rx="44" ry="6" fill="#eaf0f6" />
        <rect x="30" y="18" width="60" height="52" rx="6" fill="#fff" stroke="#7fd1de" strokeWidth="3" />
        <rect x="40" y="30" width="40" height="5" rx="2.5" fill="#ff7a59" />
        <rect x="40" y="42" width="28" height="5" rx="2.5" fill="#cbd6e2" />
        <rect x="40" y="54" width="34" height="5" rx="2.5" fill="#cbd6e2" />
      </svg>
    </div>
  );
}

export function Tooltip({ children, placement = 'top' }: TooltipProps) {
  const owner = useOverlayOwner();
  if (!owner?.hovered) return null;
  return (
    <span role="tooltip" className={cx('hs-tooltip', `hs-tooltip--${placement}`)}>
      {children}
    </span>
  );
}

export function DescriptionList({ children, direction = 'column' }: DescriptionListProps) {
  return <dl className={cx('hs-dl', `hs-dl--${direction}`)}>{children}</dl>;
}

export function DescriptionListItem({ children, label }: DescriptionListItemProps) {
  return (
    <div className="hs-dl__item">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function Statistics({ children }: StatisticsProps) {
  return <div className="hs-stats">{children}</div>;
}

export function StatisticsItem({ label, number, children }: StatisticsItemProps) {
  return (
    <div className="hs-stats__item">
      <div className="hs-stats__label">{label}</div>
      <div className="hs-stats__number">{number}</div>
      {children}
    </div>
  );
}

export function StatisticsTrend({ value, direction, color }: StatisticsTrendProps) {
  const tone = color ?? (direction === 'increase' ? 'green' : 'red');
  return (
    <div className={cx('hs-stats__trend', `hs-stats__trend--${tone}`)}>
      {direction === 'increase' ? '▲' : '▼'} {value}
    </div>
  );
}

export function Alert({ title, children, variant = 'info' }: AlertProps) {
  return (
    <div role="alert" className={cx('hs-alert', `hs-alert--${variant === 'error' ? 'danger' : variant}`)}>
      <div className="hs-alert__title">{title}</div>
      {children !== undefined && <div className="hs-alert__body">{children}</div>}
    </div>
  );
}

export function Tag({ children, variant = 'default', onClick, overlay, inline }: TagProps) {
  const reactions = useReactions();
  const { openOwned, anchor } = useOverlay(overlay);
  const className = cx('hs-tag', `hs-tag--${variant}`, inline && 'hs-tag--inline');
  return anchor(
    onClick || overlay ? (
      <button
        type="button"
        className={cx(className, 'hs-tag--clickable')}
        onClick={(e) => {
          call(onClick, extensionEvent(e), reactions);
          openOwned();
        }}
      >
        {children}
      </button>
    ) : (
      <span className={className}>{children}</span>
    ),
  );
}

export function StatusTag({ children, variant = 'default', hollow, onClick, showRemoveIcon, onRemoveClick }: StatusTagProps) {
  const body = (
    <>
      <span className={cx('hs-status__dot', hollow && 'hs-status__dot--hollow')} aria-hidden />
      <span>{children}</span>
    </>
  );
  return (
    <span className={cx('hs-status', `hs-status--${variant}`)}>
      {onClick ? (
        <button type="button" className="hs-status__button" onClick={() => call(onClick)}>
          {body}
        </button>
      ) : (
        body
      )}
      {showRemoveIcon && (
        <button type="button" className="hs-status__remove" aria-label="Remove" onClick={() => call(onRemoveClick)}>
          ✕
        </button>
      )}
    </span>
  );
}

export function EmptyState({ children, title, layout = 'horizontal', reverseOrder, imageWidth = 120, flush }: EmptyStateProps) {
  return (
    <div className={cx('hs-state', `hs-state--${layout}`, reverseOrder && 'hs-state--reverse', flush && 'hs-state--flush')}>
      <Illustration name="object" alt="" width={imageWidth} />
      <div className="hs-state__body">
        {title && <div className="hs-state__title">{title}</div>}
        <div>{children}</div>
      </div>
    </div>
  );
}

export function ErrorState({ children, title, type = 'error' }: ErrorStateProps) {
  const glyph = type === 'lock' ? '🔒︎' : type === 'support' ? '?' : '!';
  return (
    <div className="hs-state hs-state--vertical hs-state--error" role="alert">
      <div className="hs-state__badge" aria-hidden>
        {glyph}
      </div>
      <div className="hs-state__body">
        <div className="hs-state__title">{title ?? 'Something went wrong.'}</div>
        <div>{children}</div>
      </div>
    </div>
  );
}

export function LoadingSpinner({ label, showLabel = false, size: s = 'sm', layout = 'inline' }: LoadingSpinnerProps) {
  return (
    <div className={cx('hs-spinner', `hs-spinner--${layout}`)} role="status" aria-label={label}>
      <span className={cx('hs-spinner__wheel', `hs-spinner__wheel--${size(s, 'sm')}`)} aria-hidden />
      {showLabel && <span className="hs-spinner__label">{label}</span>}
    </div>
  );
}

export function ProgressBar({ title, value = 0, maxValue, valueMax, showPercentage, valueDescription, variant = 'success', ...rest }: ProgressBarProps) {
  const max = maxValue ?? valueMax ?? 100;
  const percent = max > 0 ? Math.min(100, Math.max(0, (value / max) * 100)) : 0;
  return (
    <div className="hs-progress">
      {(title || showPercentage || valueDescription) && (
        <div className="hs-progress__top">
          <span className="hs-progress__title">{title}</span>
          <span className="hs-progress__value">{showPercentage ? `${Math.round(percent)}%` : valueDescription}</span>
        </div>
      )}
      <div
        className="hs-progress__track"
        role="progressbar"
        aria-label={rest['aria-label'] ?? title}
        aria-valuenow={value}
        aria-valuemin={0}
        aria-valuemax={max}
      >
        <div className={cx('hs-progress__bar', `hs-progress__bar--${variant}`)} style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

export function ScoreCircle({ score }: ScoreProps) {
  const tone = score >= 75 ? 'success' : score >= 40 ? 'warning' : 'danger';
  return <span className={cx('hs-score', `hs-score--${tone}`)}>{score}</span>;
}

export function StepIndicator({ stepNames, currentStep = 0, direction = 'horizontal', onClick }: StepIndicatorProps) {
  return (
    <ol className={cx('hs-steps', `hs-steps--${direction}`)}>
      {stepNames.map((name, i) => (
        <li key={name + i} className={cx('hs-steps__step', i < currentStep && 'hs-steps__step--done', i === currentStep && 'hs-steps__step--current')}>
          <button type="button" disabled={!onClick} onClick={() => call(onClick, i)}>
            <span className="hs-steps__circle">{i < currentStep ? '✓' : i + 1}</span>
            <span>{name}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}
