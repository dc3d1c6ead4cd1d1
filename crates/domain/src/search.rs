//! Magento's searchCriteria: parsed into a typed filter tree, checked against a per-entity
//! whitelist of fields (custom attributes included), and compiled into SQL with bound
//! parameters only. No text from the request ever becomes SQL.
//!
//! Filters inside a group are ORed, groups are ANDed. `moreq` is implemented as documented
//! (`>=`), although Magento's MySQL adapter degrades it to equality.

use rust_decimal::Decimal;
use serde_json::{Map, Value as Json};
use std::str::FromStr;
use storegate_db::{Backend, Value, dialect};
use storegate_types::{ApiError, ErrorCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Eq,
    Neq,
    Like,
    Nlike,
    In,
    Nin,
    NotNull,
    Null,
    Gt,
    Lt,
    Gteq,
    Lteq,
    Moreq,
    From,
    To,
    Finset,
    Nfinset,
}

impl Condition {
    pub fn parse(s: &str) -> Option<Condition> {
        Some(match s.to_ascii_lowercase().as_str() {
            "eq" => Condition::Eq,
            "neq" => Condition::Neq,
            "like" => Condition::Like,
            "nlike" => Condition::Nlike,
            "in" => Condition::In,
            "nin" => Condition::Nin,
            "notnull" => Condition::NotNull,
            "null" => Condition::Null,
            "gt" => Condition::Gt,
            "lt" => Condition::Lt,
            "gteq" => Condition::Gteq,
            "lteq" => Condition::Lteq,
            "moreq" => Condition::Moreq,
            "from" => Condition::From,
            "to" => Condition::To,
            "finset" => Condition::Finset,
            "nfinset" => Condition::Nfinset,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: String,
    pub value: String,
    /// As received, echoed back only when the caller sent it.
    pub condition_type: Option<String>,
    pub condition: Condition,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct FilterGroup {
    pub filters: Vec<Filter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortOrder {
    pub field: String,
    pub direction: Direction,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchCriteria {
    pub filter_groups: Vec<FilterGroup>,
    pub sort_orders: Option<Vec<SortOrder>>,
    pub page_size: Option<i64>,
    pub current_page: Option<i64>,
}

/// Limits on what one search may ask for.
const MAX_GROUPS: usize = 50;
const MAX_FILTERS: usize = 200;
const MAX_SORTS: usize = 10;
const MAX_IN_VALUES: usize = 1000;
const MAX_VALUE_LEN: usize = 1024;

fn text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(if *b { "1".into() } else { "0".into() }),
        _ => None,
    }
}

fn list(v: Option<&Json>) -> Vec<&Json> {
    match v {
        Some(Json::Array(items)) => items.iter().collect(),
        Some(Json::Object(map)) => map.values().collect(),
        _ => Vec::new(),
    }
}

fn field_error(field: &str, value: &Json) -> ApiError {
    ApiError::invalid_value(field, value.clone())
}

impl SearchCriteria {
    /// Reads `search_criteria` from an operation's (snake_case) input. Missing or empty
    /// criteria mean "everything", as the source documents call `GET /V1/products` bare.
    pub fn from_input(input: Option<&Json>) -> Result<SearchCriteria, ApiError> {
        let empty = Map::new();
        let obj = match input {
            Some(Json::Object(o)) => o,
            _ => &empty,
        };
        let mut criteria = SearchCriteria::default();
        let groups = list(obj.get("filter_groups"));
        if groups.len() > MAX_GROUPS {
            return Err(ApiError::invalid_value("filter_groups", format!("{} groups", groups.len())));
        }
        let mut total_filters = 0;
        for g in groups {
            let mut group = FilterGroup::default();
            for f in list(g.get("filters")) {
                total_filters += 1;
                if total_filters > MAX_FILTERS {
                    return Err(ApiError::invalid_value("filters", format!("more than {MAX_FILTERS}")));
                }
                group.filters.push(parse_filter(f)?);
            }
            criteria.filter_groups.push(group);
        }
        if let Some(sorts) = obj.get("sort_orders") {
            let sorts = list(Some(sorts));
            if sorts.len() > MAX_SORTS {
                return Err(ApiError::invalid_value("sort_orders", format!("{} sort orders", sorts.len())));
            }
            criteria.sort_orders = Some(sorts.into_iter().map(parse_sort).collect::<Result<_, _>>()?);
        }
        criteria.page_size = optional_int(obj, "page_size")?;
        criteria.current_page = optional_int(obj, "current_page")?;
        Ok(criteria)
    }

    /// The criteria as Magento echoes them: snake_case keys, absent values omitted.
    pub fn echo(&self) -> Json {
        let mut out = Map::new();
        let groups = self
            .filter_groups
            .iter()
            .map(|g| {
                let filters = g
                    .filters
                    .iter()
                    .map(|f| {
                        let mut m = Map::new();
                        m.insert("field".into(), Json::String(f.field.clone()));
                        m.insert("value".into(), Json::String(f.value.clone()));
                        if let Some(c) = &f.condition_type {
                            m.insert("condition_type".into(), Json::String(c.clone()));
                        }
                        Json::Object(m)
                    })
                    .collect();
                serde_json::json!({ "filters": Json::Array(filters) })
            })
            .collect();
        out.insert("filter_groups".into(), Json::Array(groups));
        if let Some(sorts) = &self.sort_orders {
            let sorts = sorts
                .iter()
                .map(|s| {
                    let d = if s.direction == Direction::Asc { "ASC" } else { "DESC" };
                    serde_json::json!({"field": s.field, "direction": d})
                })
                .collect();
            out.insert("sort_orders".into(), Json::Array(sorts));
        }
        if let Some(p) = self.page_size {
            out.insert("page_size".into(), Json::from(p));
        }
        if let Some(p) = self.current_page {
            out.insert("current_page".into(), Json::from(p));
        }
        Json::Object(out)
    }
}

fn optional_int(obj: &Map<String, Json>, key: &str) -> Result<Option<i64>, ApiError> {
    match obj.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v) => text(v).and_then(|t| t.trim().parse::<i64>().ok()).map(Some).ok_or_else(|| field_error(key, v)),
    }
}

fn parse_filter(f: &Json) -> Result<Filter, ApiError> {
    let field = f.get("field").and_then(text).filter(|s| !s.is_empty()).ok_or_else(|| ApiError::required("field"))?;
    let condition_type = f.get("condition_type").and_then(text).filter(|s| !s.is_empty());
    let condition = match &condition_type {
        None => Condition::Eq,
        Some(c) => {
            Condition::parse(c).ok_or_else(|| ApiError::positional(ErrorCode::InvalidConditionType, [c.clone()]))?
        }
    };
    let value = match f.get("value") {
        Some(v) => text(v).ok_or_else(|| field_error("value", v))?,
        // Magento requires the key even where the value is ignored; be lenient there.
        None if matches!(condition, Condition::Null | Condition::NotNull) => String::new(),
        None => return Err(ApiError::required("value")),
    };
    if value.chars().count() > MAX_VALUE_LEN {
        return Err(ApiError::invalid_value("value", format!("{}…", value.chars().take(20).collect::<String>())));
    }
    Ok(Filter { field, value, condition_type, condition })
}

fn parse_sort(s: &Json) -> Result<SortOrder, ApiError> {
    let field = s.get("field").and_then(text).filter(|f| !f.is_empty()).ok_or_else(|| ApiError::required("field"))?;
    let direction = match s.get("direction").and_then(text).map(|d| d.to_ascii_uppercase()) {
        None => Direction::Asc,
        Some(d) if d == "ASC" => Direction::Asc,
        Some(d) if d == "DESC" => Direction::Desc,
        Some(_) => return Err(ApiError::positional(ErrorCode::InvalidSortDirection, ["ASC", "DESC"])),
    };
    Ok(SortOrder { field, direction })
}

/// How a searchable field is typed; values are converted before binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Int,
    /// Stored as millionths.
    Decimal,
    Text,
    Bool,
    /// `YYYY-MM-DD HH:MM:SS` text, compared as given.
    DateTime,
    /// A floating-point expression (decimal attribute values read from text).
    Real,
}

/// One searchable field: the name clients use and the SQL expression over the entity's
/// alias that it reads. Expressions are trusted text written in the domain.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub sql: &'static str,
    pub kind: FieldKind,
}

