//! The arithmetic of totals, without storage: cart price rules in order, then tax on the
//! discounted amounts. [`super::calculate`] loads what applies and calls [`compute`].
//!
//! Rounding (Magento's): every money amount is rounded to 2 decimals, half away from zero
//! (PHP's `round`), per row, carrying the rounding remainder to the next row ("delta
//! rounding"): discounts carry one remainder per rule, taxes one per tax percent. So the
//! rows always add up to the rounded total of the unrounded amounts, and `row_total`,
//! `discount_amount` and `tax_amount` of each line are whole cents.

use super::conditions::{Cond, Subject};
use super::{Line, LineTotals, Totals};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ByPercent,
    ByFixed,
    CartFixed,
}

impl Action {
    pub fn parse(s: &str) -> Option<Action> {
        match s {
            "by_percent" => Some(Action::ByPercent),
            "by_fixed" => Some(Action::ByFixed),
            "cart_fixed" => Some(Action::CartFixed),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::ByPercent => "by_percent",
            Action::ByFixed => "by_fixed",
            Action::CartFixed => "cart_fixed",
        }
    }
}

/// A rule that may apply to this cart: active, in its dates, for this website and customer
/// group, under its use limits, and (for coupon rules) named by the cart's valid coupon.
#[derive(Debug, Clone)]
pub struct RuleCalc {
    pub id: i64,
    pub action: Action,
    pub amount: Decimal,
    /// Maximum qty discounted per item (0 or none: all).
    pub discount_qty: Option<Decimal>,
    pub discount_step: i64,
    pub apply_to_shipping: bool,
    /// 0 none, 1 matching items only, 2 the whole shipment.
    pub free_shipping: i64,
    pub stop: bool,
    pub condition: Option<Cond>,
    pub action_condition: Option<Cond>,
    /// The store label shown in the discount description.
    pub label: Option<String>,
    /// Whether the cart's coupon is what lets this rule apply.
    pub by_coupon: bool,
}

/// One applicable tax rate: `rule_id` and `priority` of its tax rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RateCalc {
    pub rule_id: i64,
    pub priority: i64,
    pub calculate_subtotal: bool,
    /// Percent.
    pub rate: Decimal,
}

/// Rounds money as Magento does: 2 decimals, half away from zero.
pub fn round(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Rounds `amount` plus the remainder carried under `key`, and keeps the new remainder.
fn round_delta<K: std::hash::Hash + Eq>(deltas: &mut HashMap<K, Decimal>, key: K, amount: Decimal) -> Decimal {
    let delta = deltas.entry(key).or_insert(Decimal::ZERO);
    let total = amount + *delta;
    let rounded = round(total);
    *delta = total - rounded;
    rounded
}

/// The combined percent of the rates matching one product tax class, as Magento's
/// `Calculation::_calculateRate`: of each tax rule only its first (most specific) rate
/// counts; rates of one priority add up; a later priority compounds on the earlier ones
/// unless its rule says `calculate_subtotal`. `rates` must be ordered by priority, rule id,
/// then specificity.
pub fn combined_rate(rates: &[RateCalc]) -> Decimal {
    let mut result = Decimal::ZERO;
    let mut current = Decimal::ZERO;
    let mut last_rule = None;
    for (i, r) in rates.iter().enumerate() {
        if last_rule != Some(r.rule_id) {
            current += r.rate;
            last_rule = Some(r.rule_id);
        }
        let ends_priority = rates.get(i + 1).is_none_or(|next| next.priority != r.priority);
        if ends_priority {
            if r.calculate_subtotal {
                result += current;
            } else {
                result += result * current / Decimal::ONE_HUNDRED + current;
            }
            current = Decimal::ZERO;
        }
    }
    result
}

pub struct Input<'a> {
    pub lines: &'a [Line],
    pub rules: &'a [RuleCalc],
    pub shipping_amount: Decimal,
    pub coupon_code: Option<&'a str>,
    /// Combined tax percent per product tax class (absent: 0).
    pub tax_rates: &'a HashMap<i64, Decimal>,
    /// The product tax class shipping is taxed as.
    pub shipping_tax_class: i64,
}

