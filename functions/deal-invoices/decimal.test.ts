import { decimalOf, divide, formatDecimal, multiply, parseDecimal, subtract, toCents } from './decimal';

describe('exact decimals for invoice lines', () => {
  test('parse and format keep every digit; anything but a plain decimal is refused', () => {
    expect(formatDecimal(parseDecimal('84.9915'))).toBe('84.9915');
    expect(formatDecimal(parseDecimal(' 150.00 '))).toBe('150');
    expect(formatDecimal(parseDecimal('-.5'))).toBe('-0.5');
    expect(formatDecimal(parseDecimal('0.05'))).toBe('0.05');
    for (const bad of ['', '.', '1e3', 'abc', '1.2.3', '--1']) expect(() => parseDecimal(bad)).toThrow(RangeError);
  });

  test('cents round half away from zero, as QBO rounds Qty × UnitPrice', () => {
    // 128.35 × 14.5 = 1861.075 exactly; binary floating point makes it 1861.0749…
    expect(toCents(multiply(parseDecimal('128.35'), parseDecimal('14.5')))).toBe(186108);
    expect(128.35 * 14.5 * 100).toBeLessThan(186107.5);
    expect(toCents(parseDecimal('-0.005'))).toBe(-1);
    expect(toCents(parseDecimal('0.0049'))).toBe(0);
    expect(toCents(parseDecimal('12'))).toBe(1200);
  });

  test('subtract aligns scales; divide rounds to the asked scale', () => {
    expect(formatDecimal(subtract(parseDecimal('1200'), parseDecimal('99.95')))).toBe('1100.05');
    expect(formatDecimal(divide(decimalOf(25000n, 2), parseDecimal('3'), 5))).toBe('83.33333');
    expect(formatDecimal(divide(decimalOf(20000n, 2), parseDecimal('3'), 2))).toBe('66.67');
    expect(formatDecimal(divide(parseDecimal('-1'), parseDecimal('8'), 2))).toBe('-0.13');
    expect(() => divide(parseDecimal('1'), parseDecimal('0'), 2)).toThrow(RangeError);
  });
});