/// Entity-attribute-value storage for custom attributes, when the entity has them.
#[derive(Debug, Clone, Copy)]
pub struct Eav {
    /// `product_attribute_values`.
    pub table: &'static str,
    /// The value table's column naming the entity, e.g. `product_id`.
    pub entity_column: &'static str,
    /// The entity's id expression, e.g. `p.id`.
    pub entity_id: &'static str,
    /// The entity's tenant expression, e.g. `p.tenant_id`.
    pub tenant: &'static str,
}

/// The whitelist of one entity.
#[derive(Debug, Clone, Copy)]
pub struct FieldMap {
    pub fields: &'static [Field],
    pub eav: Option<Eav>,
    /// The stable last sort key (`p.id`), so pages never overlap.
    pub tiebreak: &'static str,
}

/// A compiled search: a boolean SQL condition, an ORDER BY list, and the page window.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    pub condition: String,
    pub params: Vec<Value>,
    pub order_by: String,
    pub limit: i64,
    pub offset: i64,
    /// The placeholder number after the condition's parameters.
    next_param: usize,
}

impl Compiled {
    /// Binds this search's parameters after those already in `q`.
    pub fn bind(&self, mut q: storegate_db::Query) -> storegate_db::Query {
        for p in &self.params {
            q = q.bind(p.clone());
        }
        q
    }

