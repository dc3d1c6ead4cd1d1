//! Cart price rule conditions in Magento's shape (`condition_type`, `conditions`,
//! `aggregator_type`, `operator`, `attribute_name`, `value`), limited to what storegate
//! evaluates: the cart subtotal (`base_subtotal`) in the rule's conditions and the item SKU
//! in its actions. Anything else is refused when the rule is saved, never ignored.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::str::FromStr;
use storegate_types::{ApiError, ErrorCode};

pub const COMBINE: &str = "Magento\\SalesRule\\Model\\Rule\\Condition\\Combine";
pub const ADDRESS: &str = "Magento\\SalesRule\\Model\\Rule\\Condition\\Address";
pub const PRODUCT_COMBINE: &str = "Magento\\SalesRule\\Model\\Rule\\Condition\\Product\\Combine";
pub const PRODUCT: &str = "Magento\\SalesRule\\Model\\Rule\\Condition\\Product";

/// One node as stored and shown (Magento's `ConditionInterface`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConditionNode {
    pub condition_type: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ConditionNode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregator_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Which tree a node belongs to: the rule's conditions or its actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tree {
    Conditions,
    Actions,
}

/// A checked condition, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// `all` (true) or `any` (false) of the children must evaluate to `expect`.
    Combine {
        all: bool,
        expect: bool,
        children: Vec<Cond>,
    },
    Subtotal {
        op: Cmp,
        value: Decimal,
    },
    Sku {
        one_of: bool,
        skus: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Ge,
    Gt,
    Le,
    Lt,
}

fn unsupported(node: &ConditionNode) -> ApiError {
    ApiError::positional(
        ErrorCode::SalesRuleConditionUnsupported,
        [
            Json::from(node.condition_type.clone()),
            Json::from(node.attribute_name.clone().unwrap_or_default()),
            Json::from(node.operator.clone().unwrap_or_default()),
        ],
    )
}

fn normalise_type(t: &str) -> String {
    t.trim().trim_start_matches('\\').replace("\\\\", "\\")
}

/// Checks a tree and compiles it; `None` in, `None` out.
pub fn compile(node: Option<&ConditionNode>, tree: Tree) -> Result<Option<Cond>, ApiError> {
    node.map(|n| compile_node(n, tree, 0)).transpose()
}

fn compile_node(node: &ConditionNode, tree: Tree, depth: usize) -> Result<Cond, ApiError> {
    if depth > 8 {
        return Err(unsupported(node));
    }
    let kind = normalise_type(&node.condition_type);
    let combine = match tree {
        Tree::Conditions => COMBINE,
        Tree::Actions => PRODUCT_COMBINE,
    };
    if kind == combine {
        let all = match node.aggregator_type.as_deref().map(str::trim).unwrap_or("all") {
            "all" | "" => true,
            "any" => false,
            _ => return Err(unsupported(node)),
        };
        let expect = match node.value.as_deref().map(str::trim).unwrap_or("1") {
            "1" | "" | "true" => true,
            "0" | "false" => false,
            _ => return Err(unsupported(node)),
        };
        let children =
            node.conditions.iter().map(|c| compile_node(c, tree, depth + 1)).collect::<Result<Vec<_>, _>>()?;
        return Ok(Cond::Combine { all, expect, children });
    }
    let attribute = node.attribute_name.as_deref().unwrap_or("").trim();
    let operator = node.operator.as_deref().unwrap_or("==").trim();
    let value = node.value.as_deref().unwrap_or("").trim();
    match (tree, kind.as_str(), attribute) {
        (Tree::Conditions, ADDRESS, "base_subtotal") => {
            let op = match operator {
                "==" => Cmp::Eq,
                "!=" => Cmp::Ne,
                ">=" => Cmp::Ge,
                ">" => Cmp::Gt,
                "<=" => Cmp::Le,
                "<" => Cmp::Lt,
                _ => return Err(unsupported(node)),
            };
            let value =
                Decimal::from_str(value).map_err(|_| ApiError::invalid_value("base_subtotal", value.to_owned()))?;
            Ok(Cond::Subtotal { op, value })
        }
        (Tree::Actions, PRODUCT, "sku") => {
            let one_of = match operator {
                "==" => false,
                "()" => true,
                _ => return Err(unsupported(node)),
            };
            let skus: Vec<String> = if one_of {
                value.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
            } else {
                vec![value.to_owned()]
            };
            if skus.iter().all(|s| s.is_empty()) {
                return Err(ApiError::invalid_value("sku", value.to_owned()));
            }
            Ok(Cond::Sku { one_of, skus })
        }
        _ => Err(unsupported(node)),
    }
}

