//! What a token or a member may do: a level (`read` or `write`, write implies read) per
//! resource, the resources being exactly the seed's list.
//!
//! Roles of store members grant:
//!
//! | resource      | owner | admin | developer | viewer |
//! |---------------|-------|-------|-----------|--------|
//! | stores        | write | write | read      | read   |
//! | design        | write | write | write     | read   |
//! | settings      | write | write | write     | read   |
//! | email         | write | write | write     | read   |
//! | domains       | write | write | write     | read   |
//! | members       | write | read  | read      | read   |
//! | webhooks      | write | write | write     | read   |
//! | integrations  | write | write | write     | read   |
//! | extensions    | write | write | write     | read   |
//! | backups       | write | write | read      | read   |
//! | deployments   | write | write | write     | read   |
//! | orders        | write | write | read      | read   |
//! | products      | write | write | write     | read   |
//! | customers     | write | write | read      | read   |
//! | inventory     | write | write | write     | read   |
//!
//! Admins get `members:read` only: membership decides who holds every other grant, so only
//! owners change it (an admin who could add members could make anyone an owner, itself
//! included). A token's effective grants in a store are its scopes intersected with its
//! account's current role there (`pats::authenticate`).

use std::collections::BTreeMap;
use std::fmt;

macro_rules! resources {
    ($($variant:ident $name:literal,)*) => {
        /// A resource of the platform API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Resource { $($variant),* }

        impl Resource {
            pub const ALL: &'static [Resource] = &[$(Resource::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Resource::$variant => $name),* }
            }

            pub fn parse(s: &str) -> Option<Resource> {
                match s { $($name => Some(Resource::$variant),)* _ => None }
            }
        }
    };
}