    /// `ORDER BY … LIMIT $n OFFSET $n+1`, the page as placeholders after the condition's, so
    /// that every page of a search is one prepared statement rather than one per page.
    pub fn page_clause(&self) -> String {
        format!("ORDER BY {} LIMIT ${} OFFSET ${}", self.order_by, self.next_param, self.next_param + 1)
    }

    /// Binds the condition's parameters, then the page's limit and offset (see
    /// [`Compiled::page_clause`]).
    pub fn bind_page(&self, q: storegate_db::Query) -> storegate_db::Query {
        self.bind(q).bind(self.limit).bind(self.offset)
    }
}

/// One page of a compiled search over `from` (a `FROM … WHERE … AND (condition)` clause
/// whose only parameter before the search's own is `$1`, the tenant): the page's rows of
/// `columns` and the total count of matches.
pub async fn fetch_page(
    ex: &mut impl storegate_db::Exec,
    tenant: storegate_types::TenantId,
    compiled: &Compiled,
    columns: &str,
    from: &str,
) -> Result<(Vec<storegate_db::Row>, i64), ApiError> {
    use crate::StorageResult;
    let count = storegate_db::sql!(format!("SELECT COUNT(*) {from}"), tenant.0);
    let total: i64 = ex.fetch_scalar(compiled.bind(count)).await.storage()?;
    let page = storegate_db::sql!(format!("SELECT {columns} {from} {}", compiled.page_clause()), tenant.0);
    let rows = ex.fetch_all(compiled.bind_page(page)).await.storage()?;
    Ok((rows, total))
}

/// A searchable custom attribute: `(code, kind)`, known to exist for the tenant.
pub type AttributeLookup<'a> = &'a dyn Fn(&str) -> Option<FieldKind>;

/// Compiles `criteria` for `map`. Placeholders start at `$first_param`. `attributes` says
/// which custom attribute codes exist (and their kinds); any other field is refused.
pub fn compile(
    criteria: &SearchCriteria,
    map: &FieldMap,
    attributes: AttributeLookup<'_>,
    first_param: usize,
    max_page_size: i64,
    backend: Backend,
) -> Result<Compiled, ApiError> {
    let mut b = Builder { params: Vec::new(), next: first_param, backend };
    let mut groups = Vec::new();
    for group in &criteria.filter_groups {
        if group.filters.is_empty() {
            continue;
        }
        let mut alternatives = Vec::new();
        for f in &group.filters {
            alternatives.push(b.filter(f, resolve(map, attributes, &f.field)?)?);
        }
        groups.push(format!("({})", alternatives.join(" OR ")));
    }
    let condition = if groups.is_empty() { "1 = 1".to_owned() } else { groups.join(" AND ") };
    let mut order = Vec::new();
    for s in criteria.sort_orders.iter().flatten() {
        let expr = b.sort_expr(resolve(map, attributes, &s.field)?);
        order.push(format!("{expr} {}", if s.direction == Direction::Asc { "ASC" } else { "DESC" }));
    }
    order.push(format!("{} ASC", map.tiebreak));
    let limit = match criteria.page_size {
        Some(p) if p > max_page_size => {
            return Err(ApiError::positional(ErrorCode::PageSizeTooLarge, [max_page_size]));
        }
        Some(p) if p > 0 => p,
        _ => max_page_size,
    };
    let page = criteria.current_page.unwrap_or(1).max(1);
    let offset = (page - 1).saturating_mul(limit);
    Ok(Compiled { condition, params: b.params, order_by: order.join(", "), limit, offset, next_param: b.next })
}

/// An attribute value in the compiled conditions.
const ATTRIBUTE_VALUE: &str = "v.value";

