import type {
  BaseDate,
  BaseTime,
  CheckboxProps,
  CurrencyInputProps,
  DateInputProps,
  FormProps,
  InputProps,
  MultiSelectProps,
  NumberInputProps,
  RadioButtonProps,
  SearchInputProps,
  SelectProps,
  StepperInputProps,
  TextAreaProps,
  TimeInputProps,
  ToggleGroupProps,
  ToggleProps,
} from '@hubspot/ui-extensions';
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { call, cx, extensionEvent, FormContext, size, useCommitOnSubmit, useLocalValue, useReactions } from '../runtime';

/**
 * Form inputs. HubSpot's contract (the SDK's prop docs): `onInput` fires on every edit, `onChange` when the value is
 * committed (on blur and when the form is submitted), and the extension's `value` wins whenever it changes. Each
 * input keeps its own value while the person types, so typing never waits on the worker.
 */
interface FieldProps {
  id: string;
  label?: string | undefined;
  required?: boolean | undefined;
  tooltip?: string | undefined;
  description?: string | undefined;
  error?: boolean | undefined;
  validationMessage?: string | undefined;
  hideLabel?: boolean;
  children: ReactNode;
}

function Field({ id, label, required, tooltip, description, error, validationMessage, hideLabel, children }: FieldProps) {
  return (
    <div className={cx('hs-field', error && 'hs-field--error')}>
      {label && !hideLabel && (
        <label className="hs-field__label" htmlFor={id}>
          {label}
          {required && <span className="hs-field__required"> *</span>}
          {tooltip && (
            <span className="hs-field__tip" title={tooltip} aria-label={tooltip}>
              {' '}
              ⓘ
            </span>
          )}
        </label>
      )}
      {description && <div className="hs-field__description">{description}</div>}
      {children}
      {validationMessage && <div className={cx('hs-field__message', error && 'hs-field__message--error')}>{validationMessage}</div>}
    </div>
  );
}

const fieldProps = (p: { label?: string; required?: boolean; tooltip?: string; description?: string; error?: boolean; validationMessage?: string }) => ({
  label: p.label,
  required: p.required,
  tooltip: p.tooltip,
  description: p.description,
  error: p.error,
  validationMessage: p.validationMessage,
});

export function Form({ children, onSubmit, autoComplete }: FormProps) {
  const reactions = useReactions();
  const commits = useRef(new Set<() => void>());
  const context = useMemo(
    () => ({
      register(commit: () => void) {
        commits.current.add(commit);
        return () => commits.current.delete(commit);
      },
    }),
    [],
  );
  return (
    <FormContext.Provider value={context}>
      <form
        className="hs-form"
        autoComplete={autoComplete}
        onSubmit={(e) => {
          // The page must never navigate: HubSpot hands the values to the extension instead.
          e.preventDefault();
          commits.current.forEach((commit) => commit());
          const values: Record<string, string | number> = {};
          for (const el of Array.from(e.currentTarget.elements)) {
            const input = el as HTMLInputElement;
            if (!input.name || input.disabled || ((input.type === 'checkbox' || input.type === 'radio') && !input.checked)) continue;
            values[input.name] = input.type === 'number' && input.value !== '' ? Number(input.value) : input.value;
          }
          call(onSubmit, { ...extensionEvent(e), targetValue: values }, reactions);
        }}
      >
        {children}
      </form>
    </FormContext.Provider>
  );
}

/** Text-like inputs share one behaviour: local value, onInput per edit, onBlur and onChange (on commit) as the SDK says. */
interface TextProps {
  name: string;
  value?: string | undefined;
  defaultValue?: string | undefined;
  placeholder?: string | undefined;
  readOnly?: boolean | undefined;
  onChange?: ((v: string) => void) | undefined;
  onInput?: ((v: string) => void) | undefined;
  onBlur?: ((v: string) => void) | undefined;
  onFocus?: ((v: string) => void) | undefined;
}

function useTextInput(props: TextProps) {
  const id = useId();
  const state = useLocalValue(props.value, props.defaultValue, '');
  const commit = () => {
    if (state.local === state.committed.current) return;
    state.committed.current = state.local;
    call(props.onChange, state.local);
  };
  useCommitOnSubmit(commit);
  const edit = (value: string) => {
    state.setLocal(value);
    call(props.onInput, value);
  };
  const bind = {
    id,
    className: 'hs-input',
    name: props.name,
    value: state.local,
    placeholder: props.placeholder,
    readOnly: props.readOnly,
    onChange: (e: { target: { value: string } }) => edit(e.target.value),
    onFocus: () => call(props.onFocus, state.local),
    onBlur: () => {
      call(props.onBlur, state.local);
      commit();
    },
  };
  return { id, local: state.local, edit, commit, bind };
}