/// What a condition is evaluated against: the cart's subtotal, or one item's SKU.
pub struct Subject<'a> {
    pub subtotal: Decimal,
    pub sku: Option<&'a str>,
}

impl Cond {
    pub fn eval(&self, s: &Subject<'_>) -> bool {
        match self {
            Cond::Combine { all, expect, children } => {
                // An empty combine is true, as Magento's Combine::validate with no conditions.
                if children.is_empty() {
                    return true;
                }
                if *all {
                    children.iter().all(|c| c.eval(s) == *expect)
                } else {
                    children.iter().any(|c| c.eval(s) == *expect)
                }
            }
            Cond::Subtotal { op, value } => {
                let v = s.subtotal;
                match op {
                    Cmp::Eq => v == *value,
                    Cmp::Ne => v != *value,
                    Cmp::Ge => v >= *value,
                    Cmp::Gt => v > *value,
                    Cmp::Le => v <= *value,
                    Cmp::Lt => v < *value,
                }
            }
            // Magento compares SKUs case-insensitively (MySQL collation, strcasecmp in validate).
            Cond::Sku { skus, .. } => {
                s.sku.is_some_and(|sku| skus.iter().any(|candidate| candidate.eq_ignore_ascii_case(sku)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(v: Json) -> ConditionNode {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn subtotal_and_sku_conditions_compile_and_evaluate() {
        let c = node(json!({"condition_type": COMBINE, "aggregator_type": "all", "value": "1", "conditions": [
            {"condition_type": ADDRESS, "attribute_name": "base_subtotal", "operator": ">=", "value": "100"}
        ]}));
        let c = compile(Some(&c), Tree::Conditions).unwrap().unwrap();
        assert!(c.eval(&Subject { subtotal: Decimal::from(100), sku: None }));
        assert!(!c.eval(&Subject { subtotal: Decimal::from(99), sku: None }));

        let a = node(json!({"condition_type": PRODUCT_COMBINE, "conditions": [
            {"condition_type": PRODUCT, "attribute_name": "sku", "operator": "()", "value": "A, b"}
        ]}));
        let a = compile(Some(&a), Tree::Actions).unwrap().unwrap();
        assert!(a.eval(&Subject { subtotal: Decimal::ZERO, sku: Some("B") }));
        assert!(!a.eval(&Subject { subtotal: Decimal::ZERO, sku: Some("C") }));
    }

    #[test]
    fn other_conditions_are_refused() {
        let c = node(json!({"condition_type": COMBINE, "conditions": [
            {"condition_type": ADDRESS, "attribute_name": "total_qty", "operator": ">=", "value": "2"}
        ]}));
        let e = compile(Some(&c), Tree::Conditions).unwrap_err();
        assert_eq!(e.code, ErrorCode::SalesRuleConditionUnsupported);
        let found = node(json!({"condition_type": "Magento\\SalesRule\\Model\\Rule\\Condition\\Product\\Found"}));
        assert!(compile(Some(&found), Tree::Conditions).is_err());
        let sku_in_conditions = node(json!({"condition_type": PRODUCT, "attribute_name": "sku", "value": "A"}));
        assert!(compile(Some(&sku_in_conditions), Tree::Conditions).is_err());
    }
}