/// The indexed prefix of an attribute value (migration 14): long values do not fit a
/// PostgreSQL btree entry, so equality probes the prefix and then compares the whole value.
pub fn value_prefix(expr: &str) -> String {
    format!("substr({expr}, 1, 256)")
}

/// What a field name resolves to.
enum Target {
    Column(Field),
    Attribute(Eav, String, FieldKind),
}

fn resolve(map: &FieldMap, attributes: AttributeLookup<'_>, name: &str) -> Result<Target, ApiError> {
    if let Some(f) = map.fields.iter().find(|f| f.name == name) {
        return Ok(Target::Column(*f));
    }
    if let (Some(eav), Some(kind)) = (map.eav, attributes(name)) {
        return Ok(Target::Attribute(eav, name.to_owned(), kind));
    }
    Err(ApiError::positional(ErrorCode::InvalidSearchField, [name]))
}

struct Builder {
    params: Vec<Value>,
    next: usize,
    backend: Backend,
}

impl Builder {
    fn push(&mut self, v: Value) -> String {
        self.params.push(v);
        self.next += 1;
        format!("${}", self.next - 1)
    }

    fn typed(&mut self, kind: FieldKind, field: &str, raw: &str) -> Result<String, ApiError> {
        let bad = || ApiError::invalid_value(field, raw.to_owned());
        let value = match kind {
            FieldKind::Int => Value::Int(raw.trim().parse::<i64>().map_err(|_| bad())?),
            FieldKind::Decimal => {
                let d = Decimal::from_str(raw.trim()).map_err(|_| bad())?;
                Value::Int(storegate_db::decimal_to_micros(d).map_err(|_| bad())?)
            }
            FieldKind::Bool => match raw.trim().to_ascii_lowercase().as_str() {
                "1" | "true" => Value::Bool(true),
                "0" | "false" | "" => Value::Bool(false),
                _ => return Err(bad()),
            },
            FieldKind::Real => Value::Real(raw.trim().parse::<f64>().ok().filter(|f| f.is_finite()).ok_or_else(bad)?),
            FieldKind::Text | FieldKind::DateTime => Value::Text(raw.to_owned()),
        };
        Ok(self.push(value))
    }

    /// The expression as text, for pattern and set-membership tests.
    fn as_text(&self, expr: &str, kind: FieldKind) -> String {
        match kind {
            FieldKind::Text | FieldKind::DateTime => expr.to_owned(),
            _ => format!("CAST({expr} AS TEXT)"),
        }
    }

    fn comparison(&mut self, expr: &str, kind: FieldKind, f: &Filter) -> Result<String, ApiError> {
        let field = f.field.as_str();
        let op = match f.condition {
            Condition::Eq => "=",
            Condition::Neq => "<>",
            Condition::Gt => ">",
            Condition::Lt => "<",
            Condition::Gteq | Condition::Moreq | Condition::From => ">=",
            Condition::Lteq | Condition::To => "<=",
            Condition::Null => return Ok(format!("{expr} IS NULL")),
            Condition::NotNull => return Ok(format!("{expr} IS NOT NULL")),
            Condition::Like | Condition::Nlike => {
                let p = self.push(Value::Text(f.value.clone()));
                let not = if f.condition == Condition::Nlike { "NOT " } else { "" };
                let like = dialect::ilike(self.backend);
                return Ok(format!("{} {not}{like} {p}", self.as_text(expr, kind)));
            }
            Condition::In | Condition::Nin => {
                let values: Vec<&str> = f.value.split(',').map(str::trim).filter(|v| !v.is_empty()).collect();
                if values.len() > MAX_IN_VALUES {
                    return Err(ApiError::invalid_value(field, format!("{} values", values.len())));
                }
                let not_in = f.condition == Condition::Nin;
                if values.is_empty() {
                    return Ok(if not_in { "1 = 1".into() } else { "1 = 0".into() });
                }
                let params = values.iter().map(|v| self.typed(kind, field, v)).collect::<Result<Vec<_>, _>>()?;
                let placeholders = params.join(", ");
                if not_in {
                    return Ok(format!("{expr} NOT IN ({placeholders})"));
                }
                let found = format!("{expr} IN ({placeholders})");
                return Ok(match expr {
                    ATTRIBUTE_VALUE => {
                        let prefixes: Vec<String> = params.iter().map(|p| value_prefix(p)).collect();
                        format!("{} IN ({}) AND {found}", value_prefix(expr), prefixes.join(", "))
                    }
                    _ => found,
                });
            }
            Condition::Finset | Condition::Nfinset => {
                let p = self.push(Value::Text(f.value.trim().to_owned()));
                let not = if f.condition == Condition::Nfinset { "NOT " } else { "" };
                return Ok(format!("{not}(',' || {} || ',') LIKE ('%,' || {p} || ',%')", self.as_text(expr, kind)));
            }
        };
        let p = self.typed(kind, field, &f.value)?;
        Ok(match (expr, f.condition) {
            (ATTRIBUTE_VALUE, Condition::Eq) => {
                format!("{} = {} AND {expr} = {p}", value_prefix(expr), value_prefix(&p))
            }
            _ => format!("{expr} {op} {p}"),
        })
    }