export function Input(props: InputProps) {
  const { id, bind } = useTextInput(props);
  return (
    <Field id={id} {...fieldProps(props)}>
      <input {...bind} type={props.type ?? 'text'} required={props.required} aria-invalid={props.error || undefined} />
    </Field>
  );
}

export function SearchInput(props: SearchInputProps) {
  const { id, bind, local, edit, commit } = useTextInput(props);
  return (
    <Field id={id} {...fieldProps(props)}>
      <span className="hs-search">
        <input {...bind} type="search" onKeyDown={(e) => e.key === 'Enter' && commit()} />
        {props.clearable !== false && local !== '' && (
          <button
            type="button"
            className="hs-search__clear"
            aria-label="Clear"
            onClick={() => {
              edit('');
              call(props.onChange, '');
            }}
          >
            ✕
          </button>
        )}
      </span>
    </Field>
  );
}

export function TextArea(props: TextAreaProps) {
  const { id, bind } = useTextInput(props);
  return (
    <Field id={id} {...fieldProps(props)}>
      <textarea
        {...bind}
        className="hs-input hs-textarea"
        rows={props.rows ?? 3}
        cols={props.cols}
        maxLength={props.maxLength}
        style={{ resize: props.resize ?? 'vertical' }}
      />
    </Field>
  );
}

/** Number-like inputs: the text as typed, committed as a number within min/max, rounded to `precision`. */
interface NumberProps {
  name: string;
  value?: number | undefined;
  defaultValue?: number | undefined;
  min?: number | undefined;
  max?: number | undefined;
  precision?: number | undefined;
  placeholder?: string | undefined;
  readOnly?: boolean | undefined;
  onChange?: ((v: number) => void) | undefined;
  onInput?: ((v: number) => void) | undefined;
  onBlur?: ((v: number) => void) | undefined;
}

function useNumberInput(props: NumberProps) {
  const id = useId();
  const toText = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '' : String(n));
  const [text, setText] = useState(toText(props.value ?? props.defaultValue));
  const committed = useRef(text);
  useEffect(() => {
    if (props.value !== undefined) setText((committed.current = toText(props.value)));
  }, [props.value]);
  const parse = (t: string) => {
    if (t.trim() === '') return undefined;
    let n = Number(t);
    if (Number.isNaN(n)) return undefined;
    if (props.min !== undefined) n = Math.max(props.min, n);
    if (props.max !== undefined) n = Math.min(props.max, n);
    return props.precision !== undefined ? Number(n.toFixed(props.precision)) : n;
  };
  const commit = (t = text) => {
    const n = parse(t);
    const shown = toText(n);
    setText(shown);
    if (shown === committed.current || n === undefined) return;
    committed.current = shown;
    call(props.onChange, n);
  };
  useCommitOnSubmit(() => commit());
  const bind = {
    id,
    className: 'hs-input',
    type: 'number',
    name: props.name,
    value: text,
    placeholder: props.placeholder,
    readOnly: props.readOnly,
    onChange: (e: { target: { value: string } }) => {
      setText(e.target.value);
      const n = parse(e.target.value);
      if (n !== undefined) call(props.onInput, n);
    },
    onBlur: () => {
      const n = parse(text);
      if (n !== undefined) call(props.onBlur, n);
      commit();
    },
  };
  return { id, text, setText, commit, parse, bind };
}

export function NumberInput(props: NumberInputProps) {
  const { id, bind } = useNumberInput(props);
  return (
    <Field id={id} {...fieldProps(props)}>
      <span className="hs-affix">
        <input
          {...bind}
          min={props.min}
          max={props.max}
          step={props.precision !== undefined ? 10 ** -props.precision : 'any'}
          style={{ textAlign: props.textAlign ?? 'left' }}
        />
        {props.formatStyle === 'percentage' && <span className="hs-affix__text">%</span>}
      </span>
    </Field>
  );
}

export function CurrencyInput(props: CurrencyInputProps) {
  const { id, bind } = useNumberInput({ ...props, precision: props.precision ?? 2 });
  const currency = props.currency ?? 'USD';
  const symbol = useMemo(() => {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency;
    } catch {
      return currency;
    }
  }, [currency]);
  return (
    <Field id={id} {...fieldProps(props)}>
      <span className="hs-affix">
        <span className="hs-affix__text">{symbol}</span>
        <input {...bind} step="any" />
      </span>
    </Field>
  );
}