resources! {
    Stores "stores",
    Design "design",
    Settings "settings",
    Email "email",
    Domains "domains",
    Members "members",
    Webhooks "webhooks",
    Integrations "integrations",
    Extensions "extensions",
    Backups "backups",
    Deployments "deployments",
    Orders "orders",
    Products "products",
    Customers "customers",
    Inventory "inventory",
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// `Write` implies `Read` (the order says so: `Read < Write`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Read,
    Write,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Read => "read",
            Level::Write => "write",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "read" => Some(Level::Read),
            "write" => Some(Level::Write),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One `resource:level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    pub resource: Resource,
    pub level: Level,
}

impl Scope {
    /// Parses `orders:read` or `design:write`.
    pub fn parse(text: &str) -> Option<Scope> {
        let (resource, level) = text.trim().split_once(':')?;
        Some(Scope { resource: Resource::parse(resource)?, level: Level::parse(level)? })
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.resource, self.level)
    }
}

/// A set of grants: at most one level per resource (the highest given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants(BTreeMap<Resource, Level>);

impl Grants {
    pub fn new() -> Grants {
        Grants::default()
    }

    /// Every resource at `level`.
    pub fn all(level: Level) -> Grants {
        Grants(Resource::ALL.iter().map(|r| (*r, level)).collect())
    }

    /// Parses a list of `resource:level`; answers the first text that is not one.
    pub fn parse<'a>(texts: impl IntoIterator<Item = &'a str>) -> Result<Grants, String> {
        let mut grants = Grants::new();
        for t in texts {
            let scope = Scope::parse(t).ok_or_else(|| t.to_owned())?;
            grants.grant(scope.resource, scope.level);
        }
        Ok(grants)
    }

    /// Adds a grant; a lower level never replaces a higher one.
    pub fn grant(&mut self, resource: Resource, level: Level) {
        let entry = self.0.entry(resource).or_insert(level);
        *entry = (*entry).max(level);
    }

    pub fn with(mut self, resource: Resource, level: Level) -> Grants {
        self.grant(resource, level);
        self
    }

    pub fn level(&self, resource: Resource) -> Option<Level> {
        self.0.get(&resource).copied()
    }

    /// Whether `resource` may be used at `level` (write implies read).
    pub fn allows(&self, resource: Resource, level: Level) -> bool {
        self.level(resource).is_some_and(|held| held >= level)
    }

    /// Whether every grant of `other` is allowed here.
    pub fn covers(&self, other: &Grants) -> bool {
        other.0.iter().all(|(r, l)| self.allows(*r, *l))
    }

    /// The grants of `other` not allowed here.
    pub fn missing(&self, other: &Grants) -> Vec<Scope> {
        other.0.iter().filter(|(r, l)| !self.allows(**r, **l)).map(|(r, l)| Scope { resource: *r, level: *l }).collect()
    }

    /// What both allow: per resource the lower level, resources of only one dropped.
    pub fn intersect(&self, other: &Grants) -> Grants {
        Grants(self.0.iter().filter_map(|(r, l)| other.level(*r).map(|o| (*r, (*l).min(o)))).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn scopes(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().map(|(r, l)| Scope { resource: *r, level: *l })
    }
}

impl fmt::Display for Grants {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let texts: Vec<String> = self.scopes().map(|s| s.to_string()).collect();
        f.write_str(&texts.join(" "))
    }
}

/// A member's role in a store (see the module's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Owner,
    Admin,
    Developer,
    Viewer,
}

impl Role {
    pub const ALL: &'static [Role] = &[Role::Owner, Role::Admin, Role::Developer, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Developer => "developer",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "developer" => Some(Role::Developer),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    /// What the role allows in its store.
    pub fn grants(self) -> Grants {
        use Resource::*;
        match self {
            Role::Owner => Grants::all(Level::Write),
            Role::Admin => {
                let mut g = Grants::all(Level::Write);
                g.0.insert(Members, Level::Read);
                g
            }
            Role::Developer => {
                let mut g = Grants::all(Level::Read);
                for r in [
                    Design,
                    Settings,
                    Email,
                    Domains,
                    Webhooks,
                    Integrations,
                    Extensions,
                    Deployments,
                    Products,
                    Inventory,
                ] {
                    g.grant(r, Level::Write);
                }
                g
            }
            Role::Viewer => Grants::all(Level::Read),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_are_the_seeds_list() {
        let names: Vec<&str> = Resource::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            names.join(", "),
            "stores, design, settings, email, domains, members, webhooks, integrations, extensions, backups, \
             deployments, orders, products, customers, inventory"
        );
        for r in Resource::ALL {
            assert_eq!(Resource::parse(r.as_str()), Some(*r));
        }
        assert_eq!(Resource::parse("Orders"), None);
    }

    #[test]
    fn scopes_parse_and_write_implies_read() {
        assert_eq!(Scope::parse("orders:read"), Some(Scope { resource: Resource::Orders, level: Level::Read }));
        assert_eq!(Scope::parse("orders"), None);
        assert_eq!(Scope::parse("orders:admin"), None);
        assert_eq!(Scope::parse("order:read"), None);
        let g = Grants::parse(["design:write", "orders:read", "design:read"]).unwrap();
        assert!(g.allows(Resource::Design, Level::Read) && g.allows(Resource::Design, Level::Write));
        assert!(g.allows(Resource::Orders, Level::Read) && !g.allows(Resource::Orders, Level::Write));
        assert!(!g.allows(Resource::Products, Level::Read));
        assert_eq!(Grants::parse(["design:write", "nope:read"]), Err("nope:read".to_owned()));
        assert_eq!(g.to_string(), "design:write orders:read");
    }

    #[test]
    fn covers_and_intersect() {
        let big = Grants::parse(["design:write", "orders:read"]).unwrap();
        assert!(big.covers(&Grants::parse(["design:read"]).unwrap()));
        assert!(big.covers(&Grants::new()));
        assert!(!big.covers(&Grants::parse(["orders:write"]).unwrap()));
        assert!(!big.covers(&Grants::parse(["products:read"]).unwrap()));
        let other = Grants::parse(["design:read", "orders:write", "products:write"]).unwrap();
        assert_eq!(big.intersect(&other), Grants::parse(["design:read", "orders:read"]).unwrap());
        assert_eq!(big.missing(&other).len(), 2);
    }

    #[test]
    fn roles_follow_the_documented_table() {
        use Resource::*;
        assert_eq!(Role::Owner.grants(), Grants::all(Level::Write));
        let admin = Role::Admin.grants();
        assert_eq!(admin.level(Members), Some(Level::Read));
        assert!(Resource::ALL.iter().filter(|r| **r != Members).all(|r| admin.allows(*r, Level::Write)));
        let dev = Role::Developer.grants();
        let writes: Vec<Resource> = Resource::ALL.iter().copied().filter(|r| dev.allows(*r, Level::Write)).collect();
        assert_eq!(
            writes,
            [Design, Settings, Email, Domains, Webhooks, Integrations, Extensions, Deployments, Products, Inventory]
        );
        assert!(Resource::ALL.iter().all(|r| dev.allows(*r, Level::Read)));
        assert_eq!(Role::Viewer.grants(), Grants::all(Level::Read));
        // Each role covers the next.
        for pair in Role::ALL.windows(2) {
            assert!(pair[0].grants().covers(&pair[1].grants()), "{:?} ⊇ {:?}", pair[0], pair[1]);
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
    }
}