    fn filter(&mut self, f: &Filter, target: Target) -> Result<String, ApiError> {
        match target {
            Target::Column(field) => self.comparison(field.sql, field.kind, f),
            Target::Attribute(eav, code, kind) => {
                let code_param = self.push(Value::Text(code));
                let exists = |inner: String| {
                    format!(
                        "EXISTS (SELECT 1 FROM {table} v WHERE v.tenant_id = {tenant} AND v.{col} = {id} \
                         AND v.attribute_code = {code_param} AND v.store_id = 0 AND {inner})",
                        table = eav.table,
                        tenant = eav.tenant,
                        col = eav.entity_column,
                        id = eav.entity_id
                    )
                };
                match f.condition {
                    Condition::Null => Ok(format!("NOT {}", exists("v.value IS NOT NULL".into()))),
                    Condition::NotNull => Ok(exists("v.value IS NOT NULL".into())),
                    _ => Ok(exists(self.attribute_comparison(kind, f)?)),
                }
            }
        }
    }

    /// Attribute values are stored as text. Option ids (select, boolean) compare as the
    /// canonical text of the integer asked for, so a multiselect's "49,50" never has to
    /// parse as a number; decimals compare numerically through a cast that cannot fail.
    fn attribute_comparison(&mut self, kind: FieldKind, f: &Filter) -> Result<String, ApiError> {
        match kind {
            FieldKind::Int | FieldKind::Bool => {
                let canonical = |v: &str| -> Result<String, ApiError> {
                    let n: i64 = match v.trim().to_ascii_lowercase().as_str() {
                        "true" => 1,
                        "false" => 0,
                        other => other.parse().map_err(|_| ApiError::invalid_value(&f.field, v.to_owned()))?,
                    };
                    Ok(n.to_string())
                };
                let value = match f.condition {
                    Condition::In | Condition::Nin | Condition::Finset | Condition::Nfinset => {
                        f.value.split(',').map(canonical).collect::<Result<Vec<_>, _>>()?.join(",")
                    }
                    Condition::Like | Condition::Nlike => f.value.clone(),
                    _ => canonical(&f.value)?,
                };
                self.comparison(ATTRIBUTE_VALUE, FieldKind::Text, &Filter { value, ..f.clone() })
            }
            FieldKind::Decimal | FieldKind::Real => match f.condition {
                Condition::Like | Condition::Nlike | Condition::Finset | Condition::Nfinset => {
                    self.comparison(ATTRIBUTE_VALUE, FieldKind::Text, f)
                }
                _ => {
                    let expr = dialect::number_or_null(self.backend, ATTRIBUTE_VALUE);
                    self.comparison(&expr, FieldKind::Real, f)
                }
            },
            FieldKind::Text | FieldKind::DateTime => self.comparison(ATTRIBUTE_VALUE, kind, f),
        }
    }