export function StepperInput(props: StepperInputProps) {
  const { id, bind, setText, commit, parse, text } = useNumberInput(props);
  const step = props.stepSize ?? 1;
  const current = parse(text) ?? props.min ?? 0;
  const stepTo = (n: number) => {
    const t = String(n);
    setText(t);
    commit(t);
  };
  return (
    <Field id={id} {...fieldProps(props)}>
      <span className="hs-stepper">
        <button
          type="button"
          aria-label="Decrease"
          title={props.minValueReachedTooltip}
          disabled={props.min !== undefined && current <= props.min}
          onClick={() => stepTo(current - step)}
        >
          −
        </button>
        <input {...bind} />
        <button
          type="button"
          aria-label="Increase"
          title={props.maxValueReachedTooltip}
          disabled={props.max !== undefined && current >= props.max}
          onClick={() => stepTo(current + step)}
        >
          +
        </button>
      </span>
    </Field>
  );
}

const pad = (n: number) => String(n).padStart(2, '0');
const dateText = (d: BaseDate | null | undefined) => (d ? `${d.year}-${pad(d.month + 1)}-${pad(d.date)}` : '');

export function DateInput(props: DateInputProps) {
  const id = useId();
  const [text, setText] = useState(dateText(props.value ?? props.defaultValue));
  useEffect(() => {
    if (props.value !== undefined) setText(dateText(props.value));
  }, [props.value]);
  const emit = (t: string) => {
    const [y, m, d] = t.split('-').map(Number);
    // The SDK's month is zero-based, like JavaScript's Date.
    if (y && m && d) call(props.onChange, { year: y, month: m - 1, date: d, formattedDate: t });
  };
  return (
    <Field id={id} {...fieldProps(props)}>
      <input
        id={id}
        className="hs-input"
        type="date"
        name={props.name}
        value={text}
        min={dateText(props.min) || undefined}
        max={dateText(props.max) || undefined}
        readOnly={props.readOnly}
        onChange={(e) => {
          setText(e.target.value);
          emit(e.target.value);
        }}
      />
    </Field>
  );
}

const timeText = (t: BaseTime | null | undefined) => (t ? `${pad(t.hours)}:${pad(t.minutes)}` : '');

export function TimeInput(props: TimeInputProps) {
  const id = useId();
  const [text, setText] = useState(timeText(props.value ?? props.defaultValue));
  useEffect(() => {
    if (props.value !== undefined) setText(timeText(props.value));
  }, [props.value]);
  return (
    <Field id={id} {...fieldProps(props)}>
      <input
        id={id}
        className="hs-input"
        type="time"
        name={props.name}
        value={text}
        step={(props.interval ?? 1) * 60}
        readOnly={props.readOnly}
        onChange={(e) => {
          setText(e.target.value);
          const [hours, minutes] = e.target.value.split(':').map(Number);
          if (hours !== undefined && minutes !== undefined) call(props.onChange, { hours, minutes });
        }}
      />
    </Field>
  );
}

type OptionValue = string | number | boolean;