pub fn compute(input: &Input<'_>) -> Totals {
    let hundred = Decimal::ONE_HUNDRED;
    let lines = input.lines;
    let row_totals: Vec<Decimal> = lines.iter().map(|l| round(l.price * l.qty)).collect();
    let subtotal: Decimal = row_totals.iter().sum();
    let mut discount = vec![Decimal::ZERO; lines.len()];
    let mut percent = vec![Decimal::ZERO; lines.len()];
    let mut line_rules: Vec<Vec<i64>> = vec![Vec::new(); lines.len()];
    let mut line_stopped = vec![false; lines.len()];
    let mut line_free = vec![false; lines.len()];
    let mut shipping_stopped = false;
    let mut shipping_discount = Decimal::ZERO;
    let mut free_shipping = false;
    let mut applied: Vec<i64> = Vec::new();
    let mut descriptions: Vec<String> = Vec::new();
    let mut coupon_applied = false;
    let mut deltas: HashMap<i64, Decimal> = HashMap::new();
    let cart = Subject { subtotal, sku: None };

    for rule in input.rules {
        if rule.condition.as_ref().is_some_and(|c| !c.eval(&cart)) {
            continue;
        }
        let matching: Vec<usize> = (0..lines.len())
            .filter(|&i| {
                !line_stopped[i]
                    && rule
                        .action_condition
                        .as_ref()
                        .is_none_or(|c| c.eval(&Subject { subtotal, sku: Some(&lines[i].sku) }))
            })
            .collect();
        let mut rule_applied = false;
        let mut rule_total = Decimal::ZERO;
        // cart_fixed spreads its amount over the matching rows by their share of them.
        let matching_total: Decimal = matching.iter().map(|&i| row_totals[i] - discount[i]).sum();
        let cart_fixed_amount = rule.amount.min(matching_total.max(Decimal::ZERO));
        let mut cart_fixed_left = cart_fixed_amount;
        for (n, &i) in matching.iter().enumerate() {
            let line = &lines[i];
            let available = (row_totals[i] - discount[i]).max(Decimal::ZERO);
            let mut qty = line.qty;
            if let Some(max) = rule.discount_qty.filter(|q| *q > Decimal::ZERO) {
                qty = qty.min(max);
            }
            let raw = match rule.action {
                Action::ByPercent => {
                    if rule.discount_step > 0 {
                        let step = Decimal::from(rule.discount_step);
                        qty = (qty / step).floor() * step;
                    }
                    let pct = rule.amount.min(hundred).max(Decimal::ZERO);
                    percent[i] = (percent[i] + pct).min(hundred);
                    (qty * line.price - discount[i]).max(Decimal::ZERO) * pct / hundred
                }
                Action::ByFixed => qty * rule.amount.max(Decimal::ZERO),
                Action::CartFixed => {
                    if n + 1 == matching.len() || matching_total <= Decimal::ZERO {
                        cart_fixed_left
                    } else {
                        cart_fixed_amount * available / matching_total
                    }
                }
            };
            let mut amount = round_delta(&mut deltas, rule.id, raw.min(available));
            amount = amount.min(available);
            if rule.action == Action::CartFixed {
                amount = amount.min(cart_fixed_left);
                cart_fixed_left -= amount;
            }
            discount[i] += amount;
            rule_total += amount;
            if !line_rules[i].contains(&rule.id) {
                line_rules[i].push(rule.id);
            }
            if rule.free_shipping == 1 {
                line_free[i] = true;
            }
            rule_applied = true;
            if rule.stop {
                line_stopped[i] = true;
            }
        }
        if rule_applied && rule.free_shipping == 2 {
            free_shipping = true;
        }
        // Shipping: rules apply to it when their conditions hold, whatever the items.
        if rule.apply_to_shipping && !shipping_stopped {
            let available = (input.shipping_amount - shipping_discount).max(Decimal::ZERO);
            let raw = match rule.action {
                Action::ByPercent => available * rule.amount.min(hundred).max(Decimal::ZERO) / hundred,
                Action::ByFixed => rule.amount.max(Decimal::ZERO),
                Action::CartFixed => (rule.amount - rule_total).max(Decimal::ZERO),
            };
            let amount = round(raw).min(available);
            if amount > Decimal::ZERO {
                shipping_discount += amount;
                rule_total += amount;
                rule_applied = true;
            }
            if rule.stop {
                shipping_stopped = true;
            }
        }
        if rule_applied {
            applied.push(rule.id);
            if rule.by_coupon {
                coupon_applied = true;
            }
            match (&rule.label, input.coupon_code) {
                (Some(label), _) if !label.is_empty() => descriptions.push(label.clone()),
                (_, Some(code)) if rule.by_coupon => descriptions.push(code.to_owned()),
                _ => {}
            }
        }
        let _ = rule_total;
    }

    // Free shipping "for matching items only" frees the shipment when every item is free.
    if !lines.is_empty() && line_free.iter().all(|f| *f) {
        free_shipping = true;
    }
    let shipping_amount = if free_shipping { Decimal::ZERO } else { input.shipping_amount };
    if free_shipping {
        shipping_discount = Decimal::ZERO;
    }

    // Tax after discount, prices excluding tax.
    let rate_of = |class: i64| input.tax_rates.get(&class).copied().unwrap_or(Decimal::ZERO);
    let mut tax_deltas: HashMap<Decimal, Decimal> = HashMap::new();
    let mut out_lines = Vec::with_capacity(lines.len());
    let mut tax_total = Decimal::ZERO;
    let mut discount_total = Decimal::ZERO;
    for (i, line) in lines.iter().enumerate() {
        let rate = rate_of(line.tax_class_id);
        let taxable = (row_totals[i] - discount[i]).max(Decimal::ZERO);
        let tax = if rate.is_zero() {
            Decimal::ZERO
        } else {
            round_delta(&mut tax_deltas, rate.normalize(), taxable * rate / hundred)
        };
        let tax_before_discount = round(row_totals[i] * rate / hundred);
        tax_total += tax;
        discount_total += discount[i];
        out_lines.push(LineTotals {
            item_id: line.item_id,
            row_total: row_totals[i],
            discount_amount: discount[i],
            discount_percent: percent[i].normalize(),
            tax_amount: tax,
            tax_percent: rate.normalize(),
            row_total_incl_tax: row_totals[i] + tax_before_discount,
            applied_rule_ids: line_rules[i].clone(),
        });
    }
    let shipping_rate = rate_of(input.shipping_tax_class);
    let shipping_tax = round((shipping_amount - shipping_discount).max(Decimal::ZERO) * shipping_rate / hundred);
    tax_total += shipping_tax;
    discount_total += shipping_discount;
    let grand_total = (subtotal - discount_total + shipping_amount + tax_total).max(Decimal::ZERO);
    Totals {
        lines: out_lines,
        subtotal,
        discount_amount: -discount_total,
        shipping_amount,
        shipping_discount_amount: shipping_discount,
        shipping_tax_amount: shipping_tax,
        tax_amount: tax_total,
        grand_total,
        free_shipping,
        applied_rule_ids: applied,
        coupon_code: if coupon_applied { input.coupon_code.map(str::to_owned) } else { None },
        discount_description: if descriptions.is_empty() { None } else { Some(descriptions.join(", ")) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn line(id: i64, sku: &str, qty: &str, price: &str) -> Line {
        Line { item_id: id, sku: sku.into(), product_id: id, qty: d(qty), price: d(price), tax_class_id: 2 }
    }

    fn rule(id: i64, action: Action, amount: &str) -> RuleCalc {
        RuleCalc {
            id,
            action,
            amount: d(amount),
            discount_qty: None,
            discount_step: 0,
            apply_to_shipping: false,
            free_shipping: 0,
            stop: false,
            condition: None,
            action_condition: None,
            label: None,
            by_coupon: false,
        }
    }

    fn run(lines: &[Line], rules: &[RuleCalc], shipping: &str, tax: &[(i64, &str)]) -> Totals {
        let tax_rates = tax.iter().map(|(c, r)| (*c, d(r))).collect();
        compute(&Input {
            lines,
            rules,
            shipping_amount: d(shipping),
            coupon_code: None,
            tax_rates: &tax_rates,
            shipping_tax_class: 2,
        })
    }

    #[test]
    fn no_rules_no_tax() {
        let t = run(&[line(1, "A", "2", "10.005"), line(2, "B", "1", "5")], &[], "10", &[]);
        assert_eq!(t.subtotal, d("25.01"));
        assert_eq!(t.lines[0].row_total, d("20.01"));
        assert_eq!(t.grand_total, d("35.01"));
        assert_eq!(t.discount_amount, Decimal::ZERO);
    }

    #[test]
    fn percent_discount_with_delta_rounding() {
        // Three rows of 0.33 at 50%: 0.165 each; rounded with carried remainder 0.17, 0.16, 0.17.
        let lines = [line(1, "A", "1", "0.33"), line(2, "B", "1", "0.33"), line(3, "C", "1", "0.33")];
        let t = run(&lines, &[rule(7, Action::ByPercent, "50")], "0", &[]);
        let parts: Vec<Decimal> = t.lines.iter().map(|l| l.discount_amount).collect();
        assert_eq!(parts, vec![d("0.17"), d("0.16"), d("0.17")]);
        assert_eq!(t.discount_amount, d("-0.50"));
        assert_eq!(t.lines[0].discount_percent, d("50"));
        assert_eq!(t.applied_rule_ids, vec![7]);
        assert_eq!(t.grand_total, d("0.49"));
    }

    #[test]
    fn fixed_per_unit_is_capped_by_the_row() {
        let lines = [line(1, "A", "3", "10"), line(2, "B", "1", "4")];
        let t = run(&lines, &[rule(1, Action::ByFixed, "5")], "0", &[]);
        assert_eq!(t.lines[0].discount_amount, d("15"));
        assert_eq!(t.lines[1].discount_amount, d("4"));
        assert_eq!(t.discount_amount, d("-19"));
    }

    #[test]
    fn cart_fixed_spreads_by_share_and_adds_up() {
        let lines = [line(1, "A", "1", "10"), line(2, "B", "1", "20"), line(3, "C", "1", "30")];
        let t = run(&lines, &[rule(1, Action::CartFixed, "10")], "0", &[]);
        let parts: Vec<Decimal> = t.lines.iter().map(|l| l.discount_amount).collect();
        assert_eq!(parts, vec![d("1.67"), d("3.33"), d("5")]);
        assert_eq!(t.discount_amount, d("-10"));
        // Never more than the cart.
        let t = run(&lines[..1], &[rule(1, Action::CartFixed, "100")], "5", &[]);
        assert_eq!(t.discount_amount, d("-10"));
        assert_eq!(t.grand_total, d("5"));
    }

    #[test]
    fn sku_action_condition_and_stop_rules_processing() {
        use super::super::conditions::Cond;
        let lines = [line(1, "A", "1", "100"), line(2, "B", "1", "100")];
        let mut first = rule(1, Action::ByPercent, "10");
        first.action_condition = Some(Cond::Sku { one_of: false, skus: vec!["A".into()] });
        first.stop = true;
        let second = rule(2, Action::ByFixed, "1");
        let t = run(&lines, &[first, second], "0", &[]);
        assert_eq!(t.lines[0].discount_amount, d("10"));
        assert_eq!(t.lines[0].applied_rule_ids, vec![1]);
        assert_eq!(t.lines[1].discount_amount, d("1"));
        assert_eq!(t.lines[1].applied_rule_ids, vec![2]);
        assert_eq!(t.applied_rule_ids, vec![1, 2]);
    }

    #[test]
    fn subtotal_condition_gates_the_rule() {
        use super::super::conditions::{Cmp, Cond};
        let mut r = rule(1, Action::ByPercent, "10");
        r.condition = Some(Cond::Subtotal { op: Cmp::Ge, value: d("50") });
        let t = run(&[line(1, "A", "1", "49.99")], std::slice::from_ref(&r), "0", &[]);
        assert!(t.applied_rule_ids.is_empty());
        let t = run(&[line(1, "A", "1", "50")], &[r], "0", &[]);
        assert_eq!(t.discount_amount, d("-5"));
    }

    #[test]
    fn free_shipping_and_shipping_discount() {
        let lines = [line(1, "A", "1", "100")];
        let mut free = rule(1, Action::ByPercent, "0");
        free.free_shipping = 2;
        let t = run(&lines, &[free], "15", &[(2, "10")]);
        assert!(t.free_shipping);
        assert_eq!(t.shipping_amount, Decimal::ZERO);
        assert_eq!(t.shipping_tax_amount, Decimal::ZERO);
        assert_eq!(t.grand_total, d("110"));

        let mut ship = rule(2, Action::ByPercent, "20");
        ship.apply_to_shipping = true;
        let t = run(&lines, &[ship], "15", &[(2, "10")]);
        assert_eq!(t.shipping_discount_amount, d("3"));
        assert_eq!(t.discount_amount, d("-23"));
        // tax: (100 - 20) * 10% + (15 - 3) * 10% = 8 + 1.2
        assert_eq!(t.tax_amount, d("9.2"));
        assert_eq!(t.shipping_tax_amount, d("1.2"));
        assert_eq!(t.grand_total, d("101.2"));
    }

    #[test]
    fn tax_after_discount_and_incl_tax_before_discount() {
        let lines = [line(1, "A", "2", "9.99")];
        let t = run(&lines, &[rule(1, Action::ByPercent, "10")], "5", &[(2, "8.25")]);
        // row 19.98, discount 2.00 (1.998), taxable 17.98 * 8.25% = 1.48335 -> 1.48
        assert_eq!(t.lines[0].discount_amount, d("2"));
        assert_eq!(t.lines[0].tax_amount, d("1.48"));
        assert_eq!(t.lines[0].tax_percent, d("8.25"));
        // incl tax: 19.98 + 1.65 (19.98 * 8.25% = 1.64835)
        assert_eq!(t.lines[0].row_total_incl_tax, d("21.63"));
        // shipping 5 * 8.25% = 0.4125 -> 0.41
        assert_eq!(t.shipping_tax_amount, d("0.41"));
        assert_eq!(t.tax_amount, d("1.89"));
        assert_eq!(t.grand_total, d("24.87"));
    }

    #[test]
    fn discount_qty_step_and_stacked_percents() {
        let lines = [line(1, "A", "5", "10")];
        let mut capped = rule(1, Action::ByPercent, "50");
        capped.discount_qty = Some(d("2"));
        let t = run(&lines, &[capped], "0", &[]);
        assert_eq!(t.lines[0].discount_amount, d("10"), "half of two units");
        let mut stepped = rule(1, Action::ByPercent, "10");
        stepped.discount_step = 2;
        let t = run(&lines, &[stepped], "0", &[]);
        assert_eq!(t.lines[0].discount_amount, d("4"), "10% of four units (steps of two)");
        let mut fixed = rule(1, Action::ByFixed, "3");
        fixed.discount_qty = Some(d("1"));
        assert_eq!(run(&lines, &[fixed], "0", &[]).lines[0].discount_amount, d("3"));
        // Percents stack on what is left, discount_percent is capped at 100.
        let t = run(&lines, &[rule(1, Action::ByPercent, "60"), rule(2, Action::ByPercent, "60")], "0", &[]);
        assert_eq!(t.lines[0].discount_amount, d("42"), "30, then 60% of the 20 left");
        assert_eq!(t.lines[0].discount_percent, d("100"));
        assert_eq!(t.grand_total, d("8"));
    }

    #[test]
    fn fixed_amounts_on_shipping() {
        let lines = [line(1, "A", "1", "10")];
        let mut fixed = rule(1, Action::ByFixed, "4");
        fixed.apply_to_shipping = true;
        let t = run(&lines, &[fixed], "3", &[]);
        assert_eq!(t.lines[0].discount_amount, d("4"));
        assert_eq!(t.shipping_discount_amount, d("3"), "never more than the shipping");
        assert_eq!(t.grand_total, d("6"));
        // cart_fixed: what the items leave goes to shipping.
        let mut cart = rule(2, Action::CartFixed, "12");
        cart.apply_to_shipping = true;
        let t = run(&lines, &[cart], "5", &[]);
        assert_eq!((t.lines[0].discount_amount, t.shipping_discount_amount), (d("10"), d("2")));
        assert_eq!(t.discount_amount, d("-12"));
        assert_eq!(t.grand_total, d("3"));
    }

    #[test]
    fn combined_rates_follow_magentos_priorities() {
        let r = |rule_id, priority, rate: &str, sub| RateCalc {
            rule_id,
            priority,
            calculate_subtotal: sub,
            rate: Decimal::from_str(rate).unwrap(),
        };
        // Same priority: rates add; one rate per rule.
        assert_eq!(combined_rate(&[r(1, 0, "5", false), r(1, 0, "3", false), r(2, 0, "2", false)]), d("7"));
        // Later priority compounds: 10 + (10 * 5 / 100 + 5) = 15.5
        assert_eq!(combined_rate(&[r(1, 0, "10", false), r(2, 1, "5", false)]), d("15.5"));
        // ... unless calculate_subtotal.
        assert_eq!(combined_rate(&[r(1, 0, "10", false), r(2, 1, "5", true)]), d("15"));
    }
}