    fn sort_expr(&mut self, target: Target) -> String {
        match target {
            Target::Column(f) => f.sql.to_owned(),
            Target::Attribute(eav, code, _) => {
                let code_param = self.push(Value::Text(code));
                format!(
                    "(SELECT v.value FROM {table} v WHERE v.tenant_id = {tenant} AND v.{col} = {id} \
                     AND v.attribute_code = {code_param} AND v.store_id = 0)",
                    table = eav.table,
                    tenant = eav.tenant,
                    col = eav.entity_column,
                    id = eav.entity_id
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FIELDS: &[Field] = &[
        Field { name: "sku", sql: "p.sku", kind: FieldKind::Text },
        Field { name: "price", sql: "p.price", kind: FieldKind::Decimal },
        Field { name: "status", sql: "p.status", kind: FieldKind::Int },
    ];
    const MAP: FieldMap = FieldMap {
        fields: FIELDS,
        eav: Some(Eav {
            table: "product_attribute_values",
            entity_column: "product_id",
            entity_id: "p.id",
            tenant: "p.tenant_id",
        }),
        tiebreak: "p.id",
    };

    fn attrs(code: &str) -> Option<FieldKind> {
        (code == "color").then_some(FieldKind::Int)
    }

    fn compile_json(v: Json) -> Result<Compiled, ApiError> {
        let c = SearchCriteria::from_input(Some(&v))?;
        compile(&c, &MAP, &attrs, 2, 1000, Backend::Sqlite)
    }

    #[test]
    fn groups_and_filters_compile_to_bound_sql() {
        let c = compile_json(json!({
            "filter_groups": [
                {"filters": [{"field": "sku", "value": "WS%", "condition_type": "like"}, {"field": "status", "value": "2"}]},
                {"filters": [{"field": "price", "value": "19.99", "condition_type": "gteq"}]}
            ],
            "sort_orders": [{"field": "price", "direction": "desc"}],
            "page_size": "20", "current_page": "3"
        }))
        .unwrap();
        assert_eq!(c.condition, "(p.sku LIKE $2 OR p.status = $3) AND (p.price >= $4)");
        assert_eq!(c.params, vec![Value::Text("WS%".into()), Value::Int(2), Value::Int(19_990_000)]);
        assert_eq!(c.order_by, "p.price DESC, p.id ASC");
        assert_eq!((c.limit, c.offset), (20, 40));
    }

    #[test]
    fn every_condition_type_compiles() {
        for cond in [
            "eq", "neq", "like", "nlike", "in", "nin", "notnull", "null", "gt", "lt", "gteq", "lteq", "moreq", "from",
            "to", "finset", "nfinset",
        ] {
            let c = compile_json(
                json!({"filter_groups": [{"filters": [{"field": "status", "value": "1,2", "condition_type": cond}]}]}),
            );
            let c = match cond {
                // A list is not an integer for the single-value comparisons.
                "eq" | "neq" | "gt" | "lt" | "gteq" | "lteq" | "moreq" | "from" | "to" => {
                    assert!(c.is_err(), "{cond}");
                    compile_json(
                        json!({"filter_groups": [{"filters": [{"field": "status", "value": "1", "condition_type": cond}]}]}),
                    )
                }
                _ => c,
            };
            assert!(c.is_ok(), "{cond}: {c:?}");
        }
    }

    #[test]
    fn unknown_fields_conditions_and_directions_are_refused() {
        let e = compile_json(
            json!({"filter_groups": [{"filters": [{"field": "sku; DROP TABLE products", "value": "x"}]}]}),
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidSearchField);
        let e = compile_json(
            json!({"filter_groups": [{"filters": [{"field": "sku", "value": "x", "condition_type": "regexp"}]}]}),
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidConditionType);
        let e = compile_json(json!({"sort_orders": [{"field": "sku", "direction": "sideways"}]})).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidSortDirection);
        let e = compile_json(json!({"page_size": 5000})).unwrap_err();
        assert_eq!(e.code, ErrorCode::PageSizeTooLarge);
        let e =
            compile_json(json!({"filter_groups": [{"filters": [{"field": "price", "value": "cheap"}]}]})).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidFieldValue);
    }

    #[test]
    fn custom_attributes_use_exists_subqueries() {
        let c = compile_json(json!({"filter_groups": [{"filters": [{"field": "color", "value": "49"}]}]})).unwrap();
        assert!(c.condition.starts_with("(EXISTS (SELECT 1 FROM product_attribute_values v"), "{}", c.condition);
        assert!(
            c.condition.ends_with("substr(v.value, 1, 256) = substr($3, 1, 256) AND v.value = $3))"),
            "{}",
            c.condition
        );
        assert_eq!(c.params, vec![Value::Text("color".into()), Value::Text("49".into())]);
    }

    #[test]
    fn echo_keeps_what_was_sent() {
        let c = SearchCriteria::from_input(Some(&json!({
            "filter_groups": {"0": {"filters": {"0": {"field": "sku", "value": "A"}}}},
            "page_size": "20"
        })))
        .unwrap();
        assert_eq!(
            c.echo(),
            json!({"filter_groups": [{"filters": [{"field": "sku", "value": "A"}]}], "page_size": 20})
        );
        assert_eq!(SearchCriteria::from_input(None).unwrap().echo(), json!({"filter_groups": []}));
    }

    #[test]
    fn paging_defaults_to_the_maximum_and_clamps_the_page() {
        let c = compile_json(json!({"current_page": 0})).unwrap();
        assert_eq!((c.limit, c.offset), (1000, 0));
    }
}