export function Select(props: SelectProps) {
  const id = useId();
  const [own, setOwn] = useState<OptionValue | undefined>(props.value);
  useEffect(() => setOwn(props.value), [props.value]);
  const index = props.options.findIndex((o) => o.value === own);
  return (
    <Field id={id} {...fieldProps(props)}>
      <select
        id={id}
        className={cx('hs-select', props.variant === 'transparent' && 'hs-select--transparent')}
        name={props.name}
        value={index === -1 ? '' : String(index)}
        disabled={props.readOnly}
        required={props.required}
        onChange={(e) => {
          const option = props.options[Number(e.target.value)];
          if (!option) return;
          setOwn(option.value);
          call(props.onChange, option.value);
        }}
      >
        {index === -1 && (
          <option value="" disabled>
            {props.placeholder ?? 'Select an option'}
          </option>
        )}
        {props.options.map((o, i) => (
          <option key={i} value={String(i)}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function MultiSelect(props: MultiSelectProps) {
  const id = useId();
  const [own, setOwn] = useState<OptionValue[]>(props.value ?? []);
  useEffect(() => {
    if (props.value !== undefined) setOwn(props.value);
  }, [props.value]);
  return (
    <Field id={id} {...fieldProps(props)}>
      <div id={id} className="hs-multiselect" role="group" aria-label={props.label}>
        {props.options.map((o, i) => {
          const checked = own.includes(o.value);
          return (
            <label key={i} className="hs-choice">
              <input
                type="checkbox"
                checked={checked}
                disabled={props.readOnly}
                onChange={() => {
                  const next = checked ? own.filter((v) => v !== o.value) : [...own, o.value];
                  setOwn(next);
                  call(props.onChange, next);
                }}
              />
              <span>{o.label}</span>
            </label>
          );
        })}
      </div>
    </Field>
  );
}

/** A checked state the extension may control (`checked`) or leave to the input (`initialIsChecked`). */
function useChecked(checked: boolean | undefined, initial: boolean | undefined) {
  const [own, setOwn] = useState(checked ?? initial ?? false);
  useEffect(() => {
    if (checked !== undefined) setOwn(checked);
  }, [checked]);
  return [checked ?? own, setOwn] as const;
}

function Choice({ type, props }: { type: 'checkbox' | 'radio'; props: CheckboxProps | RadioButtonProps }) {
  const [checked, setChecked] = useChecked(props.checked, props.initialIsChecked);
  const readOnly = props.readOnly ?? props.readonly;
  return (
    <label className={cx('hs-choice', props.inline && 'hs-choice--inline')}>
      <input
        type={type}
        name={props.name}
        value={props.value ?? 'on'}
        checked={checked}
        disabled={readOnly}
        aria-label={'aria-label' in props ? props['aria-label'] : undefined}
        onChange={(e) => {
          setChecked(e.target.checked);
          call(props.onChange, e.target.checked, props.value ?? '');
        }}
      />
      <span>
        {props.children}
        {props.description && <span className="hs-choice__description">{props.description}</span>}
      </span>
    </label>
  );
}

export const Checkbox = (props: CheckboxProps) => <Choice type="checkbox" props={props} />;
export const RadioButton = (props: RadioButtonProps) => <Choice type="radio" props={props} />;

export function ToggleGroup(props: ToggleGroupProps) {
  const id = useId();
  const radio = props.toggleType === 'radioButtonList';
  const initial = props.value ?? props.options.filter((o) => o.initialIsChecked).map((o) => o.value);
  const [own, setOwn] = useState<string[]>(Array.isArray(initial) ? initial : [initial]);
  useEffect(() => {
    if (props.value !== undefined) setOwn(Array.isArray(props.value) ? props.value : [props.value]);
  }, [props.value]);
  return (
    <Field id={id} {...fieldProps(props)}>
      <div id={id} role={radio ? 'radiogroup' : 'group'} aria-label={props.label} className={cx('hs-toggle-group', props.inline && 'hs-toggle-group--inline')}>
        {props.options.map((o) => (
          <label key={o.value} className="hs-choice">
            <input
              type={radio ? 'radio' : 'checkbox'}
              name={props.name}
              value={o.value}
              checked={own.includes(o.value)}
              disabled={o.readOnly ?? o.readonly}
              onChange={(e) => {
                const next = radio ? [o.value] : e.target.checked ? [...own, o.value] : own.filter((v) => v !== o.value);
                setOwn(next);
                call(props.onChange, radio ? o.value : next);
              }}
            />
            <span>
              {o.label}
              {o.description && <span className="hs-choice__description">{o.description}</span>}
            </span>
          </label>
        ))}
      </div>
    </Field>
  );
}

export function Toggle(props: ToggleProps) {
  const id = useId();
  const [checked, setChecked] = useChecked(props.checked, props.initialIsChecked);
  const readOnly = props.readOnly ?? props.readonly;
  const display = props.labelDisplay ?? 'inline';
  const text = checked ? props.textChecked : props.textUnchecked;
  const control = (
    <button
      id={id}
      type="button"
      role="switch"
      name={props.name}
      aria-checked={checked}
      aria-label={props.label}
      disabled={readOnly}
      className={cx('hs-switch', `hs-switch--${size(props.size, 'md')}`, checked && 'hs-switch--on')}
      onClick={() => {
        const next = !checked;
        // Uncontrolled toggles flip at once; a controlled one (`checked`) shows what the extension answers.
        if (props.checked === undefined) setChecked(next);
        call(props.onChange, next);
      }}
    >
      <span className="hs-switch__knob" />
    </button>
  );
  return (
    <div className={cx('hs-toggle', `hs-toggle--${display}`)}>
      {display === 'top' && (
        <label className="hs-field__label" htmlFor={id}>
          {props.label}
        </label>
      )}
      <span className="hs-toggle__row">
        {control}
        {display === 'inline' && (
          <label className="hs-toggle__label" htmlFor={id}>
            {props.label}
          </label>
        )}
        {text && <span className="hs-toggle__text">{text}</span>}
      </span>
    </div>
  );
}
