//! The roles the specs admit to operations (`x-veeam-vspc-admitted-roles`): sixteen from 3.6 on,
//! fifteen at 3.5.1. An operation admits a set of them; every other role is refused with 403
//! `security` (the errors page's 403). A read-only token counts as ReadOnlyUser.

use std::fmt;

/// One role of the specs.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
pub enum Role {
    PortalAdministrator,
    PortalOperator,
    ServiceProviderGlobalAdministrator,
    ServiceProviderAdministrator,
    ServiceProviderOperator,
    ServiceProviderUser,
    ServiceProviderInvoiceAuditor,
    SiteAdministrator,
    LocationAdministrator,
    LocationUser,
    CompanyOwner,
    CompanyAdministrator,
    CompanyTenant,
    CompanyInvoiceAuditor,
    Subtenant,
    ReadOnlyUser,
}

impl Role {
    pub const ALL: [Role; 16] = [
        Role::PortalAdministrator,
        Role::PortalOperator,
        Role::ServiceProviderGlobalAdministrator,
        Role::ServiceProviderAdministrator,
        Role::ServiceProviderOperator,
        Role::ServiceProviderUser,
        Role::ServiceProviderInvoiceAuditor,
        Role::SiteAdministrator,
        Role::LocationAdministrator,
        Role::LocationUser,
        Role::CompanyOwner,
        Role::CompanyAdministrator,
        Role::CompanyTenant,
        Role::CompanyInvoiceAuditor,
        Role::Subtenant,
        Role::ReadOnlyUser,
    ];

    /// As the specs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::PortalAdministrator => "PortalAdministrator",
            Role::PortalOperator => "PortalOperator",
            Role::ServiceProviderGlobalAdministrator => "ServiceProviderGlobalAdministrator",
            Role::ServiceProviderAdministrator => "ServiceProviderAdministrator",
            Role::ServiceProviderOperator => "ServiceProviderOperator",
            Role::ServiceProviderUser => "ServiceProviderUser",
            Role::ServiceProviderInvoiceAuditor => "ServiceProviderInvoiceAuditor",
            Role::SiteAdministrator => "SiteAdministrator",
            Role::LocationAdministrator => "LocationAdministrator",
            Role::LocationUser => "LocationUser",
            Role::CompanyOwner => "CompanyOwner",
            Role::CompanyAdministrator => "CompanyAdministrator",
            Role::CompanyTenant => "CompanyTenant",
            Role::CompanyInvoiceAuditor => "CompanyInvoiceAuditor",
            Role::Subtenant => "Subtenant",
            Role::ReadOnlyUser => "ReadOnlyUser",
        }
    }

    /// A role by its name, in any letter case (`companyTenant`, as a user's `role` reads).
    pub fn parse(text: &str) -> Option<Role> {
        // The specs write each role exactly (7,800 of them at 3.6.1): that is tried first.
        let exact = Self::ALL.into_iter().find(|r| r.as_str() == text);
        exact.or_else(|| {
            Self::ALL
                .into_iter()
                .find(|r| r.as_str().eq_ignore_ascii_case(text.trim()))
        })
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Roles(u16);

impl Roles {
    pub const ALL: Roles = Roles(u16::MAX);

    pub fn with(self, role: Role) -> Roles {
        Roles(self.0 | role.bit())
    }

    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn union(self, other: Roles) -> Roles {
        Roles(self.0 | other.0)
    }

    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }
}

impl FromIterator<Role> for Roles {
    fn from_iter<I: IntoIterator<Item = Role>>(roles: I) -> Roles {
        roles.into_iter().fold(Roles::default(), Roles::with)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_in_any_case_and_sets_hold_them() {
        assert_eq!(Role::parse("companyTenant"), Some(Role::CompanyTenant));
        assert_eq!(Role::parse("Admin"), None);
        let set: Roles = [Role::ReadOnlyUser, Role::Subtenant].into_iter().collect();
        assert_eq!(set.len(), 2);
        assert!(set.contains(Role::ReadOnlyUser) && !set.contains(Role::CompanyOwner));
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            vec![Role::Subtenant, Role::ReadOnlyUser]
        );
    }
}
