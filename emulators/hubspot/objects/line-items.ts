/**
 * Line-item money rules. `amount` ("Net price") is calculated by HubSpot as quantity × unit price, reduced by the
 * discount (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/line-items/guide,
 * https://knowledge.hubspot.com/properties/hubspots-default-line-item-properties). The discount property names
 * (`discount` per unit, `hs_discount_percentage` on the line total) follow third-party reports; HubSpot does not
 * document them.
 */
export function deriveLineItem(props: Record<string, string>): Record<string, string> {
  const quantity = num(props.quantity, 1);
  const price = num(props.price, 0);
  const preDiscount = quantity * price;
  const unitDiscount = num(props.discount, 0);
  const percentage = num(props.hs_discount_percentage, 0);
  const totalDiscount = unitDiscount > 0 ? unitDiscount * quantity : (preDiscount * percentage) / 100;
  return {
    hs_pre_discount_amount: money(preDiscount),
    hs_total_discount: money(totalDiscount),
    amount: money(preDiscount - totalDiscount),
  };
}

const num = (raw: string | undefined, fallback: number) => (raw === undefined || raw === '' ? fallback : Number(raw));

/** Two decimals, as HubSpot returns calculated currency amounts (`"amount": "123.00"`, https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm). */
const money = (n: number) => (Math.round(n * 100) / 100).toFixed(2);
